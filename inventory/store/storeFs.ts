import * as fs from "fs";

/**
 * The file-system calls the local store makes to publish a snapshot, its pointer and a run record.
 * A seam: tests hand the store one that fails a chosen call (ENOSPC, a short write) and check what
 * the user is told and what a later reader sees (test/inventory/store/storeFaults.test.ts).
 */
export type StoreFs = Pick<
    typeof fs,
    | "openSync"
    | "writeSync"
    | "fsyncSync"
    | "closeSync"
    | "renameSync"
    | "linkSync"
    | "rmSync"
    | "existsSync"
    | "readdirSync"
    | "readFileSync"
    | "statSync"
>;

export const nodeFs: StoreFs = fs;

/**
 * Writes all of `text`: a write near a full disk may store only part of its bytes and report how
 * many, without an error; the next write then fails with ENOSPC. One `writeSync` would leave the
 * rest unwritten and the file short, a pointer naming half a file name.
 */
export function writeAll(fsi: StoreFs, fd: number, text: string): void {
    const buf = Buffer.from(text, "utf8");
    for (let off = 0; off < buf.length;) {
        const n = fsi.writeSync(fd, buf, off, buf.length - off);
        if (n <= 0)
            throw Object.assign(new Error(`wrote no bytes at offset ${off}`), { code: "EIO", syscall: "write" });
        off += n;
    }
}
