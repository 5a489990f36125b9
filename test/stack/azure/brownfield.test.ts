import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { planJson, ROOT, runCli } from "../../helpers/cli";
import { PlanDocument } from "../../../plan/document";

const B = "6d0f3b2a-8c4e-4f1a-9b7d-3e2c1a0f9e8d";
const S = `/subscriptions/${B}`;
const ORDERS = `${S}/resourceGroups/rg-orders/providers/Microsoft.ContainerService/managedClusters/aks-orders-weu`;

describe("azure-brownfield stack (child process)", function () {
    this.timeout(120_000);
    let doc: PlanDocument;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "azure-brownfield-"));
    before(async () => {
        const r = await planJson("azure-brownfield");
        assert.equal(r.code, 0, r.stderr);
        doc = JSON.parse(r.stdout) as PlanDocument;
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("imports what Defender and policy made, by exact ARM id, and creates only the missing binding", () => {
        const imports = doc.resources
            .filter((r) => r.op === "import")
            .map((r) => [r.type, r.importId])
            .sort();
        assert.deepEqual(imports, [
            [
                "azure-native:authorization:RoleAssignment",
                `${S}/providers/Microsoft.Authorization/roleAssignments/0c8e4f2a-6b1d-4c3e-9a5f-7d2b8e1c4a6f`,
            ],
            [
                "azure-native:containerservice:TrustedAccessRoleBinding",
                `${ORDERS}/trustedAccessRoleBindings/defender-containers`,
            ],
            [
                "azure-native:kubernetesconfiguration:Extension",
                `${S}/resourceGroups/rg-edge/providers/Microsoft.Kubernetes/connectedClusters/arc-plant-porto/providers/Microsoft.KubernetesConfiguration/extensions/microsoft.azuredefender.kubernetes`,
            ],
            ["azure-native:security:Pricing", `${S}/providers/Microsoft.Security/pricings/Containers`],
            [
                "azure-native:security:SecurityOperator",
                `${S}/providers/Microsoft.Security/pricings/Containers/securityOperators/DefenderForContainersSecurityOperator`,
            ],
        ]);
        const created = doc.resources.filter(
            (r) => r.type === "azure-native:containerservice:TrustedAccessRoleBinding" && r.op === "create",
        );
        assert.deepEqual(
            created.map((r) => [r.inputs.resourceGroupName, r.inputs.resourceName, r.inputs.sourceResourceId]),
            [
                [
                    "rg-catalog",
                    "aks-catalog-neu",
                    `${S}/providers/Microsoft.Security/pricings/Containers/securityOperators/DefenderForContainersSecurityOperator`,
                ],
            ],
        );
        // Defender's own assignment of a8eff44f stands in for the stack's; the sandbox cluster is filtered out.
        assert.equal(
            doc.resources.some((r) => r.name.startsWith("addons-azurePolicyAddon")),
            false,
        );
        assert.ok(
            doc.notes.some(
                (n) =>
                    n.kind === "excluded" &&
                    n.subject.endsWith("/aks-ml-lab") &&
                    n.message === "left out: matches azure.exclude (resource group rg-sandbox-*)",
            ),
        );
        assert.equal(
            doc.resources.some((r) => r.name === "arc-rg-edge-arc-plant-porto-azure-policy"),
            false,
            "the override turns the Azure Policy extension off",
        );
    });

    it("passes the gate on the adopted objects", async () => {
        const r = await runCli(["gate", "--stack", "azure-brownfield"]);
        assert.equal(r.code, 0, r.stdout + r.stderr);
        assert.match(r.stdout, /^PASS: stack azure-brownfield, 0 violations/);
    });

    it("shows a cluster that appears in the cloud as a new binding in the plan (drift), and names a bad cloud-state file", async () => {
        const state = fs.readFileSync(path.join(ROOT, "examples", "stacks", "azure-brownfield.cloud.yaml"), "utf8");
        const added = path.join(dir, "added.cloud.yaml");
        fs.writeFileSync(
            added,
            state.replace(
                "  arcClusters:",
                `    - id: ${S}/resourceGroups/rg-search/providers/Microsoft.ContainerService/managedClusters/aks-search-weu\n      location: westeurope\n  arcClusters:`,
            ),
        );
        const r = await runCli(["plan", "--stack", "azure-brownfield", "--format", "json", "--cloud-state", added]);
        assert.equal(r.code, 0, r.stderr);
        const next = JSON.parse(r.stdout) as PlanDocument;
        const names = (d: PlanDocument) => new Set(d.resources.map((x) => `${x.op} ${x.name}`));
        const before = names(doc);
        assert.deepEqual(
            [...names(next)].filter((n) => !before.has(n)),
            ["create discovery-rg-search-aks-search-weu"],
        );

        const bad = path.join(dir, "bad.cloud.yaml");
        fs.writeFileSync(bad, state.replace("pricingTier: Standard", "pricingTier: standard"));
        const e = await runCli(["plan", "--stack", "azure-brownfield", "--format", "json", "--cloud-state", bad]);
        assert.notEqual(e.code, 0);
        assert.equal(e.stdout, "");
        assert.match(
            e.stderr,
            new RegExp(
                `cloud-state file ${bad.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}: key "azure\\.pricings\\[0\\]\\.pricingTier" has value "standard"; expected Free or Standard`,
            ),
        );
    });
});
