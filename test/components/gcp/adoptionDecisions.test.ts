import { strict as assert } from "assert";
import {
    adoptCustomRole,
    adoptOptions,
    adoptPool,
    adoptPoolProvider,
    adoptServiceAccount,
    customRoleImportId,
    grantImportId,
    hasGrant,
    poolImportId,
    poolProviderImportId,
    serviceAccountImportId,
} from "../../../components/gcp/adoption";
import { markedDescription } from "../../../domain/gcp/facts";
import { DEFENDER_AUDIENCE, MICROSOFT_ISSUER } from "../../../domain/shared/microsoft";
import { ExistingCustomRole, ExistingPool, ExistingPoolProvider } from "../../../lookup/gcp/port";

const PROJECT = "prod-project";
const POOL = "ms-defender-pool";
const PROVIDER = "ms-defender-provider";
const EMAIL = `mdc-containers-k8s-operator@${PROJECT}.iam.gserviceaccount.com`;

/** Runs `f`, which must throw a ConfigError, and returns its message. */
function configError(f: () => unknown): string {
    try {
        f();
    } catch (e) {
        assert.equal((e as Error).name, "ConfigError");
        return (e as Error).message;
    }
    assert.fail("nothing was refused");
}

describe("GCP adoption: import ids in the provider's formats", () => {
    it("spells each object's import id", () => {
        assert.equal(serviceAccountImportId(PROJECT, EMAIL), `projects/${PROJECT}/serviceAccounts/${EMAIL}`);
        assert.equal(
            customRoleImportId({ kind: "project", id: PROJECT }, "MDCRole"),
            `projects/${PROJECT}/roles/MDCRole`,
        );
        assert.equal(
            customRoleImportId({ kind: "organization", id: "123456789012" }, "MDCRole"),
            "organizations/123456789012/roles/MDCRole",
        );
        assert.equal(
            grantImportId(PROJECT, { role: "roles/container.viewer", member: `serviceAccount:${EMAIL}` }),
            `${PROJECT} roles/container.viewer serviceAccount:${EMAIL}`,
        );
        assert.equal(poolImportId(PROJECT, POOL), `projects/${PROJECT}/locations/global/workloadIdentityPools/${POOL}`);
        assert.equal(
            poolProviderImportId(PROJECT, POOL, PROVIDER),
            `projects/${PROJECT}/locations/global/workloadIdentityPools/${POOL}/providers/${PROVIDER}`,
        );
    });

    it("imports an existing object and never deletes it; keeps a new one only when asked", () => {
        assert.deepEqual(adoptOptions("projects/p/serviceAccounts/x"), {
            import: "projects/p/serviceAccounts/x",
            retainOnDelete: true,
        });
        assert.deepEqual(adoptOptions("projects/p/serviceAccounts/x", false), {
            import: "projects/p/serviceAccounts/x",
            retainOnDelete: true,
        });
        assert.deepEqual(adoptOptions(undefined, true), { retainOnDelete: true });
        assert.deepEqual(adoptOptions(undefined), {});
        assert.deepEqual(adoptOptions("", false), {});
    });
});

describe("GCP adoption: the service account", () => {
    const account = { email: EMAIL, displayName: "MDC", description: "made by Microsoft's script", disabled: true };

    it("imports someone else's account with its own display name, description and disabled state", () => {
        assert.deepEqual(adoptServiceAccount(PROJECT, account), {
            importId: `projects/${PROJECT}/serviceAccounts/${EMAIL}`,
            inputs: { displayName: "MDC", description: "made by Microsoft's script", disabled: true },
        });
    });

    it("adopts nothing that does not exist, or that an earlier run of this stack made", () => {
        assert.equal(adoptServiceAccount(PROJECT, undefined), undefined);
        assert.equal(adoptServiceAccount(PROJECT, { ...account, description: markedDescription("MDC") }), undefined);
    });
});

describe("GCP adoption: the custom role", () => {
    const parent = { kind: "project", id: PROJECT } as const;
    const role = (over: Partial<ExistingCustomRole> = {}): ExistingCustomRole => ({
        title: "MDC role",
        description: "by hand",
        permissions: ["container.pods.list", "container.clusters.get"],
        stage: "GA",
        deleted: false,
        ...over,
    });

    it("imports a live role with its own fields, its permissions sorted", () => {
        assert.deepEqual(adoptCustomRole(parent, "MDCRole", role()), {
            adopted: {
                importId: `projects/${PROJECT}/roles/MDCRole`,
                inputs: {
                    title: "MDC role",
                    description: "by hand",
                    permissions: ["container.clusters.get", "container.pods.list"],
                    stage: "GA",
                },
            },
        });
    });

    it("creates a soft-deleted role (creation undeletes it), saying so, whoever made it", () => {
        const undeletes =
            `custom role projects/${PROJECT}/roles/MDCRole is soft-deleted: creating it undeletes it and sets the declared permissions ` +
            "(GCP keeps a deleted role undeletable for 7 days; after that its id stays reserved for up to 30 more days and creation fails until then: choose another role id)";
        assert.deepEqual(adoptCustomRole(parent, "MDCRole", role({ deleted: true })), { undeletes });
        assert.deepEqual(
            adoptCustomRole(parent, "MDCRole", role({ deleted: true, description: markedDescription("x") })),
            { undeletes },
        );
    });

    it("decides nothing for a missing role or the stack's own live one", () => {
        assert.deepEqual(adoptCustomRole(parent, "MDCRole", undefined), {});
        assert.deepEqual(adoptCustomRole(parent, "MDCRole", role({ description: markedDescription("x") })), {});
    });
});

