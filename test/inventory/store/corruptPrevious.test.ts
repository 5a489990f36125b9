import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
    CreateBucketCommand,
    GetObjectCommand,
    PutObjectCommand,
    S3Client,
    S3ServiceException,
} from "@aws-sdk/client-s3";
import { LocalStore } from "../../../inventory/store/local";
import { S3Store } from "../../../inventory/store/s3";
import { SnapshotStore } from "../../../inventory/store/types";
import { snapshotCluster, SnapshotTarget } from "../../../inventory/run";
import { clusterKey } from "../../../inventory/clusterKey";
import { summaryLine } from "../../../cli/snapshot";
import { runCli } from "../../helpers/cli";
import { FixtureServer, startKubeApiServer } from "../../fixtures/kubeApiServer";
import { generateCluster } from "../../fixtures/clusterGenerator";
import { writeKubeconfig } from "../../fixtures/kubeconfig";
import { Moto, startMoto } from "../../fixtures/motoServer";

const FIRST = new Date("2026-12-01T10:00:00.000Z");
const SECOND = new Date("2026-12-01T11:00:00.000Z");
const THIRD = new Date("2026-12-01T12:00:00.000Z");
const N = "2026-12-01T11-00-00-000Z.json";
const NEXT = "the next run compares against this one";

/** The first half of a snapshot's lines: what a copy cut off by a full disk or a kill leaves. */
const truncated = (text: string) =>
    text
        .split("\n")
        .slice(0, Math.ceil(text.split("\n").length / 2))
        .join("\n") + "\n";

const WRONG_SCHEMA = '{"schemaVersion":7,"tool":"agentless-discovery","objects":{},"kinds":{},"findings":[]}\n';

/** The corruptions each store is tried with, and the reason the user is given for the missing diff. */
const CORRUPTIONS: { what: string; text: (good: string) => string; why: (where: string) => string }[] = [
    { what: "zero bytes", text: () => "", why: (w) => `the previous snapshot ${w} is empty (0 bytes)` },
    {
        what: "truncated JSON",
        text: truncated,
        why: (w) => `the previous snapshot ${w} is not a complete snapshot (it ends early)`,
    },
    {
        what: "a schema this version does not read",
        text: () => WRONG_SCHEMA,
        why: (w) => `the previous snapshot ${w} has schemaVersion 7; this version reads 1`,
    },
];

