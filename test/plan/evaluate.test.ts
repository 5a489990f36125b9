import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as path from "path";
import { ROOT } from "../helpers/cli";

/** Each case runs in its own process: the mock runtime is process-wide. */
function evaluate(program: string) {
    return spawnSync(process.execPath, ["--import", "tsx", path.join(ROOT, "test", "fixtures", "evaluateProgram.ts"),
        path.join(ROOT, "test", "fixtures", "programs", program)], { cwd: ROOT, encoding: "utf8", timeout: 50_000 });
}

describe("offline evaluation of errors raised inside an apply", function () {
    this.timeout(60_000);

    it("fails the plan with the program's own message, instead of stopping silently or crashing", () => {
        const r = evaluate("applyRunError.ts");
        assert.equal(r.status, 2, r.stdout + r.stderr);
        assert.equal(r.stderr, "run error: cluster eu-west-1/eks-a: aws-auth mapRoles already maps arn:aws:iam::123456789012:role/MDC differently; refusing to overwrite it\n");
        assert.equal(r.stdout, "");
    });

    it("stops on an aws-auth entry that maps the discovery role differently, naming the cluster and both mappings", () => {
        const r = evaluate("awsAuthConflict.ts");
        assert.equal(r.status, 2, r.stdout + r.stderr);
        assert.equal(r.stderr,
            'run error: cluster us-west-2/cm: aws-auth already maps arn:aws:iam::123456789012:role/MDCContainersAgentlessDiscoveryK8sRole to username "someone-else" and groups ["system:masters"]; ' +
            'this stack would map it to username "MDCContainersAgentlessDiscoveryK8sRole" and groups ["mdc-agentless-discovery-readers"]. Remove or fix that entry by hand (it is not this stack\'s to overwrite), or set aws.awsAuth.username to "someone-else", then run again\n');
    });
});
