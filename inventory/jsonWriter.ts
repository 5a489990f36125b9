import * as fs from "fs";

/**
 * Appends text to a file descriptor through a buffer of about 1 MiB: a 50,000-pod snapshot is
 * written as it is read, never held whole in memory.
 */
export class BufferedFileWriter {
    private parts: string[] = [];
    private size = 0;
    /** Bytes written to the file so far. */
    bytes = 0;

    constructor(
        readonly fd: number,
        private readonly flushAt = 1 << 20,
    ) {}

    /** The byte offset in the file at which the next write begins (what the diff index records). */
    get position(): number {
        return this.bytes + this.size;
    }

    write(text: string): void {
        this.parts.push(text);
        this.size += Buffer.byteLength(text, "utf8");
        if (this.size >= this.flushAt) this.flush();
    }

    flush(): void {
        if (!this.parts.length) return;
        const buf = Buffer.from(this.parts.join(""), "utf8");
        this.parts = [];
        this.size = 0;
        let off = 0;
        while (off < buf.length) off += fs.writeSync(this.fd, buf, off);
        this.bytes += buf.length;
    }

    /** Flushes and forces the bytes to disk: the rename that publishes the file comes after this. */
    sync(): void {
        this.flush();
        fs.fsyncSync(this.fd);
    }
}
