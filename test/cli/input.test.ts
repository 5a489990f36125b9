import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PlanDocument } from "../../plan/document";
import { evaluateStack } from "../../plan/evaluate";
import { UsageError } from "../../lib/errors";
import { ROOT, runCli, planJson } from "../helpers/cli";

/** Inputs the commands once accepted and should not have (issue 23, items 10 and 13). */
describe("plan and gate: wrong inputs get one line and exit 2", function () {
    this.timeout(180_000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cli-input-"));
    after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const stacks = (name: string, text: string) => {
        fs.writeFileSync(path.join(dir, `Pulumi.${name}.yaml`), text);
        return { AGENTLESS_STACKS_DIR: dir };
    };
    const shown = (f: string) => path.relative(ROOT, f);

    it("requires --stack: no example stack is planned by default", async () => {
        const r = await runCli(["plan"]);
        assert.equal(r.code, 2);
        assert.equal(r.stderr, "error: give the stack to plan with --stack NAME\n");
        assert.equal(r.stdout, "");
    });

    it("refuses an argument it does not take, rather than ignoring it", async () => {
        const plan = await runCli(["plan", "--stack", "azure-dev", "b"]);
        assert.equal(plan.code, 2);
        assert.equal(
            plan.stderr,
            'error: unexpected argument "b"; plan takes options only (the stack is --stack NAME)\n',
        );
        const both = await runCli(["plan", "a", "b"]);
        assert.equal(both.code, 2);
        assert.match(both.stderr, /^error: unexpected argument "a"; plan takes options only/);
        const gate = await runCli(["gate", "--stack", "azure-dev", "b"]);
        assert.equal(gate.code, 2);
        assert.equal(
            gate.stderr,
            'error: unexpected argument "b"; gate takes options only (--stack NAME or --plan FILE)\n',
        );
    });

    it("never goes online: an empty --cloud-state is refused before any lookup, in plan and gate", async () => {
        // Credentials that would let the live chain try: it must not get that far.
        const env = { AZURE_CLIENT_ID: "x", AZURE_TENANT_ID: "t", AZURE_CLIENT_SECRET: "s" };
        for (const argv of [
            ["plan", "--stack", "azure-dev", "--cloud-state="],
            ["plan", "--stack", "azure-dev", "--cloud-state", ""],
            ["gate", "--stack", "azure-dev", "--cloud-state="],
        ]) {
            const r = await runCli(argv, { env });
            assert.equal(r.code, 2, argv.join(" "));
            assert.equal(
                r.stderr,
                "error: --cloud-state needs a file name; the offline plan answers every lookup from a file, never from the cloud\n",
                argv.join(" "),
            );
        }
    });

    it("the offline evaluation itself refuses to run without a cloud-state file (it has no cloud source to fall back to)", async () => {
        await assert.rejects(
            evaluateStack({ stack: "s", config: {}, secretKeys: [], cloudStateFile: "" }),
            (e: unknown) =>
                e instanceof UsageError &&
                e.message === "stack s: the offline plan needs a cloud-state file, and none was named",
        );
        const source = fs.readFileSync(path.join(ROOT, "plan", "evaluate.ts"), "utf8");
        assert.doesNotMatch(source, /cloudSource/, "plan/evaluate.ts makes no cloud source");
    });

    it("names the stack file when it is a list or a scalar, or its config is not a mapping", async () => {
        for (const [name, text, what] of [
            ["lst", "- cloud: azure\n", 'a stack file is a mapping with a "config" key, not a list'],
            ["scalar", "azure\n", 'a stack file is a mapping with a "config" key, not the string "azure"'],
            ["cfglist", "config:\n  - cloud\n", '"config" is a mapping of config keys to values, not a list'],
        ]) {
            const r = await runCli(["plan", "--stack", name], { env: stacks(name, text) });
            assert.equal(r.code, 2, name);
            assert.equal(r.stderr, `error: ${shown(path.join(dir, `Pulumi.${name}.yaml`))}: ${what}\n`);
        }
    });

    it("refuses .inf and .nan nested in a stack file, naming the file and the key", async () => {
        const src = fs.readFileSync(path.join(ROOT, "examples", "stacks", "Pulumi.aws-dev.yaml"), "utf8");
        // JSON, which carries config to the program, would turn it into null: the default (4) silently.
        const env = stacks(
            "inf",
            src.replace("    region: eu-west-1\n", "    region: eu-west-1\n    lookupConcurrency: .inf\n"),
        );
        const r = await runCli(["plan", "--stack", "inf"], { env });
        assert.equal(r.code, 2);
        assert.equal(
            r.stderr,
            `error: ${shown(path.join(dir, "Pulumi.inf.yaml"))}: key "config.agentless-discovery:aws.lookupConcurrency" has value .inf at line 16; expected a finite number (YAML's .inf and .nan are not config values)\n`,
        );
    });

    it("ends a YAML error without a dangling colon, and refuses 1,000 levels of nesting in one line", async () => {
        const bad = await runCli(["plan", "--stack", "bad"], { env: stacks("bad", "config:\n  a: b: c\n") });
        assert.equal(bad.code, 2);
        assert.equal(
            bad.stderr,
            `error: ${shown(path.join(dir, "Pulumi.bad.yaml"))} is not valid YAML: Nested mappings are not allowed in compact mappings at line 2, column 6\n`,
        );
        const deep = await runCli(["plan", "--stack", "deep"], {
            env: stacks("deep", `config:\n  x: ${"[".repeat(1000)}${"]".repeat(1000)}\n`),
        });
        assert.equal(deep.code, 2);
        assert.match(
            deep.stderr,
            /^error: .*Pulumi\.deep\.yaml: nested more than 64 levels deep; a stack or cloud-state file needs a handful \(at line 2, column \d+\)\n$/,
        );
    });

    it("notes the cloud-state file's clusters in regions the stack does not read", async () => {
        const src = fs.readFileSync(path.join(ROOT, "examples", "stacks", "Pulumi.aws-dev.yaml"), "utf8");
        const env = stacks(
            "oneregion",
            src
                .replace("regions: [eu-west-1, us-east-1]", "regions: [eu-west-1]")
                .replace("      us-east-1/eks-legacy-batch:\n        manageLogging: true\n", ""),
        );
        const state = path.join(ROOT, "examples", "stacks", "aws-dev.cloud.yaml");
        const r = await runCli(["plan", "--stack", "oneregion", "--format", "json", "--cloud-state", state], { env });
        assert.equal(r.code, 0, r.stderr);
        const doc = JSON.parse(r.stdout) as PlanDocument;
        assert.deepEqual(
            doc.notes.filter((n) => n.message.includes("does not read")),
            [
                {
                    kind: "info",
                    subject: "123456789012",
                    message: `the cloud-state file ${state} holds 1 EKS cluster(s) in us-east-1, which this stack does not read (aws.regions: eu-west-1): us-east-1/eks-legacy-batch are not onboarded; add the region to aws.regions to onboard them`,
                },
            ],
        );
        const all = await planJson("aws-dev");
        assert.ok(!all.stdout.includes("does not read"), "every region of the file is read: no note");
    });

    describe("a saved plan cannot forge a line of the output", () => {
        let doc: PlanDocument;
        before(async () => {
            const r = await planJson("aws-dev");
            assert.equal(r.code, 0, r.stderr);
            doc = JSON.parse(r.stdout) as PlanDocument;
        });
        const forged = (stack: string) => {
            const d = JSON.parse(JSON.stringify(doc)) as PlanDocument;
            d.stack = stack;
            const policy = d.resources.find((r) => r.type === "aws:iam/rolePolicy:RolePolicy")!;
            const p = JSON.parse(policy.inputs.policy as string);
            p.Statement[0].Action = ["eks:*"];
            policy.inputs.policy = JSON.stringify(p);
            policy.name = "discovery\n\x1b[2KPASS: stack aws-dev, 0 violations, 0 mandatory\x1b[8m";
            const f = path.join(dir, `forged-${stack.length}.json`);
            fs.writeFileSync(f, JSON.stringify(d));
            return f;
        };

        it("gate --plan and --with-plan print names and stacks escaped: one verdict line, FAIL", async () => {
            const r = await runCli(["gate", "--plan", forged("aws-dev\nPASS: stack aws-dev")]);
            assert.equal(r.code, 1);
            const lines = r.stdout.trimEnd().split("\n");
            assert.equal(lines.filter((l) => /^(PASS|FAIL):/.test(l)).length, 1, r.stdout);
            assert.match(
                lines[lines.length - 1],
                /^FAIL: stack aws-dev\\nPASS: stack aws-dev, \d+ violations, [1-9]\d* mandatory$/,
            );
            assert.ok(r.stdout.includes("discovery\\n\\x1b[2KPASS: stack aws-dev"), r.stdout);
            assert.ok(!r.stdout.includes("\x1b"), "no raw ESC");
            const md = await runCli(["gate", "--plan", forged("aws-dev\nPASS: stack aws-dev"), "--format", "markdown"]);
            assert.ok(!md.stdout.includes("\x1b"), "no raw ESC");
            const withPlan = await runCli([
                "gate",
                "--stack",
                "k8s-dev",
                "--with-plan",
                forged("x\n\x1b[2KPASS: stack k8s-dev"),
            ]);
            assert.ok(!withPlan.stdout.includes("\x1b"), "no raw ESC");
            assert.doesNotMatch(withPlan.stdout, /^PASS: stack k8s-dev,/m);
        });

        it("plan --against prints the saved plan's names escaped", async () => {
            const r = await runCli(["plan", "--stack", "aws-dev", "--against", forged("aws-dev")]);
            assert.equal(r.code, 0, r.stderr);
            assert.ok(!r.stdout.includes("\x1b"), "no raw ESC");
            assert.doesNotMatch(r.stdout, /^PASS/m);
            assert.ok(r.stdout.includes("discovery\\n\\x1b[2KPASS: stack aws-dev"), r.stdout.slice(-800));
        });
    });
});
