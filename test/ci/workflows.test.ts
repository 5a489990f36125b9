import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { listStacks } from "../../lib/stackFile";
import { ROOT } from "../helpers/cli";

interface Step { uses?: string; run?: string; shell?: string; with?: Record<string, unknown>; if?: string; env?: Record<string, string> }
interface Job { if?: string; needs?: string | string[]; steps: Step[]; strategy?: { matrix?: Record<string, unknown> }; outputs?: Record<string, string> }
interface Workflow { on: Record<string, unknown>; permissions?: Record<string, string>; jobs: Record<string, Job> }

const dir = path.join(ROOT, ".github", "workflows");
const read = (name: string): { wf: Workflow; text: string } => {
    const text = fs.readFileSync(path.join(dir, name), "utf8");
    return { wf: parse(text) as Workflow, text };
};
const steps = (wf: Workflow) => Object.values(wf.jobs).flatMap((j) => j.steps);
const matrixFromStacks = (wf: Workflow, job: string) => {
    assert.equal(wf.jobs[job].strategy?.matrix?.stack, "${{ fromJSON(needs.stacks.outputs.names) }}");
    assert.ok(wf.jobs.stacks.steps.some((s) => s.run?.includes("scripts/stacks.sh")));
};

describe("CI workflows for users", () => {
    it("scripts/stacks.sh lists exactly the stacks in stacks/", () => {
        const out = execFileSync("bash", [path.join(ROOT, "scripts", "stacks.sh")], { encoding: "utf8" });
        assert.deepEqual(JSON.parse(out), listStacks());
    });

    describe("pull request", () => {
        const { wf, text } = read("pr.yml");
        it("runs on pull_request (never pull_request_target) with a read-only token and no secret at all", () => {
            assert.deepEqual(Object.keys(wf.on), ["pull_request"]);
            assert.deepEqual(wf.permissions, { contents: "read" });
            assert.doesNotMatch(text, /secrets\./);
        });
        it("provides the test prerequisites (a Python for moto), installs with npm ci and runs npm test", () => {
            const runs = wf.jobs.test.steps.map((s) => s.run).filter(Boolean);
            assert.deepEqual(runs, ["bash scripts/test-prereqs.sh", "npm ci", "npm test"]);
            const python = wf.jobs.test.steps.findIndex((s) => s.uses?.startsWith("actions/setup-python@"));
            const prereqs = wf.jobs.test.steps.findIndex((s) => s.run === "bash scripts/test-prereqs.sh");
            assert.ok(python >= 0 && python < prereqs, "a Python is set up before the prerequisites are checked");
        });
        it("plans and gates every stack, the gate reading the plan file", () => {
            matrixFromStacks(wf, "gate");
            const runs = wf.jobs.gate.steps.map((s) => s.run ?? "");
            assert.ok(runs.includes("npm ci"));
            const planStep = runs.find((r) => r.includes(" plan -- "))!;
            assert.match(planStep, /npm run --silent plan -- --stack \$\{\{ matrix\.stack \}\} --format json "\$@" > plan-\$\{\{ matrix\.stack \}\}\.json/);
            // A stack whose azureTenantId is encrypted is still planned, with a placeholder GUID.
            assert.match(planStep, /azureTenantId:\[\[:space:\]\]\*\$' "stacks\/Pulumi\.\$\{\{ matrix\.stack \}\}\.yaml"; then\n\s+set -- --config azureTenantId=00000000-0000-0000-0000-000000000000\n/);
            const gateStep = runs.find((r) => r.includes(" gate -- "))!;
            assert.match(gateStep, /npm run --silent gate -- --plan plan-\$\{\{ matrix\.stack \}\}\.json/);
        });
        it("gates with the base branch's policy pack, checked out apart from the pull request's code", () => {
            const gateSteps = wf.jobs.gate.steps;
            const base = gateSteps.find((s) => s.uses?.startsWith("actions/checkout@") && s.with?.ref === "${{ github.base_ref }}");
            assert.ok(base, "a checkout of github.base_ref");
            const dir = String(base.with?.path);
            assert.ok(dir && dir !== "." && !dir.includes(".."), `checked out into its own folder, not over the pull request: ${dir}`);
            assert.equal(base.with?.["persist-credentials"], false);
            assert.match(String(base.with?.["sparse-checkout"] ?? "policies"), /^policies$/m);
            const gateIndex = gateSteps.findIndex((s) => (s.run ?? "").includes(" gate -- "));
            assert.ok(gateSteps.indexOf(base) < gateIndex, "the base pack is there before the gate runs");
            const args = (gateSteps[gateIndex].run ?? "").split(/\s+/);
            assert.equal(args[args.indexOf("--policy-pack") + 1], `${dir}/policies`, "the gate is pointed at the base branch's policies");
            assert.ok(args.indexOf("--policy-pack") > 0);
        });
    });

    describe("preview with the Pulumi CLI", () => {
        const { wf } = read("preview.yml");
        it("runs only for branches of this repository, where credentials may exist", () => {
            assert.equal(wf.jobs.preview.if, "github.event.pull_request.head.repo.full_name == github.repository");
            assert.equal(wf.jobs.stacks.if, wf.jobs.preview.if);
        });
        it("previews every stack with the policy pack and the diff, commented on the pull request", () => {
            matrixFromStacks(wf, "preview");
            const step = steps(wf).find((s) => s.uses?.startsWith("pulumi/actions@"))!;
            assert.deepEqual(step.with, {
                command: "preview", "stack-name": "${{ matrix.stack }}", diff: true, policyPacks: "policies",
                "comment-on-pr": true, "github-token": "${{ secrets.GITHUB_TOKEN }}",
            });
            assert.equal(wf.permissions?.["pull-requests"], "write");
        });
    });

    describe("drift", () => {
        const { wf } = read("drift.yml");
        it("runs on a schedule and refreshes every stack expecting no changes", () => {
            assert.ok(Array.isArray((wf.on.schedule as { cron: string }[])) && (wf.on.schedule as { cron: string }[])[0].cron);
            matrixFromStacks(wf, "drift");
            const step = steps(wf).find((s) => s.uses?.startsWith("pulumi/actions@"))!;
            assert.equal(step.with?.command, "preview");
            assert.equal(step.with?.refresh, true);
            assert.equal(step.with?.["expect-no-changes"], true);
            assert.equal(step.with?.policyPacks, "policies");
        });
    });

    describe("periodic snapshot", () => {
        const { wf } = read("snapshot.yml");
        it("runs on a schedule, snapshots every context into the store and keeps the result as an artifact", () => {
            assert.ok((wf.on.schedule as { cron: string }[])[0].cron);
            const all = steps(wf);
            const snap = all.find((s) => s.run?.includes(" snapshot -- "))!;
            assert.match(snap.run!, /^npm run --silent snapshot -- --all-contexts --out snapshots --retain \d+/);
            assert.equal(snap.shell, "bash");
            const artifact = all.find((s) => s.uses?.startsWith("actions/upload-artifact@"))!;
            assert.equal(artifact.if, "always()");
            assert.match(String(artifact.with?.path), /^snapshots$/m);
            assert.ok(all.some((s) => s.uses?.startsWith("actions/cache/restore@") && s.with?.path === "snapshots"), "the previous snapshots are restored for the diff");
        });
    });

    it("the CrossGuard pack is declared where the workflows point", () => {
        const pack = parse(fs.readFileSync(path.join(ROOT, "policies", "PulumiPolicy.yaml"), "utf8")) as { runtime: { name: string } };
        assert.equal(pack.runtime.name, "nodejs");
        assert.ok(fs.existsSync(path.join(ROOT, "policies", "index.ts")));
    });
});
