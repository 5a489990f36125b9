import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runCli } from "../helpers/cli";
import { startRealCluster, RealCluster, User } from "./helpers/kubeCluster";
import { KubeClient } from "../../lib/kube/client";
import { AWS_AUTH } from "../../domain/aws/facts";
import { mergeMapRoles, parseMapRoles } from "../../domain/aws/awsAuth";
import { QUARANTINE_LABEL, quarantinePolicyManifest } from "../../domain/kubernetes/isolationFacts";
import { KINDS, listPath } from "../../inventory/kinds";
import { SnapshotDocument } from "../../inventory/schema";

/**
 * The snapshot, `respond` and the aws-auth merge against a real kube-apiserver (with etcd, its
 * own certificates, a token file and RBAC on), not the project's fixture server.
 */

const NAMESPACES = 10;
const PODS_PER_NAMESPACE = 380;
const SERVICES_PER_NAMESPACE = 80;
const DEPLOYMENTS_PER_NAMESPACE = 40;

/** Every kind the snapshot reads, with list access only: the snapshot's documented read-only role. */
function readerRole(name: string, without: string[] = []): object {
    const byGroup = new Map<string, string[]>();
    for (const k of KINDS) {
        if (without.includes(k.plural)) continue;
        byGroup.set(k.group, [...(byGroup.get(k.group) ?? []), k.plural]);
    }
    return {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "ClusterRole",
        metadata: { name },
        rules: [...byGroup].map(([group, resources]) => ({ apiGroups: [group], resources, verbs: ["get", "list"] })),
    };
}

function bindClusterRole(name: string, role: string, user: User): object {
    return {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "ClusterRoleBinding",
        metadata: { name },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: role },
        subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "User", name: user }],
    };
}

function pod(
    ns: string,
    name: string,
    extra: { labels?: Record<string, string>; nodeName?: string; image?: string } = {},
) {
    return {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name, namespace: ns, labels: { app: name.replace(/-\d+$/, ""), ...extra.labels } },
        spec: {
            ...(extra.nodeName ? { nodeName: extra.nodeName } : {}),
            containers: [{ name: "main", image: extra.image ?? "registry.example/app:1.4.0" }],
        },
    };
}

async function mustCreate(c: RealCluster, apiPath: string, body: object): Promise<void> {
    const r = await c.request("admin", "POST", apiPath, body);
    if (r.status !== 201) throw new Error(`POST ${apiPath}: ${r.status} ${r.body.slice(0, 300)}`);
}

/** Creates objects with a bounded number of requests in flight. */
async function createAll(c: RealCluster, items: [string, object][], concurrency = 24): Promise<void> {
    let next = 0;
    await Promise.all(
        Array.from({ length: concurrency }, async () => {
            while (next < items.length) {
                const [p, body] = items[next++];
                await mustCreate(c, p, body);
            }
        }),
    );
}

async function countOf(c: RealCluster, apiPath: string): Promise<number> {
    let n = 0;
    let token: string | undefined;
    do {
        const r = await c.request(
            "admin",
            "GET",
            `${apiPath}?limit=500${token ? `&continue=${encodeURIComponent(token)}` : ""}`,
        );
        const body = JSON.parse(r.body) as { items: unknown[]; metadata: { continue?: string } };
        n += body.items.length;
        token = body.metadata.continue;
    } while (token);
    return n;
}

function latestSnapshot(out: string): SnapshotDocument {
    const files: string[] = [];
    const walk = (d: string) => {
        for (const e of fs.readdirSync(d, { withFileTypes: true })) {
            const p = path.join(d, e.name);
            if (e.isDirectory() && e.name !== "runs") walk(p);
            else if (e.isFile() && e.name.endsWith(".json") && !e.name.startsWith(".")) files.push(p);
        }
    };
    walk(out);
    assert.equal(files.length, 1, `one snapshot in ${out}: ${files.join(", ")}`);
    return JSON.parse(fs.readFileSync(files[0], "utf8")) as SnapshotDocument;
}

