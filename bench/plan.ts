import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { writeAzureStack } from "./generateAzureStack";
import { writeAwsStack } from "./generateAwsStack";
import { interleave, load, machine, median, pairedLine, timed } from "./measure";

/**
 * `npm run bench -- plan`: `plan --stack <s> --format json` through the compiled CLI, each case
 * interleaved with the bare program (bench/bareRunner.js: the Azure program's provider modules
 * imported, nothing declared, through the same mock evaluation), BENCH_RUNS rounds (default 5),
 * ratios paired per round: azure-dev, aws-dev and a generated 500-AKS stack; `big` adds 5,000 AKS
 * and 1,000 EKS clusters, with the CPU time and memory per cluster beyond the bare program.
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
    const bare = () => timed(process.execPath, [path.join(ROOT, "bench", "bareRunner.js")], { cwd: CLI_ROOT, env });
    const lines = [`machine ${machine()}; CLI of ${CLI_ROOT}; load average at start ${load()}`];
    for (const c of cases) {
        const plan = () =>
            timed(
                process.execPath,
                [
                    "--max-old-space-size=4096",
                    path.join(CLI_ROOT, "dist", "cli", "main.js"),
                    "plan",
                    "--stack",
                    c.stack,
                    "--format",
                    "json",
                ],
                { cwd: CLI_ROOT, env },
            );
        const p = interleave(`plan ${c.stack}`, RUNS, bare, plan);
        lines.push(pairedLine(p, "bare", `plan ${c.what}`));
        if (c.clusters) {
            const per = (k: "cpu" | "peakMiB") =>
                median(p.subject.map((s, i) => (s[k] - p.baseline[i][k]) / c.clusters));
            lines.push(
                `  per onboarded cluster beyond bare: ${(per("cpu") * 1000).toFixed(2)} ms CPU, ${(per("peakMiB") * 1024).toFixed(0)} KiB peak memory`,
            );
        }
    }
    lines.push(`load average at end ${load()}`);
    process.stdout.write("\n" + lines.join("\n") + "\n");
    fs.rmSync(dir, { recursive: true, force: true });
}

if (require.main === module) benchPlan();
