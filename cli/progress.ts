/**
 * A one-line progress display (clusters done, objects read) on a terminal; silent otherwise, so
 * logs and CI output hold only the results.
 */
export class Progress {
    private done = 0;
    private read = 0;
    private last = 0;
    private shown = false;
    private readonly enabled: boolean;

    constructor(
        private readonly stream: NodeJS.WriteStream,
        private readonly total: number,
    ) {
        this.enabled = Boolean(stream.isTTY) && !process.env.CI;
    }

    objects(n: number): void {
        this.read += n;
        this.render(false);
    }

    clusterDone(): void {
        this.done++;
        this.render(true);
    }

    private render(force: boolean): void {
        if (!this.enabled) return;
        const now = Date.now();
        if (!force && now - this.last < 100) return;
        this.last = now;
        this.stream.write(`\r\x1b[2Kclusters ${this.done}/${this.total}, objects read ${this.read}`);
        this.shown = true;
    }

    clear(): void {
        if (this.enabled && this.shown) this.stream.write("\r\x1b[2K");
        this.shown = false;
    }
}
