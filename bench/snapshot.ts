import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { KINDS, listPath } from "../inventory/kinds";
import { writeKubeconfig } from "../test/fixtures/kubeconfig";

/**
 * `npm run bench` (part two): snapshot of a generated 50,000-pod cluster served by the fixture server
 * (the compiled CLI, as `npm run snapshot` runs it, start-up included), beside the floor (bench/floor.js:
 * fetch and parse every page of the same kinds, nothing else) and `kubectl get` of the same kinds
 * (-o json --chunk-size=500) when kubectl is installed and BENCH_KUBECTL is not 0, median of BENCH_RUNS; peak memory with 1 and 4
 * clusters in one run; `snapshot diff` of two 50,000-pod snapshots.
 */
const ROOT = path.join(__dirname, "..");
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const PODS = Number(process.env.BENCH_PODS ?? 50_000);

function timed(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): { seconds: number; peakMiB: number } {
    // GNU time reports the child's wall time and maximum resident set size (KiB).
    const r = spawnSync("/usr/bin/time", ["-f", "BENCH %e %M", cmd, ...args], {
        cwd: ROOT,
        env: { ...process.env, ...env },
        encoding: "utf8",
        maxBuffer: 1 << 30,
        stdio: ["ignore", "ignore", "pipe"],
    });
    const m = /BENCH ([\d.]+) (\d+)/.exec(r.stderr);
    if (r.status !== 0 || !m)
        throw new Error(`${cmd} ${args.join(" ")} failed (${r.status}): ${r.stderr.slice(-2000)}`);
    return { seconds: Number(m[1]), peakMiB: Math.round(Number(m[2]) / 1024) };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const hasKubectl =
    process.env.BENCH_KUBECTL !== "0" &&
    spawnSync("kubectl", ["version", "--client"], { stdio: "ignore" }).status === 0;

async function main() {
    const server = spawn(process.execPath, ["--import", "tsx", path.join(__dirname, "serve.ts"), String(PODS)], {
        cwd: ROOT,
        stdio: ["ignore", "pipe", "inherit"],
    });
    const [url, counts] = await new Promise<[string, string]>((resolve, reject) => {
        let buf = "";
        server.stdout.on("data", (d) => {
            buf += d;
            const lines = buf.split("\n");
            if (lines.length >= 3) resolve([lines[0], lines[1]]);
        });
        server.on("exit", (code) => reject(new Error(`fixture server exited (${code})`)));
    });
    try {
        process.stdout.write(`fixture server ${url}: ${counts}\n`);
        const kc1 = writeKubeconfig({ bench: { url } }).file;
        const kc4 = writeKubeconfig({ a: { url }, b: { url }, c: { url }, d: { url } }).file;
        const out = fs.mkdtempSync(path.join(os.tmpdir(), "bench-snap-"));
        // As `npm run snapshot` runs it: the compiled CLI through its launcher, with --expose-gc.
        const cli = [process.execPath, "--expose-gc", path.join(ROOT, "scripts", "cli.js")];
        const kinds = KINDS.filter((k) => !k.optional)
            .map((k) => (k.group ? `${k.plural}.${k.group}` : k.plural))
            .join(",");
        const floorArgs = [path.join(__dirname, "floor.js"), url, "/version", ...KINDS.map(listPath)];

        const snap: { seconds: number; peakMiB: number }[] = [];
        const floor: { seconds: number; peakMiB: number }[] = [];
        const kubectl: { seconds: number; peakMiB: number }[] = [];
        for (let i = 0; i < RUNS; i++) {
            floor.push(timed(process.execPath, floorArgs));
            snap.push(timed(cli[0], [...cli.slice(1), "snapshot", "--kubeconfig", kc1, "--out", out, "--retain", "2"]));
            if (hasKubectl)
                kubectl.push(
                    timed("kubectl", ["--kubeconfig", kc1, "get", kinds, "-A", "-o", "json", "--chunk-size=500"]),
                );
            process.stdout.write(
                `run ${i + 1}: floor ${floor[i].seconds}s ${floor[i].peakMiB} MiB; snapshot ${snap[i].seconds}s ${snap[i].peakMiB} MiB${hasKubectl ? `; kubectl ${kubectl[i].seconds}s ${kubectl[i].peakMiB} MiB` : ""}\n`,
            );
        }
        const floorS = median(floor.map((s) => s.seconds));
        const snapS = median(snap.map((s) => s.seconds));
        const four = timed(cli[0], [
            ...cli.slice(1),
            "snapshot",
            "--kubeconfig",
            kc4,
            "--all-contexts",
            "--out",
            out,
            "--retain",
            "2",
        ]);
        const fourSerial = timed(cli[0], [
            ...cli.slice(1),
            "snapshot",
            "--kubeconfig",
            kc4,
            "--all-contexts",
            "--concurrency",
            "1",
            "--out",
            out,
            "--retain",
            "2",
        ]);
        if (RUNS < 2) timed(cli[0], [...cli.slice(1), "snapshot", "--kubeconfig", kc1, "--out", out, "--retain", "2"]);
        // The store keys a kubeconfig cluster by context and server: kube-bench-<server>-<hash>.
        const benchDir = path.join(
            out,
            fs.readdirSync(out).find((d) => d.startsWith("kube-bench-"))!,
        );
        const files = fs
            .readdirSync(benchDir)
            .filter((f) => /^\d.*\.json$/.test(f))
            .sort()
            .slice(-2)
            .map((f) => path.join(benchDir, f));
        const diffs = Array.from({ length: RUNS }, () =>
            timed(cli[0], [...cli.slice(1), "snapshot", "diff", ...files]),
        );
        const size = fs.statSync(files[1]).size;

        const lines = [
            `pods ${PODS}, runs ${RUNS}, machine ${os.cpus().length} CPU ${os.cpus()[0]?.model ?? ""}, node ${process.version}`,
            `floor (fetch + parse every page, node start-up included): median ${floorS} s, peak ${median(floor.map((s) => s.peakMiB))} MiB`,
            `snapshot (1 cluster, compiled CLI, start-up included): median ${snapS} s, peak ${median(snap.map((s) => s.peakMiB))} MiB, snapshot file ${(size / 1048576).toFixed(1)} MiB`,
            `snapshot / floor: ${(snapS / floorS).toFixed(2)}x (goal: within 1.5x)`,
            hasKubectl
                ? `kubectl get (same kinds): median ${median(kubectl.map((s) => s.seconds))} s, peak ${median(kubectl.map((s) => s.peakMiB))} MiB`
                : "kubectl get: not measured (BENCH_KUBECTL=0, or kubectl is not installed)",
            `snapshot (4 clusters, concurrency 2): ${four.seconds} s, peak ${four.peakMiB} MiB`,
            `snapshot (4 clusters, concurrency 1): ${fourSerial.seconds} s, peak ${fourSerial.peakMiB} MiB`,
            `snapshot diff of two ${PODS}-pod snapshots: median ${median(diffs.map((s) => s.seconds))} s (process start included), peak ${median(diffs.map((s) => s.peakMiB))} MiB`,
        ];
        process.stdout.write("\n" + lines.join("\n") + "\n");
        fs.rmSync(out, { recursive: true, force: true });
    } finally {
        server.kill("SIGTERM");
    }
}

main().catch((e) => {
    process.stderr.write(`${(e as Error).stack ?? e}\n`);
    process.exit(1);
});
