import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Readable } from "stream";
import { pipeline } from "stream/promises";
import {
    S3Client,
    PutObjectCommand,
    GetObjectCommand,
    ListObjectsV2Command,
    DeleteObjectCommand,
    DeleteObjectsCommand,
    HeadBucketCommand,
} from "@aws-sdk/client-s3";
import { sweepTemporaries } from "./local";
import { STALE_LOCK_MS } from "./lock";
import { acquireS3Lock } from "./s3Lock";
import { createFirstFree } from "./s3Conditional";
import {
    AUDIT_DIR,
    byStampedName,
    clusterDirName,
    LATEST_POINTER,
    LatestFile,
    PendingSnapshot,
    Published,
    SNAPSHOT_FILE,
    SnapshotStore,
    stampedName,
    StoreError,
} from "./types";

/** The per-cluster lock object beside `latest`. */
export const S3_LOCK_OBJECT = ".lock";

/** The local copy of a snapshot on its way to S3: `agentless-snapshot-<cluster>-<stamp>-<pid>.json`. */
export const S3_TEMP_FILE = /^agentless-snapshot-.*-(\d+)\.json$/;

/** An S3 error in one line: its name and message. */
function s3Why(e: unknown): string {
    const err = e as { name?: string; message?: string };
    return `${err.name ?? "Error"}: ${err.message ?? String(e)}`;
}

export function parseS3Url(url: string): { bucket: string; prefix: string } {
    // The scheme in any case (RFC 3986 §3.1); bucket names are lower-case only.
    const m = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/i.exec(url);
    if (m && m[1] !== m[1].toLowerCase())
        throw new StoreError(
            `--out ${JSON.stringify(url)}: bucket names are lower-case letters, digits, "." and "-"; expected s3://${m[1].toLowerCase()}...`,
        );
    if (!m) throw new StoreError(`--out ${JSON.stringify(url)} is not an S3 location; expected s3://BUCKET[/PREFIX]`);
    return { bucket: m[1], prefix: (m[2] ?? "").replace(/^\/+|\/+$/g, "") };
}

/**
 * Snapshots in S3 under the same layout as the local store. A PutObject is atomic (an object is
 * whole or absent), and the `latest` pointer object is written only after the snapshot object.
 */
export class S3Store implements SnapshotStore {
    private readonly bucket: string;
    private readonly prefix: string;
    private readonly s3: S3Client;

    constructor(
        readonly location: string,
        private readonly retain: number,
        client?: S3Client,
        private readonly lockWaitMs = 60_000,
    ) {
        ({ bucket: this.bucket, prefix: this.prefix } = parseS3Url(location));
        // A custom endpoint (S3-compatible storage, moto_server) usually has no per-bucket DNS names.
        const custom = Boolean(process.env.AWS_ENDPOINT_URL_S3 || process.env.AWS_ENDPOINT_URL);
        this.s3 = client ?? new S3Client({ forcePathStyle: custom });
    }

    private key(...parts: string[]): string {
        return [this.prefix, ...parts].filter(Boolean).join("/");
    }

    async check(): Promise<void> {
        try {
            await this.s3.send(new HeadBucketCommand({ Bucket: this.bucket }));
        } catch (e) {
            const err = e as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
            const status = err.$metadata?.httpStatusCode;
            const why =
                status === 404
                    ? "the bucket does not exist"
                    : status === 403
                      ? "access denied"
                      : `${err.name ?? "error"}: ${err.message ?? ""}`.trim();
            throw new StoreError(`snapshot store ${this.location} cannot be used (${why})`);
        }
    }

    async begin(cluster: string, stamp: string): Promise<PendingSnapshot> {
        // Uploads of runs killed earlier leave their local copy behind, named with their pid.
        sweepTemporaries(os.tmpdir(), S3_TEMP_FILE);
        const tempPath = path.join(
            os.tmpdir(),
            `agentless-snapshot-${clusterDirName(cluster)}-${stamp}-${process.pid}.json`,
        );
        return { cluster, stamp, tempPath, fd: fs.openSync(tempPath, "w", 0o600) };
    }

    async commit(p: PendingSnapshot): Promise<Published> {
        const fd = p.fd;
        p.fd = -1;
        fs.closeSync(fd);
        const dir = clusterDirName(p.cluster);
        try {
            const size = fs.statSync(p.tempPath).size;
            // Publication under the cluster's lock, as in the local store: two runs with a small
            // --retain would otherwise each delete the snapshot the other's pointer names.
            const release = await acquireS3Lock(this.s3, this.bucket, this.key(dir, S3_LOCK_OBJECT), this.lockWaitMs);
            let published: Published;
            try {
                published = await this.publish(p, dir, size);
            } catch (e) {
                await release().catch(() => undefined);
                throw e;
            }
            try {
                await release();
            } catch (e) {
                published.notes.push(
                    `the lock object ${this.key(dir, S3_LOCK_OBJECT)} could not be removed (${s3Why(e)}); other runs wait for it, and break it as stale after ${STALE_LOCK_MS / 1000} s`,
                );
            }
            return published;
        } finally {
            fs.rmSync(p.tempPath, { force: true });
        }
    }

