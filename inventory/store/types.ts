/** Where snapshots live. Every store writes a snapshot first to a local temporary file. */
export interface PendingSnapshot {
    cluster: string;
    stamp: string;
    /** The temporary file being written; it is never taken as a snapshot until `commit`. */
    tempPath: string;
    /** Open until `commit` closes it (then -1, so that `abort` never closes a number the process reused). */
    fd: number;
}

/** What `commit` published. */
export interface Published {
    /** Where the snapshot is: a path or an s3:// URL. */
    location: string;
    /**
     * What did not happen after the snapshot itself was published (the latest pointer not moved, old
     * snapshots not removed), each a sentence saying what a reader now sees.
     */
    notes: string[];
}

export interface SnapshotStore {
    /** For messages: a directory or an s3:// URL. */
    readonly location: string;
    /** Fails with a clear message when the store cannot be written, before any cluster is read. */
    check(): Promise<void>;
    begin(cluster: string, stamp: string): Promise<PendingSnapshot>;
    /**
     * Publishes the snapshot, then moves the latest pointer to it, then applies retention. Throws
     * only when the snapshot was not published (the previous one stays the latest); a pointer or
     * retention step that fails after publication is reported in `notes`.
     */
    commit(p: PendingSnapshot): Promise<Published>;
    abort(p: PendingSnapshot): Promise<void>;
    /**
     * The latest published snapshot of a cluster (text), if any. Throws, naming the file, when the
     * one the pointer names cannot be read (not a regular file, too large, unreadable).
     */
    readLatest(cluster: string): Promise<{ location: string; text: string } | undefined>;
    /**
     * The same snapshot as a local file, for reading line by line rather than whole: the store's own
     * file, or a copy streamed down. `release` removes a copy. Throws as `readLatest` does.
     */
    latestFile(cluster: string): Promise<LatestFile | undefined>;
    writeRun(stamp: string, record: unknown): Promise<string>;
    /** Writes a `respond` audit record under `audit/`, named like run records. Returns its location. */
    writeAudit(stamp: string, record: unknown): Promise<string>;
    /** The store's cluster folders (keys, or bare names from before keys) that hold a snapshot, sorted. */
    clusters(): Promise<string[]>;
}

/** A cluster's latest snapshot as a file on this machine (SnapshotStore.latestFile). */
export interface LatestFile {
    location: string;
    /** A regular file to open for reading (lib/regularFile.ts's openRegularFile). */
    path: string;
    release(): void;
}

/** The store's folder for respond's audit records, beside `runs`. */
export const AUDIT_DIR = "audit";

/** Cluster names become one path segment: contexts such as `arn:aws:eks:...:cluster/x` hold `:` and `/`. */
export function clusterDirName(cluster: string): string {
    return cluster.replace(/[^A-Za-z0-9._-]+/g, "_").replace(/^\.+/, "_") || "_";
}

/** `2025-01-15T10-00-00-123Z`: sorts by time and is a valid file name everywhere. */
export function stampOf(d: Date): string {
    return d.toISOString().replace(/:/g, "-").replace(".", "-");
}

/**
 * The n-th name for a stamp: `<stamp>.json`, then `<stamp>-1.json`, `<stamp>-2.json`...; runs
 * started in the same millisecond each get their own file, in both stores.
 */
export function stampedName(stamp: string, n: number): string {
    return n ? `${stamp}-${n}.json` : `${stamp}.json`;
}

/**
 * Oldest first: by stamp, then by suffix (`X.json`, `X-1.json`, `X-2.json`, `X-10.json`). Plain
 * string order would put `X-1.json` before `X.json` and `X-10.json` before `X-2.json`, so the
 * fallback for a missing pointer and retention would take the wrong one.
 */
export function byStampedName(a: string, b: string): number {
    const key = (name: string): [string, number] => {
        const m = /^(.*?)(?:-(\d+))?\.json$/.exec(name);
        return m && SNAPSHOT_FILE.test(name) ? [m[1], Number(m[2] ?? 0)] : [name, 0];
    };
    const [sa, na] = key(a);
    const [sb, nb] = key(b);
    return sa < sb ? -1 : sa > sb ? 1 : na - nb;
}

export const SNAPSHOT_FILE = /^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z(?:-\d+)?\.json$/;
export const LATEST_POINTER = "latest";

/** Thrown when the store cannot be used at all: exit code 2 with this message. */
export class StoreError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "StoreError";
    }
}

/** V8's longest string is about 512 MiB: a larger snapshot could not be read as text anyway. */
export const MAX_SNAPSHOT_BYTES = 512 << 20;
