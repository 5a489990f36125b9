import * as fs from "fs";

/**
 * Reading a file the user named without waiting forever or exhausting memory. A FIFO would block the
 * read until a writer comes, a character device (`/dev/zero`) never ends, and a huge file ends in
 * V8's string limit: each is refused with one line before anything is read.
 */

/** The file is not a regular file, or larger than the bound: `reason` completes "FILE ...". */
export class FileReadError extends Error {
    constructor(
        readonly file: string,
        readonly code: string,
        readonly reason: string,
    ) {
        super(`${file} ${reason}`);
        this.name = "FileReadError";
    }
}

/** Small inputs (stack files, cloud-state, kubeconfigs, plans) are far below this. */
export const MAX_CONFIG_FILE_BYTES = 16 << 20;

function kindOf(st: fs.Stats): string {
    if (st.isFIFO()) return "a named pipe (FIFO)";
    if (st.isCharacterDevice()) return "a character device";
    if (st.isBlockDevice()) return "a block device";
    if (st.isSocket()) return "a socket";
    if (st.isDirectory()) return "a directory";
    return "not a regular file";
}

/**
 * Opens a file only if it is a regular file of at most `maxBytes`, for reading. Opened with
 * O_NONBLOCK so that opening a FIFO returns at once (the check then runs on the open descriptor,
 * not on a path that could change between a stat and the read). The caller closes the descriptor.
 */
export function openRegularFile(file: string, maxBytes = MAX_CONFIG_FILE_BYTES): number {
    let fd: number;
    try {
        fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
    } catch (e) {
        const code = (e as NodeJS.ErrnoException).code ?? "EIO";
        throw new FileReadError(file, code, code === "ENOENT" ? "does not exist" : `cannot be read (${code})`);
    }
    try {
        const st = fs.fstatSync(fd);
        if (!st.isFile()) throw new FileReadError(file, "ENOTREG", `is ${kindOf(st)}, not a regular file`);
        if (st.size > maxBytes) throw new FileReadError(file, "ETOOBIG", `is larger than ${maxBytes} bytes`);
        return fd;
    } catch (e) {
        fs.closeSync(fd);
        if (e instanceof FileReadError) throw e;
        const code = (e as NodeJS.ErrnoException).code ?? "EIO";
        throw new FileReadError(file, code, `cannot be read (${code})`);
    }
}

/**
 * The file's text, read only if it is a regular file of at most `maxBytes` (openRegularFile); the
 * read stops one byte past the bound, as files under /proc report a size of 0.
 */
export function readRegularFile(file: string, maxBytes = MAX_CONFIG_FILE_BYTES): string {
    const fd = openRegularFile(file, maxBytes);
    try {
        const chunks: Buffer[] = [];
        let total = 0;
        const buf = Buffer.alloc(1 << 16);
        for (;;) {
            const n = fs.readSync(fd, buf, 0, buf.length, null);
            if (n === 0) break;
            total += n;
            if (total > maxBytes) throw new FileReadError(file, "ETOOBIG", `is larger than ${maxBytes} bytes`);
            chunks.push(Buffer.from(buf.subarray(0, n)));
        }
        return Buffer.concat(chunks).toString("utf8");
    } catch (e) {
        if (e instanceof FileReadError) throw e;
        const code = (e as NodeJS.ErrnoException).code ?? "EIO";
        throw new FileReadError(file, code, `cannot be read (${code})`);
    } finally {
        fs.closeSync(fd);
    }
}
