import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as os from "os";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { listStacks } from "../../config/stackFile";
import { ROOT } from "../helpers/cli";

interface Step {
    uses?: string;
    run?: string;
    shell?: string;
    with?: Record<string, unknown>;
    if?: string;
    env?: Record<string, string>;
}
interface Job {
    if?: string;
    needs?: string | string[];
    steps: Step[];
    strategy?: { matrix?: Record<string, unknown> };
    outputs?: Record<string, string>;
}
interface Workflow {
    on: Record<string, unknown>;
    permissions?: Record<string, string>;
    jobs: Record<string, Job>;
}

const dir = path.join(ROOT, ".github", "workflows");
const read = (name: string): { wf: Workflow; text: string } => {
    const text = fs.readFileSync(path.join(dir, name), "utf8");
    return { wf: parse(text) as Workflow, text };
};
const steps = (wf: Workflow) => Object.values(wf.jobs).flatMap((j) => j.steps);
const matrixFromStacks = (wf: Workflow, job: string, args = "") => {
    assert.equal(wf.jobs[job].strategy?.matrix?.stack, "${{ fromJSON(needs.stacks.outputs.names) }}");
    const list = wf.jobs.stacks.steps.find((s) => s.run?.includes("scripts/stacks.sh"))?.run ?? "";
    assert.equal(list, `echo "names=$(scripts/stacks.sh${args})" >> "$GITHUB_OUTPUT"`);
};

