import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/**
 * `npm run bench -- startup`: the program's start-up as `pulumi preview` runs it (issue 14, item 1):
 * plain Node loads Pulumi.yaml's `main` (the compiled program), awaits its export inside the root
 * stack and registers every resource, the engine replaced by the SDK's mocks
 * (test/fixtures/runtimeHost.js); beside a process that only imports the same package modules, bare.
 * Goal: within 1.5x of the bare import. Median of BENCH_RUNS fresh processes.
 *
 * The machine is shared, so load drifts within a bench run: each program run follows its own bare
 * run, and the ratio is the median of those pairs' ratios (wall time, and CPU time, user + system,
 * which other jobs disturb less).
 */
const ROOT = path.join(__dirname, "..");
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const HOST = path.join(ROOT, "test", "fixtures", "runtimeHost.js");

interface Sample {
    wall: number;
    cpu: number;
    rssMiB: number;
}

function measure(args: string[], env: NodeJS.ProcessEnv = {}): Sample {
    const r = spawnSync("/usr/bin/time", ["-f", "BENCH %e %U %S %M", process.execPath, ...args], {
        cwd: ROOT,
        env: { ...process.env, NODE_OPTIONS: "", ...env },
        encoding: "utf8",
        stdio: ["ignore", "ignore", "pipe"],
    });
    const m = /BENCH ([\d.]+) ([\d.]+) ([\d.]+) (\d+)/.exec(r.stderr);
    if (r.status !== 0 || !m) throw new Error(`node ${args.join(" ")} failed (${r.status}): ${r.stderr.slice(-2000)}`);
    return { wall: Number(m[1]), cpu: Number(m[2]) + Number(m[3]), rssMiB: Number(m[4]) / 1024 };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export function benchStartup(stacks = ["aws-dev", "azure-dev", "gcp-dev"]): void {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-startup-"));
    const out = path.join(dir, "out.json");
    console.log(
        `program start-up (language-host path, compiled), median of ${RUNS} runs, ${os.cpus().length} cores, node ${process.version}`,
    );
    console.log(
        `${"stack".padEnd(10)} ${"modules".padStart(7)} ${"bare s".padStart(7)} ${"program s".padStart(9)} ${"ratio".padStart(6)} ${"cpu ratio".padStart(9)} ${"bare MiB".padStart(8)} ${"prog MiB".padStart(8)} ${"resources".padStart(9)}`,
    );
    for (const stack of stacks) {
        const list = path.join(dir, `${stack}.imports.json`);
        measure(["-r", path.join(__dirname, "recordImports.js"), HOST, "program", stack, out], {
            RECORD_IMPORTS: list,
        });
        const modules = JSON.parse(fs.readFileSync(list, "utf8")) as string[];
        const resources = (JSON.parse(fs.readFileSync(out, "utf8")) as { resources: unknown[] }).resources.length;
        const bare: Sample[] = [];
        const program: Sample[] = [];
        for (let i = 0; i < RUNS; i++) {
            bare.push(measure([path.join(__dirname, "bareImports.js"), list]));
            program.push(measure([HOST, "program", stack, out]));
        }
        const b = median(bare.map((s) => s.wall));
        const p = median(program.map((s) => s.wall));
        const ratio = (k: "wall" | "cpu") => median(program.map((s, i) => s[k] / bare[i][k]));
        console.log(
            `${stack.padEnd(10)} ${String(modules.length).padStart(7)} ${b.toFixed(2).padStart(7)} ${p.toFixed(2).padStart(9)} ${ratio("wall").toFixed(2).padStart(6)} ${ratio("cpu").toFixed(2).padStart(9)} ${median(
                bare.map((s) => s.rssMiB),
            )
                .toFixed(0)
                .padStart(8)} ${median(program.map((s) => s.rssMiB))
                .toFixed(0)
                .padStart(8)} ${String(resources).padStart(9)}`,
        );
    }
    fs.rmSync(dir, { recursive: true, force: true });
}

if (require.main === module) benchStartup();
