import * as assert from "assert";
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runCli, ROOT } from "../helpers/cli";
import { contextDir } from "../helpers/storeDir";
import { FixtureServer, startKubeApiServer } from "../fixtures/kubeApiServer";
import { generateCluster } from "../fixtures/clusterGenerator";
import { writeKubeconfig } from "../fixtures/kubeconfig";
import { SnapshotDocument } from "../../inventory/schema";
import { indexFromFile, indexFromText, indexOf, SnapshotIndex } from "../../inventory/snapshotIndex";

function tmpDir(): string {
    return fs.mkdtempSync(path.join(os.tmpdir(), "snap-"));
}

function snapshots(out: string, cluster: string): string[] {
    const dir = path.join(out, contextDir(out, cluster));
    return fs.existsSync(dir)
        ? fs
              .readdirSync(dir)
              .filter((f) => f.endsWith(".json") && !f.startsWith("."))
              .sort()
        : [];
}

function latest(out: string, cluster: string): SnapshotDocument {
    const dir = path.join(out, contextDir(out, cluster));
    const name = fs.readFileSync(path.join(dir, "latest"), "utf8").trim();
    return JSON.parse(fs.readFileSync(path.join(dir, name), "utf8"));
}

describe("npm run snapshot", function () {
    this.timeout(60_000);
    const servers: FixtureServer[] = [];
    const start = async (...args: Parameters<typeof startKubeApiServer>) => {
        const s = await startKubeApiServer(...args);
        servers.push(s);
        return s;
    };
    afterEach(async () => {
        await Promise.all(servers.splice(0).map((s) => s.close()));
    });

    it("snapshots every context, keeps a failing cluster's reason, records a 403 kind, and exits 3", async () => {
        const good = await start(generateCluster({ pods: 60 }));
        good.faults.push({ path: "/api/v1/pods", status: 429, retryAfter: "0", times: 1 });
        const partial = await start(generateCluster({ pods: 20 }));
        partial.faults.push({
            path: "/apis/rbac.authorization.k8s.io/v1/roles",
            status: 403,
            message: 'roles.rbac.authorization.k8s.io is forbidden: User "reader" cannot list resource "roles"',
        });
        const denied = await start(generateCluster({ pods: 5 }), { token: "right" });
        const { file } = writeKubeconfig({
            good: { url: good.url },
            partial: { url: partial.url },
            denied: { url: denied.url, token: "wrong" },
            gone: { url: "http://127.0.0.1:9" },
        });
        const out = tmpDir();
        const r = await runCli(["snapshot", "--kubeconfig", file, "--all-contexts", "--out", out]);
        assert.strictEqual(r.code, 3, r.stderr);
        assert.match(
            r.stdout,
            /✗ denied: FAILED — unauthorized \(401\): the credentials were rejected — GET \/version answered 401 Unauthorized/,
        );
        assert.match(r.stdout, /✗ gone: FAILED — GET 127\.0\.0\.1:9\/version: connection refused/);
        assert.match(
            r.stdout,
            /✓ partial: partial, .*\n {4}Role not read: GET \/apis\/rbac.authorization.k8s.io\/v1\/roles\?limit=500 answered 403 Forbidden: roles.rbac.authorization.k8s.io is forbidden/,
        );
        assert.match(r.stdout, /2 cluster\(s\) snapshotted, 2 failed, 0 excluded/);

        const doc = latest(out, "good");
        const state = good.state.objects;
        assert.strictEqual(doc.schemaVersion, 1);
        assert.strictEqual(doc.status, "complete");
        assert.deepStrictEqual(doc.counts, {
            Node: state.Node.length,
            Namespace: state.Namespace.length,
            Pod: state.Pod.length,
            Deployment: state.Deployment.length,
            DaemonSet: state.DaemonSet.length,
            StatefulSet: 1,
            Job: 1,
            CronJob: 1,
            Service: state.Service.length,
            Ingress: 1,
            NetworkPolicy: 1,
            ServiceAccount: state.ServiceAccount.length,
            Role: 1,
            ClusterRole: 2,
            RoleBinding: state.RoleBinding.length,
            ClusterRoleBinding: 2,
            ConstraintTemplate: 0,
        });
        assert.deepStrictEqual(doc.kinds.ConstraintTemplate, { count: 0, absent: true });
        assert.strictEqual(doc.objects.Pod.length, state.Pod.length);
        assert.strictEqual(doc.findings.length, 8);
        assert.ok(
            good.requests.some((q) => q.status === 429),
            "the 429 was served and retried",
        );
        assert.ok(!good.requests.some((q) => /secrets|configmaps/.test(q.path)), "secrets are never read");
        const part = latest(out, "partial");
        assert.strictEqual(part.status, "partial");
        assert.strictEqual(part.kinds.Role.error!.status, 403);
        assert.deepStrictEqual([snapshots(out, "denied"), snapshots(out, "gone")], [[], []]);

        const runFile = path.join(out, "runs", fs.readdirSync(path.join(out, "runs"))[0]);
        const run = JSON.parse(fs.readFileSync(runFile, "utf8"));
        assert.deepStrictEqual(
            run.clusters.map((c: { cluster: string; status: string }) => [c.cluster, c.status]),
            [
                ["good", "complete"],
                ["partial", "partial"],
                ["denied", "failed"],
                ["gone", "failed"],
            ],
        );
    });

    it("prints the difference from the previous snapshot, and `diff A B` compares any two", async () => {
        const s = await start(generateCluster({ pods: 30 }));
        const { file } = writeKubeconfig({ shop: { url: s.url } });
        const out = tmpDir();
        const first = await runCli(["snapshot", "--kubeconfig", file, "--out", out]);
        assert.strictEqual(first.code, 0, first.stderr);
        assert.match(first.stdout, /first snapshot of this cluster/);

        const o = s.state.objects;
        o.Pod.splice(
            o.Pod.findIndex((p) => p.metadata.name === "debug-privileged"),
            1,
        );
        o.Service.push({
            metadata: { name: "new-lb", namespace: "team-1" },
            spec: { type: "LoadBalancer", ports: [{ port: 8080 }] },
        });
        const dep = o.Deployment.find((d) => d.metadata.name === "app-0") as unknown as {
            spec: { template: { spec: { containers: { image: string }[] } } };
        };
        dep.spec.template.spec.containers[0].image = "registry.example.com/team/app-0:2.0.0";
        const second = await runCli(["snapshot", "--kubeconfig", file, "--out", out]);
        assert.strictEqual(second.code, 0, second.stderr);
        assert.match(second.stdout, /objects: \+1 added, -1 removed, ~1 changed; findings: 1 opened, 1 closed/);
        assert.match(second.stdout, /\+ Service\/team-1\/new-lb/);
        assert.match(second.stdout, /- Pod\/team-0\/debug-privileged/);
        assert.match(
            second.stdout,
            /\n {6}~ Deployment\/team-0\/app-0 image main: registry\.example\.com\/team\/app-0:1\.0\.0 -> registry\.example\.com\/team\/app-0:2\.0\.0\n/,
        );
        assert.match(
            second.stdout,
            /! \[high\] public-service: Service team-1\/new-lb is a public LoadBalancer on port\(s\) 8080 with no loadBalancerSourceRanges/,
        );
        assert.match(
            second.stdout,
            /✓ \[high\] privileged-container: Pod team-0\/debug-privileged runs privileged container\(s\) shell/,
        );

        const [a, b] = snapshots(out, "shop").map((f) => path.join(out, contextDir(out, "shop"), f));
        // The line-by-line index of a stored snapshot, from its text or from its file, equals the index
        // of the fully parsed document: the same hashes, and the same text read back for each object.
        const text = fs.readFileSync(b, "utf8");
        const full = indexOf(JSON.parse(text));
        const seen = (x: SnapshotIndex) => [
            [...x.objects].map(([key, o]) => [key, o.hash, x.texts.read(o)]),
            [...x.findings],
            [...x.erroredKinds],
        ];
        const fromFile = indexFromFile(fs.openSync(b, "r"), b).index;
        for (const fast of [indexFromText(text, b).index, fromFile]) assert.deepStrictEqual(seen(fast), seen(full));
        fromFile.texts.close();
        assert.strictEqual(full.objects.size, 78);
        fs.writeFileSync(path.join(out, "cut.json"), text.slice(0, text.length / 2));
        const cut = await runCli(["snapshot", "diff", a, path.join(out, "cut.json")]);
        assert.strictEqual(cut.code, 2);
        assert.match(cut.stderr, /^error: .*cut\.json is not a complete snapshot/);
        const d = await runCli(["snapshot", "diff", a, b]);
        assert.strictEqual(d.code, 0, d.stderr);
        assert.match(
            d.stdout,
            /^shop: .* → .*\nobjects: \+1 added, -1 removed, ~1 changed; findings: 1 opened, 1 closed/,
        );
        const bad = await runCli(["snapshot", "diff", a, path.join(out, "nope.json")]);
        assert.strictEqual(bad.code, 2);
        assert.strictEqual(bad.stderr, `error: snapshot ${path.join(out, "nope.json")} cannot be read (ENOENT)\n`);
    });

    it("keeps the newest N snapshots per cluster", async () => {
        const s = await start(generateCluster({ pods: 5 }));
        const { file } = writeKubeconfig({ c: { url: s.url } });
        const out = tmpDir();
        for (let i = 0; i < 3; i++)
            assert.strictEqual(
                (await runCli(["snapshot", "--kubeconfig", file, "--out", out, "--retain", "2"])).code,
                0,
            );
        const kept = snapshots(out, "c");
        assert.strictEqual(kept.length, 2);
        assert.strictEqual(fs.readFileSync(path.join(out, contextDir(out, "c"), "latest"), "utf8").trim(), kept[1]);
    });

    it("gives clear messages for a missing or malformed kubeconfig, an unknown context and an unwritable store", async () => {
        const dir = tmpDir();
        const cases: [string[], string][] = [
            [["--kubeconfig", path.join(dir, "none")], `error: kubeconfig ${path.join(dir, "none")} does not exist\n`],
            [
                ["--kubeconfig", (fs.writeFileSync(path.join(dir, "bad"), "clusters: {"), path.join(dir, "bad"))],
                `error: kubeconfig ${path.join(dir, "bad")} is not valid YAML: Flow map in block collection must be sufficiently indented and end with a } at line 1, column 12\n`,
            ],
            [
                ["--kubeconfig", writeKubeconfig({ a: { url: "http://127.0.0.1:9" } }).file, "--context", "b"],
                'context "b" is not in kubeconfig',
            ],
            [["--context", "a", "--all-contexts"], "error: --context and --all-contexts exclude each other\n"],
            [["--cloud", "ibm"], 'error: --cloud "ibm" is not allowed; use one of aws, azure, gcp\n'],
            [
                [
                    "--kubeconfig",
                    writeKubeconfig({ a: { url: "http://127.0.0.1:9" } }).file,
                    "--out",
                    path.join(dir, "bad", "sub"),
                ],
                `error: snapshot store ${path.join(dir, "bad", "sub")} is not writable (ENOTDIR); choose another with --out DIR\n`,
            ],
        ];
        for (const [args, message] of cases) {
            const r = await runCli(["snapshot", ...args], { env: { HOME: dir, KUBECONFIG: "" } });
            assert.strictEqual(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
            if (message.endsWith("\n")) assert.strictEqual(r.stderr, message);
            else assert.ok(r.stderr.startsWith("error: ") && r.stderr.includes(message), r.stderr);
            assert.ok(!r.stderr.includes("    at "), "no stack trace");
        }
    });

    it("survives being killed mid-write: earlier snapshots intact, the pointer never on a partial file", async () => {
        const s = await start(generateCluster({ pods: 3000 }));
        const { file } = writeKubeconfig({ big: { url: s.url } });
        const out = tmpDir();
        assert.strictEqual((await runCli(["snapshot", "--kubeconfig", file, "--out", out])).code, 0);
        const before = snapshots(out, "big");
        const pointer = fs.readFileSync(path.join(out, contextDir(out, "big"), "latest"), "utf8");
        const goodText = fs.readFileSync(path.join(out, contextDir(out, "big"), before[0]), "utf8");

        // Slow pages make sure the child is inside the write when it is killed.
        s.faults.push({ path: "/api/v1/pods", withContinue: true, delayMs: 300 });
        const child = spawn(
            process.execPath,
            ["--import", "tsx", path.join(ROOT, "cli", "main.ts"), "snapshot", "--kubeconfig", file, "--out", out],
            { cwd: ROOT, stdio: "ignore" },
        );
        const dir = path.join(out, contextDir(out, "big"));
        const deadline = Date.now() + 20_000;
        while (!fs.readdirSync(dir).some((f) => f.startsWith(".tmp-") && fs.statSync(path.join(dir, f)).size > 0)) {
            assert.ok(Date.now() < deadline, "the child never started writing");
            await new Promise((r) => setTimeout(r, 20));
        }
        child.kill("SIGKILL");
        await new Promise((r) => child.once("exit", r));

        assert.deepStrictEqual(snapshots(out, "big"), before);
        assert.strictEqual(fs.readFileSync(path.join(out, contextDir(out, "big"), "latest"), "utf8"), pointer);
        assert.strictEqual(fs.readFileSync(path.join(out, contextDir(out, "big"), before[0]), "utf8"), goodText);
        assert.ok(
            fs.readdirSync(dir).some((f) => f.startsWith(".tmp-")),
            "the half-written file is only a temporary file",
        );

        // The next run sweeps the dead run's temporary file and diffs against the intact snapshot.
        s.faults.length = 0;
        const next = await runCli(["snapshot", "--kubeconfig", file, "--out", out]);
        assert.strictEqual(next.code, 0, next.stderr);
        assert.match(next.stdout, /objects: \+0 added, -0 removed, ~0 changed/);
        assert.ok(!fs.readdirSync(dir).some((f) => f.startsWith(".tmp-")));
    });
});