describe("a real kube-apiserver", function () {
    this.timeout(600_000);
    let cluster: RealCluster;
    const tmp: string[] = [];
    const tmpDir = (prefix: string) => {
        const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
        tmp.push(d);
        return d;
    };

    before(async function () {
        cluster = await startRealCluster();
        const version = JSON.parse((await cluster.request("admin", "GET", "/version")).body) as { gitVersion: string };
        console.log(`      (kube-apiserver ${version.gitVersion} on ${cluster.url})`);
        assert.equal(version.gitVersion, "v1.35.4");
        // The snapshot's reader, and one that may not list NetworkPolicies.
        await mustCreate(cluster, "/apis/rbac.authorization.k8s.io/v1/clusterroles", readerRole("snapshot-reader"));
        await mustCreate(
            cluster,
            "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings",
            bindClusterRole("snapshot-reader", "snapshot-reader", "reader"),
        );
        await mustCreate(
            cluster,
            "/apis/rbac.authorization.k8s.io/v1/clusterroles",
            readerRole("partial-reader", ["networkpolicies"]),
        );
        await mustCreate(
            cluster,
            "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings",
            bindClusterRole("partial-reader", "partial-reader", "nobody"),
        );

        const items: [string, object][] = [];
        for (let n = 0; n < NAMESPACES; n++) {
            const ns = `team-${n}`;
            await mustCreate(cluster, "/api/v1/namespaces", { metadata: { name: ns } });
            for (let i = 0; i < PODS_PER_NAMESPACE; i++)
                items.push([`/api/v1/namespaces/${ns}/pods`, pod(ns, `app-${i}`)]);
            for (let i = 0; i < SERVICES_PER_NAMESPACE; i++)
                items.push([
                    `/api/v1/namespaces/${ns}/services`,
                    { metadata: { name: `svc-${i}` }, spec: { selector: { app: `app-${i}` }, ports: [{ port: 80 }] } },
                ]);
            for (let i = 0; i < DEPLOYMENTS_PER_NAMESPACE; i++)
                items.push([
                    `/apis/apps/v1/namespaces/${ns}/deployments`,
                    {
                        metadata: { name: `dep-${i}` },
                        spec: {
                            replicas: 0,
                            selector: { matchLabels: { app: `dep-${i}` } },
                            template: {
                                metadata: { labels: { app: `dep-${i}` } },
                                spec: { containers: [{ name: "main", image: "registry.example/app:1.4.0" }] },
                            },
                        },
                    },
                ]);
        }
        const started = Date.now();
        await createAll(cluster, items);
        console.log(`      (seeded ${items.length} objects in ${((Date.now() - started) / 1000).toFixed(1)} s)`);
    });

    after(async function () {
        await cluster?.stop();
        for (const d of tmp) fs.rmSync(d, { recursive: true, force: true });
    });

    it("snapshots more than 5,000 objects through the server's own paging, every kind counted as the server counts it", async function () {
        const out = tmpDir("engines-snap-");
        const r = await runCli(["snapshot", "--kubeconfig", cluster.kubeconfig("reader"), "--out", out], {
            timeoutMs: 300_000,
        });
        assert.equal(r.code, 0, r.stderr + r.stdout);
        const doc = latestSnapshot(out);
        let total = 0;
        for (const k of KINDS) {
            const listed = (doc.objects as Record<string, unknown[]>)[k.kind] ?? [];
            total += listed.length;
            if (k.group === "templates.gatekeeper.sh") continue; // not served: Gatekeeper is not installed here
            assert.equal(
                listed.length,
                await countOf(cluster, listPath(k)),
                `${k.kind}: the snapshot holds what the server lists`,
            );
        }
        assert.ok(total > 5000, `more than 5,000 objects (${total})`);
        // More objects than one page of the client's default size: real continue tokens were followed.
        assert.ok(((doc.objects as Record<string, unknown[]>).Pod ?? []).length > 500);
    });

    it("with its watch cache (the default), a continue token outlives an etcd compaction: later pages come from the cache's snapshot", async function () {
        const first = JSON.parse((await cluster.request("reader", "GET", "/api/v1/pods?limit=100")).body) as {
            metadata: { continue: string };
        };
        await cluster.request("admin", "POST", "/api/v1/namespaces/team-0/configmaps", { metadata: { name: "bump" } });
        await cluster.compact();
        const next = await cluster.request(
            "reader",
            "GET",
            `/api/v1/pods?limit=100&continue=${encodeURIComponent(first.metadata.continue)}`,
        );
        assert.equal(next.status, 200, next.body.slice(0, 200));
    });

    it("a kind RBAC denies gives a partial snapshot that names that kind's 403, and the rest read", async function () {
        const out = tmpDir("engines-partial-");
        const r = await runCli(["snapshot", "--kubeconfig", cluster.kubeconfig("nobody"), "--out", out], {
            timeoutMs: 300_000,
        });
        assert.equal(r.code, 0, `a partial cluster counts as read:\n${r.stderr}${r.stdout}`);
        assert.match(r.stdout, /NetworkPolic/);
        const doc = latestSnapshot(out);
        const np = doc.kinds.NetworkPolicy;
        assert.equal(np.error?.status, 403, `NetworkPolicy is recorded with the server's 403: ${JSON.stringify(np)}`);
        assert.match(np.error?.message ?? "", /forbidden/i);
        assert.equal(doc.kinds.Pod.error, undefined);
        assert.ok(((doc.objects as Record<string, unknown[]>).Pod ?? []).length >= NAMESPACES * PODS_PER_NAMESPACE);
    });

    it("respond isolates a real pod behind a NetworkPolicy the server validated, releases it, and terminates it", async function () {
        const ns = "incident";
        await mustCreate(cluster, "/api/v1/namespaces", { metadata: { name: ns } });
        // A Calico agent on node-1, running (no kubelet here: its status is set the way a kubelet would).
        await mustCreate(
            cluster,
            "/api/v1/namespaces/kube-system/pods",
            pod("kube-system", "calico-node-a", {
                labels: { "k8s-app": "calico-node" },
                nodeName: "node-1",
                image: "docker.io/calico/node:v3.28.0",
            }),
        );
        await mustCreate(cluster, `/api/v1/namespaces/${ns}/pods`, pod(ns, "suspect", { nodeName: "node-1" }));
        for (const [pns, name] of [
            ["kube-system", "calico-node-a"],
            [ns, "suspect"],
        ]) {
            const s = await cluster.request("admin", "PATCH", `/api/v1/namespaces/${pns}/pods/${name}/status`, {
                status: { phase: "Running" },
            });
            assert.equal(s.status, 200, s.body);
        }
        // The quarantine policy exactly as the pod-isolation component declares it, created through the server's validation.
        const policy = quarantinePolicyManifest(ns);
        await mustCreate(cluster, `/apis/networking.k8s.io/v1/namespaces/${ns}/networkpolicies`, policy);
        // The responder may read pods and policies and patch or delete pods: nothing more.
        await mustCreate(cluster, "/apis/rbac.authorization.k8s.io/v1/clusterroles", {
            metadata: { name: "responder" },
            rules: [
                { apiGroups: [""], resources: ["pods"], verbs: ["get", "list", "patch", "delete"] },
                { apiGroups: ["networking.k8s.io"], resources: ["networkpolicies"], verbs: ["get", "list"] },
            ],
        });
        await mustCreate(
            cluster,
            "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings",
            bindClusterRole("responder", "responder", "responder"),
        );
        const kubeconfig = cluster.kubeconfig("responder");

        const iso = await runCli(["respond", "isolate", "--pod", `${ns}/suspect`, "--kubeconfig", kubeconfig]);
        assert.equal(iso.code, 0, iso.stderr + iso.stdout);
        assert.match(iso.stdout, /isolated pod incident\/suspect/);
        const labelled = JSON.parse(cluster.kubectl("admin", ["get", "pod", "-n", ns, "suspect", "-o", "json"])) as {
            metadata: { labels: Record<string, string> };
        };
        assert.equal(labelled.metadata.labels[QUARANTINE_LABEL.key], QUARANTINE_LABEL.value);
        // The server itself says the policy selects the labelled pod: a label selector query.
        const selector = Object.entries(
            (policy.spec as { podSelector: { matchLabels: Record<string, string> } }).podSelector.matchLabels,
        )
            .map(([k, v]) => `${k}=${v}`)
            .join(",");
        assert.equal(
            cluster.kubectl("admin", ["get", "pods", "-n", ns, "-l", selector, "-o", "name"]).trim(),
            "pod/suspect",
        );

        const rel = await runCli(["respond", "release", "--pod", `${ns}/suspect`, "--kubeconfig", kubeconfig]);
        assert.equal(rel.code, 0, rel.stderr);
        const released = JSON.parse(cluster.kubectl("admin", ["get", "pod", "-n", ns, "suspect", "-o", "json"])) as {
            metadata: { labels: Record<string, string> };
        };
        assert.equal(released.metadata.labels[QUARANTINE_LABEL.key], undefined);

        // A hostNetwork pod is refused, and keeps no label.
        const hostPod = pod(ns, "on-host", { nodeName: "node-1" });
        (hostPod.spec as Record<string, unknown>).hostNetwork = true;
        await mustCreate(cluster, `/api/v1/namespaces/${ns}/pods`, hostPod);
        const running = await cluster.request("admin", "PATCH", `/api/v1/namespaces/${ns}/pods/on-host/status`, {
            status: { phase: "Running" },
        });
        assert.equal(running.status, 200, running.body);
        const refused = await runCli(["respond", "isolate", "--pod", `${ns}/on-host`, "--kubeconfig", kubeconfig]);
        assert.equal(refused.code, 1);
        assert.match(refused.stderr, /cannot isolate pod incident\/on-host/);
        const untouched = JSON.parse(cluster.kubectl("admin", ["get", "pod", "-n", ns, "on-host", "-o", "json"])) as {
            metadata: { labels: Record<string, string> };
        };
        assert.equal(untouched.metadata.labels[QUARANTINE_LABEL.key], undefined);

        const term = await runCli(["respond", "terminate", "--pod", `${ns}/suspect`, "--kubeconfig", kubeconfig]);
        assert.equal(term.code, 0, term.stderr);
        // No kubelet acknowledges the deletion, so the server keeps the pod with a deletion timestamp.
        const gone = await cluster.request("admin", "GET", `/api/v1/namespaces/${ns}/pods/suspect`);
        assert.ok(
            gone.status === 404 || /"deletionTimestamp"/.test(gone.body),
            `the pod is deleted or being deleted: ${gone.status}`,
        );
    });

    it("the aws-auth merge, applied to a real ConfigMap, keeps every other entry byte for byte", async function () {
        const nodeRoles =
            "- rolearn: arn:aws:iam::111122223333:role/eks-node-group-a\n" +
            "  username: system:node:{{EC2PrivateDNSName}}\n" +
            "  groups:\n" +
            "    - system:bootstrappers\n" +
            "    - system:nodes\n" +
            '- rolearn: "arn:aws:iam::111122223333:role/odd name \\"quoted\\""\n' +
            "  username: ops   # kept comment\n" +
            "  groups: [ops-readers]\n";
        const mapUsers = "- userarn: arn:aws:iam::111122223333:user/alice\n  username: alice\n  groups: [admins]\n";
        await mustCreate(cluster, `/api/v1/namespaces/${AWS_AUTH.namespace}/configmaps`, {
            metadata: { name: AWS_AUTH.name },
            data: { [AWS_AUTH.key]: nodeRoles, mapUsers },
        });
        const current = JSON.parse(
            (
                await cluster.request(
                    "admin",
                    "GET",
                    `/api/v1/namespaces/${AWS_AUTH.namespace}/configmaps/${AWS_AUTH.name}`,
                )
            ).body,
        ) as { data: Record<string, string> };
        const entry = {
            rolearn: "arn:aws:iam::111122223333:role/defender-discovery",
            username: "defender-discovery",
            groups: ["agentless-discovery-readers"],
        };
        const merged = mergeMapRoles(current.data[AWS_AUTH.key], entry, "stop").mapRoles;
        // Server-side apply of the one key, the way a ConfigMapPatch owns only the fields it sets.
        const applied = await applyPatch(cluster, merged);
        assert.equal(applied.status, 200, applied.body);
        const after = JSON.parse(
            (
                await cluster.request(
                    "admin",
                    "GET",
                    `/api/v1/namespaces/${AWS_AUTH.namespace}/configmaps/${AWS_AUTH.name}`,
                )
            ).body,
        ) as { data: Record<string, string> };
        assert.ok(
            after.data[AWS_AUTH.key].startsWith(nodeRoles),
            "the existing entries are kept byte for byte, in front",
        );
        assert.equal(after.data.mapUsers, mapUsers, "mapUsers is untouched");
        const entries = parseMapRoles(after.data[AWS_AUTH.key]);
        assert.deepEqual(
            entries.map((e) => e.rolearn),
            [
                "arn:aws:iam::111122223333:role/eks-node-group-a",
                'arn:aws:iam::111122223333:role/odd name "quoted"',
                entry.rolearn,
            ],
        );
        // Applied again, nothing changes: the merge is idempotent against what the server stored.
        const again = mergeMapRoles(after.data[AWS_AUTH.key], entry, "stop").mapRoles;
        assert.equal(again, after.data[AWS_AUTH.key]);
    });

    it("a hostile context name gives one escaped summary line, and the snapshot is stored", async function () {
        const hostile = "evil\u001b[31m<img src=x onerror=alert(1)>|**x**\n[a](http://evil.example)";
        const out = tmpDir("engines-hostile-");
        const r = await runCli(["snapshot", "--kubeconfig", cluster.kubeconfig("reader", hostile), "--out", out], {
            timeoutMs: 300_000,
        });
        assert.equal(r.code, 0, r.stderr + r.stdout);
        assert.ok(!r.stdout.includes("\u001b"), "no raw escape character reaches the terminal");
        const line = r.stdout.split("\n").find((l) => l.startsWith("✓ "));
        assert.ok(line?.includes("evil\\x1b[31m<img src=x onerror=alert(1)>|**x**\\n[a](http://evil.example)"), line);
        assert.equal(latestSnapshot(out).cluster.name, hostile);
    });

    it("the snapshot's RBAC findings agree with `kubectl auth can-i` on the same server", async function () {
        const ns = "rbac-check";
        await mustCreate(cluster, "/api/v1/namespaces", { metadata: { name: ns } });
        for (const sa of ["deployer", "viewer", "wild"])
            await mustCreate(cluster, `/api/v1/namespaces/${ns}/serviceaccounts`, { metadata: { name: sa } });
        await mustCreate(cluster, "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings", {
            metadata: { name: "deployer-admin" },
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "cluster-admin" },
            subjects: [{ kind: "ServiceAccount", name: "deployer", namespace: ns }],
        });
        await mustCreate(cluster, "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings", {
            metadata: { name: "viewer-view" },
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "view" },
            subjects: [{ kind: "ServiceAccount", name: "viewer", namespace: ns }],
        });
        await mustCreate(cluster, `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/roles`, {
            metadata: { name: "everything-here" },
            rules: [{ apiGroups: ["*"], resources: ["*"], verbs: ["*"] }],
        });
        await mustCreate(cluster, `/apis/rbac.authorization.k8s.io/v1/namespaces/${ns}/rolebindings`, {
            metadata: { name: "wild-everything" },
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "everything-here" },
            subjects: [{ kind: "ServiceAccount", name: "wild", namespace: ns }],
        });
        const out = tmpDir("engines-rbac-");
        const r = await runCli(["snapshot", "--kubeconfig", cluster.kubeconfig("reader"), "--out", out], {
            timeoutMs: 300_000,
        });
        assert.equal(r.code, 0, r.stderr);
        const doc = latestSnapshot(out);
        const findings = (
            doc as unknown as {
                findings: {
                    rule: string;
                    subject: { kind: string; namespace?: string; name: string };
                    message: string;
                }[];
            }
        ).findings;
        const canI = (sa: string, verb: string, resource: string, namespace?: string) =>
            cluster
                .kubectlStatus("admin", [
                    "auth",
                    "can-i",
                    verb,
                    resource,
                    `--as=system:serviceaccount:${ns}:${sa}`,
                    ...(namespace ? ["-n", namespace] : ["--all-namespaces"]),
                ])
                .stdout.trim();

        // cluster-admin over the whole cluster: the finding names deployer, and the server agrees it may do anything anywhere.
        const admin = findings.filter((f) => f.rule === "cluster-admin-binding");
        assert.deepEqual(
            admin.map((f) => f.subject.name),
            ["deployer-admin"],
        );
        assert.match(admin[0].message, new RegExp(`${ns}/deployer`));
        assert.equal(canI("deployer", "*", "*"), "yes");
        assert.equal(canI("deployer", "delete", "nodes"), "yes");
        // view is no admin: no finding, and the server refuses it writes and secrets.
        assert.equal(canI("viewer", "delete", "pods"), "no");
        assert.equal(canI("viewer", "get", "secrets"), "no");
        // A namespaced wildcard Role: a wildcard-role finding, and the server grants everything in that namespace only.
        const wild = findings.filter((f) => f.rule === "wildcard-role" && f.subject.namespace === ns);
        assert.deepEqual(
            wild.map((f) => f.subject.name),
            ["everything-here"],
        );
        assert.equal(canI("wild", "delete", "secrets", ns), "yes");
        assert.equal(canI("wild", "delete", "secrets", "team-0"), "no");
    });
});

