import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { OAuth2Client } from "google-auth-library";
import type { AccessToken, TokenCredential } from "@azure/core-auth";
import { liveGcpLookup } from "../../lookup/gcp/live";
import { onboardGcp } from "../../stack/gcp/onboarding";
import { readCloudState } from "../../stack/cloudState";
import { renderCloudState } from "../../lookup/stateExport";
import { cloudSource, fileSource } from "../../lookup/source";
import { readCloudStateFile } from "../../lookup/stateFile";
import { StackConfig } from "../../config";
import { stackConfig } from "../../cli/cloudState";
import { CloudApiServer, selfSignedCert, SelfSignedCert, startCloudApiServer } from "../fixtures/cloudApiServer";
import { ARM_TOKEN, connectorsFromState } from "../fixtures/armFromState";
import { GOOGLE_TOKEN, googleFromState } from "../fixtures/googleFromState";
import { registered, takeNotes } from "../helpers/pulumi";
import { PlanResource } from "../../plan/mockRuntime";
import { PlanNote } from "../../stack/notes";

const credential: TokenCredential = {
    async getToken(): Promise<AccessToken> {
        return { token: ARM_TOKEN, expiresOnTimestamp: Date.now() + 3_600_000 };
    },
};

async function planOf(run: () => Promise<unknown>): Promise<{ resources: PlanResource[]; notes: PlanNote[] }> {
    await takeNotes();
    const resources = await registered(run);
    return { resources, notes: await takeNotes() };
}

const example = (stack: string) => readCloudStateFile(`examples/stacks/${stack}.cloud.yaml`).sections;

describe("npm run cloud-state on GCP (Google's APIs and ARM's connectors on loopback, answering as the examples' projects): export, then plan from the file", function () {
    this.timeout(60_000);
    let tls: SelfSignedCert;
    let dir: string;
    const servers: CloudApiServer[] = [];
    before(() => {
        tls = selfSignedCert();
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "cloud-state-gcp-"));
    });
    after(async () => {
        await Promise.all(servers.map((s) => s.close()));
        fs.rmSync(dir, { recursive: true, force: true });
    });

    async function roundTrip(cfg: StackConfig, served: Record<string, unknown>) {
        const [google, arm] = await Promise.all([
            startCloudApiServer(googleFromState(served.gcp as Record<string, unknown>)),
            startCloudApiServer(connectorsFromState((served.securityConnectors ?? []) as Record<string, unknown>[]), {
                tls,
            }),
        ]);
        servers.push(google, arm);
        const live = () => {
            const authClient = new OAuth2Client();
            authClient.setCredentials({ access_token: GOOGLE_TOKEN, expiry_date: Date.now() + 3_600_000 });
            return liveGcpLookup({
                authClient,
                iamEndpoint: google.url,
                resourceManagerEndpoint: google.url,
                container: { fallback: "rest", apiEndpoint: "127.0.0.1", port: google.port, protocol: "http" },
                azure: {
                    credential,
                    endpoint: arm.url,
                    pipeline: { tlsOptions: { ca: tls.cert }, retryOptions: { maxRetries: 0 } },
                },
            });
        };
        const ctx = { azureTenantId: cfg.azureTenantId };
        const fromCloud = await planOf(() => onboardGcp(cfg.gcp!, ctx, cloudSource(), live()));
        const file = path.join(dir, `${cfg.stack}.cloud.yaml`);
        const text = renderCloudState(await readCloudState(cfg, { cloud: "gcp", lookup: live() }));
        fs.writeFileSync(file, text);
        const fromFile = await planOf(() => onboardGcp(cfg.gcp!, ctx, fileSource(file)));
        assert.ok(fromCloud.resources.length > 0);
        assert.equal(JSON.stringify(fromFile.resources, null, 1), JSON.stringify(fromCloud.resources, null, 1));
        assert.equal(
            JSON.stringify(fromFile.notes, null, 1).split(file).join("the cloud"),
            JSON.stringify(fromCloud.notes, null, 1),
        );
        return { text, fromCloud };
    }

    it("a fresh project (no cluster, nothing of Microsoft's, no connector): everything is created, from the file as from the cloud", async () => {
        const { cfg } = stackConfig("gcp-dev");
        const { text, fromCloud } = await roundTrip(cfg, { gcp: { projects: { "contoso-payments-prod": {} } } });
        assert.ok(fromCloud.resources.every((r) => r.op === "create"));
        assert.equal(
            text,
            [
                "description: What GCP project contoso-payments-prod answered the lookups of stack gcp-dev, read by npm run cloud-state (docs/cloud-state.md).",
                "gcp:",
                "  projects:",
                "    contoso-payments-prod:",
                "      clusters: []",
                "      customRoles: []",
                "      grants: []",
                "      serviceAccounts: []",
                "      workloadIdentityPools: []",
                "securityConnectors: []",
                "",
            ].join("\n"),
        );
    });

    it("gcp-dev's project (clusters, nothing of Microsoft's): the same plan from the file", async () => {
        const { cfg } = stackConfig("gcp-dev");
        await roundTrip(cfg, example("gcp-dev"));
    });

    it("a brownfield project (Microsoft's script ran, the portal's connector): the same adoptions from the file", async () => {
        const { cfg } = stackConfig("gcp-brownfield");
        const { text, fromCloud } = await roundTrip(cfg, example("gcp-brownfield"));
        assert.deepEqual(
            fromCloud.resources
                .filter((r) => r.op === "import")
                .map((r) => r.type)
                .sort(),
            [
                "azure-native:security:SecurityConnector",
                "gcp:iam/workloadIdentityPool:WorkloadIdentityPool",
                "gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider",
                "gcp:projects/iAMCustomRole:IAMCustomRole",
                "gcp:projects/iAMMember:IAMMember",
                "gcp:serviceaccount/account:Account",
                "gcp:serviceaccount/iAMMember:IAMMember",
            ],
        );
        // Grants of anyone else are kept too: the file says what the project's policy holds.
        assert.match(text, /^ {8}- role: roles\/owner\n {10}member: group:platform-admins@contoso\.example\n/m);
    });
});