    /** As in the local store: the conditional create publishes; what fails after it is a note, not a failure. */
    private async publish(p: PendingSnapshot, dir: string, size: number): Promise<Published> {
        // Two runs that read the cluster in the same millisecond each keep their snapshot (`-1`...).
        const key = await createFirstFree(
            this.s3,
            this.bucket,
            (n) => this.key(dir, stampedName(p.stamp, n)),
            () => ({
                Body: fs.createReadStream(p.tempPath),
                ContentLength: size,
                ContentType: "application/json",
            }),
        );
        const name = key.split("/").pop()!;
        const notes: string[] = [];
        try {
            await this.s3.send(
                new PutObjectCommand({
                    Bucket: this.bucket,
                    Key: this.key(dir, LATEST_POINTER),
                    Body: name + "\n",
                    ContentType: "text/plain",
                }),
            );
        } catch (e) {
            notes.push(await this.pointerNotMoved(dir, name, e));
        }
        try {
            await this.applyRetention(dir, name);
        } catch (e) {
            notes.push(
                `snapshots beyond --retain ${this.retain} were not removed (${s3Why(e)}); a later run removes them`,
            );
        }
        return { location: `s3://${this.bucket}/${key}`, notes };
    }

    /**
     * A PutObject is whole or absent, so the pointer still names the previous snapshot. It is
     * deleted so that readers take the newest snapshot by name, the one just published.
     */
    private async pointerNotMoved(dir: string, name: string, e: unknown): Promise<string> {
        const failed = `the latest pointer could not be moved to ${name} (${s3Why(e)})`;
        try {
            await this.s3.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.key(dir, LATEST_POINTER) }));
        } catch (e2) {
            const old = (await this.getText(this.key(dir, LATEST_POINTER)).catch(() => undefined))?.trim();
            return `${failed} nor removed (${s3Why(e2)}); readers take ${old || "the previous snapshot"} until a later run moves the pointer`;
        }
        const newest = (await this.names(dir).catch(() => [name])).pop() ?? name;
        return `${failed}; the pointer was removed, so readers take the newest snapshot, ${newest}`;
    }

    private async names(dir: string): Promise<string[]> {
        const out: string[] = [];
        let token: string | undefined;
        do {
            const page = await this.s3.send(
                new ListObjectsV2Command({
                    Bucket: this.bucket,
                    Prefix: this.key(dir) + "/",
                    ContinuationToken: token,
                }),
            );
            for (const o of page.Contents ?? []) {
                const name = (o.Key ?? "").split("/").pop() ?? "";
                if (SNAPSHOT_FILE.test(name)) out.push(name);
            }
            token = page.IsTruncated ? page.NextContinuationToken : undefined;
        } while (token);
        return out.sort(byStampedName);
    }

    private async applyRetention(dir: string, keep: string): Promise<void> {
        const names = await this.names(dir);
        const old = names.slice(0, Math.max(0, names.length - this.retain)).filter((n) => n !== keep);
        for (let i = 0; i < old.length; i += 1000) {
            await this.s3.send(
                new DeleteObjectsCommand({
                    Bucket: this.bucket,
                    Delete: { Objects: old.slice(i, i + 1000).map((n) => ({ Key: this.key(dir, n) })) },
                }),
            );
        }
    }

    async abort(p: PendingSnapshot): Promise<void> {
        // After commit the descriptor is closed and its number may belong to another cluster's file by now.
        if (p.fd >= 0) {
            try {
                fs.closeSync(p.fd);
            } catch {
                /* already closed */
            }
            p.fd = -1;
        }
        fs.rmSync(p.tempPath, { force: true });
    }

    private async getText(key: string): Promise<string | undefined> {
        try {
            const r = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
            return await r.Body!.transformToString("utf8");
        } catch (e) {
            const err = e as { name?: string; $metadata?: { httpStatusCode?: number } };
            if (err.name === "NoSuchKey" || err.$metadata?.httpStatusCode === 404) return undefined;
            throw new Error(`s3://${this.bucket}/${key} could not be read (${s3Why(e)})`, { cause: e });
        }
    }

    async readLatest(cluster: string): Promise<{ location: string; text: string } | undefined> {
        const dir = clusterDirName(cluster);
        let name = (await this.getText(this.key(dir, LATEST_POINTER)))?.trim();
        let text = name && SNAPSHOT_FILE.test(name) ? await this.getText(this.key(dir, name)) : undefined;
        if (text === undefined) {
            name = (await this.names(dir)).pop();
            text = name ? await this.getText(this.key(dir, name)) : undefined;
        }
        return text === undefined ? undefined : { location: `s3://${this.bucket}/${this.key(dir, name!)}`, text };
    }

    /** Streams an object down to `file`; false when there is no such object. */
    private async getToFile(key: string, file: string): Promise<boolean> {
        try {
            const r = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
            await pipeline(r.Body as Readable, fs.createWriteStream(file, { mode: 0o600 }));
            return true;
        } catch (e) {
            fs.rmSync(file, { force: true });
            const err = e as { name?: string; $metadata?: { httpStatusCode?: number } };
            if (err.name === "NoSuchKey" || err.$metadata?.httpStatusCode === 404) return false;
            throw new Error(`s3://${this.bucket}/${key} could not be read (${s3Why(e)})`, { cause: e });
        }
    }

    private copies = 0;

    async latestFile(cluster: string): Promise<LatestFile | undefined> {
        const dir = clusterDirName(cluster);
        // Named like the snapshots on their way up, so a crashed run's copy is swept by the next one.
        const file = path.join(os.tmpdir(), `agentless-snapshot-previous-${dir}-${++this.copies}-${process.pid}.json`);
        let name = (await this.getText(this.key(dir, LATEST_POINTER)))?.trim();
        let found = !!name && SNAPSHOT_FILE.test(name) && (await this.getToFile(this.key(dir, name), file));
        if (!found) {
            name = (await this.names(dir)).pop();
            found = !!name && (await this.getToFile(this.key(dir, name), file));
        }
        if (!found) return undefined;
        return {
            location: `s3://${this.bucket}/${this.key(dir, name!)}`,
            path: file,
            release: () => fs.rmSync(file, { force: true }),
        };
    }

    async clusters(): Promise<string[]> {
        return [...(await this.clusterSnapshots()).keys()];
    }

    /** Each cluster folder that holds a snapshot, with its snapshot names, oldest first. */
    private async clusterSnapshots(): Promise<Map<string, string[]>> {
        const folders: string[] = [];
        let token: string | undefined;
        const base = this.prefix ? `${this.prefix}/` : "";
        do {
            const page = await this.s3.send(
                new ListObjectsV2Command({
                    Bucket: this.bucket,
                    Prefix: base,
                    Delimiter: "/",
                    ContinuationToken: token,
                }),
            );
            for (const p of page.CommonPrefixes ?? []) {
                const name = (p.Prefix ?? "").slice(base.length).replace(/\/$/, "");
                if (name && name !== "runs" && name !== AUDIT_DIR) folders.push(name);
            }
            token = page.IsTruncated ? page.NextContinuationToken : undefined;
        } while (token);
        const out = new Map<string, string[]>();
        for (const f of folders.sort()) {
            const names = await this.names(f);
            if (names.length) out.set(f, names);
        }
        return out;
    }

    /**
     * Copies into `dest`, in the local store's layout, what a reader of recent history needs: each
     * cluster's latest snapshot (the pointer's, else the newest) and the one before it, with the
     * pointer, and the `runs` newest run records. The fleet report reads a local store
     * (inventory/report/model.ts); this is how it reads one in S3. Files are its owner's only.
     */
    async copyRecent(dest: string, runs: number): Promise<void> {
        const write = (dir: string, name: string, text: string) => {
            fs.mkdirSync(path.join(dest, dir), { recursive: true, mode: 0o700 });
            fs.writeFileSync(path.join(dest, dir, name), text, { mode: 0o600 });
        };
        for (const [dir, names] of await this.clusterSnapshots()) {
            const pointer = (await this.getText(this.key(dir, LATEST_POINTER)))?.trim();
            const latest = pointer && names.includes(pointer) ? pointer : names[names.length - 1];
            const before = names[names.indexOf(latest) - 1];
            for (const name of before ? [before, latest] : [latest]) {
                const text = await this.getText(this.key(dir, name));
                if (text !== undefined) write(dir, name, text);
            }
            write(dir, LATEST_POINTER, latest);
        }
        for (const name of (await this.names("runs")).slice(-runs)) {
            const text = await this.getText(this.key("runs", name));
            if (text !== undefined) write("runs", name, text);
        }
    }

    async writeRun(stamp: string, record: unknown): Promise<string> {
        return this.writeStamped("runs", stamp, record);
    }

    async writeAudit(stamp: string, record: unknown): Promise<string> {
        return this.writeStamped(AUDIT_DIR, stamp, record);
    }

    private async writeStamped(folder: string, stamp: string, record: unknown): Promise<string> {
        // Runs started in the same millisecond get `-1`, `-2`... as in the local store; no lock is
        // taken, the conditional write alone keeps one run from replacing another's record.
        const body = JSON.stringify(record, null, 2) + "\n";
        const key = await createFirstFree(
            this.s3,
            this.bucket,
            (n) => this.key(folder, stampedName(stamp, n)),
            () => ({ Body: body, ContentType: "application/json" }),
        );
        return `s3://${this.bucket}/${key}`;
    }
}
