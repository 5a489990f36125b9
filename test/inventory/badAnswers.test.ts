import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DeadlineError, KubeClient, listItemsOf } from "../../lib/kube/client";
import { collectCluster } from "../../inventory/collectKube";
import { BufferedFileWriter } from "../../inventory/jsonWriter";
import { FixtureServer, startKubeApiServer } from "../fixtures/kubeApiServer";
import { generateCluster } from "../fixtures/clusterGenerator";

const FAST = { maxRetries: 1, baseDelayMs: 5, maxDelayMs: 50 };

async function collect(server: FixtureServer, opts: Parameters<typeof collectCluster>[3] = {}) {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "bad-")), "snap.json");
    const fd = fs.openSync(file, "w");
    const client = new KubeClient({ name: "t", server: server.url, insecureSkipTlsVerify: false }, { retry: FAST });
    try {
        const r = await collectCluster(
            client,
            { name: "t", server: server.url, source: "kubeconfig" },
            new BufferedFileWriter(fd),
            { pageSize: 10, ...opts },
        );
        fs.closeSync(fd);
        return { result: r, doc: JSON.parse(fs.readFileSync(file, "utf8")) };
    } finally {
        client.close();
    }
}

describe("answers that are not lists, endless paging and deadlines", function () {
    this.timeout(30_000);
    let server: FixtureServer;
    beforeEach(async () => {
        server = await startKubeApiServer(generateCluster({ pods: 25, nodes: 2 }), { lifetimeMs: 30_000 });
    });
    afterEach(() => server.close());

    const notLists: [string, string][] = [
        ["{}", "GET /api/v1/pods answered 200 with a map without items, not a list"],
        [
            JSON.stringify({ kind: "Status", apiVersion: "v1", status: "Success", code: 200 }),
            "GET /api/v1/pods answered 200 with a Status object, not a list",
        ],
        ["[1,2,3]", "GET /api/v1/pods answered 200 with a JSON array, not a list"],
        ['{"items":"x"}', "GET /api/v1/pods answered 200 with items that are a string, not a list"],
        ['{"items":[1]}', "GET /api/v1/pods answered 200 with items[0] that is a number, not a list"],
        ["null", "GET /api/v1/pods answered 200 with null, not a list"],
    ];
    for (const [body, message] of notLists) {
        it(`a 200 answer ${body.slice(0, 30)} makes the kind an error and the snapshot partial`, async () => {
            server.faults.push({ path: "/api/v1/pods", body });
            const { result, doc } = await collect(server);
            assert.strictEqual(result.status, "partial");
            assert.deepStrictEqual(doc.kinds.Pod, { count: 0, error: { status: 200, reason: "BadResponse", message } });
            assert.deepStrictEqual(result.errors, [{ kind: "Pod", message }]);
            assert.strictEqual(doc.kinds.Node.count, 2, "the other kinds are still read");
        });
    }

    it("the list-shape check is a pure function", () => {
        assert.deepStrictEqual(listItemsOf({ kind: "PodList", items: [{ a: 1 }], metadata: { continue: "c" } }, "/p"), {
            items: [{ a: 1 }],
            continueToken: "c",
        });
        assert.deepStrictEqual(listItemsOf({ items: [], metadata: { continue: "" } }, "/p"), {
            items: [],
            continueToken: undefined,
        });
        assert.throws(() => listItemsOf({ items: [], metadata: { continue: 5 } }, "/p"), {
            message: "GET /p answered 200 with a continue token that is not a string, not a list",
        });
    });

    it("stops a server that hands back the same continue token, after two pages", async () => {
        const page = JSON.stringify({
            kind: "PodList",
            metadata: { continue: "again" },
            items: [{ metadata: { name: "p", namespace: "n" }, spec: { containers: [] } }],
        });
        server.faults.push({ path: "/api/v1/pods", body: page });
        const { result, doc } = await collect(server);
        assert.strictEqual(result.status, "partial");
        assert.strictEqual(doc.kinds.Pod.error.reason, "EndlessPaging");
        assert.strictEqual(
            doc.kinds.Pod.error.message,
            'GET /api/v1/pods: the server returned continue token "again" a second time; the list would never end',
        );
        assert.strictEqual(server.requests.filter((r) => r.path === "/api/v1/pods").length, 2);
        assert.strictEqual(doc.objects.Pod.length, 1, "the object repeated on the second page is written once");
    });

    it("ends a kind at its deadline, and the cluster at its own", async () => {
        // Fresh tokens each time, so only the deadline can stop it.
        let n = 0;
        server.faults.push({ path: "/api/v1/pods", delayMs: 40 });
        Object.defineProperty(server.faults[0], "body", {
            get: () => JSON.stringify({ kind: "PodList", metadata: { continue: `t${n++}` }, items: [] }),
        });
        const t0 = Date.now();
        const { result, doc } = await collect(server, { kindDeadlineMs: 400 });
        assert.ok(Date.now() - t0 < 5_000);
        assert.strictEqual(doc.kinds.Pod.error.reason, "DeadlineExceeded");
        assert.match(
            doc.kinds.Pod.error.message,
            /^GET \/api\/v1\/pods: the list did not finish before its deadline \(\d+ pages requested\)$/,
        );
        assert.strictEqual(result.status, "partial");
        assert.strictEqual(
            doc.kinds.Deployment.count,
            server.state.objects.Deployment.length,
            "kinds after it are read",
        );

        await assert.rejects(
            collect(server, { kindDeadlineMs: 10_000, clusterDeadlineMs: 500 }),
            (e: DeadlineError) =>
                e instanceof DeadlineError &&
                e.scope === "cluster" &&
                /^the cluster was not read within its deadline of 0.5 s \(stopped in Pod\)$/.test(e.message),
        );
    });
});
