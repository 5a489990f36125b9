import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { writeKubeconfig } from "../test/fixtures/kubeconfig";
import { interleave, load, machine, median, pairedLine, timed } from "./measure";
import { serveCluster } from "./serveCluster";

/**
 * `npm run bench -- fleet`: a run of many clusters (BENCH_FLEET_PODS pods each, default 1,000: one
 * fixture server behind as many kubeconfig contexts, each a cluster of its own in the store), 20
 * and 50 clusters, or 20 and 200 with `big`. Each size runs once to give every cluster a previous
 * snapshot, then BENCH_RUNS rounds (default 5) of the CLI started as `npm run snapshot` starts it
 * (`--expose-gc`) interleaved with the same run without the flag: whether forced collections cost
 * time, and whether memory stays flat as the fleet grows. BENCH_CLI=DIR measures another checkout.
 */
const ROOT = path.join(__dirname, "..");
const CLI_ROOT = process.env.BENCH_CLI ?? ROOT;
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const PODS = Number(process.env.BENCH_FLEET_PODS ?? 1000);
const SIZES = process.argv.includes("big") ? [20, 200] : [20, 50];

async function main() {
    const lines = [
        `machine ${machine()}; CLI of ${CLI_ROOT}; ${PODS} pods per cluster; load average at start ${load()}`,
    ];
    const server = await serveCluster(PODS);
    try {
        for (const n of SIZES) {
            const servers = Object.fromEntries(Array.from({ length: n }, (_, i) => [`c${i}`, { url: server.url }]));
            const kc = writeKubeconfig(servers).file;
            const out = fs.mkdtempSync(path.join(os.tmpdir(), "bench-fleet-"));
            const cli = path.join(CLI_ROOT, "scripts", "cli.js");
            const args = ["snapshot", "--kubeconfig", kc, "--all-contexts", "--out", out, "--retain", "2"];
            const run = (flags: string[]) => () => timed(process.execPath, [...flags, cli, ...args], { cwd: CLI_ROOT });
            run(["--expose-gc"])();
            const p = interleave(`fleet of ${n}`, RUNS, run(["--expose-gc"]), run([]));
            lines.push(pairedLine(p, "--expose-gc", "without it"));
            const perCluster = (k: "cpu" | "wall") => (median(p.baseline.map((s) => s[k])) / n) * 1000;
            lines.push(
                `fleet of ${n} (--expose-gc): ${perCluster("cpu").toFixed(0)} ms CPU and ${perCluster("wall").toFixed(0)} ms wall per cluster`,
            );
            fs.rmSync(out, { recursive: true, force: true });
        }
    } finally {
        server.stop();
    }
    lines.push(`load average at end ${load()}`);
    process.stdout.write("\n" + lines.join("\n") + "\n");
}

main().catch((e) => {
    process.stderr.write(`${(e as Error).stack ?? e}\n`);
    process.exit(1);
});
