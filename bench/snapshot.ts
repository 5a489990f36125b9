import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { KINDS, listPath } from "../inventory/kinds";
import { writeKubeconfig } from "../test/fixtures/kubeconfig";
import { interleave, load, machine, pairedLine, timed } from "./measure";
import { serveCluster } from "./serveCluster";

/**
 * `npm run bench -- snapshot`: one generated cluster (BENCH_PODS pods, default 50,000; `big` adds
 * 200,000) served by the fixture server in its own process. Each case runs interleaved with its
 * baseline, BENCH_RUNS rounds (default 5), ratios paired per round:
 *  - the snapshot (the compiled CLI as `npm run snapshot` runs it, start-up included, diffing
 *    against the previous run's snapshot) beside its floor (bench/floor.js: fetch and parse every
 *    page of the same kinds, nothing else);
 *  - `snapshot diff` of the last two snapshots beside its floor (bench/diffFloor.js: read and parse
 *    both files);
 *  - `kubectl get` of the same kinds beside the snapshot, when kubectl is installed and
 *    BENCH_KUBECTL is not 0.
 * BENCH_CLI=DIR measures the (built) CLI of another checkout, for a before/after.
 */
const ROOT = path.join(__dirname, "..");
const CLI_ROOT = process.env.BENCH_CLI ?? ROOT;
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const BIG = process.argv.includes("big");
const hasKubectl =
    process.env.BENCH_KUBECTL !== "0" &&
    spawnSync("kubectl", ["version", "--client"], { stdio: "ignore" }).status === 0;

async function benchPods(pods: number, lines: string[]): Promise<void> {
    const server = await serveCluster(pods);
    try {
        process.stdout.write(`fixture server ${server.url}: ${server.counts}\n`);
        const kc1 = writeKubeconfig({ bench: { url: server.url } }).file;
        const out = fs.mkdtempSync(path.join(os.tmpdir(), "bench-snap-"));
        const cli = ["--expose-gc", path.join(CLI_ROOT, "scripts", "cli.js")];
        const node = process.execPath;
        const snapshot = () =>
            timed(node, [...cli, "snapshot", "--kubeconfig", kc1, "--out", out, "--retain", "2", "--timeout", "600"], {
                cwd: CLI_ROOT,
            });
        const floorArgs = [path.join(__dirname, "floor.js"), server.url, "/version", ...KINDS.map(listPath)];
        const floor = () => timed(node, floorArgs, { cwd: ROOT });
        // The first snapshot has nothing to compare with: every measured one diffs against the one before.
        snapshot();
        const snap = interleave(`snapshot ${pods} pods`, RUNS, floor, snapshot);
        lines.push(pairedLine(snap, "floor", "snapshot"));

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
        const size = fs.statSync(files[1]).size;
        const diff = interleave(
            `snapshot diff ${pods} pods`,
            RUNS,
            () => timed(node, [path.join(__dirname, "diffFloor.js"), ...files], { cwd: ROOT }),
            () => timed(node, [...cli, "snapshot", "diff", ...files], { cwd: CLI_ROOT }),
        );
        lines.push(
            pairedLine(diff, "read+parse floor", "snapshot diff") + ` (files of ${(size / 1048576).toFixed(1)} MiB)`,
        );
        if (hasKubectl && !BIG) {
            const kinds = KINDS.filter((k) => !k.optional)
                .map((k) => (k.group ? `${k.plural}.${k.group}` : k.plural))
                .join(",");
            const kubectl = interleave(`kubectl get ${pods} pods`, Math.min(RUNS, 3), snapshot, () =>
                timed("kubectl", ["--kubeconfig", kc1, "get", kinds, "-A", "-o", "json", "--chunk-size=500"], {
                    cwd: ROOT,
                }),
            );
            lines.push(pairedLine(kubectl, "snapshot", "kubectl get (same kinds)"));
        }
        fs.rmSync(out, { recursive: true, force: true });
    } finally {
        server.stop();
    }
}

async function main() {
    const lines = [`machine ${machine()}; CLI of ${CLI_ROOT}; load average at start ${load()}`];
    for (const pods of BIG
        ? [Number(process.env.BENCH_PODS ?? 50_000), 200_000]
        : [Number(process.env.BENCH_PODS ?? 50_000)])
        await benchPods(pods, lines);
    lines.push(`load average at end ${load()}`);
    process.stdout.write("\n" + lines.join("\n") + "\n");
}

main().catch((e) => {
    process.stderr.write(`${(e as Error).stack ?? e}\n`);
    process.exit(1);
});
