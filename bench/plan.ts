import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { writeAzureStack } from "./generateAzureStack";

/**
 * `npm run plan` wall time and peak memory: azure-dev, a generated 500-cluster stack, and the bare
 * baseline (same provider modules, no resources). Each is a fresh process running compiled JavaScript,
 * as a CI job would run it.
 */

const ROOT = path.join(__dirname, "..");
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

interface Sample {
    wall: number;
    rssMiB: number;
}

function measure(args: string[], env: NodeJS.ProcessEnv): Sample {
    const r = spawnSync("/usr/bin/time", ["-f", "%e %M", process.execPath, ...args], {
        cwd: ROOT,
        env: { ...process.env, ...env },
        encoding: "utf8",
        maxBuffer: 512 * 1024 * 1024,
    });
    if (r.status !== 0) throw new Error(`${args.join(" ")} failed: ${r.stderr}`);
    const last = r.stderr.trim().split("\n").pop()!;
    const [wall, kib] = last.split(" ").map(Number);
    return { wall, rssMiB: kib / 1024 };
}

function median(xs: number[]): number {
    const s = [...xs].sort((a, b) => a - b);
    return s[Math.floor(s.length / 2)];
}

export function benchPlan(): void {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-plan-"));
    writeAzureStack(dir, "azure-500", 500);
    for (const f of ["Pulumi.azure-dev.yaml", "azure-dev.cloud.yaml"])
        fs.copyFileSync(path.join(ROOT, "examples", "stacks", f), path.join(dir, f));
    const env = { AGENTLESS_STACKS_DIR: dir };
    const cases: [string, string[]][] = [
        ["bare program (same imports, no resources)", ["bench/bareRunner.js"]],
        ["plan azure-dev", ["dist/cli/main.js", "plan", "--stack", "azure-dev", "--format", "json"]],
        [
            "plan azure-500 (500 AKS + 10 Arc clusters)",
            ["dist/cli/main.js", "plan", "--stack", "azure-500", "--format", "json"],
        ],
    ];
    const results: { name: string; wall: number; rss: number }[] = [];
    for (const [name, args] of cases) {
        const samples = Array.from({ length: RUNS }, () => measure(args, env));
        results.push({ name, wall: median(samples.map((s) => s.wall)), rss: median(samples.map((s) => s.rssMiB)) });
    }
    const base = results[0];
    console.log(`plan benchmark: median of ${RUNS} runs, ${os.cpus().length} cores, node ${process.version}`);
    console.log(`${"case".padEnd(48)} ${"wall s".padStart(7)} ${"peak MiB".padStart(9)} ${"x bare".padStart(7)}`);
    for (const r of results) {
        console.log(
            `${r.name.padEnd(48)} ${r.wall.toFixed(2).padStart(7)} ${r.rss.toFixed(0).padStart(9)} ${(r.wall / base.wall).toFixed(2).padStart(7)}`,
        );
    }
    fs.rmSync(dir, { recursive: true, force: true });
}

if (require.main === module) benchPlan();
