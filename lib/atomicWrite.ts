import * as fs from "fs";
import * as path from "path";
import { randomBytes } from "crypto";

/**
 * Replaces `file` with `text` whole or not at all: the text goes to a new file beside it (same
 * directory, so the same file system), is flushed to disk, and is renamed over `file`, which
 * POSIX's rename(2) does atomically: a reader sees the old file or the new one, never a part. On
 * any failure (disk full, a kill before the rename) the temporary file is removed and `file` is
 * left as it was. A file that exists keeps its permission bits.
 */
export function writeFileAtomic(file: string, text: string): void {
    const dir = path.dirname(file);
    const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
    let mode = 0o644;
    try {
        mode = fs.statSync(file).mode & 0o777;
    } catch {
        // No file yet: the default mode.
    }
    let fd: number | undefined;
    try {
        fd = fs.openSync(temp, "wx", mode);
        fs.writeFileSync(fd, text);
        fs.fsyncSync(fd);
        fs.closeSync(fd);
        fd = undefined;
        fs.renameSync(temp, file);
    } catch (e) {
        if (fd !== undefined) fs.closeSync(fd);
        fs.rmSync(temp, { force: true });
        throw e;
    }
}
