import * as fs from "fs";
import * as path from "path";
import { acquireLock, processAlive } from "./lock";
import { makeDirs } from "../../lib/makeDirs";
import { systemErrorLine } from "../../lib/errors";
import { readRegularFile } from "../../lib/regularFile";
import { nodeFs, StoreFs, writeAll } from "./storeFs";
import {
    AUDIT_DIR,
    byStampedName,
    clusterDirName,
    LATEST_POINTER,
    LatestFile,
    MAX_SNAPSHOT_BYTES,
    PendingSnapshot,
    Published,
    SNAPSHOT_FILE,
    SnapshotStore,
    stampedName,
    StoreError,
} from "./types";

function fsyncDir(dir: string, fs: StoreFs = nodeFs): void {
    // Makes the rename itself durable; some file systems refuse to open a directory, which is fine.
    try {
        const fd = fs.openSync(dir, "r");
        try {
            fs.fsyncSync(fd);
        } finally {
            fs.closeSync(fd);
        }
    } catch {
        /* best effort */
    }
}

/**
 * Writes a small file atomically: temporary file, every byte written, fsync, rename, fsync of the
 * directory. `file` holds either its old content or all of `text`, never part of it.
 */
export function writeFileAtomic(file: string, text: string, fs: StoreFs = nodeFs): void {
    const tmp = path.join(path.dirname(file), `.tmp-${path.basename(file)}-${process.pid}`);
    const fd = fs.openSync(tmp, "w", FILE_MODE);
    try {
        try {
            writeAll(fs, fd, text);
            fs.fsyncSync(fd);
        } finally {
            fs.closeSync(fd);
        }
        fs.renameSync(tmp, file);
    } catch (e) {
        // A full disk must not leave a half-written temporary file behind.
        fs.rmSync(tmp, { force: true });
        throw e;
    }
    fsyncDir(path.dirname(file), fs);
}

/** An error in one line for a note: the operating system's reason when it is one. */
function why(e: unknown): string {
    return systemErrorLine(e) ?? (e as Error).message ?? String(e);
}

/** Snapshots name every workload, image and RBAC edge of a cluster: readable by their owner only. */
export const FILE_MODE = 0o600;
export const DIR_MODE = 0o700;

/** Creates a directory (and parents) owner-only; an existing one is left as its owner set it. */
function mkdirPrivate(dir: string): void {
    makeDirs(dir, DIR_MODE);
}

/** The lock taken while a snapshot is published, the pointer moved and old snapshots removed. */
export const LOCK_FILE = ".lock";

/** Removes temporary files that runs killed earlier left behind (their process is gone). */
export function sweepTemporaries(dir: string, pattern = /^\.tmp-.*-(\d+)(?:\.json)?$/): string[] {
    const removed: string[] = [];
    let names: string[];
    try {
        names = fs.readdirSync(dir);
    } catch {
        return removed;
    }
    for (const f of names) {
        const m = pattern.exec(f);
        if (m && Number(m[1]) !== process.pid && !processAlive(Number(m[1]))) {
            fs.rmSync(path.join(dir, f), { force: true });
            removed.push(f);
        }
    }
    return removed;
}

/**
 * `<dir>/<cluster>/<stamp>.json`, `<dir>/<cluster>/latest` (the file name of the latest snapshot)
 * and `<dir>/runs/<stamp>.json`. A snapshot becomes visible only by a rename after fsync, and the
 * pointer moves only after that, so a run killed at any point leaves the earlier ones intact.
 */
export class LocalStore implements SnapshotStore {
    constructor(
        readonly location: string,
        private readonly retain: number,
        private readonly fs: StoreFs = nodeFs,
    ) {}

    async check(): Promise<void> {
        try {
            mkdirPrivate(this.location);
            fs.accessSync(this.location, fs.constants.W_OK);
            const probe = path.join(this.location, `.probe-${process.pid}`);
            fs.writeFileSync(probe, "", { mode: FILE_MODE });
            fs.unlinkSync(probe);
        } catch (e) {
            const code = (e as NodeJS.ErrnoException).code;
            throw new StoreError(
                `snapshot store ${this.location} is not writable (${code ?? (e as Error).message}); choose another with --out DIR`,
            );
        }
    }

    private dir(cluster: string): string {
        return path.join(this.location, clusterDirName(cluster));
    }

    async begin(cluster: string, stamp: string): Promise<PendingSnapshot> {
        const dir = this.dir(cluster);
        mkdirPrivate(dir);
        sweepTemporaries(dir);
        const tempPath = path.join(dir, `.tmp-${stamp}-${process.pid}.json`);
        return { cluster, stamp, tempPath, fd: this.fs.openSync(tempPath, "w", FILE_MODE) };
    }

    async commit(p: PendingSnapshot): Promise<Published> {
        const fd = p.fd;
        p.fd = -1;
        try {
            this.fs.fsyncSync(fd);
        } finally {
            this.fs.closeSync(fd);
        }
        const dir = this.dir(p.cluster);
        // Concurrent runs on one cluster: without the lock, one run's retention could delete the
        // file another run's pointer is about to name.
        const release = await acquireLock(path.join(dir, LOCK_FILE), undefined, this.fs);
        try {
            return this.publish(p, dir);
        } finally {
            release();
        }
    }

