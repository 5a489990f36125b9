import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as path from "path";
import { ROOT, planJson } from "../helpers/cli";

/** Each case runs in its own process: the mock runtime is process-wide. */
function evaluate(...args: string[]) {
    const [program, ...rest] = args;
    const target = program === "--stack" ? [program] : [path.join(ROOT, "test", "fixtures", "programs", program)];
    return spawnSync(
        process.execPath,
        ["--import", "tsx", path.join(ROOT, "test", "fixtures", "evaluateProgram.ts"), ...target, ...rest],
        { cwd: ROOT, encoding: "utf8", timeout: 50_000 },
    );
}

describe("offline evaluation of errors raised inside an apply", function () {
    this.timeout(60_000);

    it("fails the plan with the program's own message, instead of stopping silently or crashing", () => {
        const r = evaluate("applyRunError.ts");
        assert.equal(r.status, 2, r.stdout + r.stderr);
        assert.equal(
            r.stderr,
            "run error: cluster eu-west-1/eks-a: aws-auth mapRoles already maps arn:aws:iam::123456789012:role/MDC differently; refusing to overwrite it\n",
        );
        assert.equal(r.stdout, "");
    });

    it("fails with the logged words even when the program rejects before the resource they were logged against has its URN", () => {
        const r = evaluate("rejectAfterLogging.ts");
        assert.equal(r.status, 2, r.stdout + r.stderr);
        assert.equal(r.stderr, "run error: cluster eu-west-1/eks-a: refusing to overwrite aws-auth\n");
        assert.equal(r.stdout, "");
    });

    it("stops on an aws-auth entry that maps the discovery role differently, naming the cluster and both mappings", () => {
        const r = evaluate(
            "awsAuthConflict.ts",
            path.join("test", "fixtures", "programs", "awsAuthConflict.cloud.yaml"),
        );
        assert.equal(r.status, 2, r.stdout + r.stderr);
        assert.equal(
            r.stderr,
            'run error: cluster us-west-2/cm: aws-auth already maps arn:aws:iam::123456789012:role/MDCContainersAgentlessDiscoveryK8sRole to username "someone-else" and groups ["system:masters"]; ' +
                'this stack would map it to username "MDCContainersAgentlessDiscoveryK8sRole" and groups ["mdc-agentless-discovery-readers"]. Remove or fix that entry by hand (it is not this stack\'s to overwrite), or set aws.awsAuth.username to "someone-else", then run again\n',
        );
    });
});

describe("what reaches the offline plan, and how", function () {
    this.timeout(60_000);

    it("passes the cloud-state file to the program's exported function, takes its notes from the log and prints the SDK's warnings on stderr", () => {
        const r = evaluate("notesAndWarnings.ts", "stacks/elsewhere.cloud.yaml");
        assert.equal(r.status, 0, r.stderr);
        const e = JSON.parse(r.stdout);
        assert.deepEqual(e.notes, [
            { kind: "info", subject: "thing", message: "lookups answered by stacks/elsewhere.cloud.yaml (file)" },
        ]);
        assert.deepEqual(e.outputs, { declared: "thing" });
        assert.equal(
            r.stderr,
            "warning: [runtime] a provider's warning\nwarning: [runtime] Undefined value (missing) will not show as a stack output.\n",
        );
    });

    it("plans the real program without replacing the console or passing anything through the environment", async () => {
        const r = evaluate("--stack", "aws-dev");
        assert.equal(r.status, 0, r.stderr);
        assert.equal(r.stderr, "");
        const e = JSON.parse(r.stdout);
        const plan = JSON.parse((await planJson("aws-dev")).stdout);
        assert.equal(e.resources, plan.resources.length);
        assert.deepEqual(e.notes, plan.notes);
        assert.equal(e.consoleUntouched, true, "console.log, .warn and .error are the functions they were");
        // AGENTLESS_DEBUG is the plan's own switch for stack traces (plan/evaluate.ts).
        assert.deepEqual(e.env, { read: ["AGENTLESS_DEBUG"], written: [] });
    });
});
