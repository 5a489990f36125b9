import * as os from "os";
import { nodeFs, StoreFs, writeAll } from "./storeFs";
import { StoreError } from "./types";

/** What a lock file says about its holder: written as `pid host epoch-ms`. */
export interface LockInfo {
    pid: number;
    host: string;
    takenAt: number;
}

/** A lock is held longer than this only by a process that hung: publishing a snapshot takes well under a second. */
export const STALE_LOCK_MS = 120_000;

export function parseLock(text: string): LockInfo | undefined {
    const m = /^(\d+) (\S+) (\d+)\s*$/.exec(text);
    return m ? { pid: Number(m[1]), host: m[2], takenAt: Number(m[3]) } : undefined;
}

/**
 * Stale when its holder is gone: a process of this host that no longer exists, or any lock older
 * than STALE_LOCK_MS (the only test possible for another host's process), or a file that does not
 * parse (a writer killed between create and write).
 */
export function isStale(
    info: LockInfo | undefined,
    now: number,
    alive: (pid: number) => boolean,
    host = os.hostname(),
    fileAgeMs = 0,
): boolean {
    if (!info) return fileAgeMs > 5_000;
    if (now - info.takenAt > STALE_LOCK_MS) return true;
    return info.host === host && !alive(info.pid);
}

export function processAlive(pid: number): boolean {
    try {
        process.kill(pid, 0);
        return true;
    } catch (e) {
        return (e as NodeJS.ErrnoException).code === "EPERM";
    }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Takes `file` exclusively (O_EXCL), waiting up to `waitMs` for a live holder and breaking a stale
 * lock. Returns the release function.
 */
export async function acquireLock(file: string, waitMs = 60_000, fs: StoreFs = nodeFs): Promise<() => void> {
    const until = Date.now() + waitMs;
    for (;;) {
        let fd: number;
        try {
            fd = fs.openSync(file, "wx", 0o600);
        } catch (e) {
            if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
            fd = -1;
        }
        if (fd >= 0) {
            try {
                try {
                    writeAll(fs, fd, `${process.pid} ${os.hostname()} ${Date.now()}\n`);
                } finally {
                    fs.closeSync(fd);
                }
            } catch (e) {
                // A full disk: an empty lock would hold every other run off for its 5 s of grace.
                fs.rmSync(file, { force: true });
                throw e;
            }
            return () => fs.rmSync(file, { force: true });
        }
        let text: string;
        let age: number;
        try {
            text = fs.readFileSync(file, "utf8");
            age = Date.now() - fs.statSync(file).mtimeMs;
        } catch {
            continue; // released between our attempt and the read
        }
        const info = parseLock(text);
        if (isStale(info, Date.now(), processAlive, os.hostname(), age)) {
            // Renamed away first, so two runs that both find it stale do not each delete the other's new lock.
            const aside = `${file}.stale-${process.pid}`;
            try {
                fs.renameSync(file, aside);
                // Another run may have broken it and taken a fresh lock just before our rename: put that one back.
                if (fs.readFileSync(aside, "utf8") !== text) fs.linkSync(aside, file);
            } catch {
                /* another run broke it first, or took it again */
            }
            fs.rmSync(aside, { force: true });
            continue;
        }
        if (Date.now() > until)
            throw new StoreError(
                `${file} is held by process ${info!.pid} on ${info!.host} since ${new Date(info!.takenAt).toISOString()}; another snapshot run is publishing to the same cluster`,
            );
        await sleep(25 + Math.random() * 50);
    }
}
