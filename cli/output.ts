/** Error codes of a reader that went away (`| head -1`) or a stream already torn down after that. */
const GONE = new Set(["EPIPE", "ERR_STREAM_DESTROYED", "ERR_STREAM_WRITE_AFTER_END"]);

export function isReaderGone(e: unknown): boolean {
    return GONE.has((e as NodeJS.ErrnoException | undefined)?.code ?? "");
}

/**
 * A closed stdout or stderr (`npm run snapshot | head -1`) must not end the run: the snapshots and
 * the run record are still written, only the printing stops. Without a listener the EPIPE would be
 * an uncaught error with a stack trace.
 */
export function tolerateClosedOutput(...streams: NodeJS.WriteStream[]): void {
    for (const s of streams) {
        s.on("error", (e) => {
            if (!isReaderGone(e)) throw e;
        });
    }
}

/** Writes and waits until the text is handed to the OS, so an exit right after loses nothing. */
export function writeOut(text: string, stream: NodeJS.WriteStream = process.stdout): Promise<void> {
    return new Promise((resolve, reject) => {
        if (stream.destroyed || stream.writableEnded) return resolve();
        stream.write(text, (err) => (err && !isReaderGone(err) ? reject(err) : resolve()));
    });
}
