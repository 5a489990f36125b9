import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runCli } from "../helpers/cli";
import { contextDir } from "../helpers/storeDir";
import { FixtureServer, startKubeApiServer } from "../fixtures/kubeApiServer";
import { generateCluster } from "../fixtures/clusterGenerator";
import { writeKubeconfig } from "../fixtures/kubeconfig";

const CALICO_IMAGE = "docker.io/calico/node:v3.26.1";
const VPC_CNI_IMAGE = "602401143452.dkr.ecr.us-west-2.amazonaws.com/amazon-k8s-cni:v1.15.1";
const HOSTILE = "ops|`<b>bold</b>`";

function tmpDir(): string {
    return fs.mkdtempSync(path.join(os.tmpdir(), "findings-"));
}

function runRecords(out: string): { clusters: Record<string, unknown>[] }[] {
    const dir = path.join(out, "runs");
    return fs
        .readdirSync(dir)
        .sort()
        .map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), "utf8")));
}

/**
 * Two brownfield clusters: `eks-brown` runs only the CNI DaemonSets (calico-node and aws-node, both
 * high host-namespace findings on every cluster that has them) and `shop` the generator's risky
 * objects plus a Role with a hostile name.
 */
describe("findings: counted by severity, listed, accepted, and failing a run", function () {
    this.timeout(90_000);
    const servers: FixtureServer[] = [];
    let kubeconfig: string;
    afterEach(async () => {
        await Promise.all(servers.splice(0).map((s) => s.close()));
    });
    beforeEach(async () => {
        const brown = await startKubeApiServer(
            generateCluster({ pods: 10, risky: false, networkPlugins: ["calico-node@v3.26.1", "aws-node@v1.15.1"] }),
        );
        const shopState = generateCluster({ pods: 10 });
        shopState.objects.Role.push({
            metadata: { name: HOSTILE, namespace: "team-0" },
            rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["*"] }],
        });
        const shop = await startKubeApiServer(shopState);
        servers.push(brown, shop);
        kubeconfig = writeKubeconfig({ "eks-brown": { url: brown.url }, shop: { url: shop.url } }).file;
    });

    it("gives each cluster's counts by severity, lists its open high findings on every run, and keeps the counts in the run record", async () => {
        const out = tmpDir();
        const first = await runCli(["snapshot", "--kubeconfig", kubeconfig, "--all-contexts", "--out", out]);
        assert.equal(first.code, 0, first.stderr);
        const brownLines = (text: string) => {
            const lines = text.split("\n");
            const at = lines.findIndex((l) => l.startsWith("✓ eks-brown: "));
            return lines.slice(at, at + 3);
        };
        const [head, ...highs] = brownLines(first.stdout);
        assert.match(
            head,
            /^✓ eks-brown: complete, \d+ objects \(.*\), 3 findings \(high 2, medium 0, low 1, info 0\) → /,
        );
        assert.deepEqual(highs, [
            `    ! [high] host-namespace: DaemonSet kube-system/aws-node shares the node's namespaces: hostNetwork [image ${VPC_CNI_IMAGE}]`,
            `    ! [high] host-namespace: DaemonSet kube-system/calico-node shares the node's namespaces: hostNetwork [image ${CALICO_IMAGE}]`,
        ]);
        assert.match(
            first.stdout,
            /✓ shop: complete, .*, 9 findings \(high 5, medium 3, low 1, info 0\) → .*\n {4}! \[high\] cluster-admin-binding: /,
        );
        assert.match(
            first.stdout,
            /\n {4}! \[high\] privileged-container: Pod team-0\/debug-privileged runs privileged container\(s\) shell \(docker\.io\/library\/busybox:1\.36\)\n/,
        );

        // Still open on the next run: listed again, although the diff opens nothing.
        const second = await runCli(["snapshot", "--kubeconfig", kubeconfig, "--all-contexts", "--out", out]);
        assert.equal(second.code, 0, second.stderr);
        assert.deepEqual(brownLines(second.stdout).slice(1), highs);
        assert.match(second.stdout, /findings: 0 opened, 0 closed/);

        const [run] = runRecords(out);
        assert.deepEqual(
            run.clusters.map((c) => [c.cluster, c.findings, c.severities, c.accepted]),
            [
                ["eks-brown", 3, { high: 2, medium: 0, low: 1, info: 0 }, 0],
                ["shop", 9, { high: 5, medium: 3, low: 1, info: 0 }, 0],
            ],
        );
        assert.ok(!("findingList" in run.clusters[0]), "the list itself is not in the record");

        const failing = await runCli([
            "snapshot",
            "--kubeconfig",
            kubeconfig,
            "--context",
            "eks-brown",
            "--out",
            out,
            "--fail-on",
            "high",
        ]);
        assert.equal(failing.code, 5, failing.stderr);
        assert.match(failing.stdout, /1 cluster\(s\) snapshotted, 0 failed, 0 excluded/);
        const bad = await runCli(["snapshot", "--kubeconfig", kubeconfig, "--out", out, "--fail-on", "critical"]);
        assert.deepEqual(
            [bad.code, bad.stderr],
            [2, 'error: --fail-on "critical" is not allowed; use one of high, medium, low, info\n'],
        );
    });

    it("`findings` lists the open findings of every cluster's latest snapshot as a table, JSON or markdown, filtered, and exits 5 on --fail-on", async () => {
        const out = tmpDir();
        assert.equal((await runCli(["snapshot", "--kubeconfig", kubeconfig, "--all-contexts", "--out", out])).code, 0);

        const json = await runCli(["snapshot", "findings", "--out", out, "--format", "json", "--cluster", "eks-brown"]);
        assert.equal(json.code, 0, json.stderr);
        const key = contextDir(out, "eks-brown");
        assert.deepEqual(JSON.parse(json.stdout), [
            {
                cluster: "eks-brown",
                key,
                rule: "host-namespace",
                severity: "high",
                subject: "DaemonSet/kube-system/aws-node",
                message: "DaemonSet kube-system/aws-node shares the node's namespaces: hostNetwork",
                image: VPC_CNI_IMAGE,
                status: "open",
                id: "host-namespace:DaemonSet/kube-system/aws-node",
            },
            {
                cluster: "eks-brown",
                key,
                rule: "host-namespace",
                severity: "high",
                subject: "DaemonSet/kube-system/calico-node",
                message: "DaemonSet kube-system/calico-node shares the node's namespaces: hostNetwork",
                image: CALICO_IMAGE,
                status: "open",
                id: "host-namespace:DaemonSet/kube-system/calico-node",
            },
            {
                cluster: "eks-brown",
                key,
                rule: "gatekeeper-absent",
                severity: "low",
                subject: "Cluster/cluster",
                message: "Gatekeeper (or Azure Policy for Kubernetes) is not installed: no ConstraintTemplate API",
                status: "open",
                id: "gatekeeper-absent:Cluster/cluster",
            },
        ]);

        const table = await runCli(["snapshot", "findings", "--out", out, "--severity", "medium"]);
        assert.equal(table.code, 0, table.stderr);
        const rows = table.stdout.trimEnd().split("\n");
        assert.match(rows[0], /^SEVERITY +CLUSTER +RULE +SUBJECT +IMAGE +STATUS +MESSAGE$/);
        assert.equal(rows.length, 1 + 2 + 5 + 3, table.stdout);
        assert.ok(rows.slice(1, 8).every((r) => r.startsWith("high ")));
        assert.ok(rows.slice(8).every((r) => r.startsWith("medium ")));
        assert.ok(rows.some((r) => r.includes(`Role/team-0/${HOSTILE}`)));

        const md = await runCli([
            "snapshot",
            "findings",
            "--out",
            out,
            "--format",
            "markdown",
            "--cluster",
            "shop",
            "--severity",
            "medium",
        ]);
        assert.equal(md.code, 0, md.stderr);
        assert.ok(
            md.stdout.startsWith(
                "| severity | cluster | rule | subject | image | status | message |\n|---|---|---|---|---|---|---|\n",
            ),
        );
        assert.ok(md.stdout.includes("Role/team-0/ops\\|\\`&lt;b&gt;bold&lt;/b&gt;\\`"), md.stdout);
        assert.ok(!md.stdout.includes("<b>"));

        const fail = await runCli([
            "snapshot",
            "findings",
            "--out",
            out,
            "--fail-on",
            "low",
            "--cluster",
            "eks-brown",
            "--severity",
            "high",
        ]);
        assert.equal(fail.code, 5, fail.stderr);
        const missing = await runCli(["snapshot", "findings", "--out", out, "--cluster", "nope"]);
        assert.deepEqual(
            [missing.code, missing.stderr],
            [
                2,
                `error: --cluster "nope": no snapshot of that cluster in ${out}; list the clusters with "npm run snapshot -- findings --out ${out}"\n`,
            ],
        );
        const empty = await runCli(["snapshot", "findings", "--out", tmpDir(), "--fail-on", "info"]);
        assert.deepEqual([empty.code, empty.stdout], [0, "no findings\n"]);
    });

    it("lists findings of snapshots written before findings named images, and diffs them", async () => {
        const out = tmpDir();
        assert.equal(
            (await runCli(["snapshot", "--kubeconfig", kubeconfig, "--context", "eks-brown", "--out", out])).code,
            0,
        );
        const dir = path.join(out, contextDir(out, "eks-brown"));
        const name = fs.readFileSync(path.join(dir, "latest"), "utf8").trim();
        const text = fs.readFileSync(path.join(dir, name), "utf8");
        // As older versions wrote it: no `image` in findings, no `key` in the cluster identity.
        const old = text.replace(/,"image":"[^"]*"\}/g, "}").replace(/"key":"[^"]*",/, "");
        assert.notEqual(old, text);
        fs.writeFileSync(path.join(dir, name), old);
        const r = await runCli(["snapshot", "findings", "--out", out, "--format", "json", "--severity", "high"]);
        assert.equal(r.code, 0, r.stderr);
        assert.deepEqual(
            JSON.parse(r.stdout).map((f: { subject: string; image?: string }) => [f.subject, f.image]),
            [
                ["DaemonSet/kube-system/aws-node", undefined],
                ["DaemonSet/kube-system/calico-node", undefined],
            ],
        );
        const next = await runCli(["snapshot", "--kubeconfig", kubeconfig, "--context", "eks-brown", "--out", out]);
        assert.equal(next.code, 0, next.stderr);
        assert.match(next.stdout, /objects: \+0 added, -0 removed, ~0 changed; findings: 0 opened, 0 closed/);
        const files = fs
            .readdirSync(dir)
            .filter((f) => f.endsWith(".json") && !f.startsWith("."))
            .sort();
        const d = await runCli(["snapshot", "diff", path.join(dir, files[0]), path.join(dir, files[1])]);
        assert.equal(d.code, 0, d.stderr);
    });

    it("shows accepted findings as accepted, leaves them out of --fail-on, and opens them again once the entry expires", async () => {
        const out = tmpDir();
        const cwd = tmpDir();
        const accepted = (expires: string) =>
            `accepted:\n` +
            `  - rule: host-namespace\n    subject: DaemonSet/kube-system/calico-node\n    reason: Calico programs the node's network\n    by: platform-team@example.com\n    expires: ${expires}\n` +
            `  - rule: host-namespace\n    subject: DaemonSet/kube-system/aws-*\n    cluster: eks-*\n    reason: the VPC CNI runs on the host network\n    by: platform-team@example.com\n    expires: ${expires}\n`;
        const file = path.join(cwd, "accepted-findings.yaml");
        fs.writeFileSync(file, accepted("2999-12-31"));
        const snap = await runCli([
            "snapshot",
            "--kubeconfig",
            kubeconfig,
            "--context",
            "eks-brown",
            "--out",
            out,
            "--accepted",
            file,
            "--fail-on",
            "high",
        ]);
        assert.equal(snap.code, 0, snap.stderr + snap.stdout);
        assert.match(snap.stdout, /3 findings \(high 0, medium 0, low 1, info 0; 2 accepted\)/);
        assert.match(
            snap.stdout,
            /\n {4}accepted \[high\] host-namespace: DaemonSet kube-system\/calico-node shares the node's namespaces: hostNetwork \[image docker\.io\/calico\/node:v3\.26\.1\] \(by platform-team@example\.com until 2999-12-31: Calico programs the node's network\)\n/,
        );
        assert.deepEqual(
            runRecords(out)[0].clusters.map((c) => [c.severities, c.accepted]),
            [[{ high: 0, medium: 0, low: 1, info: 0 }, 2]],
        );
        // Found without --accepted: accepted-findings.yaml of the working directory.
        const listed = await runCli(["snapshot", "findings", "--out", out, "--format", "json", "--fail-on", "high"], {
            cwd,
        });
        assert.equal(listed.code, 0, listed.stderr);
        assert.deepEqual(
            JSON.parse(listed.stdout).map((f: { subject: string; status: string }) => [f.subject, f.status]),
            [
                ["DaemonSet/kube-system/aws-node", "accepted"],
                ["DaemonSet/kube-system/calico-node", "accepted"],
                ["Cluster/cluster", "open"],
            ],
        );
        assert.equal((await runCli(["snapshot", "findings", "--out", out, "--fail-on", "low"], { cwd })).code, 5);

        fs.writeFileSync(file, accepted("2020-01-31"));
        const lapsed = await runCli(["snapshot", "findings", "--out", out, "--fail-on", "high", "--severity", "high"], {
            cwd,
        });
        assert.equal(lapsed.code, 5, lapsed.stderr);
        assert.match(
            lapsed.stdout,
            /calico-node .* open \(acceptance by platform-team@example\.com expired on 2020-01-31\) /,
        );

        fs.writeFileSync(file, accepted("2020-02-30"));
        const bad = await runCli(["snapshot", "findings", "--out", out], { cwd });
        assert.deepEqual(
            [bad.code, bad.stderr],
            [
                2,
                `error: accepted-findings file accepted-findings.yaml: key "accepted[0].expires" has value "2020-02-30"; expected the last day the acceptance holds, a date YYYY-MM-DD (quoted or not)\n`,
            ],
        );
        const badSnap = await runCli(["snapshot", "--kubeconfig", kubeconfig, "--out", out, "--accepted", file]);
        assert.deepEqual(
            [badSnap.code, badSnap.stderr],
            [
                2,
                `error: accepted-findings file ${file}: key "accepted[0].expires" has value "2020-02-30"; expected the last day the acceptance holds, a date YYYY-MM-DD (quoted or not)\n`,
            ],
        );
        assert.equal(runRecordsNames(out).length, 1, "refused before any cluster was read");
    });

    it("refuses to diff snapshots of two different clusters unless told to, naming both", async () => {
        const out = tmpDir();
        assert.equal((await runCli(["snapshot", "--kubeconfig", kubeconfig, "--all-contexts", "--out", out])).code, 0);
        const latest = (ctx: string) => {
            const dir = path.join(out, contextDir(out, ctx));
            return path.join(dir, fs.readFileSync(path.join(dir, "latest"), "utf8").trim());
        };
        const [a, b] = [latest("eks-brown"), latest("shop")];
        const refused = await runCli(["snapshot", "diff", a, b]);
        assert.deepEqual(
            [refused.code, refused.stderr],
            [
                2,
                `error: snapshots ${a} and ${b} are of different clusters, "eks-brown" (${contextDir(out, "eks-brown")}) and "shop" (${contextDir(out, "shop")}): their difference is not a change of either; pass --allow-different-clusters to compare them anyway\n`,
            ],
        );
        const allowed = await runCli(["snapshot", "diff", "--allow-different-clusters", a, b]);
        assert.equal(allowed.code, 0, allowed.stderr);
        assert.match(allowed.stdout, /^eks-brown \(.*\) → shop \(.*\)\nobjects: /);
    });
});

function runRecordsNames(out: string): string[] {
    return fs.readdirSync(path.join(out, "runs")).sort();
}