/** Server-side apply of aws-auth's mapRoles, as the field manager that owns only that key. */
async function applyPatch(cluster: RealCluster, mapRoles: string): Promise<{ status: number; body: string }> {
    const https = await import("https");
    return new Promise((resolve, reject) => {
        const body = JSON.stringify({
            apiVersion: "v1",
            kind: "ConfigMap",
            metadata: { name: AWS_AUTH.name, namespace: AWS_AUTH.namespace },
            data: { [AWS_AUTH.key]: mapRoles },
        });
        const req = https.request(
            `${cluster.url}/api/v1/namespaces/${AWS_AUTH.namespace}/configmaps/${AWS_AUTH.name}?fieldManager=agentless-discovery&force=true`,
            {
                method: "PATCH",
                ca: fs.readFileSync(cluster.caFile),
                headers: { Authorization: "Bearer admin-token", "Content-Type": "application/apply-patch+yaml" },
            },
            (res) => {
                let text = "";
                res.on("data", (c) => (text += c));
                res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
            },
        );
        req.on("error", reject);
        req.end(body);
    });
}

/**
 * Since Kubernetes 1.34 the API server serves a list's later pages from snapshots of its watch
 * cache (ListFromCacheSnapshot, on by default), so an etcd compaction alone no longer expires a
 * continue token the cache still holds: the first server above answers such a token 200 (seen in
 * this suite). The 410 path is what a server that reads lists from etcd answers, as 1.33 and older
 * do and as every server does once the cache no longer holds the token's revision; it is run here
 * against a server with its watch cache off.
 */
