import { oneOfFlag, parseArgs, ParsedArgs, stringFlag } from "./args";
import { UsageError } from "../lib/errors";
import { escapeControl } from "../lib/escape";
import { writeOut } from "./output";
import { judge, readAccepted } from "../inventory/accepted";
import { fleetCoverage, neverInventoriedFinding } from "../inventory/fleet/coverage";
import { readPlans } from "./planFiles";
import {
    atLeast,
    findingJson,
    judgeFleet,
    latestFindings,
    sortJudged,
    reachesFailOn,
    renderFindingsMarkdown,
    renderFindingsTable,
    SEVERITIES,
} from "../inventory/findingsQuery";
import { Severity } from "../inventory/findings";
import { StoreError, SnapshotStore } from "../inventory/store/types";

/** Open findings reached `--fail-on`: the run itself succeeded. */
export const EXIT_FINDINGS = 5;

export const FINDINGS_USAGE = `usage: npm run snapshot -- findings [--out DIR|s3://BUCKET/PREFIX] [--cluster K] [--severity S] [--format table|json|markdown] [--accepted FILE] [--fail-on S] [--plan PLAN.json ...]
  Lists the findings of every cluster's latest stored snapshot, most severe first.
  --out DIR          the store (default ./snapshots)
  --cluster K        only the cluster named K (its name or its store key), repeatable
  --severity S       only findings of severity S or above: high, medium, low, info
  --format F         table (default), json (a list of findings) or markdown
  --accepted FILE    accepted findings (default ./accepted-findings.yaml when it exists): shown as accepted
  --fail-on S        exit 5 when an open (not accepted) finding is of severity S or above
  --plan PLAN.json   a stack's plan (npm run plan -- --stack S --format json), repeatable: each
                     cluster it onboards that no stored snapshot is of is listed with the high
                     finding onboarded-not-inventoried (cluster: its region/name, group/name or
                     project/location/name)
  Exit codes: 0 listed, 2 usage or configuration error, 5 open findings reach --fail-on.`;

/** `--fail-on S`, or undefined. */
export function failOnFlag(args: ParsedArgs): Severity | undefined {
    const v = stringFlag(args, "fail-on");
    if (v === undefined) return undefined;
    if (!(SEVERITIES as readonly string[]).includes(v))
        throw new UsageError(`--fail-on ${JSON.stringify(v)} is not allowed; use one of ${SEVERITIES.join(", ")}`);
    return v as Severity;
}

export async function findingsCommand(
    argv: string[],
    openStore: (out: string) => SnapshotStore,
    now: () => Date = () => new Date(),
): Promise<number> {
    const args = parseArgs(argv, {
        values: ["out", "severity", "format", "accepted", "fail-on"],
        repeatable: ["cluster", "plan"],
    });
    if (args.positional.length) throw new UsageError(`unexpected argument ${JSON.stringify(args.positional[0])}`);
    const format = oneOfFlag(args, "format", ["table", "json", "markdown"] as const, "table");
    const severityText = stringFlag(args, "severity");
    if (severityText !== undefined && !(SEVERITIES as readonly string[]).includes(severityText))
        throw new UsageError(
            `--severity ${JSON.stringify(severityText)} is not allowed; use one of ${SEVERITIES.join(", ")}`,
        );
    const failOn = failOnFlag(args);
    const { entries } = readAccepted(stringFlag(args, "accepted"));
    const plans = args.multi.plan ? readPlans(args.multi.plan) : undefined;
    const out = stringFlag(args, "out") ?? "snapshots";
    const store = openStore(out);
    const wanted = args.multi.cluster;
    let read: Awaited<ReturnType<typeof latestFindings>>;
    try {
        read = await latestFindings(
            store,
            wanted ? (c) => wanted.includes(c.name) || wanted.includes(c.key) : undefined,
        );
    } catch (e) {
        if (e instanceof StoreError) throw e;
        const code = (e as NodeJS.ErrnoException).code;
        throw new StoreError(`snapshot store ${store.location} cannot be read (${code ?? (e as Error).message})`);
    }
    for (const p of read.problems) process.stderr.write(`warning: ${escapeControl(p)}\n`);
    const when = now();
    const judged = judgeFleet(read.clusters, entries, when);
    const labels: string[] = [];
    if (plans) {
        // Every cluster of the store is matched, whatever --cluster lists: a snapshot of another
        // cluster must not make an onboarded one look never inventoried.
        const all = wanted ? (await latestFindings(store)).clusters : read.clusters;
        const coverage = fleetCoverage(
            plans,
            all.map((c) => ({ key: c.key, name: c.cluster, identity: c.identity, startedAt: c.startedAt })),
            when,
        );
        for (const row of coverage.onboarded.filter((r) => r.state === "never-inventoried")) {
            labels.push(row.label);
            if (!wanted || wanted.includes(row.label))
                judged.push(...judge([neverInventoriedFinding(row)], { name: row.label }, entries, when));
        }
        sortJudged(judged);
    }
    if (wanted) {
        const found = new Set([...read.clusters.flatMap((c) => [c.cluster, c.key]), ...labels]);
        const missing = wanted.filter((w) => !found.has(w));
        if (missing.length)
            throw new UsageError(
                `--cluster ${JSON.stringify(missing[0])}: no snapshot of that cluster in ${store.location}; list the clusters with "npm run snapshot -- findings --out ${out}"`,
            );
    }
    const listed = severityText ? judged.filter((j) => atLeast(j.finding.severity, severityText as Severity)) : judged;
    if (format === "json") await writeOut(JSON.stringify(listed.map(findingJson), null, 2) + "\n");
    else if (format === "markdown") await writeOut(renderFindingsMarkdown(listed));
    else await writeOut(renderFindingsTable(listed));
    if (!read.clusters.length) process.stderr.write(`note: no snapshot in ${store.location}\n`);
    return reachesFailOn(judged, failOn) ? EXIT_FINDINGS : 0;
}
