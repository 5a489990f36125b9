import * as fs from "fs";
import * as path from "path";
import { clusterDirName, LATEST_POINTER, PendingSnapshot, SNAPSHOT_FILE, SnapshotStore, StoreError } from "./types";

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
    const fd = fs.openSync(tmp, "w", 0o644);
    try {
        fs.writeSync(fd, text);
        fs.fsyncSync(fd);
    } finally {
        fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
    fsyncDir(path.dirname(file));
}

function alive(pid: number): boolean {
    try {
        process.kill(pid, 0);
        return true;
    } catch (e) {
        return (e as NodeJS.ErrnoException).code === "EPERM";
    }
}

/**
 * `<dir>/<cluster>/<stamp>.json`, `<dir>/<cluster>/latest` (the file name of the latest snapshot)
 * and `<dir>/runs/<stamp>.json`. A snapshot becomes visible only by a rename after fsync, and the
 * pointer moves only after that, so a run killed at any point leaves the earlier ones intact.
 */
export class LocalStore implements SnapshotStore {
    constructor(readonly location: string, private readonly retain: number) {}

    async check(): Promise<void> {
        try {
            fs.mkdirSync(this.location, { recursive: true });
            fs.accessSync(this.location, fs.constants.W_OK);
            const probe = path.join(this.location, `.probe-${process.pid}`);
            fs.writeFileSync(probe, "");
            fs.unlinkSync(probe);
        } catch (e) {
            const code = (e as NodeJS.ErrnoException).code;
            throw new StoreError(`snapshot store ${this.location} is not writable (${code ?? (e as Error).message}); choose another with --out DIR`);
        }
    }

    private dir(cluster: string): string {
        return path.join(this.location, clusterDirName(cluster));
    }

    async begin(cluster: string, stamp: string): Promise<PendingSnapshot> {
        const dir = this.dir(cluster);
        fs.mkdirSync(dir, { recursive: true });
        this.sweep(dir);
        const tempPath = path.join(dir, `.tmp-${stamp}-${process.pid}.json`);
        return { cluster, stamp, tempPath, fd: fs.openSync(tempPath, "w", 0o644) };
    }

    /** Removes temporary files that runs killed earlier left behind (their process is gone). */
    private sweep(dir: string): void {
        for (const f of fs.readdirSync(dir)) {
            const m = /^\.tmp-.*-(\d+)(?:\.json)?$/.exec(f);
            if (m && Number(m[1]) !== process.pid && !alive(Number(m[1]))) fs.rmSync(path.join(dir, f), { force: true });
        }
    }

    async commit(p: PendingSnapshot): Promise<string> {
        fs.fsyncSync(p.fd);
        fs.closeSync(p.fd);
        const dir = this.dir(p.cluster);
        let name = `${p.stamp}.json`;
        for (let i = 1; fs.existsSync(path.join(dir, name)); i++) name = `${p.stamp}-${i}.json`;
        const final = path.join(dir, name);
        fs.renameSync(p.tempPath, final);
        fsyncDir(dir);
        writeFileAtomic(path.join(dir, LATEST_POINTER), name + "\n");
        this.applyRetention(dir, name);
        return final;
    }

    private applyRetention(dir: string, keep: string): void {
        const files = fs.readdirSync(dir).filter((f) => SNAPSHOT_FILE.test(f)).sort();
        const excess = files.length - this.retain;
        for (const f of files.slice(0, Math.max(0, excess))) if (f !== keep) fs.rmSync(path.join(dir, f), { force: true });
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
            name = fs.readdirSync(dir).filter((f) => SNAPSHOT_FILE.test(f)).sort().pop();
        }
        if (!name) return undefined;
        const location = path.join(dir, name);
        return { location, text: fs.readFileSync(location, "utf8") };
    }

    async writeRun(stamp: string, record: unknown): Promise<string> {
        const dir = path.join(this.location, "runs");
        fs.mkdirSync(dir, { recursive: true });
        const file = path.join(dir, `${stamp}.json`);
        writeFileAtomic(file, JSON.stringify(record, null, 2) + "\n");
        return file;
    }
}
