import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { AccessToken, TokenCredential } from "@azure/core-auth";
import { liveAzureLookup } from "../../lookup/azure/live";
import { onboardAzure } from "../../stack/azure/onboarding";
import { readCloudState } from "../../stack/cloudState";
import { renderCloudState } from "../../lookup/stateExport";
import { cloudSource, fileSource } from "../../lookup/source";
import { readCloudStateFile } from "../../lookup/stateFile";
import { StackConfig } from "../../config";
import { stackConfig } from "../../cli/cloudState";
import { CloudApiServer, selfSignedCert, SelfSignedCert, startCloudApiServer } from "../fixtures/cloudApiServer";
import { ARM_TOKEN, armFromState } from "../fixtures/armFromState";
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

/** The example's own cloud-state section: what the loopback ARM serves. */
const exampleAzure = (stack: string) =>
    readCloudStateFile(`examples/stacks/${stack}.cloud.yaml`).sections.azure as Record<string, unknown>;

describe("npm run cloud-state on Azure (ARM on loopback, answering as the examples' subscriptions): export, then plan from the file", function () {
    this.timeout(60_000);
    let tls: SelfSignedCert;
    let dir: string;
    const servers: CloudApiServer[] = [];
    before(() => {
        tls = selfSignedCert();
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "cloud-state-azure-"));
    });
    after(async () => {
        await Promise.all(servers.map((s) => s.close()));
        fs.rmSync(dir, { recursive: true, force: true });
    });

    async function roundTrip(cfg: StackConfig, served: Record<string, unknown>) {
        const arm = await startCloudApiServer(armFromState(served), { tls });
        servers.push(arm);
        const live = () =>
            liveAzureLookup(cfg.azure!.subscriptionId, credential, {
                endpoint: arm.url,
                tlsOptions: { ca: tls.cert },
                retryOptions: { maxRetries: 0 },
            });
        const fromCloud = await planOf(() => onboardAzure(cfg.azure!, cloudSource(), live()));
        const file = path.join(dir, `${cfg.stack}.cloud.yaml`);
        const text = renderCloudState(await readCloudState(cfg, { cloud: "azure", lookup: live() }));
        fs.writeFileSync(file, text);
        const fromFile = await planOf(() => onboardAzure(cfg.azure!, fileSource(file)));
        assert.ok(fromCloud.resources.length > 0);
        assert.equal(JSON.stringify(fromFile.resources, null, 1), JSON.stringify(fromCloud.resources, null, 1));
        assert.equal(
            JSON.stringify(fromFile.notes, null, 1).split(file).join("the cloud"),
            JSON.stringify(fromCloud.notes, null, 1),
        );
        return { text, fromCloud };
    }

    it("a fresh subscription (no cluster, Defender never on): everything is created, from the file as from the cloud", async () => {
        const { cfg } = stackConfig("azure-dev");
        const { text, fromCloud } = await roundTrip(cfg, { subscriptionId: cfg.azure!.subscriptionId });
        assert.ok(fromCloud.resources.every((r) => r.op === "create"));
        assert.equal(
            text,
            [
                "description: What Azure subscription 3f2a9c1e-7b4d-4e8a-9c62-1d5e8f0a7b34 answered the lookups of stack azure-dev, read by npm run cloud-state (docs/cloud-state.md).",
                "azure:",
                "  subscriptionId: 3f2a9c1e-7b4d-4e8a-9c62-1d5e8f0a7b34",
                "  aksClusters: []",
                "  arcClusters: []",
                "  policyAssignments: []",
                "  pricings:",
                "    - name: Containers",
                "      extensions: {}",
                "      pricingTier: Free",
                "  roleAssignments: []",
                "  securityOperators: []",
                "",
            ].join("\n"),
        );
    });

    it("azure-dev's subscription (clusters, Defender off): the same plan from the file", async () => {
        const { cfg } = stackConfig("azure-dev");
        await roundTrip(cfg, exampleAzure("azure-dev"));
    });

    it("a brownfield subscription (Defender's operator, role, binding, Arc extension, plan, policy assignment): the same adoptions from the file", async () => {
        const { cfg } = stackConfig("azure-brownfield");
        const { text, fromCloud } = await roundTrip(cfg, exampleAzure("azure-brownfield"));
        assert.deepEqual(
            fromCloud.resources
                .filter((r) => r.op === "import")
                .map((r) => r.type)
                .sort(),
            [
                "azure-native:authorization:RoleAssignment",
                "azure-native:containerservice:TrustedAccessRoleBinding",
                "azure-native:kubernetesconfiguration:Extension",
                "azure-native:security:Pricing",
                "azure-native:security:SecurityOperator",
            ],
        );
        // Only what a lookup asked for: the excluded sandbox cluster is listed, its bindings are not read.
        assert.match(
            text,
            /^ {4}- id: \/subscriptions\/6d0f3b2a-8c4e-4f1a-9b7d-3e2c1a0f9e8d\/resourceGroups\/rg-sandbox-ml\/providers\/Microsoft\.ContainerService\/managedClusters\/aks-ml-lab\n {6}location: westeurope\n {6}tags: \{\}\n {2}arcClusters:\n/m,
        );
    });
});