describe("CI workflows for users", () => {
    describe("scripts/stacks.sh", () => {
        const run = (args: string[], env: Record<string, string> = {}) =>
            spawnSync("bash", [path.join(ROOT, "scripts", "stacks.sh"), ...args], {
                encoding: "utf8",
                env: { ...process.env, ...env },
            });
        const tmp = () => {
            const d = fs.mkdtempSync(path.join(os.tmpdir(), "stacks-sh-"));
            fs.mkdirSync(path.join(d, "stacks"));
            fs.mkdirSync(path.join(d, "examples"));
            for (const f of [
                "stacks/Pulumi.prod-aws.yaml",
                "stacks/Pulumi.prod-azure.yml",
                "stacks/prod-aws.cloud.yaml",
                "examples/Pulumi.aws-dev.yaml",
            ])
                fs.writeFileSync(path.join(d, f), "config: {}\n");
            return { STACKS_DIR: path.join(d, "stacks"), EXAMPLE_STACKS_DIR: path.join(d, "examples") };
        };

        it("lists every stack that can be planned offline: the user's and the examples", () => {
            const r = run([]);
            assert.equal(r.status, 0, r.stderr);
            assert.deepEqual(
                JSON.parse(r.stdout),
                [...new Set([...listStacks(), ...listStacks(path.join(ROOT, "examples", "stacks"))])].sort(),
            );
            assert.deepEqual(JSON.parse(run([], tmp()).stdout), ["aws-dev", "prod-aws", "prod-azure"]);
        });

        it("names the deployments file's matrix for the deployed stacks, which it no longer lists", () => {
            const r = run(["--deployed"], tmp());
            assert.equal(r.status, 2);
            assert.equal(r.stderr, "usage: scripts/stacks.sh (the deployed stacks: npm run deployments -- matrix)\n");
            assert.equal(r.stdout, "");
        });
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
            assert.match(
                planStep,
                /npm run --silent plan -- --stack \$\{\{ matrix\.stack \}\} --format json "\$@" > plan-\$\{\{ matrix\.stack \}\}\.json/,
            );
            // Run the step's script with a stand-in npm: an encrypted azureTenantId (in stacks/ or in
            // examples/stacks/) is planned with a placeholder GUID, a plain one without.
            const d = fs.mkdtempSync(path.join(os.tmpdir(), "pr-plan-"));
            fs.mkdirSync(path.join(d, "stacks"));
            fs.mkdirSync(path.join(d, "examples", "stacks"), { recursive: true });
            fs.mkdirSync(path.join(d, "bin"));
            fs.writeFileSync(
                path.join(d, "stacks", "Pulumi.enc.yaml"),
                "config:\n  agentless-discovery:azureTenantId:\n    secure: v1:abc\n",
            );
            fs.writeFileSync(
                path.join(d, "examples", "stacks", "Pulumi.example-enc.yaml"),
                "config:\n  azureTenantId:\n    secure: v1:abc\n",
            );
            fs.writeFileSync(
                path.join(d, "examples", "stacks", "Pulumi.plain.yaml"),
                "config:\n  agentless-discovery:azureTenantId: 7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f\n",
            );
            fs.writeFileSync(path.join(d, "bin", "npm"), '#!/usr/bin/env bash\necho "$*"\n', { mode: 0o755 });
            const planned = (stack: string) => {
                const r = spawnSync("bash", ["-e", "-c", planStep.replace(/\$\{\{ matrix\.stack \}\}/g, stack)], {
                    cwd: d,
                    encoding: "utf8",
                    env: { ...process.env, PATH: `${path.join(d, "bin")}:${process.env.PATH}` },
                });
                assert.equal(r.status, 0, r.stderr);
                return fs.readFileSync(path.join(d, `plan-${stack}.json`), "utf8").trim();
            };
            assert.equal(
                planned("enc"),
                "run --silent plan -- --stack enc --format json --config azureTenantId=00000000-0000-0000-0000-000000000000",
            );
            assert.equal(
                planned("example-enc"),
                "run --silent plan -- --stack example-enc --format json --config azureTenantId=00000000-0000-0000-0000-000000000000",
            );
            assert.equal(planned("plain"), "run --silent plan -- --stack plain --format json");
            const gateStep = runs.find((r) => r.includes(" gate -- "))!;
            assert.match(gateStep, /npm run --silent gate -- --plan plan-\$\{\{ matrix\.stack \}\}\.json/);
        });
        it("gates with the base branch's policy pack, checked out apart from the pull request's code", () => {
            const gateSteps = wf.jobs.gate.steps;
            const base = gateSteps.find(
                (s) => s.uses?.startsWith("actions/checkout@") && s.with?.ref === "${{ github.base_ref }}",
            );
            assert.ok(base, "a checkout of github.base_ref");
            const dir = String(base.with?.path);
            assert.ok(
                dir && dir !== "." && !dir.includes(".."),
                `checked out into its own folder, not over the pull request: ${dir}`,
            );
            assert.equal(base.with?.["persist-credentials"], false);
            assert.match(String(base.with?.["sparse-checkout"] ?? "policies"), /^policies$/m);
            const gateIndex = gateSteps.findIndex((s) => (s.run ?? "").includes(" gate -- "));
            assert.ok(gateSteps.indexOf(base) < gateIndex, "the base pack is there before the gate runs");
            const args = (gateSteps[gateIndex].run ?? "").split(/\s+/);
            assert.equal(
                args[args.indexOf("--policy-pack") + 1],
                `${dir}/policies`,
                "the gate is pointed at the base branch's policies",
            );
            assert.ok(args.indexOf("--policy-pack") > 0);
        });
    });

    it("every workflow sets up a Node the project supports and that is still maintained (22, docs/dependencies.md)", () => {
        const engines = (
            JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { engines: { node: string } }
        ).engines.node;
        const oldest = Number(/^>=(\d+)\./.exec(engines)![1]);
        const setups = fs
            .readdirSync(dir)
            .filter((f) => f.endsWith(".yml"))
            .flatMap((f) =>
                steps(read(f).wf)
                    .filter((s) => s.uses?.startsWith("actions/setup-node@"))
                    .map((s) => [f, Number(s.with?.["node-version"])] as const),
            );
        assert.ok(setups.length >= 4, "each workflow that runs npm sets up Node");
        for (const [f, major] of setups) {
            assert.ok(major >= oldest, `${f}: Node ${major} is older than engines ${engines}`);
            // Node 20 reached its end of life on 30 April 2026; 22 is the oldest maintained LTS.
            assert.ok(major >= 22, `${f}: Node ${major} is past its end of life`);
        }
    });

    it("the CrossGuard pack is declared where the workflows point", () => {
        const pack = parse(fs.readFileSync(path.join(ROOT, "policies", "PulumiPolicy.yaml"), "utf8")) as {
            runtime: { name: string };
        };
        assert.equal(pack.runtime.name, "nodejs");
        assert.ok(fs.existsSync(path.join(ROOT, "policies", "index.ts")));
    });
});