describe("a corrupt previous snapshot costs the diff, never the cluster", function () {
    this.timeout(90_000);
    let server: FixtureServer;
    before(async () => {
        server = await startKubeApiServer(generateCluster({ pods: 4, nodes: 1 }), { lifetimeMs: 85_000 });
    });
    after(() => server.close());

    const target = (): SnapshotTarget => ({
        identity: { name: "shop", server: server.url, source: "kubeconfig" },
        access: async () => ({ name: "shop", server: server.url, insecureSkipTlsVerify: false }),
    });
    const key = () => clusterKey(target().identity);

    /**
     * Snapshot P, corrupt it, snapshot N: N is published and the diff is unavailable with the
     * reason; a later run reads N and compares against it.
     */
    async function check(
        store: SnapshotStore,
        corrupt: (location: string) => Promise<void>,
        why: (where: string) => string,
    ): Promise<void> {
        const first = await snapshotCluster(target(), store, { now: () => FIRST });
        assert.equal(first.status, "complete", first.reason);
        await corrupt(first.snapshot!);

        const r = await snapshotCluster(target(), store, { now: () => SECOND });
        assert.equal(r.status, "complete", r.reason);
        assert.equal(path.basename(r.snapshot!), N, "the new snapshot is published");
        assert.equal(r.diff, undefined);
        assert.equal(r.diffUnavailable, `${why(first.snapshot!)}; ${NEXT}`);
        const lines = summaryLine(r).split("\n");
        assert.match(lines[0], /^✓ shop: complete, /);
        assert.deepEqual(lines.slice(1), [`    diff unavailable: ${why(first.snapshot!)}; ${NEXT}`]);

        const latest = await store.readLatest(key());
        assert.equal(latest!.location, r.snapshot);
        const third = await snapshotCluster(target(), store, { now: () => THIRD });
        assert.equal(third.previous, r.snapshot);
        assert.equal(third.diffUnavailable, undefined);
        assert.deepEqual(third.diff?.added, []);
    }

    describe("local store", () => {
        let out: string;
        beforeEach(() => (out = fs.mkdtempSync(path.join(os.tmpdir(), "corrupt-previous-"))));
        afterEach(() => fs.rmSync(out, { recursive: true, force: true }));

        for (const c of CORRUPTIONS)
            it(`${c.what}: the new snapshot is published and the diff is unavailable, naming the file`, async () => {
                await check(
                    new LocalStore(out, 5),
                    async (f) => fs.writeFileSync(f, c.text(fs.readFileSync(f, "utf8"))),
                    c.why,
                );
            });

        it("a directory in the previous snapshot's place: the same, not a failed cluster", async () => {
            await check(
                new LocalStore(out, 5),
                async (f) => {
                    fs.rmSync(f);
                    fs.mkdirSync(f);
                },
                (w) => `the previous snapshot ${w} is a directory, not a regular file`,
            );
        });

        it("npm run snapshot: exit 0 (the cluster was read), the line on screen and the reason in the run record", async () => {
            const { file } = writeKubeconfig({ shop: { url: server.url } });
            const args = ["snapshot", "--kubeconfig", file, "--out", out];
            const first = await runCli(args);
            assert.equal(first.code, 0, first.stderr);
            const dir = path.join(
                out,
                fs.readdirSync(out).find((d) => d !== "runs")!,
            );
            const previous = path.join(dir, fs.readFileSync(path.join(dir, "latest"), "utf8").trim());
            fs.truncateSync(previous, 0);
            const r = await runCli(args);
            assert.equal(r.code, 0, r.stderr);
            const why = `the previous snapshot ${previous} is empty (0 bytes); ${NEXT}`;
            assert.match(r.stdout, /^✓ shop: complete, /);
            assert.ok(r.stdout.includes(`\n    diff unavailable: ${why}\n`), r.stdout);
            assert.doesNotMatch(r.stdout, /first snapshot/);
            assert.match(r.stdout, /1 cluster\(s\) snapshotted, 0 failed, 0 excluded; run record /);
            const runs = fs.readdirSync(path.join(out, "runs")).sort();
            const record = JSON.parse(fs.readFileSync(path.join(out, "runs", runs[runs.length - 1]), "utf8"));
            assert.equal(record.clusters[0].status, "complete");
            assert.equal(record.clusters[0].diffUnavailable, why);
        });
    });

    describe("S3 store (moto_server)", () => {
        let moto: Moto;
        let s3: S3Client;
        const bucket = "corrupt-previous";
        let prefix = 0;
        before(async () => {
            moto = await startMoto();
            s3 = new S3Client({
                region: "us-east-1",
                endpoint: moto.url,
                forcePathStyle: true,
                credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
            });
            await s3.send(new CreateBucketCommand({ Bucket: bucket }));
        });
        after(async () => {
            s3?.destroy();
            await moto?.stop();
        });
        const keyOf = (url: string) => url.slice(`s3://${bucket}/`.length);
        const text = async (url: string) =>
            (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: keyOf(url) }))).Body!.transformToString();

        for (const c of CORRUPTIONS)
            it(`${c.what}: the new snapshot is published and the diff is unavailable, naming the object`, async () => {
                const store = new S3Store(`s3://${bucket}/p${prefix++}`, 5, s3);
                await check(
                    store,
                    async (url) =>
                        void (await s3.send(
                            new PutObjectCommand({ Bucket: bucket, Key: keyOf(url), Body: c.text(await text(url)) }),
                        )),
                    c.why,
                );
            });

        it("an object that cannot be read (403): the same, with S3's answer", async () => {
            const denied = new S3Client({
                region: "us-east-1",
                endpoint: moto.url,
                forcePathStyle: true,
                credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
            });
            let deny = "";
            denied.middlewareStack.add(
                (next, context) => async (args) => {
                    const input = args.input as { Key?: string };
                    if (context.commandName === "GetObjectCommand" && deny && input.Key === deny)
                        throw new S3ServiceException({
                            name: "AccessDenied",
                            $fault: "client",
                            $metadata: { httpStatusCode: 403 },
                            message: "Access Denied",
                        });
                    return next(args);
                },
                { step: "initialize" },
            );
            try {
                await check(
                    new S3Store(`s3://${bucket}/p${prefix++}`, 5, denied),
                    async (url) => void (deny = keyOf(url)),
                    (w) => `the previous snapshot ${w} could not be read (AccessDenied: Access Denied)`,
                );
            } finally {
                denied.destroy();
            }
        });
    });
});
