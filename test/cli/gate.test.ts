import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PlanDocument } from "../../cli/planFormat";
import { runCli } from "../helpers/cli";

/**
 * The gate as CI runs it: a plan made in one job, saved as JSON, gated in another. Each broken plan
 * file is a good plan changed one way, as a careless or hostile pull request might.
 */
describe("npm run gate (child process)", function () {
    this.timeout(180_000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gate-"));
    const plans: Record<string, PlanDocument> = {};

    before(async () => {
        for (const stack of ["k8s-dev", "aws-dev"]) {
            const r = await runCli(["plan", "--stack", stack, "--format", "json"]);
            assert.equal(r.code, 0, r.stderr);
            plans[stack] = JSON.parse(r.stdout) as PlanDocument;
        }
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    function write(name: string, doc: PlanDocument): string {
        const file = path.join(dir, `${name}.json`);
        fs.writeFileSync(file, JSON.stringify(doc));
        return file;
    }
    const clone = (stack: string): PlanDocument => JSON.parse(JSON.stringify(plans[stack])) as PlanDocument;

    it("passes a good stack evaluated in place, exit 0", async () => {
        const r = await runCli(["gate", "--stack", "azure-dev"]);
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stdout, "PASS: stack azure-dev, 0 violations, 0 mandatory\n");
    });

    it("passes the saved plans of the example stacks", async () => {
        for (const stack of Object.keys(plans)) {
            const r = await runCli(["gate", "--plan", write(`good-${stack}`, plans[stack])]);
            assert.equal(r.code, 0, `${stack}: ${r.stdout}${r.stderr}`);
            assert.match(r.stdout, new RegExp(`^PASS: stack ${stack}, 0 violations, 0 mandatory\\n$`));
        }
    });

    it("fails the attack simulation in a production stack", async () => {
        const doc = clone("k8s-dev");
        doc.resources.find((r) => r.type === "agentless:stack:Settings")!.inputs.production = true;
        const r = await runCli(["gate", "--plan", write("sim-prod", doc)]);
        assert.equal(r.code, 1);
        assert.match(r.stdout, /^\[mandatory\] no-attack-simulation-in-production on [\w-]+: the attack simulation is deployed in a production stack$/m);
        assert.match(r.stdout, /^\[advisory\] gatekeeper-deny-in-production on /m);
        assert.match(r.stdout, /^FAIL: stack k8s-dev, \d+ violations, \d+ mandatory$/m);
    });

    it("lets a policy config make a rule advisory, and the verdict follows", async () => {
        const doc = clone("k8s-dev");
        doc.resources.find((r) => r.type === "agentless:stack:Settings")!.inputs.production = true;
        const cfg = path.join(dir, "policy-config.json");
        fs.writeFileSync(cfg, JSON.stringify({ "no-attack-simulation-in-production": "advisory" }));
        const r = await runCli(["gate", "--plan", write("sim-prod-2", doc), "--policy-config", cfg]);
        assert.equal(r.code, 0, r.stdout);
        assert.match(r.stdout, /^\[advisory\] no-attack-simulation-in-production on /m);
    });

    it("fails a floating chart version", async () => {
        const doc = clone("k8s-dev");
        doc.resources.find((r) => r.type === "kubernetes:helm.sh/v4:Chart")!.inputs.version = "latest";
        const r = await runCli(["gate", "--plan", write("chart", doc)]);
        assert.equal(r.code, 1);
        assert.match(r.stdout, /^\[mandatory\] helm-chart-versions-pinned on [\w-]+: chart \S+ version "latest" is not an exact version$/m);
    });

    it("prints clear errors for a missing file, a file that is not a plan, and no target", async () => {
        const missing = await runCli(["gate", "--plan", path.join(dir, "nope.json")]);
        assert.equal(missing.code, 2);
        assert.match(missing.stderr, /^error: --plan .*nope\.json: no such file\n$/);
        const notPlan = path.join(dir, "not-plan.json");
        fs.writeFileSync(notPlan, JSON.stringify({ hello: 1 }));
        const bad = await runCli(["gate", "--plan", notPlan]);
        assert.equal(bad.code, 2);
        assert.match(bad.stderr, /not a plan document/);
        const none = await runCli(["gate"]);
        assert.equal(none.code, 2);
        assert.equal(none.stderr, "error: give --stack NAME to evaluate a stack, or --plan FILE for a saved plan\n");
    });
});
