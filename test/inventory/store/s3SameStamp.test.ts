import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
    CreateBucketCommand,
    GetObjectCommand,
    ListObjectsV2Command,
    PutObjectCommand,
    S3Client,
    S3ServiceException,
} from "@aws-sdk/client-s3";
import { Moto, startMoto } from "../../fixtures/motoServer";
import { ConditionalProxy, startConditionalProxy } from "../../fixtures/s3ConditionalProxy";
import { S3Store } from "../../../inventory/store/s3";
import { conditionFailure, createFirstFree } from "../../../inventory/store/s3Conditional";
import { stampedName } from "../../../inventory/store/types";

/** One client per run, as concurrent runs are separate processes. */
function client(url: string): S3Client {
    return new S3Client({
        region: "us-east-1",
        endpoint: url,
        forcePathStyle: true,
        credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
    });
}

describe("S3 store: runs started in the same millisecond (moto_server, conditional writes)", function () {
    this.timeout(60_000);
    let moto: Moto;
    // Concurrent writers go through it: moto alone lets two conditional writes of one name both
    // succeed (test/fixtures/s3ConditionalProxy.ts), which S3 does not.
    let proxy: ConditionalProxy;
    let s3: S3Client;
    const bucket = "run-records";
    const stamp = "2026-11-24T20-00-00-000Z";
    before(async () => {
        moto = await startMoto();
        proxy = await startConditionalProxy(moto.url, { mode: "atomic" });
        s3 = client(moto.url);
        await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    });
    after(async () => {
        s3?.destroy();
        await proxy?.close();
        await moto?.stop();
    });

    const keys = async (prefix: string) =>
        ((await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }))).Contents ?? [])
            .map((o) => o.Key!.slice(prefix.length))
            .sort();
    const json = async (key: string) =>
        JSON.parse(await (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body!.transformToString());

    it("6 concurrent run records with the same stamp leave 6 run records, the local store's names, none lost", async () => {
        const runs = 6;
        const clients = Array.from({ length: runs }, () => client(proxy.url));
        try {
            const stores = clients.map((c) => new S3Store(`s3://${bucket}/team/a`, 1, c));
            const urls = await Promise.all(stores.map((store, run) => store.writeRun(stamp, { run })));
            const names = Array.from({ length: runs }, (_, n) => stampedName(stamp, n));
            assert.deepEqual(names.slice(0, 3), [`${stamp}.json`, `${stamp}-1.json`, `${stamp}-2.json`]);
            assert.deepEqual([...urls].sort(), names.map((n) => `s3://${bucket}/team/a/runs/${n}`).sort());
            assert.deepEqual(await keys("team/a/runs/"), [...names].sort());
            // Each run's URL holds that run's record.
            assert.deepEqual(
                await Promise.all(urls.map(async (u) => (await json(u.slice(`s3://${bucket}/`.length))).run)),
                [0, 1, 2, 3, 4, 5],
            );
        } finally {
            for (const c of clients) c.destroy();
        }
    });

    it("a later run with the same stamp takes the next free suffix and leaves the others' records as they were", async () => {
        const store = new S3Store(`s3://${bucket}/later`, 1, s3);
        assert.equal(await store.writeRun(stamp, { run: "first" }), `s3://${bucket}/later/runs/${stamp}.json`);
        assert.equal(await store.writeRun(stamp, { run: "second" }), `s3://${bucket}/later/runs/${stamp}-1.json`);
        assert.deepEqual(
            [(await json(`later/runs/${stamp}.json`)).run, (await json(`later/runs/${stamp}-1.json`)).run],
            ["first", "second"],
        );
    });

    it("gives up after the bounded number of conditional writes with an error naming the key", async () => {
        const keyOf = (n: number) => `full/runs/${stampedName(stamp, n)}`;
        for (let n = 0; n < 3; n++) await s3.send(new PutObjectCommand({ Bucket: bucket, Key: keyOf(n), Body: "{}" }));
        await assert.rejects(
            createFirstFree(s3, bucket, keyOf, () => ({ Body: '{"run":"late"}' }), 3),
            (e: Error) => {
                assert.equal(e.name, "StoreError");
                assert.equal(
                    e.message,
                    `s3://${bucket}/full/runs/${stamp}.json could not be created: it and every name up to ${stamp}-2.json exist or were being written by another run (3 conditional writes refused)`,
                );
                return true;
            },
        );
        assert.deepEqual(await keys("full/runs/"), [`${stamp}-1.json`, `${stamp}-2.json`, `${stamp}.json`]);
        assert.deepEqual(await json(keyOf(0)), {}, "nothing overwritten");
    });

    it("on 409 ConditionalRequestConflict retries the same name, which ends as 412 when the other write went through", async () => {
        // moto never answers 409; real S3 does while another conditional write to the key is in flight.
        const conflicted = client(moto.url);
        const tried: string[] = [];
        let conflicts = 1;
        conflicted.middlewareStack.add(
            (next, context) => async (args) => {
                const input = args.input as { Key?: string; IfNoneMatch?: string };
                if (context.commandName === "PutObjectCommand" && input.IfNoneMatch === "*") {
                    tried.push(input.Key!.split("/").pop()!);
                    if (conflicts-- > 0) {
                        // What the other run's write, in flight during ours, leaves behind once it completes.
                        await s3.send(
                            new PutObjectCommand({ Bucket: bucket, Key: input.Key!, Body: '{"run":"other"}' }),
                        );
                        throw new S3ServiceException({
                            name: "ConditionalRequestConflict",
                            $fault: "client",
                            $metadata: { httpStatusCode: 409 },
                            message:
                                "A conflicting conditional operation is currently in progress against this resource.",
                        });
                    }
                }
                return next(args);
            },
            { step: "initialize" },
        );
        try {
            const url = await new S3Store(`s3://${bucket}/conflict`, 1, conflicted).writeRun(stamp, { run: "mine" });
            assert.equal(url, `s3://${bucket}/conflict/runs/${stamp}-1.json`);
            assert.deepEqual(tried, [`${stamp}.json`, `${stamp}.json`, `${stamp}-1.json`]);
            assert.deepEqual(
                [(await json(`conflict/runs/${stamp}.json`)).run, (await json(`conflict/runs/${stamp}-1.json`)).run],
                ["other", "mine"],
            );
        } finally {
            conflicted.destroy();
        }
    });

    it("any other S3 error is not taken for a taken name", async () => {
        await assert.rejects(
            new S3Store("s3://no-such-bucket-here/x", 1, s3).writeRun(stamp, {}),
            (e: Error) => e.name === "NoSuchBucket",
        );
        assert.equal(
            conditionFailure(
                Object.assign(new Error("denied"), { name: "AccessDenied", $metadata: { httpStatusCode: 403 } }),
            ),
            undefined,
        );
        assert.equal(
            conditionFailure(
                Object.assign(new Error("x"), { name: "PreconditionFailed", $metadata: { httpStatusCode: 412 } }),
            ),
            "exists",
        );
        assert.equal(
            conditionFailure(
                Object.assign(new Error("x"), {
                    name: "ConditionalRequestConflict",
                    $metadata: { httpStatusCode: 409 },
                }),
            ),
            "conflict",
        );
    });

    it("3 concurrent snapshots of one cluster with the same stamp are all kept, and latest names one of them", async () => {
        const writers = [0, 1, 2].map(() => client(proxy.url));
        const stores = writers.map((c) => new S3Store(`s3://${bucket}/snaps`, 5, c, 20_000));
        const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "s3-same-stamp-"));
        const urls = await Promise.all(
            stores.map(async (store, run) => {
                // Each its own local copy, as separate processes (begin names it by pid) would have.
                const tempPath = path.join(tmp, `run-${run}.json`);
                const pending = { cluster: "shop", stamp, tempPath, fd: fs.openSync(tempPath, "w", 0o600) };
                fs.writeSync(pending.fd, `{"run":${run}}\n`);
                return (await store.commit(pending)).location;
            }),
        );
        const names = [0, 1, 2].map((n) => stampedName(stamp, n));
        assert.deepEqual([...urls].sort(), names.map((n) => `s3://${bucket}/snaps/shop/${n}`).sort());
        assert.deepEqual(
            await keys("snaps/shop/"),
            [...names, "latest"].sort(),
            "every lock released, no snapshot lost",
        );
        assert.deepEqual(
            await Promise.all(urls.map(async (u) => (await json(u.slice(`s3://${bucket}/`.length))).run)),
            [0, 1, 2],
        );
        const latest = await (
            await s3.send(new GetObjectCommand({ Bucket: bucket, Key: "snaps/shop/latest" }))
        ).Body!.transformToString();
        assert.ok(names.includes(latest.trim()), `latest names ${latest}`);
        assert.deepEqual(fs.readdirSync(tmp), [], "every local copy removed");
        fs.rmSync(tmp, { recursive: true });
        for (const c of writers) c.destroy();
    });

    it("without a pointer the newest suffix is the latest, and retention removes the oldest, as in the local store", async () => {
        const later = "2026-11-24T20-00-00-001Z";
        for (let n = 0; n <= 10; n++)
            await s3.send(
                new PutObjectCommand({
                    Bucket: bucket,
                    Key: `order/shop/${stampedName(stamp, n)}`,
                    Body: `{"run":${n}}\n`,
                }),
            );
        const latest = await new S3Store(`s3://${bucket}/order`, 3, s3).readLatest("shop");
        assert.deepEqual(
            [latest!.location, JSON.parse(latest!.text).run],
            [`s3://${bucket}/order/shop/${stamp}-10.json`, 10],
        );
        const tempPath = path.join(os.tmpdir(), `s3-same-stamp-order-${process.pid}.json`);
        const pending = { cluster: "shop", stamp: later, tempPath, fd: fs.openSync(tempPath, "w", 0o600) };
        fs.writeSync(pending.fd, "{}\n");
        await new S3Store(`s3://${bucket}/order`, 3, s3).commit(pending);
        assert.deepEqual(
            await keys("order/shop/"),
            [`${stamp}-10.json`, `${stamp}-9.json`, `${later}.json`, "latest"].sort(),
        );
    });
});
