import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { ROOT } from "../helpers/cli";

/**
 * The workflows that run with cloud credentials (preview, drift, cloud-state, snapshot), tested by
 * what they do: actionlint over every file, the matrix step run against a deployments file, the
 * logins each matrix entry gets (the composite action's inputs and conditions evaluated), and the
 * scripts the steps run, with stand-ins for npm, the clouds' CLIs and gh.
 */

interface Step {
    id?: string;
    name?: string;
    uses?: string;
    run?: string;
    shell?: string;
    if?: string;
    with?: Record<string, unknown>;
    env?: Record<string, string>;
}
interface Job {
    if?: string;
    needs?: string | string[];
    environment?: string;
    permissions?: Record<string, string>;
    strategy?: { "fail-fast"?: boolean; matrix?: Record<string, unknown> };
    outputs?: Record<string, string>;
    env?: Record<string, string>;
    steps: Step[];
}
interface Workflow {
    on: Record<string, unknown>;
    permissions?: Record<string, string>;
    jobs: Record<string, Job>;
}
interface CompositeAction {
    inputs: Record<string, { default?: string }>;
    runs: { using: string; steps: Step[] };
}

const WORKFLOWS = path.join(ROOT, ".github", "workflows");
const readWorkflow = (name: string) => parse(fs.readFileSync(path.join(WORKFLOWS, name), "utf8")) as Workflow;
const LOGIN_ACTION = parse(
    fs.readFileSync(path.join(ROOT, ".github", "actions", "cloud-login", "action.yml"), "utf8"),
) as CompositeAction;

// --- A small evaluator for the expressions these workflows use: paths, '...', ==, !=, &&, ||. ---

type Ctx = Record<string, unknown>;

function splitTop(expr: string, op: string): string[] {
    const parts: string[] = [];
    let depth = 0;
    let quoted = false;
    let start = 0;
    for (let i = 0; i < expr.length; i++) {
        const c = expr[i];
        if (c === "'") quoted = !quoted;
        else if (!quoted && c === "(") depth++;
        else if (!quoted && c === ")") depth--;
        else if (!quoted && depth === 0 && expr.startsWith(op, i)) {
            parts.push(expr.slice(start, i));
            start = i + op.length;
            i += op.length - 1;
        }
    }
    parts.push(expr.slice(start));
    return parts.map((p) => p.trim());
}

/** GitHub's falsy values: false, 0, "", null (an absent variable is ""). */
const truthy = (v: unknown) => !(v === false || v === 0 || v === "" || v === null || v === undefined);

function evaluate(expr: string, ctx: Ctx): unknown {
    const or = splitTop(expr, "||");
    if (or.length > 1) {
        for (const p of or.slice(0, -1)) {
            const v = evaluate(p, ctx);
            if (truthy(v)) return v;
        }
        return evaluate(or[or.length - 1], ctx);
    }
    const and = splitTop(expr, "&&");
    if (and.length > 1) {
        let v: unknown;
        for (const p of and) {
            v = evaluate(p, ctx);
            if (!truthy(v)) return v;
        }
        return v;
    }
    for (const op of ["==", "!="]) {
        const sides = splitTop(expr, op);
        if (sides.length === 2) {
            // GitHub compares a boolean with a string by number; these files compare strings only.
            const [a, b] = sides.map((s) => evaluate(s, ctx));
            const same = String(a ?? "") === String(b ?? "");
            return op === "==" ? same : !same;
        }
    }
    const e = expr.trim();
    const literal = /^'(.*)'$/.exec(e);
    if (literal) return literal[1];
    if (e === "true" || e === "false") return e === "true";
    let v: unknown = ctx;
    for (const key of e.split(".")) v = (v as Ctx | undefined)?.[key];
    return v ?? "";
}

/** A `with:` value or an `if:`: `${{ ... }}` parts replaced; a bare `if:` is one expression. */
function interpolate(value: unknown, ctx: Ctx): string {
    return String(value).replace(/\$\{\{(.*?)\}\}/g, (_, inner: string) => String(evaluate(inner, ctx)));
}
const condition = (cond: string | undefined, ctx: Ctx) =>
    cond === undefined || truthy(evaluate(cond.replace(/^\$\{\{(.*)\}\}$/, "$1"), ctx));

/** The steps of the cloud-login action that run for the given inputs, with their evaluated `with`. */
function loginSteps(inputs: Record<string, string>): { name: string; with: Record<string, string> }[] {
    const all: Record<string, string> = {};
    for (const [k, spec] of Object.entries(LOGIN_ACTION.inputs)) all[k] = inputs[k] ?? spec.default ?? "";
    const ctx = { inputs: all, github: { run_id: "42" } };
    return LOGIN_ACTION.runs.steps
        .filter((s) => condition(s.if, ctx))
        .map((s) => ({
            name: `${s.name} (${s.uses!.split("@")[0]})`,
            with: Object.fromEntries(Object.entries(s.with ?? {}).map(([k, v]) => [k, interpolate(v, ctx)])),
        }));
}

// --- A repository with three deployed stacks, as the matrix job reads it. ---