describe("a real kube-apiserver reading lists from etcd (--watch-cache=false)", function () {
    this.timeout(600_000);
    const ETCD_PODS = 600;
    let cluster: RealCluster;

    before(async function () {
        cluster = await startRealCluster({ apiserverArgs: ["--watch-cache=false"] });
        await mustCreate(cluster, "/apis/rbac.authorization.k8s.io/v1/clusterroles", readerRole("snapshot-reader"));
        await mustCreate(
            cluster,
            "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings",
            bindClusterRole("snapshot-reader", "snapshot-reader", "reader"),
        );
        await mustCreate(cluster, "/api/v1/namespaces", { metadata: { name: "team-0" } });
        await createAll(
            cluster,
            Array.from(
                { length: ETCD_PODS },
                (_, i) => [`/api/v1/namespaces/team-0/pods`, pod("team-0", `app-${i}`)] as [string, object],
            ),
        );
    });

    after(async function () {
        await cluster?.stop();
    });

    it("a continue token expired by an etcd compaction is answered 410 and the list starts over, every object once", async function () {
        const client = new KubeClient({
            name: "engines",
            server: cluster.url,
            ca: fs.readFileSync(cluster.caFile, "utf8"),
            insecureSkipTlsVerify: false,
            token: "reader-token",
        });
        // The raw server answer first: the token of a page, after a compaction, is 410 Gone.
        const first = JSON.parse((await cluster.request("reader", "GET", "/api/v1/pods?limit=100")).body) as {
            metadata: { continue: string };
        };
        await cluster.request("admin", "POST", "/api/v1/namespaces/default/configmaps", { metadata: { name: "bump" } });
        await cluster.compact();
        const gone = await cluster.request(
            "reader",
            "GET",
            `/api/v1/pods?limit=100&continue=${encodeURIComponent(first.metadata.continue)}`,
        );
        assert.equal(gone.status, 410, `the server expires the token: ${gone.body.slice(0, 200)}`);
        assert.match(gone.body, /"reason":"Expired"/);

        // The client: compact after the first page; the list restarts and yields every pod once.
        const names: string[] = [];
        let restarts = 0;
        let pages = 0;
        for await (const page of client.listPages<{ metadata: { namespace: string; name: string } }>("/api/v1/pods", {
            limit: 250,
        })) {
            if (page.restarted) restarts++;
            names.push(...page.items.map((p) => `${p.metadata.namespace}/${p.metadata.name}`));
            if (++pages === 1) {
                await cluster.request("admin", "POST", "/api/v1/namespaces/default/configmaps", {
                    metadata: { name: `bump-${Date.now()}` },
                });
                await cluster.compact();
            }
        }
        assert.equal(restarts, 1, "the list started over once");
        const unique = new Set(names.slice(250));
        assert.equal(unique.size, ETCD_PODS, "after the restart, every pod exactly once");
    });
});
