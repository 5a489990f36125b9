import { UsageError } from "../lib/errors";
import { LocalStore } from "../inventory/store/local";
import { SnapshotStore } from "../inventory/store/types";

/**
 * `--out`: an `s3://` URL, its scheme in any case (RFC 3986 §3.1: schemes are case-insensitive, so
 * `S3://b/p` is the bucket, not a local folder `S3:`), or a local directory. Any other `scheme://`
 * (`gs://`, `https://`) is no store this command writes to, and is refused rather than made a folder.
 */
export function openStore(out: string, retain: number): SnapshotStore {
    const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(out)?.[1];
    if (scheme === undefined) return new LocalStore(out, retain);
    if (scheme.toLowerCase() !== "s3")
        throw new UsageError(
            `--out ${JSON.stringify(out)}: ${scheme}:// is not a store; expected a local directory or s3://BUCKET[/PREFIX]`,
        );
    // Loaded only for an S3 store: the AWS SDK's S3 client is about 200 ms of every run's start-up.
    const { S3Store } = require("../inventory/store/s3") as typeof import("../inventory/store/s3");
    return new S3Store(out, retain);
}