const SUB = "9b1c4e2a-5d3f-4a6b-8c7d-2e1f0a9b8c7d";
function deployedStacks(deployments?: string): string {
    const stacks = fs.mkdtempSync(path.join(os.tmpdir(), "deployed-"));
    const write = (name: string, text: string) => fs.writeFileSync(path.join(stacks, name), text);
    write(
        "Pulumi.prod-aws.yaml",
        `config:\n  agentless-discovery:cloud: aws\n  agentless-discovery:aws:\n    accountId: "111122223333"\n    connector: { enabled: true, subscriptionId: ${SUB} }\n`,
    );
    write(
        "Pulumi.lab.yaml",
        `config:\n  agentless-discovery:cloud: azure\n  agentless-discovery:azure: { subscriptionId: ${SUB} }\n  agentless-discovery:kubernetes:\n    clusters:\n      - { name: eks-lab, kind: eks, accountId: "123456789012", region: eu-west-1, access: { context: eks-lab } }\n`,
    );
    write(
        "Pulumi.proj.yaml",
        "config:\n  agentless-discovery:cloud: gcp\n  agentless-discovery:gcp: { projectId: contoso-payments-prod }\n",
    );
    write(
        "deployments.yaml",
        deployments ??
            `snapshot:
  store: s3://inventory-111122223333/snapshots
  storeRegion: eu-central-1
  storeRole: arn:aws:iam::111122223333:role/agentless-snapshot-store
deployments:
  - { stack: prod-aws, cloud: aws, account: "111122223333", regions: [eu-west-1, us-east-1], environment: aws-prod, logins: [azure], backend: "s3://pulumi-state-111122223333/agentless" }
  - { stack: lab, cloud: azure, account: ${SUB}, regions: [westeurope], environment: lab, logins: [aws] }
  - { stack: proj, cloud: gcp, account: contoso-payments-prod, regions: [europe-west1], environment: gcp-prod }
`,
    );
    return stacks;
}

/** Runs a step's script the way the runner does (bash -e; -o pipefail for `shell: bash`). */
function runStep(step: Step, opts: { cwd?: string; env?: Record<string, string> } = {}) {
    const flags = step.shell === "bash" ? ["--noprofile", "--norc", "-eo", "pipefail"] : ["-e"];
    return spawnSync("bash", [...flags, "-c", step.run!], {
        cwd: opts.cwd ?? ROOT,
        encoding: "utf8",
        env: { ...process.env, ...opts.env },
    });
}

/** The matrix a workflow's first job writes to GITHUB_OUTPUT, read as GitHub reads it. */
function matrixOf(wf: Workflow, stacks: string): { status: number | null; stderr: string; jobs?: Ctx[] } {
    const [job] = Object.values(wf.jobs);
    const step = job.steps.find((s) => s.id === "matrix")!;
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "gh-output-")), "output");
    fs.writeFileSync(out, "");
    const r = runStep(step, { env: { AGENTLESS_STACKS_DIR: stacks, GITHUB_OUTPUT: out } });
    const line = fs
        .readFileSync(out, "utf8")
        .split("\n")
        .find((l) => l.startsWith("jobs="));
    return { status: r.status, stderr: r.stderr, jobs: line ? (JSON.parse(line.slice(5)) as Ctx[]) : undefined };
}

const VARS = {
    AWS_ROLE_ARN: "arn:aws:iam::111122223333:role/deploy",
    AZURE_CLIENT_ID: "00000000-0000-0000-0000-0000000000c1",
    AZURE_TENANT_ID: "00000000-0000-0000-0000-0000000000t1",
    AWS_REGION: "eu-central-1",
    GCP_WORKLOAD_IDENTITY_PROVIDER:
        "projects/482915736204/locations/global/workloadIdentityPools/github/providers/repo",
    GCP_SERVICE_ACCOUNT: "deploy@contoso-payments-prod.iam.gserviceaccount.com",
};

/** What one matrix entry's job logs into: the login action's steps that run, with their inputs. */
function loginsOf(job: Job, entry: Ctx, vars: Record<string, string> = VARS) {
    const call = job.steps.find((s) => s.uses === "./.github/actions/cloud-login")!;
    const ctx = { matrix: entry, vars, github: { run_id: "42" } };
    const inputs = Object.fromEntries(Object.entries(call.with ?? {}).map(([k, v]) => [k, interpolate(v, ctx)]));
    return loginSteps(inputs);
}

