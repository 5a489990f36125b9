import * as fs from "fs";

/**
 * Appends text to a file descriptor through a buffer of about 1 MiB: a 50,000-pod snapshot is
 * written as it is read, never held whole in memory.
 */
export class BufferedFileWriter {
    private parts: string[] = [];
    private size = 0;
    bytes = 0;

    constructor(
        readonly fd: number,
        private readonly flushAt = 1 << 20,
    ) {}

    write(text: string): void {
        this.parts.push(text);
        this.size += text.length;
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
