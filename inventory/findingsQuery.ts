import { escapeControl } from "../lib/escape";
import { AcceptedEntry, judge, JudgedFinding } from "./accepted";
import { imageNote } from "./diff";
import { indexFromText } from "./snapshotIndex";
import { countBySeverity as countFindings, Finding, SEVERITIES, Severity } from "./findings";
import { objectKey } from "./normalise";
import { ClusterIdentity, SnapshotFormatError } from "./schema";
import { SnapshotStore } from "./store/types";

/** Most severe first (inventory/findings.ts). */
export { SEVERITIES };

export function severityRank(s: Severity): number {
    return SEVERITIES.indexOf(s);
}

/** `high` is at least `medium`: a finding reaches a threshold when it is as severe or more. */
export function atLeast(s: Severity, threshold: Severity): boolean {
    return severityRank(s) <= severityRank(threshold);
}

export type SeverityCounts = Record<Severity, number>;

/** Open findings by severity (accepted ones left out), and how many are accepted. */
export function countBySeverity(judged: readonly JudgedFinding[]): { open: SeverityCounts; accepted: number } {
    const open = judged.filter((j) => !j.accepted);
    return { open: countFindings(open.map((j) => j.finding)), accepted: judged.length - open.length };
}

/** `high 2, medium 1, low 0, info 3` and `; 1 accepted` when any is. */
export function renderCounts(c: { open: SeverityCounts; accepted: number }): string {
    const parts = SEVERITIES.map((s) => `${s} ${c.open[s]}`).join(", ");
    return c.accepted ? `${parts}; ${c.accepted} accepted` : parts;
}

/** Whether any open (not accepted) finding reaches the `--fail-on` threshold. */
export function reachesFailOn(judged: readonly JudgedFinding[], threshold: Severity | undefined): boolean {
    return threshold !== undefined && judged.some((j) => !j.accepted && atLeast(j.finding.severity, threshold));
}

/** Most severe first, then by cluster and finding id, so a listing is the same on every run. */
export function sortJudged(judged: JudgedFinding[]): JudgedFinding[] {
    const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    return judged.sort(
        (a, b) =>
            severityRank(a.finding.severity) - severityRank(b.finding.severity) ||
            byText(a.cluster, b.cluster) ||
            byText(a.finding.id, b.finding.id),
    );
}

/** One console line for a finding: open (`!`) or accepted, and when an acceptance lapsed. */
export function renderFindingLine(j: JudgedFinding): string {
    const f = j.finding;
    const head = `[${f.severity}] ${f.rule}: ${f.message}${imageNote(f)}`;
    if (j.accepted) return `accepted ${head} (by ${j.accepted.by} until ${j.accepted.expires}: ${j.accepted.reason})`;
    if (j.expired) return `! ${head} (acceptance by ${j.expired.by} expired on ${j.expired.expires})`;
    return `! ${head}`;
}

/** One cluster's latest stored snapshot, read for its findings. */
export interface ClusterFindings {
    cluster: string;
    key: string;
    snapshot: string;
    startedAt: string;
    findings: Finding[];
    /** The identity the snapshot recorded (what `--plan` matches onboarded clusters by). */
    identity: ClusterIdentity;
}

/**
 * The findings of every cluster's latest snapshot in the store, one cluster at a time (only one
 * snapshot's text is held). A snapshot that cannot be read is reported in `problems`, not skipped silently.
 */
export async function latestFindings(
    store: SnapshotStore,
    only?: (c: { name: string; key: string }) => boolean,
): Promise<{ clusters: ClusterFindings[]; problems: string[] }> {
    const clusters: ClusterFindings[] = [];
    const problems: string[] = [];
    for (const key of await store.clusters()) {
        const latest = await store.readLatest(key);
        if (!latest) continue;
        let read: ReturnType<typeof indexFromText>;
        try {
            read = indexFromText(latest.text, latest.location);
        } catch (e) {
            if (e instanceof SnapshotFormatError || e instanceof RangeError) {
                problems.push(`${latest.location}: ${e.message}`);
                continue;
            }
            throw e;
        }
        const name = read.header.cluster.name;
        if (only && !only({ name, key })) continue;
        clusters.push({
            cluster: name,
            key,
            snapshot: latest.location,
            startedAt: read.header.startedAt,
            findings: [...read.index.findings.values()],
            identity: read.header.cluster,
        });
    }
    return { clusters, problems };
}

/** Judges every cluster's findings against the accepted entries. */
export function judgeFleet(clusters: ClusterFindings[], entries: readonly AcceptedEntry[], now: Date): JudgedFinding[] {
    return sortJudged(clusters.flatMap((c) => judge(c.findings, { name: c.cluster, key: c.key }, entries, now)));
}

/** The JSON form of a finding in a listing: flat, one object per finding. */
export function findingJson(j: JudgedFinding): Record<string, unknown> {
    const f = j.finding;
    return {
        cluster: j.cluster,
        ...(j.key ? { key: j.key } : {}),
        rule: f.rule,
        severity: f.severity,
        subject: objectKey(f.subject),
        message: f.message,
        ...(f.image ? { image: f.image } : {}),
        status: j.accepted ? "accepted" : "open",
        ...(j.accepted ? { accepted: j.accepted } : {}),
        ...(j.expired ? { acceptanceExpired: j.expired } : {}),
        id: f.id,
    };
}

function table(rows: string[][]): string {
    const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
    return rows
        .map((r) =>
            r
                .map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i])))
                .join("  ")
                .trimEnd(),
        )
        .join("\n");
}

function status(j: JudgedFinding): string {
    if (j.accepted) return `accepted (by ${j.accepted.by} until ${j.accepted.expires}: ${j.accepted.reason})`;
    if (j.expired) return `open (acceptance by ${j.expired.by} expired on ${j.expired.expires})`;
    return "open";
}

/** Aligned columns; the message and the acceptance come last, as they are the longest. Every cell on one line. */
export function renderFindingsTable(judged: readonly JudgedFinding[]): string {
    if (!judged.length) return "no findings\n";
    const rows = [
        ["SEVERITY", "CLUSTER", "RULE", "SUBJECT", "IMAGE", "STATUS", "MESSAGE"],
        ...judged.map((j) =>
            [
                j.finding.severity,
                j.cluster,
                j.finding.rule,
                objectKey(j.finding.subject),
                j.finding.image ?? "-",
                status(j),
                j.finding.message,
            ].map(escapeControl),
        ),
    ];
    return table(rows) + "\n";
}

/**
 * A cell of a GitHub-flavoured markdown table: text from a cluster can hold `|`, markup or HTML,
 * which must show as written and neither break the table nor render.
 */
export function markdownCell(text: string): string {
    return escapeControl(text)
        .replace(/&/g, "&amp;")
        .replace(/</g, "&lt;")
        .replace(/>/g, "&gt;")
        .replace(/([\\`*_[\]|#~!])/g, "\\$1");
}

export function renderFindingsMarkdown(judged: readonly JudgedFinding[]): string {
    const lines = [
        "| severity | cluster | rule | subject | image | status | message |",
        "|---|---|---|---|---|---|---|",
    ];
    for (const j of judged)
        lines.push(
            `| ${[
                j.finding.severity,
                j.cluster,
                j.finding.rule,
                objectKey(j.finding.subject),
                j.finding.image ?? "",
                status(j),
                j.finding.message,
            ]
                .map(markdownCell)
                .join(" | ")} |`,
        );
    if (!judged.length) lines.push("| | | | | | | no findings |");
    return lines.join("\n") + "\n";
}