describe("workflows with cloud credentials", () => {
    const credentialed = ["preview.yml", "drift.yml", "cloud-state.yml", "snapshot.yml"];

    it("actionlint finds nothing in .github/workflows/ (and the composite action they use)", function () {
        const go = spawnSync("go", ["version"], { encoding: "utf8" });
        if (go.error || go.status !== 0) {
            // `.ci/run` has go; only a machine without it skips this, and says so.
            console.log("      skipped: the go command is missing, and actionlint is built from the Go module proxy");
            this.skip();
        }
        this.timeout(600_000);
        const build = spawnSync("bash", [path.join(ROOT, "scripts", "go-tools.sh"), "actionlint"], {
            encoding: "utf8",
        });
        assert.equal(build.status, 0, build.stderr);
        const bin = path.join(build.stdout.trim(), "actionlint");
        const r = spawnSync(bin, ["-no-color"], { cwd: ROOT, encoding: "utf8" });
        assert.equal(r.stdout + r.stderr, "", "no finding");
        assert.equal(r.status, 0);
        // It does read the files: a typo in an input of the login action is a finding.
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "actionlint-"));
        fs.cpSync(path.join(ROOT, ".github"), path.join(dir, ".github"), { recursive: true });
        // actionlint finds the project by its git repository.
        assert.equal(spawnSync("git", ["init", "--quiet", dir]).status, 0);
        const drift = path.join(dir, ".github", "workflows", "drift.yml");
        fs.writeFileSync(drift, fs.readFileSync(drift, "utf8").replace("aws-role:", "aws-roel:"));
        const bad = spawnSync(bin, ["-no-color", "-shellcheck=", "-pyflakes="], { cwd: dir, encoding: "utf8" });
        assert.equal(bad.status, 1);
        assert.match(bad.stdout, /input "aws-roel" is not defined in action "cloud-login"/);
    });

    it("pins every third-party action by a full commit SHA with its tag in a comment", () => {
        const files = [
            ...fs.readdirSync(WORKFLOWS).map((f) => path.join(WORKFLOWS, f)),
            path.join(ROOT, ".github", "actions", "cloud-login", "action.yml"),
        ];
        let pinned = 0;
        for (const f of files)
            for (const line of fs.readFileSync(f, "utf8").split("\n")) {
                const m = /^\s*-?\s*uses:\s*(\S+)(.*)$/.exec(line);
                if (!m || m[1].startsWith("./")) continue;
                assert.match(m[1], /^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/, `${path.basename(f)}: ${line.trim()}`);
                assert.match(m[2], /^ # v\d+(\.\d+)*$/, `${path.basename(f)}: the tag beside ${m[1]}`);
                pinned++;
            }
        assert.ok(pinned > 20, `${pinned} pinned uses`);
    });

    for (const file of credentialed) {
        describe(file, () => {
            const wf = readWorkflow(file);
            const [matrixJob, matrixJobName] = [Object.values(wf.jobs)[0], Object.keys(wf.jobs)[0]];
            const cloudJobs = Object.entries(wf.jobs).filter(([, j]) => j.permissions?.["id-token"] === "write");

            it("grants OIDC tokens only to the jobs that log in, each in its entry's environment, from the matrix job's output", () => {
                assert.deepEqual(wf.permissions, { contents: "read" }, "the workflow's token reads only");
                assert.equal(cloudJobs.length, 1);
                const [, job] = cloudJobs[0];
                assert.equal(job.environment, "${{ matrix.environment }}");
                assert.deepEqual(job.strategy?.matrix, {
                    include: `\${{ fromJSON(needs.${matrixJobName}.outputs.jobs) }}`,
                });
                assert.equal(job.strategy?.["fail-fast"], false, "one account's failure does not cancel the others");
                assert.match(job.if ?? "", new RegExp(`needs\\.${matrixJobName}\\.outputs\\.jobs != '\\[\\]'$`));
                assert.equal(matrixJob.outputs?.jobs, "${{ steps.matrix.outputs.jobs }}");
                // No dependency cache where credentials are: a poisoned cache would run with them.
                const node = job.steps.find((s) => s.uses?.startsWith("actions/setup-node@"))!;
                assert.equal(node.with?.["package-manager-cache"], false);
                assert.equal(node.with?.cache, undefined);
            });

            it("builds the matrix from stacks/deployments.yaml, and a bad entry fails the step with its message", () => {
                const good = matrixOf(wf, deployedStacks());
                assert.equal(good.status, 0, good.stderr);
                assert.deepEqual(
                    good.jobs!.map((j) => j.stack ?? j.name),
                    file === "snapshot.yml"
                        ? ["aws-111122223333", `azure-${SUB}`, "gcp-contoso-payments-prod"]
                        : ["prod-aws", "lab", "proj"],
                );
                const bad = matrixOf(
                    wf,
                    deployedStacks(
                        'deployments:\n  - { stack: prod-aws, cloud: aws, account: "111122223333", regions: [eu-west-9], environment: e, logins: [azure] }\n',
                    ),
                );
                assert.notEqual(bad.status, 0);
                assert.equal(bad.jobs, undefined, "no matrix is written");
                assert.match(
                    bad.stderr,
                    /entry "prod-aws": key "deployments\[0\]\.regions\[0\]" has value "eu-west-9"/,
                );
                const none = matrixOf(wf, deployedStacks("deployments: []\n"));
                assert.deepEqual(none.jobs, [], "the cloud jobs are skipped: their if compares with '[]'");
            });
        });
    }

    describe("each deployed stack logs into its own identities", () => {
        const jobs = matrixOf(readWorkflow("preview.yml"), deployedStacks()).jobs!;
        const [prodAws, lab, proj] = jobs;

        for (const file of ["preview.yml", "drift.yml", "cloud-state.yml"])
            it(`${file}: the clouds of the entry, with the environment's identities and the entry's account and region`, () => {
                const job = Object.values(readWorkflow(file).jobs).find((j) => j.permissions?.["id-token"])!;
                assert.deepEqual(loginsOf(job, prodAws), [
                    {
                        name: "AWS (OIDC) (aws-actions/configure-aws-credentials)",
                        with: {
                            "role-to-assume": VARS.AWS_ROLE_ARN,
                            "aws-region": "eu-west-1",
                            "role-session-name": "agentless-discovery-42",
                        },
                    },
                    {
                        name: "Azure (OIDC) (azure/login)",
                        with: {
                            "client-id": VARS.AZURE_CLIENT_ID,
                            "tenant-id": VARS.AZURE_TENANT_ID,
                            "subscription-id": "",
                            "allow-no-subscriptions": "true",
                        },
                    },
                    { name: "kubelogin (azure/use-kubelogin)", with: {} },
                ]);
                // An Azure stack with an EKS cluster: AWS in the environment's AWS_REGION, never a fixed one.
                assert.deepEqual(
                    loginsOf(job, lab).map((s) => [s.name, s.with["aws-region"] ?? s.with["subscription-id"]]),
                    [
                        ["AWS (OIDC) (aws-actions/configure-aws-credentials)", "eu-central-1"],
                        ["Azure (OIDC) (azure/login)", SUB],
                        ["kubelogin (azure/use-kubelogin)", undefined],
                    ],
                );
                assert.deepEqual(loginsOf(job, proj), [
                    {
                        name: "Google Cloud (workload identity federation) (google-github-actions/auth)",
                        with: {
                            workload_identity_provider: VARS.GCP_WORKLOAD_IDENTITY_PROVIDER,
                            service_account: VARS.GCP_SERVICE_ACCOUNT,
                            project_id: "contoso-payments-prod",
                        },
                    },
                    {
                        name: "gcloud and gke-gcloud-auth-plugin (google-github-actions/setup-gcloud)",
                        with: { install_components: "gke-gcloud-auth-plugin" },
                    },
                ]);
                // The clusters' credentials only for a stack with clusters, through the CLI's command.
                const creds = job.steps.find((s) => s.run?.includes("kube-credentials"))!;
                assert.deepEqual(
                    jobs.map((e) => condition(creds.if, { matrix: e })),
                    [false, true, false],
                );
                assert.equal(creds.run, 'npm run --silent deployments -- kube-credentials --stack "$STACK"');
                assert.equal(creds.env?.STACK, "${{ matrix.stack }}");
            });

        it("preview and drift run pulumi with the entry's backend and the environment's passphrase or token", () => {
            for (const file of ["preview.yml", "drift.yml"]) {
                const job = Object.values(readWorkflow(file).jobs).find((j) => j.permissions?.["id-token"])!;
                const pulumi = job.steps.find((s) => s.uses?.startsWith("pulumi/actions@"))!;
                assert.equal(interpolate(pulumi.with?.["cloud-url"], { matrix: prodAws }), prodAws.backend);
                assert.equal(interpolate(pulumi.with?.["cloud-url"], { matrix: lab }), "", "the CLI's default");
                assert.equal(pulumi.with?.["stack-name"], "${{ matrix.stack }}");
                assert.equal(pulumi.with?.policyPacks, "policies");
                assert.deepEqual(job.env, {
                    PULUMI_ACCESS_TOKEN: "${{ secrets.PULUMI_ACCESS_TOKEN }}",
                    PULUMI_CONFIG_PASSPHRASE: "${{ secrets.PULUMI_CONFIG_PASSPHRASE }}",
                });
                const steps = job.steps.map((s) => s.uses ?? s.run);
                assert.ok(
                    steps.indexOf("./.github/actions/cloud-login") < steps.indexOf(pulumi.uses),
                    "logged in before pulumi runs (a KMS secrets provider needs the login)",
                );
            }
            const preview = readWorkflow("preview.yml");
            const job = preview.jobs.preview;
            const pulumi = job.steps.find((s) => s.uses?.startsWith("pulumi/actions@"))!;
            assert.equal(pulumi.with?.command, "preview");
            assert.equal(pulumi.with?.diff, true);
            assert.equal(pulumi.with?.["comment-on-pr"], true);
            assert.equal(job.permissions?.["pull-requests"], "write");
            // Fork pull requests never reach a job with credentials.
            assert.equal(
                preview.jobs.deployments.if,
                "github.event.pull_request.head.repo.full_name == github.repository",
            );
            assert.ok(job.if?.startsWith(`${preview.jobs.deployments.if} && `));
            assert.deepEqual(Object.keys(preview.on), ["pull_request"]);
            const drift = readWorkflow("drift.yml");
            const refresh = drift.jobs.drift.steps.find((s) => s.uses?.startsWith("pulumi/actions@"))!;
            assert.ok((drift.on.schedule as { cron: string }[])[0].cron);
            assert.equal(refresh.with?.refresh, true);
            assert.equal(refresh.with?.["expect-no-changes"], true);
        });
    });

    describe("snapshot.yml: no standing secret, the history in the S3 store", () => {
        const wf = readWorkflow("snapshot.yml");
        const job = wf.jobs.snapshot;
        const jobs = matrixOf(wf, deployedStacks()).jobs!;

        it("discovers each account through its OIDC login, and Azure and Google Cloud jobs also assume the store's role", () => {
            const store = job.steps.find((s) => s.name === "The snapshot store (AWS, OIDC)")!;
            const perJob = jobs.map((e) => ({
                logins: loginsOf(job, e).map((s) => s.name.split(" (")[0]),
                store: condition(store.if, { matrix: e })
                    ? Object.fromEntries(
                          Object.entries(store.with!).map(([k, v]) => [
                              k,
                              interpolate(v, { matrix: e, github: { run_id: "42" } }),
                          ]),
                      )
                    : undefined,
            }));
            assert.deepEqual(perJob, [
                { logins: ["AWS"], store: undefined },
                {
                    logins: ["Azure", "kubelogin"],
                    store: {
                        "role-to-assume": "arn:aws:iam::111122223333:role/agentless-snapshot-store",
                        "aws-region": "eu-central-1",
                        "role-session-name": "agentless-snapshot-42",
                    },
                },
                {
                    logins: ["Google Cloud", "gcloud and gke-gcloud-auth-plugin"],
                    store: {
                        "role-to-assume": "arn:aws:iam::111122223333:role/agentless-snapshot-store",
                        "aws-region": "eu-central-1",
                        "role-session-name": "agentless-snapshot-42",
                    },
                },
            ]);
            // A read-only SNAPSHOT_* identity wins over the deployment's where the environment has one.
            const readOnly = loginsOf(job, jobs[0], {
                ...VARS,
                SNAPSHOT_AWS_ROLE_ARN: "arn:aws:iam::111122223333:role/read",
            });
            assert.equal(readOnly[0].with["role-to-assume"], "arn:aws:iam::111122223333:role/read");
            const text = fs.readFileSync(path.join(WORKFLOWS, "snapshot.yml"), "utf8");
            assert.doesNotMatch(text, /secrets\./, "no secret at all: no kubeconfig, no key");
            assert.ok(!job.steps.some((s) => s.uses?.startsWith("actions/cache")), "no Actions cache");
        });

        it("runs the snapshot with the account's discovery arguments into the store, and a failed cluster's exit survives the tee", () => {
            const step = job.steps.find((s) => s.name === "Snapshot")!;
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "snapshot-step-"));
            fs.mkdirSync(path.join(dir, "bin"));
            fs.writeFileSync(
                path.join(dir, "bin", "npm"),
                `#!/usr/bin/env bash\nprintf '%s\\n' "$@" > "${dir}/args"\necho "AWS_REGION=$AWS_REGION"\nexit "\${NPM_EXIT:-0}"\n`,
                { mode: 0o755 },
            );
            const [awsJob] = jobs;
            const env = (extra: Record<string, string> = {}) => ({
                PATH: `${path.join(dir, "bin")}:${process.env.PATH}`,
                ...Object.fromEntries(
                    Object.entries(step.env!).map(([k, v]) => [k, interpolate(v, { matrix: awsJob })]),
                ),
                ...extra,
            });
            const r = runStep(step, { cwd: dir, env: env() });
            assert.equal(r.status, 0, r.stderr);
            assert.deepEqual(fs.readFileSync(path.join(dir, "args"), "utf8").trimEnd().split("\n"), [
                "run",
                "--silent",
                "snapshot",
                "--",
                "--cloud",
                "aws",
                "--region",
                "eu-west-1",
                "--region",
                "us-east-1",
                "--out",
                "s3://inventory-111122223333/snapshots",
                "--retain",
                "60",
            ]);
            assert.equal(fs.readFileSync(path.join(dir, "snapshot-summary.txt"), "utf8"), "AWS_REGION=eu-central-1\n");
            assert.equal(runStep(step, { cwd: dir, env: env({ NPM_EXIT: "3" }) }).status, 3);
        });

        it("plans every deployed stack offline for the report, and leaves out one whose plan fails with a warning", () => {
            const step = job.steps.find((s) => s.name === "Plans of the deployed stacks")!;
            assert.equal(step.if, "always()");
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plans-step-"));
            fs.mkdirSync(path.join(dir, "bin"));
            // The deployments' matrix as the real command prints it; the plan of "lab" fails.
            const matrix = JSON.stringify([
                { stack: "prod-aws", cloud: "aws" },
                { stack: "lab", cloud: "azure" },
            ]);
            fs.writeFileSync(
                path.join(dir, "bin", "npm"),
                `#!/usr/bin/env bash\nprintf '%s\\n' "$*" >> "${dir}/calls"\nif [ "$3" = deployments ]; then echo '${matrix}'; exit 0; fi\nif [ "$6" = lab ]; then echo partial; exit 2; fi\necho "{\\"stack\\":\\"$6\\"}"\n`,
                { mode: 0o755 },
            );
            const r = runStep(step, { cwd: dir, env: { PATH: `${path.join(dir, "bin")}:${process.env.PATH}` } });
            assert.equal(r.status, 0, r.stderr);
            assert.deepEqual(fs.readFileSync(path.join(dir, "calls"), "utf8").trimEnd().split("\n"), [
                "run --silent deployments -- matrix",
                "run --silent plan -- --stack prod-aws --format json",
                "run --silent plan -- --stack lab --format json",
            ]);
            assert.deepEqual(fs.readdirSync(path.join(dir, "plans")), ["prod-aws.json"]);
            assert.equal(fs.readFileSync(path.join(dir, "plans", "prod-aws.json"), "utf8"), '{"stack":"prod-aws"}\n');
            assert.equal(
                r.stdout,
                "::warning title=fleet report::the plan of stack lab failed: the report does not list its clusters as onboarded\n",
            );
        });

        it("writes the fleet report of the shared store to the job summary and keeps its HTML, even after a failed cluster", () => {
            const step = job.steps.find((s) => s.name === "Fleet report")!;
            assert.equal(step.if, "always()");
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "report-step-"));
            fs.mkdirSync(path.join(dir, "bin"));
            fs.writeFileSync(
                path.join(dir, "bin", "npm"),
                `#!/usr/bin/env bash\nprintf '%s\\n' "$@" > "${dir}/args"\necho "## Fleet report"\n`,
                { mode: 0o755 },
            );
            const summary = path.join(dir, "summary.md");
            const [awsJob] = jobs;
            const r = runStep(step, {
                cwd: dir,
                env: {
                    PATH: `${path.join(dir, "bin")}:${process.env.PATH}`,
                    GITHUB_STEP_SUMMARY: summary,
                    ...Object.fromEntries(
                        Object.entries(step.env!).map(([k, v]) => [k, interpolate(v, { matrix: awsJob })]),
                    ),
                },
            });
            assert.equal(r.status, 0, r.stderr);
            assert.deepEqual(fs.readFileSync(path.join(dir, "args"), "utf8").trimEnd().split("\n"), [
                "run",
                "--silent",
                "snapshot",
                "--",
                "report",
                "--out",
                "s3://inventory-111122223333/snapshots",
                "--html",
                "fleet-report.html",
                "--markdown",
                "-",
            ]);
            assert.equal(fs.readFileSync(summary, "utf8"), "## Fleet report\n");
            // With the deployed stacks' plans beside it, the report is given each of them.
            fs.mkdirSync(path.join(dir, "plans"));
            for (const s of ["lab", "prod-aws"]) fs.writeFileSync(path.join(dir, "plans", `${s}.json`), "{}");
            const withPlans = runStep(step, {
                cwd: dir,
                env: {
                    PATH: `${path.join(dir, "bin")}:${process.env.PATH}`,
                    GITHUB_STEP_SUMMARY: summary,
                    ...Object.fromEntries(
                        Object.entries(step.env!).map(([k, v]) => [k, interpolate(v, { matrix: awsJob })]),
                    ),
                },
            });
            assert.equal(withPlans.status, 0, withPlans.stderr);
            assert.deepEqual(fs.readFileSync(path.join(dir, "args"), "utf8").trimEnd().split("\n").slice(10), [
                "-",
                "--plan",
                "plans/lab.json",
                "--plan",
                "plans/prod-aws.json",
            ]);
            const keep = job.steps.find((s) => s.uses?.startsWith("actions/upload-artifact"))!;
            assert.deepEqual(String(keep.with!.path).trim().split("\n"), ["snapshot-summary.txt", "fleet-report.html"]);
        });
    });
});

