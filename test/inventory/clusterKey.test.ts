import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runCli } from "../helpers/cli";
import { startKubeApiServer } from "../fixtures/kubeApiServer";
import { generateCluster } from "../fixtures/clusterGenerator";
import { writeKubeconfig } from "../fixtures/kubeconfig";
import { clusterKey, STORE_RESERVED_NAMES } from "../../inventory/clusterKey";
import { ClusterIdentity } from "../../inventory/schema";

const eks = (region: string, account = "111122223333"): ClusterIdentity => ({
    name: "prod",
    server: `https://x.${region}.eks.amazonaws.com`,
    source: "aws",
    cloud: { id: `arn:aws:eks:${region}:${account}:cluster/prod`, location: region },
});
const kube = (context: string, server = "https://10.0.0.1:6443"): ClusterIdentity => ({
    name: context,
    server,
    source: "kubeconfig",
    context,
});

describe("clusterKey", () => {
    it("is readable and stable: source, account, region and name (or context and server host), then a hash", () => {
        assert.match(clusterKey(eks("us-east-1")), /^aws-111122223333-us_east_1-prod-[0-9a-f]{12}$/);
        assert.strictEqual(clusterKey(eks("us-east-1")), clusterKey(eks("us-east-1")));
        assert.match(
            clusterKey({
                name: "shop",
                server: "https://a",
                source: "azure",
                cloud: {
                    id: "/subscriptions/0000-1/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/shop",
                    location: "westeurope",
                },
            }),
            /^azure-0000_1-westeurope-shop-[0-9a-f]{12}$/,
        );
        assert.match(
            clusterKey({
                name: "gk",
                server: "https://b",
                source: "gcp",
                cloud: {
                    id: "https://container.googleapis.com/v1/projects/my-proj/locations/europe-west1/clusters/gk",
                    location: "europe-west1",
                },
            }),
            /^gcp-my_proj-europe_west1-gk-[0-9a-f]{12}$/,
        );
        assert.match(clusterKey(kube("prod/east")), /^kube-prod_east-10\.0\.0\.1_6443-[0-9a-f]{12}$/);
    });

    it("keeps apart what collided: prod/east and prod:east, EKS prod in two regions or two accounts, a context named runs", () => {
        const keys = [
            clusterKey(kube("prod/east")),
            clusterKey(kube("prod:east")),
            clusterKey(eks("us-east-1")),
            clusterKey(eks("eu-west-1")),
            clusterKey(eks("us-east-1", "444455556666")),
            clusterKey(kube("prod", "https://a:443")),
            clusterKey(kube("prod", "https://b:443")),
        ];
        assert.strictEqual(new Set(keys).size, keys.length);
        for (const reserved of STORE_RESERVED_NAMES) assert.notStrictEqual(clusterKey(kube(reserved)), reserved);
        assert.match(clusterKey(kube("runs")), /^kube-runs-/);
    });

    it("files contexts prod/east, prod:east and runs apart and names the key and identity in the run record", async function () {
        this.timeout(60_000);
        const a = await startKubeApiServer(generateCluster({ pods: 3 }));
        const b = await startKubeApiServer(generateCluster({ pods: 4 }));
        try {
            const { file } = writeKubeconfig({
                "prod/east": { url: a.url },
                "prod:east": { url: b.url },
                runs: { url: a.url },
            });
            const out = fs.mkdtempSync(path.join(os.tmpdir(), "snap-keys-"));
            const r = await runCli(["snapshot", "--kubeconfig", file, "--all-contexts", "--out", out]);
            assert.strictEqual(r.code, 0, r.stdout + r.stderr);
            const dirs = fs.readdirSync(out).sort();
            assert.strictEqual(dirs.length, 4, dirs.join(", "));
            assert.ok(dirs.includes("runs"));
            const runFiles = fs.readdirSync(path.join(out, "runs"));
            assert.strictEqual(runFiles.length, 1, "the runs folder holds only run records");
            const record = JSON.parse(fs.readFileSync(path.join(out, "runs", runFiles[0]), "utf8"));
            const byContext = Object.fromEntries(
                record.clusters.map((c: { context: string; key: string; server: string }) => [c.context, c]),
            );
            assert.strictEqual(byContext["prod/east"].server, a.url);
            assert.strictEqual(byContext["prod:east"].server, b.url);
            for (const c of record.clusters) {
                assert.ok(dirs.includes(c.key), c.key);
                assert.strictEqual(
                    c.key,
                    clusterKey({ name: c.context, server: c.server, source: "kubeconfig", context: c.context }),
                );
            }
            assert.doesNotMatch(r.stdout, /since /, "no cluster is diffed against another");
        } finally {
            await Promise.all([a.close(), b.close()]);
        }
    });

    it("takes a snapshot filed under the old bare-name folder as the previous one only when its identity matches", async function () {
        this.timeout(60_000);
        const a = await startKubeApiServer(generateCluster({ pods: 3 }));
        const b = await startKubeApiServer(generateCluster({ pods: 3 }));
        try {
            const out = fs.mkdtempSync(path.join(os.tmpdir(), "snap-legacy-"));
            const first = writeKubeconfig({ shop: { url: a.url } }).file;
            assert.strictEqual((await runCli(["snapshot", "--kubeconfig", first, "--out", out])).code, 0);
            const [keyDir] = fs.readdirSync(out).filter((d) => d.startsWith("kube-"));
            fs.renameSync(path.join(out, keyDir), path.join(out, "shop"));
            const again = await runCli(["snapshot", "--kubeconfig", first, "--out", out]);
            assert.match(
                again.stdout,
                new RegExp(
                    `since ${path.join(out, "shop").replace(/[.\\/]/g, "\\$&")}/[^:]+\\.json: objects: \\+0 added`,
                ),
            );
            const other = writeKubeconfig({ shop: { url: b.url } }).file;
            const elsewhere = await runCli(["snapshot", "--kubeconfig", other, "--out", out]);
            assert.match(
                elsewhere.stdout,
                /first snapshot of this cluster/,
                "a context of the same name on another server is another cluster",
            );
        } finally {
            await Promise.all([a.close(), b.close()]);
        }
    });
});
