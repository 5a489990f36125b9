import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runCli, planJson, ROOT } from "../../helpers/cli";
import { PlanDocument } from "../../../plan/document";

const P = "contoso-payments-prod";
const EMAIL = `mdc-containers-k8s-operator@${P}.iam.gserviceaccount.com`;
const POOL = "7c1e4b2a93d54f68a0b72e5d9c8f1a36";

// The offline plan as a user runs it (child processes): the shipped brownfield stack, the gate on
// adopted objects, and the dev stack against other cloud states given with --cloud-state.
describe("plan and gate for GCP cloud states (child process)", function () {
    this.timeout(120_000);
    let dir: string;
    let brownfield: PlanDocument;
    before(async () => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "gcp-states-"));
        const r = await planJson("gcp-brownfield");
        assert.equal(r.code, 0, r.stderr);
        brownfield = JSON.parse(r.stdout) as PlanDocument;
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    const state = (name: string, text: string) => {
        const file = path.join(dir, name);
        fs.writeFileSync(file, text);
        return file;
    };
    const devState = fs.readFileSync(path.join(ROOT, "examples", "stacks", "gcp-dev.cloud.yaml"), "utf8");

    it("gcp-brownfield: imports what Microsoft's script made with exact ids, creates the missing grant and the audit config", () => {
        const ops = brownfield.resources
            .filter((r) => r.op !== "create" || !r.type.startsWith("agentless:"))
            .map((r) => [r.op, r.name, r.importId ?? ""]);
        assert.deepEqual(ops.filter(([op]) => op === "import").sort(), [
            // The portal's connector for project number 482915736204, under its own name: adopted, not duplicated.
            [
                "import",
                "defender-connector",
                `/subscriptions/3f2a9c1e-7b4d-4e8a-9c62-1d5e8f0a7b34/resourceGroups/rg-mdc-multicloud/providers/Microsoft.Security/securityConnectors/${P}`,
            ],
            [
                "import",
                "discovery-cluster-write",
                `${P} projects/${P}/roles/MDCGkeClusterWriteRole serviceAccount:${EMAIL}`,
            ],
            ["import", "discovery-role", `projects/${P}/roles/MDCGkeClusterWriteRole`],
            ["import", "discovery-sa", `projects/${P}/serviceAccounts/${EMAIL}`],
            ["import", "federation-pool", `projects/${P}/locations/global/workloadIdentityPools/${POOL}`],
            [
                "import",
                "federation-provider",
                `projects/${P}/locations/global/workloadIdentityPools/${POOL}/providers/containers`,
            ],
            [
                "import",
                "federation-workload-identity-user",
                `projects/${P}/serviceAccounts/${EMAIL} roles/iam.workloadIdentityUser principalSet://iam.googleapis.com/projects/482915736204/locations/global/workloadIdentityPools/${POOL}/*`,
            ],
        ]);
        assert.deepEqual(
            ops
                .filter(([op]) => op === "create")
                .map(([, name]) => name)
                .sort(),
            ["audit-logs-container", "azure", "discovery-container-viewer", "gcp"],
        );
        assert.equal(brownfield.resources.find((r) => r.name === "discovery-role")!.inputs.stage, "ALPHA");
        // Two clusters named gke-payments in two regions are two clusters.
        assert.deepEqual(
            brownfield.notes
                .filter((n) => n.kind !== "manual-step" && n.subject.startsWith("projects/"))
                .map((n) => [n.kind, n.subject]),
            [
                ["info", `projects/${P}/locations/europe-west1/clusters/gke-payments`],
                ["info", `projects/${P}/locations/us-central1/clusters/gke-payments`],
                ["excluded", `projects/${P}/locations/europe-west4-a/clusters/sandbox-ml`],
                ["excluded", `projects/${P}/locations/us-central1/clusters/gke-batch`],
            ],
        );
    });

    it("the gate passes on the adopted objects", async () => {
        const r = await runCli(["gate", "--stack", "gcp-brownfield"]);
        assert.equal(r.code, 0, r.stdout + r.stderr);
        assert.equal(r.stdout, "PASS: stack gcp-brownfield, 0 violations, 0 mandatory\n");
    });

    it("a cluster added to the project shows up in the plan as a note, with the same resources", async () => {
        const file = state(
            "added.cloud.yaml",
            devState.replace(
                "      clusters:\n",
                "      clusters:\n        - name: gke-orders\n          location: asia-east1\n",
            ),
        );
        const [before, after] = await Promise.all([
            planJson("gcp-dev"),
            runCli(["plan", "--stack", "gcp-dev", "--format", "json", "--cloud-state", file]),
        ]);
        assert.equal(after.code, 0, after.stderr);
        const a = JSON.parse(after.stdout) as PlanDocument;
        const b = JSON.parse(before.stdout) as PlanDocument;
        assert.deepEqual(a.resources, b.resources);
        assert.deepEqual(
            a.notes.filter((n) => !b.notes.some((m) => m.subject === n.subject)).map((n) => [n.kind, n.subject]),
            [["info", `projects/${P}/locations/asia-east1/clusters/gke-orders`]],
        );
    });

    it("a denied lookup stops the plan with the call, the scope and Google's reason, and plans nothing", async () => {
        const file = state(
            "denied.cloud.yaml",
            devState +
                "      failures:\n        container.projects.locations.clusters.list: \"Google answered 403 PERMISSION_DENIED: Permission 'container.clusters.list' denied\"\n",
        );
        const r = await runCli(["plan", "--stack", "gcp-dev", "--format", "json", "--cloud-state", file]);
        assert.equal(r.code, 2);
        assert.equal(r.stdout, "");
        assert.equal(
            r.stderr,
            `error: cloud lookup container.projects.locations.clusters.list in projects/${P} failed: Google answered 403 PERMISSION_DENIED: Permission 'container.clusters.list' denied; nothing is declared for projects/${P} until it succeeds\n`,
        );
    });

    it("a bad cloud-state file names the file, the key path, the value and what is allowed", async () => {
        const file = state("bad.cloud.yaml", devState.replace("location: europe-west1-b", "zone: europe-west1-b"));
        const r = await runCli(["plan", "--stack", "gcp-dev", "--cloud-state", file]);
        assert.equal(r.code, 2);
        assert.equal(
            r.stderr,
            `error: cloud-state file ${file}: key "gcp.projects.${P}.clusters[1].zone" has value "europe-west1-b"; expected no such key; allowed keys under "gcp.projects.${P}.clusters[1]": name, location, labels\n`,
        );
    });
});
