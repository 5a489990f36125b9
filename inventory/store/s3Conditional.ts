import { Readable } from "stream";
import { PutObjectCommand, PutObjectCommandInput, S3Client } from "@aws-sdk/client-s3";
import { StoreError } from "./types";

/**
 * How S3 refused a conditional write (docs/inventory.md, Store): `exists` is 412 PreconditionFailed
 * (`If-None-Match: *` on a key that exists, `If-Match` with another ETag); `conflict` is 409
 * ConditionalRequestConflict (another conditional write to the same key is in progress).
 */
export function conditionFailure(e: unknown): "exists" | "conflict" | undefined {
    const err = e as { name?: string; $metadata?: { httpStatusCode?: number } };
    if (err.$metadata?.httpStatusCode === 412 || err.name === "PreconditionFailed") return "exists";
    if (err.$metadata?.httpStatusCode === 409 || err.name === "ConditionalRequestConflict") return "conflict";
    return undefined;
}

/** Conditional writes tried before giving up: far more runs than ever start in one millisecond. */
export const MAX_CREATE_ATTEMPTS = 100;

/** What `createFirstFree` puts besides bucket and key; called per attempt, as a stream body is consumed. */
export type ObjectContent = () => Omit<PutObjectCommandInput, "Bucket" | "Key" | "IfNoneMatch">;

/**
 * Creates the first of `keyOf(0)`, `keyOf(1)`... that does not exist, each only if absent
 * (`If-None-Match: *`), so a run never replaces another's object. 412: the name is taken, the next
 * is tried. 409: another run is writing that very name; AWS's advice is to retry, and the retry
 * ends as 412 if the other run's write went through. Returns the key written.
 */
export async function createFirstFree(
    s3: S3Client,
    bucket: string,
    keyOf: (n: number) => string,
    content: ObjectContent,
    maxAttempts = MAX_CREATE_ATTEMPTS,
): Promise<string> {
    let n = 0;
    let key = keyOf(n);
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
        key = keyOf(n);
        const input = content();
        try {
            await s3.send(new PutObjectCommand({ ...input, Bucket: bucket, Key: key, IfNoneMatch: "*" }));
            return key;
        } catch (e) {
            // A refused upload may not have read its file stream: close it rather than leak the descriptor.
            if (input.Body instanceof Readable) input.Body.destroy();
            const why = conditionFailure(e);
            if (!why) throw e;
            if (why === "exists") n++;
            else await new Promise<void>((r) => setTimeout(r, 20 + Math.random() * 80));
        }
    }
    throw new StoreError(
        `s3://${bucket}/${keyOf(0)} could not be created: it and every name up to ${key.split("/").pop()} exist or were being written by another run (${maxAttempts} conditional writes refused)`,
    );
}
