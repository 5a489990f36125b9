import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runCli, planJson } from "../helpers/cli";
import { PlanDocument } from "../../plan/document";

const SUB = "3f2a9c1e-7b4d-4e8a-9c62-1d5e8f0a7b34";

describe("npm run plan (child process)", function () {
    this.timeout(120_000);
    let doc: PlanDocument;

    before(async () => {
        const r = await planJson("azure-dev");
        assert.equal(r.code, 0, r.stderr);
        doc = JSON.parse(r.stdout) as PlanDocument;
    });

    it("prints the stable JSON document: stack, resources with type, name, parent, op (importId, id, retainOnDelete only where set) and inputs, violations", () => {
        assert.equal(doc.stack, "azure-dev");
        assert.ok(Array.isArray(doc.violations));
        for (const r of doc.resources) {
            const keys = {
                create: ["type", "name", "parent", "op"],
                import: ["type", "name", "parent", "op", "importId"],
                read: ["type", "name", "parent", "op", "id"],
            }[r.op];
            assert.deepEqual(
                Object.keys(r),
                [...keys, ...(r.retainOnDelete ? ["retainOnDelete"] : []), "inputs"],
                `${r.name}: ${r.op}`,
            );
        }
        // The Defender plan is kept on destroy (destroy must not turn Defender off); nothing else here is.
        assert.deepEqual(
            doc.resources.filter((r) => "retainOnDelete" in r).map((r) => [r.name, r.retainOnDelete]),
            [["defender-containers", true]],
        );
    });

    it("binds the two AKS clusters that are not excluded, and not the excluded one", () => {
        const bindings = doc.resources.filter(
            (r) => r.type === "azure-native:containerservice:TrustedAccessRoleBinding",
        );
        assert.deepEqual(bindings.map((b) => b.inputs.resourceName).sort(), [
            "aks-payments-weu",
            "aks-platform-shared",
        ]);
        for (const b of bindings) {
            assert.equal(b.parent, "discovery");
            assert.deepEqual(b.inputs.roles, ["Microsoft.Security/pricings/microsoft-defender-operator"]);
            assert.equal(
                b.inputs.sourceResourceId,
                `/subscriptions/${SUB}/providers/Microsoft.Security/pricings/Containers/securityOperators/DefenderForContainersSecurityOperator`,
            );
        }
        assert.ok(doc.notes.some((n) => n.kind === "excluded" && n.subject.endsWith("/aks-sandbox-01")));
    });

    it("assigns the discovery role by id at subscription scope", () => {
        const ra = doc.resources.find((r) => r.name === "discovery-api-access")!;
        assert.equal(
            ra.inputs.roleDefinitionId,
            `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/d5a2ae44-610b-4500-93be-660a0c5f5ca6`,
        );
        assert.equal(ra.inputs.scope, `/subscriptions/${SUB}`);
    });

    it("installs both extensions on the Arc cluster and pins the provider to the subscription", () => {
        const ext = doc.resources.filter((r) => r.type === "azure-native:kubernetesconfiguration:Extension");
        assert.deepEqual(ext.map((e) => e.inputs.extensionType).sort(), [
            "microsoft.azuredefender.kubernetes",
            "microsoft.policyinsights",
        ]);
        const provider = doc.resources.find((r) => r.type === "pulumi:providers:azure-native")!;
        assert.equal(provider.inputs.subscriptionId, SUB);
    });

    it("renders the same plan as a table (default) and as markdown", async () => {
        const table = await runCli(["plan", "--stack", "azure-dev"]);
        assert.equal(table.code, 0, table.stderr);
        assert.match(table.stdout, /^Plan for stack azure-dev: \d+ resources/);
        assert.match(
            table.stdout,
            /azure-native:containerservice:TrustedAccessRoleBinding\s+discovery-rg-payments-prod-aks-payments-weu\s+discovery/,
        );
        const md = await runCli(["plan", "--stack", "azure-dev", "--format", "markdown"]);
        assert.equal(md.code, 0, md.stderr);
        assert.match(md.stdout, /^### Plan for stack `azure-dev`/);
        assert.match(md.stdout, /\| `azure-native:security:Pricing` \| `defender-containers` \| `defender` \|/);
    });

    it("names the unknown stack and lists the known ones, without a stack trace", async () => {
        const r = await runCli(["plan", "--stack", "azure-prod"]);
        assert.equal(r.code, 2);
        assert.match(
            r.stderr,
            /^error: unknown stack "azure-prod": no stacks\/Pulumi\.azure-prod\.yaml nor examples\/stacks\/Pulumi\.azure-prod\.yaml; known stacks: .*azure-dev/,
        );
        assert.doesNotMatch(r.stderr, /\n\s+at /);
    });

    it("rejects an unknown format", async () => {
        const r = await runCli(["plan", "--format", "yaml"]);
        assert.equal(r.code, 2);
        assert.equal(r.stderr, 'error: --format "yaml" is not allowed; use one of table, json, markdown\n');
    });

    it("stops on a config error with one message naming the key and value, and registers nothing", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-bad-"));
        const src = fs.readFileSync(
            path.join(__dirname, "..", "..", "examples", "stacks", "Pulumi.azure-dev.yaml"),
            "utf8",
        );
        fs.writeFileSync(
            path.join(dir, "Pulumi.bad.yaml"),
            src.replace(
                "    atScale:",
                "    aksClusters:\n      - /subscriptions/x/resourceGroups/rg-platform/managedCluster/aks-platform-shared\n    atScale:",
            ),
        );
        const r = await runCli(["plan", "--stack", "bad", "--format", "json"], { env: { AGENTLESS_STACKS_DIR: dir } });
        assert.equal(r.code, 2);
        assert.match(
            r.stderr,
            /^error: config key "azure\.aksClusters\[0\]\.id" has value "\/subscriptions\/x\/.*managedCluster\/aks-platform-shared"; expected an AKS cluster resource id/,
        );
        assert.equal(r.stdout, "");
        fs.rmSync(dir, { recursive: true, force: true });
    });
});
