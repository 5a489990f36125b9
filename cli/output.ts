/** Writes and waits until the text is handed to the OS, so an exit right after loses nothing. */
export function writeOut(text: string, stream: NodeJS.WriteStream = process.stdout): Promise<void> {
    return new Promise((resolve, reject) => stream.write(text, (err) => (err ? reject(err) : resolve())));
}
