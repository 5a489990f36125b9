import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runCli } from "../helpers/cli";
import { CloudApiServer, startCloudApiServer } from "../fixtures/cloudApiServer";
import { FixtureServer, startKubeApiServer } from "../fixtures/kubeApiServer";
import { generateCluster } from "../fixtures/clusterGenerator";
import { writeKubeconfig } from "../fixtures/kubeconfig";
import { motoEnv } from "../fixtures/motoServer";

const DENIED =
    "User: arn:aws:iam::123456789012:user/reader is not authorized to perform: eks:ListClusters on resource: arn:aws:eks:eu-west-1:123456789012:cluster/*";

// The CLI builds each cloud's client with the production credential chain, so only AWS can be pointed
// at a local endpoint from outside (AWS_ENDPOINT_URL); the failure path after discovery is the same for every cloud.
describe("npm run snapshot with a discovery scope that fails", function () {
    this.timeout(60_000);
    let eks: CloudApiServer;
    let kube: FixtureServer;
    before(async () => {
        eks = await startCloudApiServer((c) =>
            c.method === "GET" && c.path === "/clusters"
                ? { status: 403, headers: { "x-amzn-errortype": "AccessDeniedException" }, body: { message: DENIED } }
                : undefined,
        );
        kube = await startKubeApiServer(generateCluster({ pods: 3 }));
    });
    after(async () => {
        await eks?.close();
        await kube?.close();
    });

    it("prints the scope and reason, records it in the run record, still snapshots the other clusters, and exits 3", async () => {
        const out = fs.mkdtempSync(path.join(os.tmpdir(), "snap-discovery-"));
        const { file } = writeKubeconfig({ local: { url: kube.url } });
        const r = await runCli(
            [
                "snapshot",
                "--cloud",
                "aws",
                "--region",
                "eu-west-1",
                "--kubeconfig",
                file,
                "--context",
                "local",
                "--out",
                out,
            ],
            { env: motoEnv(eks.url) },
        );
        assert.strictEqual(r.code, 3, r.stderr);
        assert.ok(
            eks.calls.some((c) => c.path === "/clusters"),
            "EKS ListClusters reached the fixture",
        );
        assert.match(r.stdout, /✓ local: complete/);
        assert.ok(r.stdout.includes(`✗ discovery aws eu-west-1: FAILED — ${DENIED}\n`), r.stdout);
        assert.match(r.stdout, /1 cluster\(s\) snapshotted, 1 failed, 0 excluded/);
        const runs = fs.readdirSync(path.join(out, "runs")).filter((f) => f.endsWith(".json"));
        assert.strictEqual(runs.length, 1);
        const record = JSON.parse(fs.readFileSync(path.join(out, "runs", runs[0]), "utf8"));
        assert.deepStrictEqual(record.discoveryFailures, [{ cloud: "aws", scope: "eu-west-1", message: DENIED }]);
        fs.rmSync(out, { recursive: true, force: true });
    });
});