describe("GCP adoption: grants", () => {
    it("finds a grant only when both the role and the member match", () => {
        const grants = [
            { role: "roles/a", member: "serviceAccount:x" },
            { role: "roles/b", member: "serviceAccount:y" },
        ];
        assert.equal(hasGrant(grants, "roles/a", "serviceAccount:x"), true);
        assert.equal(hasGrant(grants, "roles/a", "serviceAccount:y"), false);
        assert.equal(hasGrant(grants, "roles/c", "serviceAccount:x"), false);
        assert.equal(hasGrant([], "roles/a", "serviceAccount:x"), false);
    });
});

describe("GCP adoption: the pool and its provider", () => {
    const pool = (over: Partial<ExistingPool> = {}): ExistingPool => ({
        displayName: "Defender",
        description: "by hand",
        disabled: false,
        state: "ACTIVE",
        ...over,
    });
    const provider = (over: Partial<ExistingPoolProvider> = {}): ExistingPoolProvider => ({
        ...pool(),
        attributeMapping: { "google.subject": "assertion.sub" },
        attributeCondition: "",
        issuerUri: MICROSOFT_ISSUER,
        allowedAudiences: [DEFENDER_AUDIENCE],
        ...over,
    });

    it("imports someone else's pool with its own fields", () => {
        assert.deepEqual(adoptPool(PROJECT, POOL, pool({ disabled: true }), "gcp.workloadIdentity.poolId"), {
            importId: `projects/${PROJECT}/locations/global/workloadIdentityPools/${POOL}`,
            inputs: { displayName: "Defender", description: "by hand", disabled: true },
        });
    });

    it("adopts no missing pool or provider, nor the stack's own", () => {
        const ours = markedDescription("x");
        assert.equal(adoptPool(PROJECT, POOL, undefined, "k"), undefined);
        assert.equal(adoptPool(PROJECT, POOL, pool({ description: ours }), "k"), undefined);
        assert.equal(adoptPoolProvider(PROJECT, POOL, PROVIDER, undefined, "k"), undefined);
        assert.equal(adoptPoolProvider(PROJECT, POOL, PROVIDER, provider({ description: ours }), "k"), undefined);
    });

    it("imports a provider without an attribute condition with none, and copies its mapping", () => {
        const mapping = { "google.subject": "assertion.sub", "attribute.tid": "assertion.tid" };
        const existing = provider({ attributeMapping: mapping });
        const adopted = adoptPoolProvider(PROJECT, POOL, PROVIDER, existing, "k")!;
        assert.deepEqual(adopted.inputs, {
            displayName: "Defender",
            description: "by hand",
            disabled: false,
            attributeMapping: mapping,
            allowedAudiences: [DEFENDER_AUDIENCE],
        });
        assert.ok(!("attributeCondition" in adopted.inputs));
        assert.notEqual(adopted.inputs.attributeMapping, mapping, "a copy, not the lookup's object");
    });

    it("stops on a soft-deleted pool or provider, even the stack's own, naming the key and both ways out", () => {
        for (const description of ["by hand", markedDescription("x")]) {
            assert.equal(
                configError(() =>
                    adoptPool(PROJECT, POOL, pool({ state: "DELETED", description }), "gcp.workloadIdentity.poolId"),
                ),
                `config key "gcp.workloadIdentity.poolId" has value "${POOL}"; expected an id that is not soft-deleted: workload identity pool ` +
                    `projects/${PROJECT}/locations/global/workloadIdentityPools/${POOL} is DELETED and GCP keeps its id for about 30 days; ` +
                    `undelete it (gcloud iam workload-identity-pools undelete ${POOL} --location=global --project=${PROJECT}) or choose another pool id`,
            );
            assert.equal(
                configError(() =>
                    adoptPoolProvider(
                        PROJECT,
                        POOL,
                        PROVIDER,
                        provider({ state: "DELETED", description }),
                        "gcp.workloadIdentity.providerId",
                    ),
                ),
                `config key "gcp.workloadIdentity.providerId" has value "${PROVIDER}"; expected an id that is not soft-deleted: provider ` +
                    `projects/${PROJECT}/locations/global/workloadIdentityPools/${POOL}/providers/${PROVIDER} is DELETED and GCP keeps its id for about 30 days; ` +
                    `undelete it (gcloud iam workload-identity-pools providers undelete ${PROVIDER} --workload-identity-pool=${POOL} --location=global --project=${PROJECT}) or choose another provider id`,
            );
        }
    });

    it("stops on a provider with no audience at all", () => {
        assert.match(
            configError(() => adoptPoolProvider(PROJECT, POOL, PROVIDER, provider({ allowedAudiences: [] }), "k")),
            / for \[\]: correct it or choose another provider id$/,
        );
    });
});
