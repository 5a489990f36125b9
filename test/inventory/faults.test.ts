import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runCli, ROOT } from "../helpers/cli";
import { FixtureServer, startKubeApiServer } from "../fixtures/kubeApiServer";
import { generateCluster } from "../fixtures/clusterGenerator";
import { writeKubeconfig } from "../fixtures/kubeconfig";
import { KubeClient } from "../../lib/kube/client";
import { LocalStore } from "../../inventory/store/local";
import { runSnapshots } from "../../inventory/run";
import { SnapshotDocument } from "../../inventory/schema";
import { readPolicyConfig } from "../../cli/policyConfig";
import { awsRegionProblem } from "../../domain/aws/regions";

const FAST = { maxRetries: 3, baseDelayMs: 5, maxDelayMs: 50 };

describe("snapshot faults", function () {
    this.timeout(60_000);
    let server: FixtureServer;
    afterEach(() => server?.close());

    async function snapshotOnce(pageSize: number): Promise<{ doc: SnapshotDocument; status: string }> {
        const out = fs.mkdtempSync(path.join(os.tmpdir(), "snap-faults-"));
        const store = new LocalStore(out, 5);
        const [r] = await runSnapshots(
            [
                {
                    identity: { name: "c", server: server.url, source: "kubeconfig", context: "c" },
                    access: async () => ({ name: "c", server: server.url, insecureSkipTlsVerify: false }),
                },
            ],
            store,
            { pageSize, client: { retry: FAST } },
        );
        return { doc: JSON.parse(fs.readFileSync(r.snapshot!, "utf8")), status: r.status };
    }

    it("writes no object twice after a 410 restart (README: the list starts over and repeats are skipped)", async () => {
        server = await startKubeApiServer(generateCluster({ pods: 45 }));
        // One continue token expires: the list restarts and the pages already read come again.
        server.faults.push({ path: "/api/v1/pods", withContinue: true, status: 410, times: 1 });
        const { doc, status } = await snapshotOnce(10);
        const pages = server.requests.filter((q) => q.path === "/api/v1/pods").length;
        assert.strictEqual(status, "complete");
        const names = doc.objects.Pod.map((p) => `${p.namespace}/${p.name}`);
        assert.strictEqual(names.length, server.state.objects.Pod.length);
        assert.strictEqual(new Set(names).size, names.length, "no pod written twice");
        assert.strictEqual(doc.counts.Pod, server.state.objects.Pod.length);
        assert.ok(
            pages > Math.ceil(server.state.objects.Pod.length / 10),
            `the list was restarted (${pages} page requests)`,
        );
    });

    it("restarts a list at most 3 times, then records the kind as not read", async () => {
        server = await startKubeApiServer(generateCluster({ pods: 45 }));
        server.faults.push({ path: "/api/v1/pods", withContinue: true, status: 410 });
        const { doc, status } = await snapshotOnce(10);
        assert.strictEqual(status, "partial");
        assert.strictEqual(doc.kinds.Pod.error!.status, 410);
        const starts = server.requests.filter((q) => q.path === "/api/v1/pods" && !q.query.continue).length;
        assert.strictEqual(starts, 4, "the first listing and 3 restarts");
    });

    it("after a kind failed midway, compares it with the last full read, not with the pages read before the error", async () => {
        server = await startKubeApiServer(generateCluster({ pods: 30 }));
        const out = fs.mkdtempSync(path.join(os.tmpdir(), "snap-midway-"));
        const store = new LocalStore(out, 5);
        const target = {
            identity: { name: "c", server: server.url, source: "kubeconfig" as const, context: "c" },
            access: async () => ({ name: "c", server: server.url, insecureSkipTlsVerify: false }),
        };
        const run = async () => (await runSnapshots([target], store, { pageSize: 10, client: { retry: FAST } }))[0];
        assert.strictEqual((await run()).status, "complete");
        const template = server.state.objects.Pod.find((p) => p.metadata.namespace === "team-0")!;
        server.state.objects.Pod.unshift({
            ...template,
            metadata: { ...template.metadata, name: "new-pod", uid: "new-pod-uid" },
        });
        const forbidden = { path: "/api/v1/pods", withContinue: true, status: 403 };
        server.faults.push(forbidden);
        const partial = await run();
        assert.strictEqual(partial.status, "partial");
        const partialDoc = JSON.parse(fs.readFileSync(partial.snapshot!, "utf8")) as SnapshotDocument;
        assert.ok(
            partialDoc.objects.Pod.some((p) => p.name === "new-pod"),
            "the first page, read before the 403, holds the new pod",
        );
        server.faults.splice(server.faults.indexOf(forbidden), 1);
        const full = await run();
        assert.deepStrictEqual(full.diff!.added, ["Pod/team-0/new-pod"]);
    });

    it("retries a page that timed out", async () => {
        server = await startKubeApiServer(generateCluster({ pods: 30 }));
        server.faults.push({ path: "/api/v1/pods", withContinue: true, delayMs: 1_000, times: 1 });
        const client = new KubeClient(
            { name: "c", server: server.url, insecureSkipTlsVerify: false },
            { timeoutMs: 200, retry: FAST },
        );
        const names: string[] = [];
        for await (const page of client.listPages<{ metadata: { name: string } }>("/api/v1/pods", { limit: 10 }))
            names.push(...page.items.map((i) => i.metadata.name));
        client.close();
        assert.strictEqual(names.length, server.state.objects.Pod.length);
    });

    it("fails a cluster whose /version answers null with a message, not a TypeError", async () => {
        server = await startKubeApiServer(generateCluster({ pods: 3 }), { versionBody: "null" });
        const { file } = writeKubeconfig({ odd: { url: server.url } });
        const out = fs.mkdtempSync(path.join(os.tmpdir(), "snap-faults-"));
        const r = await runCli(["snapshot", "--kubeconfig", file, "--out", out]);
        assert.strictEqual(r.code, 3, r.stderr);
        assert.match(
            r.stdout,
            new RegExp(
                `✗ odd: FAILED — GET /version answered null, not a version object; is ${server.url.replace(/\./g, "\\.")} a Kubernetes API server\\?`,
            ),
        );
        assert.doesNotMatch(r.stdout + r.stderr, /TypeError/);
    });
});

