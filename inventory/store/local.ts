import * as fs from "fs";
import * as path from "path";
import { acquireLock, processAlive } from "./lock";
import { makeDirs } from "../../lib/makeDirs";
import {
    AUDIT_DIR,
    byStampedName,
    clusterDirName,
    LATEST_POINTER,
    PendingSnapshot,
    SNAPSHOT_FILE,
    SnapshotStore,
    stampedName,
    StoreError,
} from "./types";

function fsyncDir(dir: string): void {
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

/** Writes a small file atomically: temporary file, fsync, rename, fsync of the directory. */
export function writeFileAtomic(file: string, text: string): void {
    const tmp = path.join(path.dirname(file), `.tmp-${path.basename(file)}-${process.pid}`);
    const fd = fs.openSync(tmp, "w", FILE_MODE);
    try {
        try {
            fs.writeSync(fd, text);
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
    fsyncDir(path.dirname(file));
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
        return { cluster, stamp, tempPath, fd: fs.openSync(tempPath, "w", FILE_MODE) };
    }

    async commit(p: PendingSnapshot): Promise<string> {
        fs.fsyncSync(p.fd);
        fs.closeSync(p.fd);
        const dir = this.dir(p.cluster);
        // Concurrent runs on one cluster: without the lock, one run's retention could delete the
        // file another run's pointer is about to name.
        const release = await acquireLock(path.join(dir, LOCK_FILE));
        try {
            return this.publish(p, dir);
        } finally {
            release();
        }
    }

    private publish(p: PendingSnapshot, dir: string): string {
        let name = stampedName(p.stamp, 0);
        for (let i = 1; fs.existsSync(path.join(dir, name)); i++) name = stampedName(p.stamp, i);
        const final = path.join(dir, name);
        fs.renameSync(p.tempPath, final);
        fsyncDir(dir);
        writeFileAtomic(path.join(dir, LATEST_POINTER), name + "\n");
        this.applyRetention(dir, name);
        return final;
    }

    private applyRetention(dir: string, keep: string): void {
        const files = fs
            .readdirSync(dir)
            .filter((f) => SNAPSHOT_FILE.test(f))
            .sort(byStampedName);
        const excess = files.length - this.retain;
        for (const f of files.slice(0, Math.max(0, excess)))
            if (f !== keep) fs.rmSync(path.join(dir, f), { force: true });
    }

    async abort(p: PendingSnapshot): Promise<void> {
        try {
            fs.closeSync(p.fd);
        } catch {
            /* already closed */
        }
        fs.rmSync(p.tempPath, { force: true });
    }

    async readLatest(cluster: string): Promise<{ location: string; text: string } | undefined> {
        const dir = this.dir(cluster);
        if (!fs.existsSync(dir)) return undefined;
        let name: string | undefined;
        try {
            name = fs.readFileSync(path.join(dir, LATEST_POINTER), "utf8").trim();
        } catch {
            name = undefined;
        }
        // A pointer that is missing or names a file that is gone falls back to the newest snapshot.
        if (!name || !SNAPSHOT_FILE.test(name) || !fs.existsSync(path.join(dir, name))) {
            name = fs
                .readdirSync(dir)
                .filter((f) => SNAPSHOT_FILE.test(f))
                .sort(byStampedName)
                .pop();
        }
        if (!name) return undefined;
        const location = path.join(dir, name);
        return { location, text: fs.readFileSync(location, "utf8") };
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
        writeFileAtomic(tmp, JSON.stringify(record, null, 2) + "\n");
        try {
            for (let n = 0; ; n++) {
                const file = path.join(dir, stampedName(stamp, n));
                try {
                    fs.linkSync(tmp, file);
                } catch (e) {
                    if ((e as NodeJS.ErrnoException).code === "EEXIST") continue;
                    throw e;
                }
                fsyncDir(dir);
                return file;
            }
        } finally {
            fs.rmSync(tmp, { force: true });
        }
    }
}
