import * as fs from "fs";
import { parseArgs, stringFlag } from "./args";
import { systemErrorLine, UsageError } from "../lib/errors";
import { writeOut } from "./output";
import { buildFleetModel } from "../inventory/report/model";
import { renderHtml } from "../inventory/report/html";
import { renderMarkdown } from "../inventory/report/markdown";

export const REPORT_USAGE = `usage: npm run snapshot -- report [--out DIR] [--html FILE] [--markdown FILE|-]
  Reads the local snapshot store (default ./snapshots) and writes the fleet report: --html one
  self-contained HTML file (no network at view time), --markdown a summary for a CI job summary
  ("-" prints it). At least one of them.`;

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
    const args = parseArgs(argv, { values: ["out", "html", "markdown"], booleans: [], repeatable: [] });
    if (args.positional.length)
        throw new UsageError(`unexpected argument ${JSON.stringify(args.positional[0])}\n${REPORT_USAGE}`);
    const html = stringFlag(args, "html");
    const markdown = stringFlag(args, "markdown");
    if (html === undefined && markdown === undefined)
        throw new UsageError(`snapshot report needs --html FILE or --markdown FILE (or both)\n${REPORT_USAGE}`);
    const out = stringFlag(args, "out") ?? "snapshots";
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(out))
        throw new UsageError(
            `--out ${JSON.stringify(out)}: the report reads a local store; copy it first (for example \`aws s3 sync ${out} snapshots\`)`,
        );
    let stat: fs.Stats;
    try {
        stat = fs.statSync(out);
    } catch (e) {
        throw new UsageError(
            `--out ${JSON.stringify(out)}: no snapshot store there (${(e as NodeJS.ErrnoException).code})`,
        );
    }
    if (!stat.isDirectory()) throw new UsageError(`--out ${JSON.stringify(out)} is not a directory`);
    const model = buildFleetModel(out);
    const generatedAt = now().toISOString();
    if (html !== undefined) writeFile("html", html, renderHtml(model, generatedAt));
    if (markdown === "-") await writeOut(renderMarkdown(model, generatedAt));
    else if (markdown !== undefined) writeFile("markdown", markdown, renderMarkdown(model, generatedAt));
    if (html !== undefined || (markdown !== undefined && markdown !== "-"))
        process.stderr.write(
            `fleet report of ${model.clusters.length} cluster(s)${html !== undefined ? `: ${html}` : ""}${markdown !== undefined && markdown !== "-" ? `${html !== undefined ? "," : ":"} ${markdown}` : ""}\n`,
        );
    return 0;
}
