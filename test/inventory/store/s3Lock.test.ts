import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import { spawn } from "child_process";
import {
    CreateBucketCommand,
    GetObjectCommand,
    ListObjectsV2Command,
    PutObjectCommand,
    S3Client,
} from "@aws-sdk/client-s3";
import { Moto, startMoto } from "../../fixtures/motoServer";
import { S3Store, S3_LOCK_OBJECT } from "../../../inventory/store/s3";
import { acquireS3Lock } from "../../../inventory/store/s3Lock";
import { STALE_LOCK_MS } from "../../../inventory/store/lock";

function deadPid(): number {
    const p = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
    return p.pid!;
}

describe("S3 store: a lock per cluster (moto_server, conditional writes)", function () {
    this.timeout(60_000);
    let moto: Moto;
    let s3: S3Client;
    const bucket = "lock-test";
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

    const text = async (key: string) =>
        (await (await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body!.transformToString()).trim();
    const names = async (prefix: string) =>
        ((await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }))).Contents ?? [])
            .map((o) => o.Key!.slice(prefix.length))
            .sort();

    for (const runs of [2, 3]) {
        it(`${runs} concurrent commits with retain 1 leave latest naming a snapshot that exists, and no lock behind`, async () => {
            for (let trial = 0; trial < 3; trial++) {
                const prefix = `p${runs}-${trial}`;
                const stores = Array.from(
                    { length: runs },
                    () => new S3Store(`s3://${bucket}/${prefix}`, 1, s3, 20_000),
                );
                await Promise.all(
                    stores.map(async (store, i) => {
                        const pending = await store.begin("shop", `2026-11-24T10-00-0${i}-000Z`);
                        fs.writeSync(pending.fd, `{"run":${i}}\n`);
                        await store.commit(pending);
                    }),
                );
                const files = await names(`${prefix}/shop/`);
                const latest = await text(`${prefix}/shop/latest`);
                assert.ok(files.includes(latest), `latest names ${latest}, objects: ${files.join(", ")}`);
                assert.ok(!files.includes(S3_LOCK_OBJECT), "every lock released");
                // Retention keeps the newest stamp and the run's own snapshot, which may be older.
                assert.ok(files.filter((f) => f.endsWith(".json")).length <= 2, `retain 1: ${files.join(", ")}`);
            }
        });
    }

    it("waits for a live holder, then names it when the wait runs out", async () => {
        const key = "wait/shop/.lock";
        const release = await acquireS3Lock(s3, bucket, key, 1_000);
        const t0 = Date.now();
        await assert.rejects(
            acquireS3Lock(s3, bucket, key, 600),
            (e: Error) =>
                e.name === "StoreError" &&
                new RegExp(
                    `^s3://${bucket}/wait/shop/\\.lock is held by process ${process.pid} on ${os.hostname().replace(/[.]/g, "\\.")} since \\d{4}-.*; another snapshot run is publishing to the same cluster$`,
                ).test(e.message),
        );
        assert.ok(Date.now() - t0 >= 600, "it waited");
        await release();
        const again = await acquireS3Lock(s3, bucket, key, 1_000);
        await again();
        assert.deepEqual(await names("wait/shop/"), []);
    });

    it("breaks the lock of a dead process of this host, and of any host after the stale period", async () => {
        await s3.send(
            new PutObjectCommand({
                Bucket: bucket,
                Key: "stale/a/.lock",
                Body: `${deadPid()} ${os.hostname()} ${Date.now()}\n`,
            }),
        );
        await s3.send(
            new PutObjectCommand({
                Bucket: bucket,
                Key: "stale/b/.lock",
                Body: `1 another-host ${Date.now() - STALE_LOCK_MS - 1000}\n`,
            }),
        );
        for (const k of ["stale/a/.lock", "stale/b/.lock"]) {
            const t0 = Date.now();
            const release = await acquireS3Lock(s3, bucket, k, 5_000);
            assert.ok(Date.now() - t0 < 2_000, `${k} broken at once`);
            assert.match(await text(k), new RegExp(`^${process.pid} `));
            await release();
        }
    });

    it("never releases a lock that is no longer its own", async () => {
        const key = "mine/shop/.lock";
        const release = await acquireS3Lock(s3, bucket, key, 1_000);
        // Broken as stale by another run, which took it: our release must leave that one alone.
        await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: `1 another-host ${Date.now()}\n` }));
        await release();
        assert.equal(await text(key), `1 another-host ${(await text(key)).split(" ")[2]}`);
    });
});
