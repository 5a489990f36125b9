import { spawn } from "child_process";
import * as path from "path";

/** Starts bench/serve.ts (a generated cluster of `pods` pods) in its own process; resolves with its URL. */
export async function serveCluster(pods: number): Promise<{ url: string; counts: string; stop: () => void }> {
    const server = spawn(
        process.execPath,
        ["--max-old-space-size=8192", "--import", "tsx", path.join(__dirname, "serve.ts"), String(pods)],
        { cwd: path.join(__dirname, ".."), stdio: ["ignore", "pipe", "inherit"] },
    );
    const [url, counts] = await new Promise<[string, string]>((resolve, reject) => {
        let buf = "";
        server.stdout.on("data", (d) => {
            buf += d;
            const lines = buf.split("\n");
            if (lines.length >= 3) resolve([lines[0], lines[1]]);
        });
        server.on("exit", (code) => reject(new Error(`fixture server exited (${code})`)));
    });
    return { url, counts, stop: () => server.kill("SIGTERM") };
}