    /**
     * The rename publishes the snapshot: a failure before it leaves the store as it was and is
     * thrown. After it, the snapshot stays published whatever fails next, and the failure is a
     * note: the cluster was read and stored, and the user is told what a reader will take.
     */
    private publish(p: PendingSnapshot, dir: string): Published {
        const fs = this.fs;
        let name = stampedName(p.stamp, 0);
        for (let i = 1; fs.existsSync(path.join(dir, name)); i++) name = stampedName(p.stamp, i);
        const final = path.join(dir, name);
        fs.renameSync(p.tempPath, final);
        fsyncDir(dir, fs);
        const notes: string[] = [];
        const pointer = path.join(dir, LATEST_POINTER);
        try {
            writeFileAtomic(pointer, name + "\n", fs);
        } catch (e) {
            notes.push(this.pointerNotMoved(dir, name, e));
        }
        try {
            this.applyRetention(dir, name);
        } catch (e) {
            notes.push(
                `snapshots beyond --retain ${this.retain} were not removed (${why(e)}); a later run removes them`,
            );
        }
        return { location: final, notes };
    }

    /**
     * The pointer still names the previous snapshot (writeFileAtomic leaves it whole or untouched).
     * It is removed, which needs no free space, so that readers take the newest snapshot by name:
     * the one just published, rather than one older than it.
     */
    private pointerNotMoved(dir: string, name: string, e: unknown): string {
        const pointer = path.join(dir, LATEST_POINTER);
        const failed = `the latest pointer could not be moved to ${name} (${why(e)})`;
        try {
            this.fs.rmSync(pointer, { force: true });
            fsyncDir(dir, this.fs);
        } catch (e2) {
            let old = "the previous snapshot";
            try {
                old = this.fs.readFileSync(pointer, "utf8").trim() || old;
            } catch {
                /* named generically */
            }
            return `${failed} nor removed (${why(e2)}); readers take ${old} until a later run moves the pointer`;
        }
        const newest = this.snapshotNames(dir).pop() ?? name;
        return `${failed}; the pointer was removed, so readers take the newest snapshot, ${newest}`;
    }

    private snapshotNames(dir: string): string[] {
        return this.fs
            .readdirSync(dir)
            .filter((f) => SNAPSHOT_FILE.test(f))
            .sort(byStampedName);
    }

    private applyRetention(dir: string, keep: string): void {
        const files = this.snapshotNames(dir);
        const excess = files.length - this.retain;
        for (const f of files.slice(0, Math.max(0, excess)))
            if (f !== keep) this.fs.rmSync(path.join(dir, f), { force: true });
    }

    async abort(p: PendingSnapshot): Promise<void> {
        // After commit the descriptor is closed and its number may belong to another cluster's file by now.
        if (p.fd >= 0) {
            try {
                this.fs.closeSync(p.fd);
            } catch {
                /* already closed */
            }
            p.fd = -1;
        }
        this.fs.rmSync(p.tempPath, { force: true });
    }

    /** The path of a cluster's latest snapshot: the pointer's, or the newest when the pointer is missing or stale. */
    private latestPath(cluster: string): string | undefined {
        const dir = this.dir(cluster);
        if (!this.fs.existsSync(dir)) return undefined;
        let name: string | undefined;
        try {
            name = this.fs.readFileSync(path.join(dir, LATEST_POINTER), "utf8").trim();
        } catch {
            name = undefined;
        }
        // A pointer that is missing or names a file that is gone falls back to the newest snapshot.
        if (!name || !SNAPSHOT_FILE.test(name) || !this.fs.existsSync(path.join(dir, name)))
            name = this.snapshotNames(dir).pop();
        return name ? path.join(dir, name) : undefined;
    }

    async readLatest(cluster: string): Promise<{ location: string; text: string } | undefined> {
        const location = this.latestPath(cluster);
        // Regular files only, bounded: a FIFO in its place would block the run, a directory throw a trace.
        return location ? { location, text: readRegularFile(location, MAX_SNAPSHOT_BYTES) } : undefined;
    }

    async latestFile(cluster: string): Promise<LatestFile | undefined> {
        const location = this.latestPath(cluster);
        return location ? { location, path: location, release: () => undefined } : undefined;
    }

    async clusters(): Promise<string[]> {
        let names: fs.Dirent[];
        try {
            names = fs.readdirSync(this.location, { withFileTypes: true });
        } catch (e) {
            if ((e as NodeJS.ErrnoException).code === "ENOENT") return [];
            throw e;
        }
        return names
            .filter((d) => d.isDirectory() && d.name !== "runs" && d.name !== AUDIT_DIR)
            .filter((d) => fs.readdirSync(path.join(this.location, d.name)).some((f) => SNAPSHOT_FILE.test(f)))
            .map((d) => d.name)
            .sort();
    }

    async writeRun(stamp: string, record: unknown): Promise<string> {
        return this.writeStamped("runs", stamp, record);
    }

    async writeAudit(stamp: string, record: unknown): Promise<string> {
        return this.writeStamped(AUDIT_DIR, stamp, record);
    }

    private writeStamped(folder: string, stamp: string, record: unknown): string {
        const dir = path.join(this.location, folder);
        mkdirPrivate(dir);
        sweepTemporaries(dir);
        // Runs started in the same millisecond (concurrent runs of the compiled CLI do) each get
        // their own record. The record is written whole to a temporary file first and then published
        // under the first free name by a hard link, which fails if the name exists: no name is ever
        // visible with less than the whole record, so a kill at any point leaves either nothing or a
        // temporary file that the next run's sweep removes.
        const tmp = path.join(dir, `.tmp-run-${stamp}-${process.pid}.json`);
        writeFileAtomic(tmp, JSON.stringify(record, null, 2) + "\n", this.fs);
        try {
            for (let n = 0; ; n++) {
                const file = path.join(dir, stampedName(stamp, n));
                try {
                    this.fs.linkSync(tmp, file);
                } catch (e) {
                    if ((e as NodeJS.ErrnoException).code === "EEXIST") continue;
                    throw e;
                }
                fsyncDir(dir, this.fs);
                return file;
            }
        } finally {
            this.fs.rmSync(tmp, { force: true });
        }
    }
}
