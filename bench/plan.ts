import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { writeAzureStack } from "./generateAzureStack";
import { writeAwsStack } from "./generateAwsStack";
import { interleaveThree, load, machine, median, pairedLine, timed } from "./measure";

/**
 * `npm run bench -- plan`: `plan --stack <s> --format json` through the compiled CLI, each case
 * interleaved with two baselines through the same mock evaluation (bench/bareRunner.js), BENCH_RUNS
 * rounds (default 5), ratios paired per round:
 *  - bare: the Azure program's provider modules imported, nothing declared;
 *  - the SDK floor (bench/sdkFloorProgram.js): the resources that plan printed declared again, as
 *    they are, by a program that does nothing else: what the Pulumi SDK needs for them, so that the
 *    ratio against it is the project's own cost.
 * Cases: azure-dev, aws-dev and a generated 500-AKS stack; `big` adds 5,000 AKS and 1,000 EKS
 * clusters, with the CPU time and memory per cluster beyond the bare program and beyond the floor.
 * BENCH_CLI=DIR measures the (built) CLI of another checkout.
 */
const ROOT = path.join(__dirname, "..");
const CLI_ROOT = process.env.BENCH_CLI ?? ROOT;
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const BIG = process.argv.includes("big");

export function benchPlan(): void {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-plan-"));
    for (const f of ["Pulumi.azure-dev.yaml", "azure-dev.cloud.yaml", "Pulumi.aws-dev.yaml", "aws-dev.cloud.yaml"])
        fs.copyFileSync(path.join(ROOT, "examples", "stacks", f), path.join(dir, f));
    const cases: { stack: string; clusters: number; what: string }[] = [
        { stack: "azure-dev", clusters: 0, what: "azure-dev (30 resources)" },
        { stack: "aws-dev", clusters: 0, what: "aws-dev (29 resources)" },
        { stack: "azure-500", clusters: 450, what: "500 AKS clusters (50 excluded by tag), 10 Arc" },
    ];
    writeAzureStack(dir, "azure-500", 500);
    if (BIG) {
        writeAzureStack(dir, "azure-5000", 5000);
        writeAwsStack(dir, "aws-1000", 1000);
        cases.push(
            { stack: "azure-5000", clusters: 4500, what: "5,000 AKS clusters (500 excluded by tag), 100 Arc" },
            { stack: "aws-1000", clusters: 900, what: "1,000 EKS clusters (100 excluded by tag)" },
        );
    }
    const env = { AGENTLESS_STACKS_DIR: dir };
    const runner = path.join(ROOT, "bench", "bareRunner.js");
    const bare = () => timed(process.execPath, [runner], { cwd: CLI_ROOT, env });
    const lines = [`machine ${machine()}; CLI of ${CLI_ROOT}; load average at start ${load()}`];
    for (const c of cases) {
        const planArgs = [
            "--max-old-space-size=4096",
            path.join(CLI_ROOT, "dist", "cli", "main.js"),
            "plan",
            "--stack",
            c.stack,
            "--format",
            "json",
        ];
        // The floor declares what this plan printed: written once, outside the measured runs.
        const planJson = path.join(dir, `${c.stack}.plan.json`);
        fs.writeFileSync(planJson, timed(process.execPath, planArgs, { cwd: CLI_ROOT, env, stdout: "pipe" }).stdout);
        const floorEnv = { ...env, BENCH_SDK_FLOOR_PLAN: planJson };
        const floor = () =>
            timed(
                process.execPath,
                ["--max-old-space-size=4096", runner, path.join(ROOT, "bench", "sdkFloorProgram.js")],
                {
                    cwd: CLI_ROOT,
                    env: floorEnv,
                },
            );
        const plan = () => timed(process.execPath, planArgs, { cwd: CLI_ROOT, env });
        const { first, second } = interleaveThree(`plan ${c.stack}`, RUNS, bare, floor, plan);
        lines.push(pairedLine(first, "bare", `plan ${c.what}`));
        lines.push(`  ${pairedLine(second, "SDK floor (the same resources, nothing else)", "plan")}`);
        if (c.clusters) {
            const per = (p: typeof first, k: "cpu" | "peakMiB") =>
                median(p.subject.map((s, i) => (s[k] - p.baseline[i][k]) / c.clusters));
            const show = (p: typeof first) =>
                `${(per(p, "cpu") * 1000).toFixed(2)} ms CPU, ${(per(p, "peakMiB") * 1024).toFixed(0)} KiB peak memory`;
            lines.push(`  per onboarded cluster beyond bare: ${show(first)}; beyond the SDK floor: ${show(second)}`);
            const floorPer = median(second.baseline.map((f, i) => (f.cpu - first.baseline[i].cpu) / c.clusters));
            lines.push(`  the SDK floor per onboarded cluster beyond bare: ${(floorPer * 1000).toFixed(2)} ms CPU`);
        }
    }
    lines.push(`load average at end ${load()}`);
    process.stdout.write("\n" + lines.join("\n") + "\n");
    fs.rmSync(dir, { recursive: true, force: true });
}

if (require.main === module) benchPlan();
