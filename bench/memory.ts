import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { writeKubeconfig } from "../test/fixtures/kubeconfig";

/**
 * `npm run bench -- memory`: peak resident memory of `npm run snapshot` (GNU time's maximum RSS)
 * against clusters of large objects: 3,000 pods with 200 KB annotations, and one pod with a
 * 100 MB label. The goal is under 400 MiB for both (issue 13, item 8). The compiled CLI runs, as
 * `npm run snapshot` runs it; BENCH_CLI=DIR measures the (built) CLI of another checkout.
 */
const ROOT = path.join(__dirname, "..");
const CLI_ROOT = process.env.BENCH_CLI ?? ROOT;

async function serve(mode: string): Promise<{ url: string; stop: () => void }> {
    const server = spawn(
        process.execPath,
        ["--max-old-space-size=4096", "--import", "tsx", path.join(__dirname, "serveLarge.ts"), mode],
        { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] },
    );
    const url = await new Promise<string>((resolve, reject) => {
        let buf = "";
        server.stdout.on("data", (d) => {
            buf += d;
            if (buf.includes("\n")) resolve(buf.split("\n")[0]);
        });
        server.on("exit", (code) => reject(new Error(`fixture server exited (${code})`)));
    });
    return { url, stop: () => server.kill("SIGTERM") };
}

async function main() {
    const lines: string[] = [];
    for (const [mode, what] of [
        ["annotations", "3,000 pods with 200 KB annotations"],
        ["label", "one pod with a 100 MB label"],
    ]) {
        const { url, stop } = await serve(mode);
        try {
            const kc = writeKubeconfig({ big: { url } }).file;
            const out = fs.mkdtempSync(path.join(os.tmpdir(), "bench-mem-"));
            // spawnSync would block nothing here: the fixture server runs in its own process.
            const r = spawnSync(
                "/usr/bin/time",
                [
                    "-f",
                    "BENCH %e %M",
                    process.execPath,
                    "--expose-gc",
                    path.join(CLI_ROOT, "scripts", "cli.js"),
                    "snapshot",
                    "--kubeconfig",
                    kc,
                    "--out",
                    out,
                    "--timeout",
                    "300",
                ],
                { cwd: CLI_ROOT, encoding: "utf8", maxBuffer: 1 << 26 },
            );
            const m = /BENCH ([\d.]+) (\d+)/.exec(r.stderr);
            const status =
                /✓ big: (\w+)/.exec(r.stdout)?.[1] ??
                `exit ${r.status}${/FAILED — (.*)/.exec(r.stdout)?.[1] ? `: ${/FAILED — (.*)/.exec(r.stdout)![1]}` : ""}`;
            lines.push(
                `snapshot of ${what}: ${m ? `${m[1]} s, peak ${Math.round(Number(m[2]) / 1024)} MiB` : "no measurement"} (${status})`,
            );
            fs.rmSync(out, { recursive: true, force: true });
        } finally {
            stop();
        }
    }
    process.stdout.write(lines.join("\n") + "\n");
}

main().catch((e) => {
    process.stderr.write(`${(e as Error).stack ?? e}\n`);
    process.exit(1);
});