describe("pull-request gate: cloud-state freshness", () => {
    it("runs npm run deployments -- freshness without secrets, and its exit decides the job", () => {
        const wf = readWorkflow("pr.yml");
        const step = wf.jobs.freshness.steps.find((s) => s.run?.includes("freshness"))!;
        assert.equal(step.run, "npm run --silent deployments -- freshness --annotate");
        const stacks = deployedStacks(
            "freshness: { maxAgeDays: 7, onStale: fail }\ndeployments:\n  - { stack: proj, cloud: gcp, account: contoso-payments-prod, regions: [europe-west1], environment: gcp-prod }\n",
        );
        fs.writeFileSync(path.join(stacks, "proj.cloud.yaml"), "# read-at: 2020-01-01T00:00:00Z\ngcp: {}\n");
        const stale = runStep(step, { env: { AGENTLESS_STACKS_DIR: stacks } });
        assert.equal(stale.status, 1);
        assert.match(stale.stdout, /^::error file=.*proj\.cloud\.yaml,title=cloud-state file not fresh::/m);
        fs.writeFileSync(path.join(stacks, "proj.cloud.yaml"), `# read-at: ${new Date().toISOString()}\ngcp: {}\n`);
        const fresh = runStep(step, { env: { AGENTLESS_STACKS_DIR: stacks } });
        assert.equal(fresh.status, 0, fresh.stdout);
    });
});

