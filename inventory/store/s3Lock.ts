import * as os from "os";
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { isStale, parseLock, processAlive } from "./lock";
import { conditionFailure } from "./s3Conditional";
import { StoreError } from "./types";

/**
 * The S3 twin of `acquireLock`: one lock object per cluster folder, created only if absent
 * (`If-None-Match: *`, S3's conditional write) and removed only if it is still the same object
 * (`If-Match: <ETag>`, S3's conditional delete), so neither breaking a stale lock nor releasing
 * one can remove a lock another run took in between. Same stale rule as the local lock.
 */
export async function acquireS3Lock(
    s3: S3Client,
    bucket: string,
    key: string,
    waitMs = 60_000,
): Promise<() => Promise<void>> {
    const until = Date.now() + waitMs;
    for (;;) {
        try {
            const put = await s3.send(
                new PutObjectCommand({
                    Bucket: bucket,
                    Key: key,
                    Body: `${process.pid} ${os.hostname()} ${Date.now()}\n`,
                    ContentType: "text/plain",
                    IfNoneMatch: "*",
                }),
            );
            const etag = put.ETag;
            return async () => {
                await deleteIfSame(s3, bucket, key, etag);
            };
        } catch (e) {
            if (!isConditionFailure(e)) throw e;
        }
        const held = await readLock(s3, bucket, key);
        if (!held) continue; // released between our attempt and the read
        const info = parseLock(held.text);
        if (isStale(info, Date.now(), processAlive, os.hostname(), Date.now() - held.lastModified)) {
            await deleteIfSame(s3, bucket, key, held.etag);
            continue;
        }
        if (Date.now() > until) {
            throw new StoreError(
                `s3://${bucket}/${key} is held by process ${info!.pid} on ${info!.host} since ${new Date(info!.takenAt).toISOString()}; another snapshot run is publishing to the same cluster`,
            );
        }
        await new Promise<void>((r) => setTimeout(r, 50 + Math.random() * 100));
    }
}

function isConditionFailure(e: unknown): boolean {
    return conditionFailure(e) !== undefined;
}

function isMissing(e: unknown): boolean {
    const err = e as { name?: string; $metadata?: { httpStatusCode?: number } };
    return err.name === "NoSuchKey" || err.$metadata?.httpStatusCode === 404;
}

async function readLock(
    s3: S3Client,
    bucket: string,
    key: string,
): Promise<{ text: string; etag?: string; lastModified: number } | undefined> {
    try {
        const r = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        return {
            text: await r.Body!.transformToString("utf8"),
            etag: r.ETag,
            lastModified: r.LastModified?.getTime() ?? Date.now(),
        };
    } catch (e) {
        if (isMissing(e)) return undefined;
        throw e;
    }
}

/** Conditional deletes of the lock tried while S3 answers 409, about 5 s in all. */
export const MAX_DELETE_ATTEMPTS = 50;

/**
 * Deletes the lock only if it is still `etag`. 412: another run broke it or took it again, it is
 * not ours to remove. 409 ConditionalRequestConflict: another conditional request on the key (a
 * run trying to take the lock) was in progress; it says nothing about the ETag, so the delete is
 * retried. Taking it for "not ours" left the lock in place until it went stale, two minutes in
 * which every other run of the cluster waited (test/inventory/store/s3SameStampLoad.test.ts).
 */
async function deleteIfSame(s3: S3Client, bucket: string, key: string, etag: string | undefined): Promise<void> {
    for (let attempt = 1; ; attempt++) {
        try {
            await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key, ...(etag ? { IfMatch: etag } : {}) }));
            return;
        } catch (e) {
            const why = conditionFailure(e);
            if (why === "exists" || isMissing(e)) return;
            if (why !== "conflict" || attempt >= MAX_DELETE_ATTEMPTS) throw e;
        }
        await new Promise<void>((r) => setTimeout(r, 50 + Math.random() * 100));
    }
}