describe("snapshot and config input checks", () => {
    it("refuses --timeout beyond one day instead of overflowing the timer", async function () {
        this.timeout(30_000);
        const r = await runCli(["snapshot", "--timeout", "99999999999", "--kubeconfig", "/nonexistent"]);
        assert.deepStrictEqual(
            [r.code, r.stderr],
            [2, 'error: --timeout "99999999999" must be a whole number from 1 to 86400\n'],
        );
    });

    it("refuses made-up AWS regions, accepts real shapes", () => {
        for (const ok of [
            "us-east-1",
            "eu-central-2",
            "ap-southeast-5",
            "us-gov-west-1",
            "cn-northwest-1",
            "il-central-1",
            "mx-central-1",
        ])
            assert.strictEqual(awsRegionProblem(ok), undefined, ok);
        for (const bad of ["us-middle-1", "moon-east-1", "us-east", "US-EAST-1", "us-east-1a", "eu-west-0"])
            assert.match(
                awsRegionProblem(bad)!,
                new RegExp(
                    `^--region "${bad}" is not an AWS region; expected <area>-<direction>-<number> such as eu-west-1`,
                ),
                bad,
            );
    });

    it("refuses made-up AWS regions on the command line before calling AWS", async function () {
        this.timeout(30_000);
        const r = await runCli(["snapshot", "--cloud", "aws", "--region", "us-middle-1"]);
        assert.strictEqual(r.code, 2);
        assert.match(r.stderr, /^error: --region "us-middle-1" is not an AWS region;/);
    });

    it("refuses a policy-config file holding null, an array or a number by name", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pc-"));
        for (const [text, what] of [
            ["null", "null"],
            ["[]", "an array"],
            ["3", "a number"],
        ]) {
            const f = path.join(dir, "c.json");
            fs.writeFileSync(f, text);
            assert.throws(() => readPolicyConfig(f), {
                name: "UsageError",
                message: `--policy-config ${f}: holds ${what}; expected an object of rule names to enforcement levels, e.g. {"all": "advisory"}`,
            });
        }
    });

    it("scripts/stacks.sh lists Pulumi.<stack>.yml as well as .yaml", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "stacks-"));
        for (const f of ["Pulumi.a.yaml", "Pulumi.b.yml", "Pulumi.c.json", "a.cloud.yaml"])
            fs.writeFileSync(path.join(dir, f), "");
        const out = execFileSync("bash", [path.join(ROOT, "scripts", "stacks.sh")], {
            encoding: "utf8",
            env: { ...process.env, STACKS_DIR: dir, EXAMPLE_STACKS_DIR: path.join(dir, "none") },
        });
        assert.strictEqual(out.trim(), '["a","b"]');
    });
});