describe("cloud-state refresh: the scripts of cloud-state.yml", () => {
    const git = (cwd: string, ...args: string[]) => {
        const r = spawnSync("git", args, { cwd, encoding: "utf8" });
        assert.equal(r.status, 0, `git ${args.join(" ")}: ${r.stderr}`);
        return r.stdout;
    };
    /** A clone of a bare origin holding stacks/Pulumi.prod.yaml and stacks/prod.cloud.yaml. */
    function repository() {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cloud-state-repo-"));
        const origin = path.join(dir, "origin.git");
        const work = path.join(dir, "work");
        git(dir, "init", "--quiet", "--bare", "-b", "main", origin);
        git(dir, "init", "--quiet", "-b", "main", work);
        git(work, "config", "user.email", "t@example.com");
        git(work, "config", "user.name", "t");
        fs.mkdirSync(path.join(work, "stacks"));
        fs.writeFileSync(
            path.join(work, "stacks", "Pulumi.prod.yaml"),
            "config:\n  agentless-discovery:cloud: aws\n  agentless-discovery:azureTenantId:\n    secure: v1:abc\n",
        );
        fs.writeFileSync(path.join(work, "stacks", "Pulumi.other.yaml"), "config:\n  agentless-discovery:cloud: aws\n");
        fs.writeFileSync(
            path.join(work, "stacks", "prod.cloud.yaml"),
            "# read-at: 2026-11-01T00:00:00Z\naws:\n  clusters: []\n",
        );
        fs.writeFileSync(path.join(work, "stacks", "other.cloud.yaml"), "# read-at: 2026-11-01T00:00:00Z\naws: {}\n");
        git(work, "add", ".");
        git(work, "commit", "--quiet", "-m", "stacks");
        git(work, "remote", "add", "origin", origin);
        git(work, "push", "--quiet", "origin", "main");
        const bin = path.join(dir, "bin");
        fs.mkdirSync(bin);
        // npm: cloud-state writes a new file (EXPORT_CHANGES=1: with a cluster); plan prints a plan or its changes.
        fs.writeFileSync(
            path.join(bin, "npm"),
            `#!/usr/bin/env bash
echo "npm $*" >> "${dir}/npm.log"
case "$*" in
  *" cloud-state -- "*)
    out="\${@: -1}"
    if [ -n "$EXPORT_CHANGES" ]; then body=$'aws:\\n  clusters:\\n    - name: eks-new\\n'; else body=$'aws:\\n  clusters: []\\n'; fi
    printf '# read-at: 2026-12-07T04:00:00Z\\n%s' "$body" > "$out" ;;
  *"--format json"*) echo '{"stack":"prod","resources":[]}' ;;
  *"--against"*) printf '### Plan\\n\\n#### Changes against \`x\`\\n\\n1 added, 0 removed, 0 changed\\n\\n| op |\\n|---|\\n| + eks-new |\\n\\n#### Policy violations\\n\\nnone\\n' ;;
  *) printf '### Plan (first)\\n' ;;
esac
`,
            { mode: 0o755 },
        );
        fs.writeFileSync(
            path.join(bin, "gh"),
            `#!/usr/bin/env bash\necho "gh $*" >> "${dir}/gh.log"\nfor a in "$@"; do case "$prev" in --body-file) cp "$a" "${dir}/body.md" ;; esac; prev="$a"; done\n[ "$1 $2" = "pr list" ] && echo "$OPEN_PR"\nexit 0\n`,
            { mode: 0o755 },
        );
        return { dir, work, origin, env: { PATH: `${bin}:${process.env.PATH}` } };
    }
    const exportScript = path.join(ROOT, "scripts", "cloud-state-export.sh");
    const prScript = path.join(ROOT, "scripts", "cloud-state-pr.sh");
    const run = (script: string, args: string[], cwd: string, env: Record<string, string>) =>
        spawnSync("bash", [script, ...args], { cwd, encoding: "utf8", env: { ...process.env, ...env } });

    it("the workflow's steps call the scripts with each stack's own folder, and the last job gathers every stack's", () => {
        const wf = readWorkflow("cloud-state.yml");
        const exp = wf.jobs.export.steps.find((s) => s.run?.includes("cloud-state-export.sh"))!;
        assert.equal(exp.run, 'bash scripts/cloud-state-export.sh "$STACK" "refreshed/$STACK"');
        const upload = wf.jobs.export.steps.find((s) => s.uses?.startsWith("actions/upload-artifact@"))!;
        assert.equal(upload.with?.path, "refreshed/${{ matrix.stack }}");
        assert.equal(upload.with?.name, "cloud-state-${{ matrix.stack }}");
        const pr = wf.jobs["pull-request"];
        assert.deepEqual(pr.permissions, { contents: "write", "pull-requests": "write" });
        assert.equal(pr.if, "${{ !cancelled() && needs.deployments.outputs.jobs != '[]' }}");
        const download = pr.steps.find((s) => s.uses?.startsWith("actions/download-artifact@"))!;
        assert.equal(download.with?.pattern, "cloud-state-*");
        assert.equal(pr.steps.at(-1)!.run, 'bash scripts/cloud-state-pr.sh "$RUNNER_TEMP/refreshed"');
        assert.ok((wf.on.schedule as { cron: string }[])[0].cron);
    });

    it("export: the new file, its diff and the plan's changes; the offline plan gets the placeholder tenant", () => {
        const r0 = repository();
        const out = path.join(r0.dir, "out");
        const r = run(exportScript, ["prod", out], r0.work, { ...r0.env, EXPORT_CHANGES: "1" });
        assert.equal(r.status, 0, r.stderr);
        assert.deepEqual(fs.readdirSync(out).sort(), ["cloud-state.diff", "plan-diff.md", "prod.cloud.yaml"]);
        assert.equal(
            fs.readFileSync(path.join(out, "prod.cloud.yaml"), "utf8"),
            "# read-at: 2026-12-07T04:00:00Z\naws:\n  clusters:\n    - name: eks-new\n",
        );
        const diff = fs.readFileSync(path.join(out, "cloud-state.diff"), "utf8");
        assert.match(diff, /^-# read-at: 2026-11-01T00:00:00Z$/m);
        assert.match(diff, /^\+ {4}- name: eks-new$/m);
        assert.equal(
            fs.readFileSync(path.join(out, "plan-diff.md"), "utf8"),
            "\n1 added, 0 removed, 0 changed\n\n| op |\n|---|\n| + eks-new |\n\n",
        );
        const TENANT = "--config azureTenantId=00000000-0000-0000-0000-000000000000";
        assert.deepEqual(fs.readFileSync(path.join(r0.dir, "npm.log"), "utf8").trimEnd().split("\n"), [
            `npm run --silent plan -- --stack prod --format json ${TENANT}`,
            "npm run --silent cloud-state -- --stack prod --out stacks/prod.cloud.yaml",
            `npm run --silent plan -- --stack prod --format markdown --against ${out}/before.json ${TENANT}`,
        ]);
        // A stack without a cloud-state file yet: the whole file is new, and so is the plan.
        fs.unlinkSync(path.join(r0.work, "stacks", "other.cloud.yaml"));
        const first = run(exportScript, ["other", path.join(r0.dir, "first")], r0.work, r0.env);
        assert.equal(first.status, 0, first.stderr);
        assert.match(fs.readFileSync(path.join(r0.dir, "first", "cloud-state.diff"), "utf8"), /^\+aws:$/m);
        assert.equal(fs.readFileSync(path.join(r0.dir, "first", "plan-diff.md"), "utf8"), "### Plan (first)\n");
    });

    it("pull request: commits only the changed files on the branch and opens one pull request with each diff and plan diff", () => {
        const r0 = repository();
        const gathered = path.join(r0.dir, "gathered");
        assert.equal(
            run(exportScript, ["prod", path.join(gathered, "cloud-state-prod")], r0.work, {
                ...r0.env,
                EXPORT_CHANGES: "1",
            }).status,
            0,
        );
        // `other` is read again exactly as committed (its read-at kept): nothing to propose for it.
        fs.mkdirSync(path.join(gathered, "cloud-state-other"));
        fs.writeFileSync(path.join(gathered, "cloud-state-other", "cloud-state.diff"), "");
        fs.writeFileSync(
            path.join(gathered, "cloud-state-other", "other.cloud.yaml"),
            "# read-at: 2026-11-01T00:00:00Z\naws: {}\n",
        );
        git(r0.work, "checkout", "--quiet", "--", "stacks");
        const r = run(prScript, [gathered], r0.work, r0.env);
        assert.equal(r.status, 0, r.stderr);
        assert.equal(
            git(r0.work, "--git-dir", r0.origin, "show", "--name-only", "--format=%s", "cloud-state/refresh").trim(),
            "Cloud-state refresh: prod changed\n\nstacks/prod.cloud.yaml",
        );
        const gh = fs.readFileSync(path.join(r0.dir, "gh.log"), "utf8").trimEnd().split("\n");
        assert.equal(
            gh[1].split(" --body-file ")[0],
            "gh pr create --head cloud-state/refresh --title Cloud-state refresh: prod changed",
        );
        const body = fs.readFileSync(path.join(r0.dir, "body.md"), "utf8");
        assert.match(
            body,
            /^The scheduled re-export found that the cloud no longer matches 1 cloud-state file\(s\): prod\./,
        );
        assert.match(
            body,
            /### `prod`[\s\S]*```diff\n[\s\S]*\+ {4}- name: eks-new[\s\S]*```[\s\S]*1 added, 0 removed, 0 changed/,
        );
        assert.doesNotMatch(body, /other/);
        // The next run finds the pull request open and updates it.
        git(r0.work, "checkout", "--quiet", "main");
        const again = run(prScript, [gathered], r0.work, { ...r0.env, OPEN_PR: "7" });
        assert.equal(again.status, 0, again.stderr);
        assert.match(
            fs.readFileSync(path.join(r0.dir, "gh.log"), "utf8"),
            /\ngh pr edit cloud-state\/refresh --title Cloud-state refresh: prod changed --body-file /,
        );
    });

    it("pull request: a file read again with only a newer read-at is proposed as unchanged; one as committed is not", () => {
        const r0 = repository();
        const gathered = path.join(r0.dir, "gathered");
        assert.equal(run(exportScript, ["prod", path.join(gathered, "cloud-state-prod")], r0.work, r0.env).status, 0);
        assert.equal(
            fs.readFileSync(path.join(gathered, "cloud-state-prod", "cloud-state.diff"), "utf8"),
            "",
            "the header's time is no difference of content",
        );
        git(r0.work, "checkout", "--quiet", "--", "stacks");
        const r = run(prScript, [gathered], r0.work, r0.env);
        assert.equal(r.status, 0, r.stderr);
        assert.equal(
            git(r0.work, "--git-dir", r0.origin, "show", "--format=%s", "cloud-state/refresh").split("\n")[0],
            "Cloud-state refresh: no change, read again",
        );
        assert.match(
            git(r0.work, "--git-dir", r0.origin, "show", "--format=", "cloud-state/refresh"),
            /^\+# read-at: 2026-12-07T04:00:00Z$/m,
        );
        assert.equal(
            fs.readFileSync(path.join(r0.dir, "body.md"), "utf8"),
            "Read again without change: prod (only the read-at time is newer; merging renews it for the freshness check).\n\n",
        );

        const same = repository();
        const asCommitted = path.join(same.dir, "gathered", "cloud-state-other");
        fs.mkdirSync(asCommitted, { recursive: true });
        fs.writeFileSync(path.join(asCommitted, "cloud-state.diff"), "");
        fs.writeFileSync(path.join(asCommitted, "other.cloud.yaml"), "# read-at: 2026-11-01T00:00:00Z\naws: {}\n");
        const none = run(prScript, [path.join(same.dir, "gathered")], same.work, same.env);
        assert.equal(none.status, 0, none.stderr);
        assert.equal(none.stdout, "every deployed stack's cloud-state file is as committed: no pull request\n");
        assert.ok(!fs.existsSync(path.join(same.dir, "gh.log")));
        assert.equal(git(same.work, "status", "--porcelain"), "");
        assert.equal(git(same.work, "rev-parse", "--abbrev-ref", "HEAD").trim(), "main");
    });
});
