import { strict as assert } from "assert";
import { runCli, planJson } from "../../helpers/cli";
import { PlanDocument } from "../../../plan/document";

const PROJECT = "contoso-payments-prod";
const NUMBER = "482915736204";
const POOL = "7c1e4b2a93d54f68a0b72e5d9c8f1a36";
const EMAIL = `mdc-containers-k8s-operator@${PROJECT}.iam.gserviceaccount.com`;

describe("plan --stack gcp-dev (child process)", function () {
    this.timeout(60_000);
    let doc: PlanDocument;
    before(async () => {
        const r = await planJson("gcp-dev");
        assert.equal(r.code, 0, r.stderr);
        doc = JSON.parse(r.stdout) as PlanDocument;
    });
    const only = (type: string) => {
        const found = doc.resources.filter((r) => r.type === type);
        assert.equal(found.length, 1, `${type}: ${found.map((r) => r.name).join(", ")}`);
        return found[0];
    };

    it("pins a GCP provider to the project and an Azure provider (to the customer's tenant) for the connector", () => {
        assert.deepEqual(only("pulumi:providers:gcp").inputs, { project: PROJECT });
        const azure = only("pulumi:providers:azure-native");
        assert.equal(azure.inputs.subscriptionId, "3f2a9c1e-7b4d-4e8a-9c62-1d5e8f0a7b34");
        // The tenant id is an identifier, not a credential (docs/sources.md): printed as given, like the pool id derived from it.
        assert.equal(azure.inputs.tenantId, "7c1e4b2a-93d5-4f68-a0b7-2e5d9c8f1a36");
        assert.ok(!JSON.stringify(doc).includes("[secret]"), "nothing in this plan is secret");
    });

    it("declares the service account, the custom role and its two grants, in the project", () => {
        assert.equal(only("gcp:serviceaccount/account:Account").inputs.accountId, "mdc-containers-k8s-operator");
        assert.deepEqual(only("gcp:projects/iAMCustomRole:IAMCustomRole").inputs.permissions, [
            "container.clusters.update",
        ]);
        const grants = doc.resources
            .filter((r) => r.type === "gcp:projects/iAMMember:IAMMember")
            .map((r) => [r.inputs.role, r.inputs.member])
            .sort();
        assert.deepEqual(grants, [
            [`projects/${PROJECT}/roles/MDCGkeClusterWriteRole`, `serviceAccount:${EMAIL}`],
            ["roles/container.viewer", `serviceAccount:${EMAIL}`],
        ]);
    });

    it("federates Microsoft's issuer into the pool named after the tenant and lets the principal set act as the account", () => {
        assert.equal(only("gcp:iam/workloadIdentityPool:WorkloadIdentityPool").inputs.workloadIdentityPoolId, POOL);
        const provider = only("gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider");
        assert.equal(
            (provider.inputs.oidc as { issuerUri: string }).issuerUri,
            "https://sts.windows.net/33e01921-4d64-4f8c-a055-5bdaffd5e33d/",
        );
        const user = only("gcp:serviceaccount/iAMMember:IAMMember");
        assert.equal(
            user.inputs.member,
            `principalSet://iam.googleapis.com/projects/${NUMBER}/locations/global/workloadIdentityPools/${POOL}/*`,
        );
        assert.equal(user.inputs.serviceAccountId, `projects/${PROJECT}/serviceAccounts/${EMAIL}`);
    });

    it("turns on GKE Data Access audit logs and creates the connector on the project number", () => {
        assert.equal(only("gcp:projects/iAMAuditConfig:IAMAuditConfig").inputs.service, "container.googleapis.com");
        const c = only("azure-native:security:SecurityConnector");
        assert.equal(c.inputs.hierarchyIdentifier, NUMBER);
        assert.deepEqual((c.inputs.offerings as Record<string, unknown>[])[0].mdcContainersAgentlessDiscoveryK8S, {
            enabled: true,
            workloadIdentityProviderId: "containers",
            serviceAccountEmailAddress: EMAIL,
        });
    });

    it("reports the labelled cluster as excluded and the other as discovered through IAM", () => {
        assert.deepEqual(
            doc.notes.map((n) => [n.kind, n.subject]),
            [
                ["info", `project ${PROJECT}`],
                ["info", `projects/${PROJECT}/locations/europe-west1/clusters/gke-payments-euw1`],
                ["excluded", `projects/${PROJECT}/locations/europe-west1-b/clusters/gke-sandbox-01`],
            ],
        );
    });

    it("stops on a bad value with the message alone and creates nothing", async () => {
        const r = await runCli([
            "plan",
            "--stack",
            "gcp-dev",
            "--format",
            "json",
            "--config",
            "azureTenantId=contoso.onmicrosoft.com",
        ]);
        assert.equal(r.code, 2);
        assert.equal(r.stdout, "");
        assert.equal(
            r.stderr,
            `error: config key "azureTenantId" has value "contoso.onmicrosoft.com"; expected the customer's Azure (Entra) tenant id, a GUID such as 00000000-0000-0000-0000-000000000000\n`,
        );
    });
});
