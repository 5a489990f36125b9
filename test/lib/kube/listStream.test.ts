import * as assert from "assert";
import * as fs from "fs";
import * as http from "http";
import * as os from "os";
import * as path from "path";
import { KubeClient } from "../../../lib/kube/client";
import { ListScanner, NonObjectItem } from "../../../lib/kube/listStream";
import { collectCluster } from "../../../inventory/collectKube";
import { BufferedFileWriter } from "../../../inventory/jsonWriter";
import { startKubeApiServer } from "../../fixtures/kubeApiServer";
import { generateCluster } from "../../fixtures/clusterGenerator";

/** Streams every page (whole-page parsing off), `chunk` bytes at a time. */
function scan(text: string, chunk: number, max = 1 << 20, wholePageBytes = 0) {
    const s = new ListScanner((o) => o, max, undefined, wholePageBytes);
    const buf = Buffer.from(text, "utf8");
    for (let i = 0; i < buf.length; i += chunk) s.write(buf.subarray(i, i + chunk));
    return s.finish();
}

describe("list pages read as a stream of items", function () {
    this.timeout(30_000);

    it("cuts items out at any chunk boundary, with strings holding braces, quotes and non-ASCII", () => {
        const items = [
            { metadata: { name: 'a}"]{[', labels: { 'k\\"': "wert ü 雪" } } },
            { metadata: { name: "b", items: [1, { x: "]" }] } },
            { metadata: { name: "c", annotations: { a: 'x\\"}'.repeat(50) + "\\", b: '\\\\"' } } },
        ];
        const text = JSON.stringify({
            kind: "PodList",
            apiVersion: "v1",
            metadata: { continue: "tok", resourceVersion: "7" },
            items,
            after: { items: [] },
        });
        for (const chunk of [1, 2, 3, 7, 64, 1 << 16]) {
            const r = scan(text, chunk);
            assert.deepStrictEqual(r.items, items, `chunk ${chunk}`);
            assert.deepStrictEqual(r.envelope, {
                kind: "PodList",
                apiVersion: "v1",
                metadata: { continue: "tok", resourceVersion: "7" },
                items: [],
                after: { items: [] },
            });
            assert.strictEqual(r.itemsArray, true);
        }
        assert.deepStrictEqual(scan('{"items":"x"}', 3).envelope, { items: "x" });
        assert.strictEqual(scan('{"items":"x"}', 3).itemsArray, false);
        assert.deepStrictEqual(scan("[1,2,3]", 1).envelope, [1, 2, 3]);
        assert.throws(
            () => scan('{"items":[{}, 5]}', 2),
            (e: NonObjectItem) => e.index === 1 && e.message === "items[1] that is a number",
        );
    });

    it("parses a page under the object limit whole, with the same items, envelope and errors as streamed", () => {
        const items = [{ metadata: { name: 'a}"]{[' } }, { metadata: { name: "b", labels: { l: "x".repeat(100) } } }];
        const text = JSON.stringify({ kind: "PodList", metadata: { continue: "tok" }, items });
        for (const chunk of [5, 1 << 16])
            assert.deepStrictEqual(scan(text, chunk, 1 << 20, 1 << 20), scan(text, chunk));
        for (const odd of ['{"items":"x"}', "[1,2,3]", "{}", ""])
            assert.deepStrictEqual(scan(odd, 4, 1 << 20, 1 << 20), scan(odd, 4), odd);
        assert.throws(
            () => scan('{"items":[{}, "s"]}', 2, 1 << 20, 1 << 20),
            (e: NonObjectItem) => e.index === 1 && e.message === "items[1] that is a string",
        );
        // One byte over the whole-page size and the page is streamed from its start.
        assert.deepStrictEqual(scan(text, 7, 1 << 20, Buffer.byteLength(text) - 1), scan(text, 7));
        assert.throws(() => new ListScanner((o) => o, 10, undefined, 11), /oversized/);
    });

    it("reads long strings ending in backslash runs the same wherever a chunk ends", () => {
        // Strings over the scanner's 48-byte look-ahead are jumped through with indexOf: the quote
        // that ends them is told from an escaped one by the backslashes before it, in either chunk.
        const items = [
            {
                metadata: {
                    name: "a",
                    annotations: { k: `${"y".repeat(60)}\\`, q: `${"z".repeat(70)}\\"${"w".repeat(50)}` },
                },
            },
            { metadata: { name: "b", labels: { l: `${"\\".repeat(30)}"` } } },
        ];
        const text = JSON.stringify({ kind: "PodList", metadata: { continue: "" }, items });
        const buf = Buffer.from(text, "utf8");
        for (let at = 1; at < buf.length; at++) {
            const s = new ListScanner((o) => o, 1 << 20, undefined, 0);
            s.write(buf.subarray(0, at));
            s.write(buf.subarray(at));
            assert.deepStrictEqual(s.finish().items, items, `split at ${at}`);
        }
    });

    it("skips an object over the size limit without holding it, and names its size", () => {
        const big = "x".repeat(5000);
        const text = JSON.stringify({
            items: [
                { metadata: { name: "a" } },
                { metadata: { name: "big", labels: { big } } },
                { metadata: { name: "c" } },
            ],
        });
        const r = scan(text, 100, 1000);
        assert.deepStrictEqual(
            r.items.map((o) => (o as { metadata: { name: string } }).metadata.name),
            ["a", "c"],
        );
        assert.deepStrictEqual(r.oversized, [
            { index: 1, bytes: JSON.stringify({ metadata: { name: "big", labels: { big } } }).length },
        ]);
    });

    it("records a kind with an oversized object as an error, and keeps its other objects", async () => {
        const state = generateCluster({ pods: 8, nodes: 1 });
        state.objects.Pod[3].metadata.labels = { ...state.objects.Pod[3].metadata.labels, huge: "y".repeat(300_000) };
        const server = await startKubeApiServer(state, { lifetimeMs: 20_000 });
        const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "oversize-")), "s.json");
        const fd = fs.openSync(file, "w");
        const client = new KubeClient({ name: "t", server: server.url, insecureSkipTlsVerify: false });
        try {
            const r = await collectCluster(
                client,
                { name: "t", server: server.url, source: "kubeconfig" },
                new BufferedFileWriter(fd),
                { pageSize: 5, maxObjectBytes: 100_000 },
            );
            fs.closeSync(fd);
            const doc = JSON.parse(fs.readFileSync(file, "utf8"));
            assert.strictEqual(r.status, "partial");
            assert.strictEqual(doc.kinds.Pod.error.reason, "ObjectTooLarge");
            assert.match(
                doc.kinds.Pod.error.message,
                /^1 Pod object\(s\) skipped for their size \(3\d{5} bytes; the limit is 100000 bytes\)$/,
            );
            assert.strictEqual(doc.objects.Pod.length, state.objects.Pod.length - 1);
            assert.ok(!doc.objects.Pod.some((p: { name: string }) => p.name === state.objects.Pod[3].metadata.name));
        } finally {
            client.close();
            await server.close();
        }
    });

    it("asks for the next page as soon as the continue token arrives, before the current page's items", async () => {
        // Page 1 sends its metadata, then holds its items until page 2 is asked for (or 3 s pass).
        const asked: string[] = [];
        let page2Asked: () => void = () => undefined;
        const page2 = new Promise<void>((r) => (page2Asked = r));
        const server = http.createServer((req, res) => {
            const token = new URL(req.url!, "http://x").searchParams.get("continue");
            asked.push(token ?? "first");
            res.writeHead(200, { "Content-Type": "application/json" });
            if (!token) {
                res.write('{"kind":"PodList","metadata":{"continue":"p2"},"items":[');
                void Promise.race([
                    page2.then(() => "asked"),
                    new Promise((r) => setTimeout(() => r("not asked"), 3000)),
                ]).then((waited) =>
                    res.end(`{"metadata":{"name":"a","namespace":"n"},"note":${JSON.stringify(waited)}}]}`),
                );
            } else {
                page2Asked();
                res.end('{"kind":"PodList","metadata":{},"items":[{"metadata":{"name":"b","namespace":"n"}}]}');
            }
        });
        await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
        const client = new KubeClient({
            name: "t",
            server: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
            insecureSkipTlsVerify: false,
        });
        try {
            const pages: unknown[][] = [];
            for await (const p of client.listPages("/api/v1/pods", { map: (o) => o })) pages.push(p.items);
            assert.deepStrictEqual(pages, [
                [{ metadata: { name: "a", namespace: "n" }, note: "asked" }],
                [{ metadata: { name: "b", namespace: "n" } }],
            ]);
            assert.deepStrictEqual(asked, ["first", "p2"]);
        } finally {
            client.close();
            server.close();
        }
    });
});
