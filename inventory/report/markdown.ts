/**
 * The fleet report as GitHub-flavoured markdown for a job summary ($GITHUB_STEP_SUMMARY): the
 * clusters with their posture and findings by severity, the trend of the last runs, and each
 * cluster's high findings and latest diff counts. Text from a cluster is escaped so that it can
 * neither end a table cell, nor start a link, an image, an autolink or HTML.
 */
import { escapeControl } from "../../lib/escape";
import { SEVERITIES } from "../findings";
import { FleetModel } from "./model";
import {
    accessCell,
    CLOUD_TITLES,
    coverageAccessCell,
    coverageCounts,
    onboardedByText,
    POSTURE_COLUMNS,
    snapshotCell,
} from "./posture";

/** The onboarded clusters (`--plan`) against the snapshots: one row each, worst first. */
function coverageLines(model: FleetModel): string[] {
    const c = model.coverage;
    if (!c) return [];
    const n = coverageCounts(c);
    const out = [
        `### Onboarded clusters and Defender's access`,
        ``,
        `${c.onboarded.length} cluster(s) onboarded by ${c.stacks.map((s) => m(s.stack)).join(", ") || "no stack"}: **${n.granted}** granted, **${n.missing}** missing, **${n.unknown}** unknown, **${n["never-inventoried"]}** never inventoried; ${c.notOnboarded.length} snapshot(s) of clusters no stack onboarded.`,
        ``,
    ];
    if (c.onboarded.length) {
        out.push(`| Cluster | Where | Onboarded by | Snapshot | Defender access |`, `|---|---|---|---|---|`);
        for (const r of c.onboarded) {
            const snap = snapshotCell(r);
            const access = coverageAccessCell(r);
            out.push(
                `| ${m(r.label)} | ${m(r.scope)} | ${m(onboardedByText(r))} | **${m(snap.value)}** ${m(snap.detail)} | **${m(access.value)}** ${m(access.detail)} |`,
            );
        }
        out.push(``);
    }
    if (c.notOnboarded.length) {
        out.push(
            `Snapshots of clusters no stack onboarded:`,
            ``,
            `| Cluster | Source | Latest snapshot | Defender access | Note |`,
            `|---|---|---|---|---|`,
        );
        for (const { snapshot: s, note } of c.notOnboarded) {
            const view = model.clusters.find((x) => x.key === s.key);
            out.push(
                `| ${m(s.name)} | ${m(s.identity.source)} | ${m(s.startedAt)} | ${m(view ? accessCell(view).value : "not judged")} | ${m(note ?? "no plan given onboards it")} |`,
            );
        }
        out.push(``);
    }
    return out;
}

/**
 * CommonMark lets a backslash escape any ASCII punctuation: escaping all of it leaves no markup,
 * no HTML tag, no entity and no `http://` or `www.` autolink in the text. Control characters are
 * made visible first (`\n`), so a name never breaks a line or a table row.
 */
export function escapeMarkdown(text: string): string {
    return escapeControl(text).replace(/[!-/:-@[-`{-~]/g, (c) => `\\${c}`);
}

const m = escapeMarkdown;

/** GitHub caps a step summary at 1 MiB; the summary lists at most this many findings per cluster. */
export const MARKDOWN_FINDINGS_LIMIT = 20;
const TREND_RUNS = 10;
/** Characters after which the cluster sections stop, below GitHub's 1 MiB cap for a step summary. */
export const MARKDOWN_BUDGET = 900_000;

export function renderMarkdown(model: FleetModel, generatedAt: string): string {
    const out: string[] = [];
    const t = model.totals;
    out.push(
        `## Fleet report`,
        ``,
        `${model.clusters.length} cluster(s), generated ${m(generatedAt)}. Open findings: ${SEVERITIES.map((s) => `**${t[s]}** ${s}`).join(", ")}.`,
        ``,
    );
    out.push(...coverageLines(model));
    if (!model.clusters.length) out.push(`The store holds no readable snapshot.`, ``);
    for (const cloud of [...new Set(model.clusters.map((c) => c.cloud))]) {
        out.push(
            `### ${CLOUD_TITLES[cloud]}`,
            ``,
            `| Cluster | Snapshot | ${POSTURE_COLUMNS.map((p) => p.title).join(" | ")} | ${SEVERITIES.join(" | ")} |`,
            `|---|---|${POSTURE_COLUMNS.map(() => "---").join("|")}|${SEVERITIES.map(() => "--:").join("|")}|`,
        );
        for (const c of model.clusters.filter((x) => x.cloud === cloud))
            out.push(
                `| ${m(c.name)} | ${m(c.startedAt)} ${c.status} | ${POSTURE_COLUMNS.map((p) => m(p.cell(c).value)).join(" | ")} | ${SEVERITIES.map((s) => c.severityCounts[s]).join(" | ")} |`,
            );
        out.push(``);
    }
    if (model.unreadable.length)
        out.push(
            `Not shown, their latest snapshot could not be read: ${model.unreadable.map((u) => `${m(u.key)} (${m(u.reason)})`).join("; ")}`,
            ``,
        );
    if (model.runs.length) {
        const runs = model.runs.slice(-TREND_RUNS);
        out.push(
            `### Open findings over the last ${runs.length} of ${model.runs.length} stored run(s)`,
            ``,
            `| Run | Clusters | ${SEVERITIES.join(" | ")} |`,
            `|---|--:|${SEVERITIES.map(() => "--:").join("|")}|`,
            ...runs.map(
                (r) => `| ${m(r.startedAt)} | ${r.clusters} | ${SEVERITIES.map((s) => r.counts[s]).join(" | ")} |`,
            ),
            ``,
        );
    }
    const notable = model.clusters.filter(
        (c) => c.findings.some((f) => f.severity === "high") || c.defenderAccess?.state !== "granted" || c.diff,
    );
    if (notable.length) out.push(`### Clusters`, ``);
    let size = out.reduce((n, l) => n + l.length + 1, 0);
    for (const [i, c] of notable.entries()) {
        if (size > MARKDOWN_BUDGET) {
            out.push(
                `${notable.length - i} more cluster(s) left out to stay within a job summary's size: see the HTML report.`,
                ``,
            );
            break;
        }
        const start = out.length;
        const access = POSTURE_COLUMNS[3].cell(c);
        out.push(`#### ${m(c.name)}`, ``, `- Defender access: **${m(access.value)}**: ${m(access.detail)}`);
        if (c.diff) {
            const d = c.diff.diff;
            out.push(
                `- Since ${m(c.diff.since)}: +${d.added.length} added, -${d.removed.length} removed, ~${d.changed.length} changed; findings ${d.opened.length} opened, ${d.closed.length} closed`,
            );
        }
        const high = c.findings.filter((f) => f.severity === "high");
        for (const f of high.slice(0, MARKDOWN_FINDINGS_LIMIT)) out.push(`- high \`${f.rule}\`: ${m(f.message)}`);
        if (high.length > MARKDOWN_FINDINGS_LIMIT)
            out.push(`- ... and ${high.length - MARKDOWN_FINDINGS_LIMIT} more high findings (see the HTML report)`);
        out.push(``);
        size += out.slice(start).reduce((n, l) => n + l.length + 1, 0);
    }
    return out.join("\n");
}
