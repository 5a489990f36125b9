import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseArgs, stringFlag } from "./args";
import { systemErrorLine, UsageError } from "../lib/errors";
import { writeOut } from "./output";
import { buildFleetModel, FleetModel, withCoverage } from "../inventory/report/model";
import { readPlans } from "./planFiles";
import { openStore } from "./store";
import { renderHtml } from "../inventory/report/html";
import { renderMarkdown } from "../inventory/report/markdown";

/** How many of an S3 store's run records the trend chart reads (the newest). */
const S3_RUN_RECORDS = 100;

export const REPORT_USAGE = `usage: npm run snapshot -- report [--out DIR|s3://BUCKET[/PREFIX]] [--html FILE] [--markdown FILE|-] [--plan PLAN.json ...]
  Reads the snapshot store (default ./snapshots) and writes the fleet report: --html one
  self-contained HTML file (no network at view time), --markdown a summary for a CI job summary
  ("-" prints it). At least one of them. From an S3 store it reads each cluster's latest snapshot
  and the one before it, and the ${S3_RUN_RECORDS} newest run records.
  --plan PLAN.json   a stack's plan (npm run plan -- --stack S --format json), repeatable: the
                     report lists the clusters the stacks onboard against the snapshots, with
                     Defender's access per cluster, the ones never inventoried and the snapshots
                     of clusters no stack onboards`;

/** The report holds every cluster's findings: readable by its owner only, as the store is. */
const FILE_MODE = 0o600;

function writeFile(flag: string, file: string, text: string): void {
    try {
        fs.writeFileSync(file, text, { mode: FILE_MODE });
    } catch (e) {
        throw new UsageError(
            `--${flag} ${JSON.stringify(file)} cannot be written (${systemErrorLine(e) ?? (e as Error).message})`,
        );
    }
}

export async function reportCommand(argv: string[], now: () => Date = () => new Date()): Promise<number> {
    const args = parseArgs(argv, { values: ["out", "html", "markdown"], booleans: [], repeatable: ["plan"] });
    if (args.positional.length)
        throw new UsageError(`unexpected argument ${JSON.stringify(args.positional[0])}\n${REPORT_USAGE}`);
    const html = stringFlag(args, "html");
    const markdown = stringFlag(args, "markdown");
    if (html === undefined && markdown === undefined)
        throw new UsageError(`snapshot report needs --html FILE or --markdown FILE (or both)\n${REPORT_USAGE}`);
    // The plans are read first: a bad one stops the command before the store is read.
    const plans = args.multi.plan ? readPlans(args.multi.plan) : undefined;
    const out = stringFlag(args, "out") ?? "snapshots";
    const when = now();
    let model = /^[a-z][a-z0-9+.-]*:\/\//i.test(out) ? await modelOfS3(out) : modelOfDirectory(out);
    if (plans) model = withCoverage(model, plans, when);
    const generatedAt = when.toISOString();
    if (html !== undefined) writeFile("html", html, renderHtml(model, generatedAt));
    if (markdown === "-") await writeOut(renderMarkdown(model, generatedAt));
    else if (markdown !== undefined) writeFile("markdown", markdown, renderMarkdown(model, generatedAt));
    if (html !== undefined || (markdown !== undefined && markdown !== "-"))
        process.stderr.write(
            `fleet report of ${model.clusters.length} cluster(s)${html !== undefined ? `: ${html}` : ""}${markdown !== undefined && markdown !== "-" ? `${html !== undefined ? "," : ":"} ${markdown}` : ""}\n`,
        );
    return 0;
}

/**
 * An S3 store (the scheduled workflow's history) is read through a private copy of what the
 * report needs, removed afterwards: the model reads a local store's layout.
 */
async function modelOfS3(out: string): Promise<FleetModel> {
    const { S3Store } = await import("../inventory/store/s3");
    const store = openStore(out, Number.MAX_SAFE_INTEGER);
    if (!(store instanceof S3Store))
        throw new UsageError(`--out ${JSON.stringify(out)} is not a local directory or an S3 store`);
    await store.check();
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), "agentless-report-"));
    try {
        await store.copyRecent(copy, S3_RUN_RECORDS);
        return buildFleetModel(copy);
    } finally {
        fs.rmSync(copy, { recursive: true, force: true });
    }
}

function modelOfDirectory(out: string): FleetModel {
    let stat: fs.Stats;
    try {
        stat = fs.statSync(out);
    } catch (e) {
        throw new UsageError(
            `--out ${JSON.stringify(out)}: no snapshot store there (${(e as NodeJS.ErrnoException).code})`,
        );
    }
    if (!stat.isDirectory()) throw new UsageError(`--out ${JSON.stringify(out)} is not a directory`);
    return buildFleetModel(out);
}
