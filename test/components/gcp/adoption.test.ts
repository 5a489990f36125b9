import { strict as assert } from "assert";
import { adoptPoolProvider } from "../../../components/gcp/adoption";
import { DEFENDER_AUDIENCE, MICROSOFT_ISSUER } from "../../../domain/shared/microsoft";
import { WorkloadIdentityFederation } from "../../../components/gcp/workloadIdentityFederation";
import { ExistingPoolProvider } from "../../../lookup/gcp/port";
import { one, registered } from "../../helpers/pulumi";

const PROJECT = "prod-project";
const POOL = "ms-defender-pool";
const PROVIDER = "ms-defender-provider";
const KEY = "gcp.workloadIdentityProviderId";
const IMPORT_ID = `projects/${PROJECT}/locations/global/workloadIdentityPools/${POOL}/providers/${PROVIDER}`;

/** A provider someone else created (no marker in its description) that trusts what Defender presents. */
function existing(over: Partial<ExistingPoolProvider> = {}): ExistingPoolProvider {
    return {
        displayName: "Defender",
        description: "created by hand",
        disabled: false,
        state: "ACTIVE",
        attributeMapping: { "google.subject": "assertion.sub" },
        attributeCondition: "",
        issuerUri: MICROSOFT_ISSUER,
        allowedAudiences: [DEFENDER_AUDIENCE],
        ...over,
    };
}

function refusal(p: ExistingPoolProvider): string {
    try {
        adoptPoolProvider(PROJECT, POOL, PROVIDER, p, KEY);
    } catch (e) {
        assert.equal((e as Error).name, "ConfigError");
        return (e as Error).message;
    }
    assert.fail("the provider was adopted");
}

describe("GCP adoption of an existing workload identity provider", () => {
    it("refuses a provider that also trusts a second audience", () => {
        const audiences = [DEFENDER_AUDIENCE, "api://another-application"];
        assert.equal(
            refusal(existing({ allowedAudiences: audiences })),
            `config key "${KEY}" has value "${PROVIDER}"; expected a provider trusting issuer ${MICROSOFT_ISSUER} for audience ${DEFENDER_AUDIENCE} only; ` +
                `the existing ${IMPORT_ID} trusts issuer ${MICROSOFT_ISSUER} for ${JSON.stringify(audiences)}: correct it or choose another provider id`,
        );
    });

    it("refuses a provider of another issuer or another single audience", () => {
        assert.match(
            refusal(existing({ issuerUri: "https://token.actions.githubusercontent.com" })),
            /trusts issuer https:\/\/token\.actions/,
        );
        assert.match(
            refusal(existing({ allowedAudiences: ["api://another-application"] })),
            /for \["api:\/\/another-application"\]/,
        );
    });

    it("keeps the attribute condition of the provider it adopts, so importing it does not widen who may sign in", () => {
        const condition = "assertion.sub == '11111111-2222-3333-4444-555555555555'";
        const adopted = adoptPoolProvider(PROJECT, POOL, PROVIDER, existing({ attributeCondition: condition }), KEY);
        assert.deepEqual(adopted, {
            importId: IMPORT_ID,
            inputs: {
                displayName: "Defender",
                description: "created by hand",
                disabled: false,
                attributeMapping: { "google.subject": "assertion.sub" },
                attributeCondition: condition,
                allowedAudiences: [DEFENDER_AUDIENCE],
            },
        });
    });

    it("declares the adopted provider with its attribute condition", async () => {
        const condition = "assertion.sub == '11111111-2222-3333-4444-555555555555'";
        const adopted = adoptPoolProvider(PROJECT, POOL, PROVIDER, existing({ attributeCondition: condition }), KEY);
        const rs = await registered(
            () => {
                new WorkloadIdentityFederation("f1", {
                    projectId: PROJECT,
                    projectNumber: "482915736204",
                    poolId: POOL,
                    providerId: PROVIDER,
                    serviceAccountName: `projects/${PROJECT}/serviceAccounts/sa@${PROJECT}.iam.gserviceaccount.com`,
                    adopt: { provider: adopted },
                });
            },
            { gcpProject: PROJECT },
        );
        const provider = one(rs, "gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider");
        assert.equal(provider.inputs.attributeCondition, condition);
        assert.deepEqual(provider.inputs.oidc, { issuerUri: MICROSOFT_ISSUER, allowedAudiences: [DEFENDER_AUDIENCE] });
    });
});
