import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runCli } from "../helpers/cli";
import { contextDir } from "../helpers/storeDir";
import { FixtureServer, startKubeApiServer } from "../fixtures/kubeApiServer";
import { generateCluster } from "../fixtures/clusterGenerator";
import { writeKubeconfig } from "../fixtures/kubeconfig";
import { SnapshotDocument } from "../../inventory/schema";

function runRecord(out: string): {
    clusters: {
        cluster: string;
        status: string;
        unknownFindings?: { rule: string }[];
        diffCounts?: Record<string, number>;
    }[];
} {
    const runs = fs
        .readdirSync(path.join(out, "runs"))
        .filter((f) => f.endsWith(".json"))
        .sort();
    return JSON.parse(fs.readFileSync(path.join(out, "runs", runs[runs.length - 1]), "utf8"));
}

function latestDoc(out: string, dir: string): SnapshotDocument {
    const name = fs.readFileSync(path.join(out, contextDir(out, dir), "latest"), "utf8").trim();
    return JSON.parse(fs.readFileSync(path.join(out, contextDir(out, dir), name), "utf8"));
}

describe("snapshot: kinds that could not be read", function () {
    this.timeout(60_000);
    let server: FixtureServer;
    afterEach(() => server?.close());

    it("compares a kind against the last snapshot that read it: a privileged pod deleted after a partial run shows as removed and its finding closed", async () => {
        server = await startKubeApiServer(generateCluster({ pods: 10 }));
        const { file } = writeKubeconfig({ shop: { url: server.url } });
        const out = fs.mkdtempSync(path.join(os.tmpdir(), "snap-partial-"));
        const run = () => runCli(["snapshot", "--kubeconfig", file, "--out", out]);
        assert.strictEqual((await run()).code, 0);

        const forbidden = {
            path: "/api/v1/pods",
            status: 403,
            message: 'pods is forbidden: User "reader" cannot list resource "pods"',
        };
        server.faults.push(forbidden);
        const partial = await run();
        assert.match(partial.stdout, /✓ shop: partial,/);
        assert.match(partial.stdout, /objects: \+0 added, -0 removed, ~0 changed; findings: 0 opened, 0 closed/);
        assert.match(partial.stdout, /not compared \(a snapshot could not read them\): Pod/);
        assert.match(partial.stdout, /isolation-unsupported unknown: Pod could not be read/);
        const doc = latestDoc(out, "shop");
        assert.deepStrictEqual(doc.carried!.kinds, ["Pod"]);
        assert.ok(
            doc.carriedObjects!.some((o) => o.name === "debug-privileged"),
            "the last-read pods are carried",
        );
        assert.deepStrictEqual(
            doc.carriedFindings!.map((f) => f.id),
            ["privileged-container:Pod/team-0/debug-privileged"],
        );

        server.faults.splice(server.faults.indexOf(forbidden), 1);
        server.state.objects.Pod = server.state.objects.Pod.filter((p) => p.metadata.name !== "debug-privileged");
        const after = await run();
        assert.strictEqual(after.code, 0, after.stderr);
        assert.match(after.stdout, /objects: \+0 added, -1 removed, ~0 changed; findings: 0 opened, 1 closed/);
        assert.match(after.stdout, /- Pod\/team-0\/debug-privileged/);
        assert.match(
            after.stdout,
            /✓ \[high\] privileged-container: Pod team-0\/debug-privileged runs privileged container\(s\) shell/,
        );
    });

    it("neither opens nor closes a cluster finding whose evidence kind was not read (403 on DaemonSets, on Pods)", async () => {
        server = await startKubeApiServer(generateCluster({ pods: 10 }));
        const { file } = writeKubeconfig({ shop: { url: server.url } });
        const out = fs.mkdtempSync(path.join(os.tmpdir(), "snap-unknown-"));
        const run = () => runCli(["snapshot", "--kubeconfig", file, "--out", out]);
        assert.strictEqual((await run()).code, 0);
        server.faults.push({ path: "/apis/apps/v1/daemonsets", status: 403 }, { path: "/api/v1/pods", status: 403 });
        const r = await run();
        assert.match(r.stdout, /findings: 0 opened, 0 closed/);
        assert.doesNotMatch(r.stdout, /sensor-unhealthy:|sensor-absent:|isolation-unsupported:/);
        assert.match(
            r.stdout,
            /sensor-absent unknown: DaemonSet could not be read\n {4}sensor-unhealthy unknown: DaemonSet could not be read\n {4}isolation-unsupported unknown: Pod could not be read/,
        );
        const doc = latestDoc(out, "shop");
        assert.deepStrictEqual(
            doc.findings.filter((f) => f.subject.kind === "Cluster").map((f) => f.rule),
            ["gatekeeper-absent"],
            "Gatekeeper's evidence was read",
        );
        const rec = runRecord(out).clusters[0];
        assert.deepStrictEqual(
            rec.unknownFindings!.map((u) => u.rule),
            ["sensor-absent", "sensor-unhealthy", "isolation-unsupported"],
        );
    });
});

describe("snapshot: control characters from the cluster", function () {
    this.timeout(60_000);
    let server: FixtureServer;
    afterEach(() => server?.close());

    it("prints a Role named with a newline and ANSI escapes and a server message with escapes on one line each, escaped", async () => {
        const state = generateCluster({ pods: 5 });
        server = await startKubeApiServer(state);
        const { file } = writeKubeconfig({ shop: { url: server.url } });
        const out = fs.mkdtempSync(path.join(os.tmpdir(), "snap-escape-"));
        assert.strictEqual((await runCli(["snapshot", "--kubeconfig", file, "--out", out])).code, 0);
        const evil = "x\n✓ fake: complete, 0 objects\x1b[2K\x1b[32m";
        state.objects.Role.push({
            metadata: { name: evil, namespace: "team-0" },
            rules: [{ apiGroups: [""], resources: ["*"], verbs: ["get"] }],
        });
        server.faults.push({
            path: "/apis/networking.k8s.io/v1/ingresses",
            status: 403,
            message: "denied\n✓ other: complete\x1b]0;title\x07",
        });
        const r = await runCli(["snapshot", "--kubeconfig", file, "--out", out]);
        assert.doesNotMatch(
            r.stdout,
            /[\x00-\x09\x0b-\x1f\x7f-\x9f]/,
            "no control character but the program's own newlines",
        );
        assert.doesNotMatch(r.stdout, /^✓ (fake|other):/m, "no forged summary line");
        assert.match(r.stdout, /\+ Role\/team-0\/x\\n✓ fake: complete, 0 objects\\x1b\[2K\\x1b\[32m\n/);
        assert.match(r.stdout, /Ingress not read: .*denied\\n✓ other: complete\\x1b\]0;title\\x07\n/);
        // The snapshot itself keeps the exact name.
        const doc = latestDoc(out, "shop");
        assert.ok(doc.objects.Role.some((o) => o.name === evil));
    });
});
