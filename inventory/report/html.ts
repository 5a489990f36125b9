/**
 * The fleet report as one self-contained HTML file: inline style, inline SVG, no script, and a
 * Content-Security-Policy that forbids every fetch, so nothing is loaded when it is viewed. Every
 * text that comes from a cluster or a cloud is escaped; the anchors are the report's own
 * (`c-<n>`), never a cluster's name.
 */
import { escapeControl } from "../../lib/escape";
import { SEVERITIES, Severity } from "../findings";
import { ClusterView, FleetModel, ReportCloud, RunPoint } from "./model";
import {
    accessCell,
    CLOUD_TITLES,
    coverageAccessCell,
    coverageCounts,
    onboardedByText,
    POSTURE_COLUMNS,
    PostureCell,
    snapshotCell,
} from "./posture";

/** Text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
    return escapeControl(text).replace(/[&<>"']/g, (c) =>
        c === "&" ? "&amp;" : c === "<" ? "&lt;" : c === ">" ? "&gt;" : c === '"' ? "&quot;" : "&#39;",
    );
}

const h = escapeHtml;

/** How many entries of each diff section a cluster's page lists. */
export const DIFF_LIMIT = 200;

const STYLE = `
:root { color-scheme: light; --good: #1a7f37; --bad: #b42318; --warn: #9a6700; --unknown: #57606a; --focus: #0b57d0; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; color: #1f2328; background: #fff; }
header, main { max-width: 1200px; margin: 0 auto; padding: 0 1.25rem; }
h1 { margin: 1.25rem 0 .25rem; font-size: 1.6rem; }
h2 { margin-top: 2rem; border-bottom: 1px solid #d0d7de; padding-bottom: .25rem; }
a { color: #0969da; }
a:focus-visible, [tabindex]:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; border-radius: 2px; }
.skip { position: absolute; left: -10000px; top: .5rem; background: #fff; padding: .5rem .75rem; }
.skip:focus { left: .5rem; }
nav ul { list-style: none; padding: 0; display: flex; gap: 1.25rem; flex-wrap: wrap; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; }
caption { text-align: left; font-weight: 600; padding: .25rem 0; }
th, td { border: 1px solid #d0d7de; padding: .3rem .5rem; text-align: left; vertical-align: top; }
thead th { background: #f6f8fa; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.tone { font-weight: 600; white-space: nowrap; }
.tone::before { content: ""; display: inline-block; width: .6em; height: .6em; border-radius: 50%; margin-right: .35em; background: currentColor; }
.good { color: var(--good); } .bad { color: var(--bad); } .warn { color: var(--warn); } .unknown { color: var(--unknown); }
.sev-high { color: var(--bad); font-weight: 600; } .sev-medium { color: var(--warn); font-weight: 600; }
.sev-low { color: #0550ae; } .sev-info { color: var(--unknown); }
.detail { display: block; color: #57606a; font-size: .85em; }
.cluster { border-top: 3px solid #d0d7de; margin-top: 2.5rem; }
dl.posture { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; }
dl.posture dt { font-weight: 600; }
dl.posture dd { margin: 0; }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: .9em; overflow-wrap: anywhere; }
svg text { font: 12px system-ui, sans-serif; fill: #1f2328; }
table.coverage { table-layout: fixed; }
table.coverage th, table.coverage td { overflow-wrap: anywhere; } table.not-onboarded th, table.not-onboarded td { overflow-wrap: break-word; }
table.coverage col.c-cluster { width: 18%; } table.coverage col.c-by { width: 30%; }
table.coverage col.c-snapshot { width: 20%; } table.coverage col.c-access { width: 32%; }
.legend { display: flex; gap: 1rem; list-style: none; padding: 0; }
.legend li::before { content: ""; display: inline-block; width: 1.2em; height: 3px; vertical-align: middle; margin-right: .35em; background: var(--c); }
`;

const SEVERITY_COLOURS: Record<Severity, string> = {
    high: "#b42318",
    medium: "#9a6700",
    low: "#0550ae",
    info: "#57606a",
};

function toneCell(cell: PostureCell, withDetail: boolean): string {
    return `<span class="tone ${cell.tone}">${h(cell.value)}</span>${withDetail ? `<span class="detail">${h(cell.detail)}</span>` : ""}`;
}

function anchor(i: number): string {
    return `c-${i}`;
}

/**
 * The clusters the stacks onboarded (`--plan`), worst first: never inventoried, access missing,
 * unknown, granted; then the snapshots of clusters no stack onboarded.
 */
function coverageSection(model: FleetModel, anchors: Map<string, string>): string {
    const c = model.coverage;
    if (!c) return "";
    const n = coverageCounts(c);
    const link = (key: string | undefined, text: string) =>
        key && anchors.has(key) ? `<a href="#${anchors.get(key)}">${h(text)}</a>` : h(text);
    const rows = c.onboarded
        .map(
            (r) =>
                `<tr data-state="${r.state}"><th scope="row">${link(r.snapshot?.key, r.label)}<span class="detail">${h(r.scope)}</span></th><td>${h(onboardedByText(r))}</td><td>${toneCell(snapshotCell(r), true)}</td><td>${toneCell(coverageAccessCell(r), true)}</td></tr>`,
        )
        .join("\n");
    const others = c.notOnboarded
        .map(({ snapshot: s, note }) => {
            const view = model.clusters.find((x) => x.key === s.key);
            const access = view ? accessCell(view) : { value: "not judged", tone: "unknown" as const, detail: "" };
            return `<tr><th scope="row">${link(s.key, s.name)}<span class="detail mono">${h(s.key)}</span></th><td>${h(s.identity.source)}</td><td>${h(s.startedAt)}</td><td>${toneCell(access, false)}</td><td>${h(note ?? "no plan given onboards it")}</td></tr>`;
        })
        .join("\n");
    return `<section id="onboarded" aria-labelledby="onboarded-title"><h2 id="onboarded-title">Onboarded clusters and Defender's access</h2>
<p class="coverage-summary">${c.onboarded.length} cluster(s) onboarded by ${c.stacks.map((s) => `<span class="mono">${h(s.stack)}</span>`).join(", ") || "no stack"}: <span class="good">${n.granted} granted</span>, <span class="bad">${n.missing} missing</span>, <span class="unknown">${n.unknown} unknown</span>, <span class="bad">${n["never-inventoried"]} never inventoried</span>; ${c.notOnboarded.length} snapshot(s) of clusters no stack onboarded.</p>
${
    c.onboarded.length
        ? `<table class="coverage"><caption>Clusters the stacks onboard, worst first</caption>
<colgroup><col class="c-cluster"><col class="c-by"><col class="c-snapshot"><col class="c-access"></colgroup>
<thead><tr><th scope="col">Cluster</th><th scope="col">Onboarded by</th><th scope="col">Snapshot</th><th scope="col">Defender access</th></tr></thead>
<tbody>
${rows}
</tbody></table>`
        : `<p>The plans onboard no cluster.</p>`
}
${
    c.notOnboarded.length
        ? `<table class="not-onboarded"><caption>Snapshots of clusters no stack onboarded</caption>
<thead><tr><th scope="col">Cluster</th><th scope="col">Source</th><th scope="col">Latest snapshot</th><th scope="col">Defender access</th><th scope="col">Note</th></tr></thead>
<tbody>
${others}
</tbody></table>`
        : ""
}
</section>`;
}

function fleetTables(model: FleetModel, ids: Map<ClusterView, string>): string {
    if (!model.clusters.length) return `<p>The store holds no readable snapshot.</p>`;
    const byCloud = new Map<ReportCloud, ClusterView[]>();
    for (const c of model.clusters) byCloud.set(c.cloud, [...(byCloud.get(c.cloud) ?? []), c]);
    const out: string[] = [];
    for (const [cloud, list] of byCloud) {
        out.push(`<table class="fleet" data-cloud="${cloud}">
<caption>${h(CLOUD_TITLES[cloud])}: ${list.length} cluster(s)</caption>
<thead><tr><th scope="col">Cluster</th><th scope="col">Latest snapshot</th>${POSTURE_COLUMNS.map((p) => `<th scope="col">${p.title}</th>`).join("")}${SEVERITIES.map((s) => `<th scope="col" class="sev-${s}">${s}</th>`).join("")}</tr></thead>
<tbody>
${list
    .map(
        (c) =>
            `<tr data-key="${h(c.key)}"><th scope="row"><a href="#${ids.get(c)}">${h(c.name)}</a></th><td>${h(c.startedAt)}<span class="detail">${h(c.status)}</span></td>${POSTURE_COLUMNS.map((p) => `<td>${toneCell(p.cell(c), false)}</td>`).join("")}${SEVERITIES.map((s) => `<td class="num">${c.severityCounts[s]}</td>`).join("")}</tr>`,
    )
    .join("\n")}
</tbody></table>`);
    }
    return out.join("\n");
}

/** The open findings per severity at each stored run: one polyline and one point per run and severity. */
export function trendChart(runs: RunPoint[]): string {
    if (!runs.length) return `<p>The store holds no run records yet.</p>`;
    const W = 760;
    const H = 260;
    const pad = { left: 48, right: 16, top: 16, bottom: 40 };
    const max = Math.max(1, ...runs.flatMap((r) => SEVERITIES.map((s) => r.counts[s])));
    const x = (i: number) =>
        pad.left +
        (runs.length === 1 ? (W - pad.left - pad.right) / 2 : (i * (W - pad.left - pad.right)) / (runs.length - 1));
    const y = (n: number) => pad.top + (H - pad.top - pad.bottom) * (1 - n / max);
    const ticks = [0, Math.round(max / 2), max].filter((v, i, a) => a.indexOf(v) === i);
    const parts: string[] = [];
    for (const t of ticks)
        parts.push(
            `<line x1="${pad.left}" x2="${W - pad.right}" y1="${y(t).toFixed(1)}" y2="${y(t).toFixed(1)}" stroke="#d0d7de"/><text x="${pad.left - 6}" y="${(y(t) + 4).toFixed(1)}" text-anchor="end">${t}</text>`,
        );
    parts.push(
        `<text x="${pad.left}" y="${H - 12}">${h(runs[0].startedAt.slice(0, 16))}</text>`,
        runs.length > 1
            ? `<text x="${W - pad.right}" y="${H - 12}" text-anchor="end">${h(runs[runs.length - 1].startedAt.slice(0, 16))}</text>`
            : "",
    );
    for (const s of SEVERITIES) {
        const pts = runs.map((r, i) => `${x(i).toFixed(1)},${y(r.counts[s]).toFixed(1)}`);
        parts.push(
            `<polyline data-severity="${s}" fill="none" stroke="${SEVERITY_COLOURS[s]}" stroke-width="2" points="${pts.join(" ")}"/>`,
        );
        runs.forEach((r, i) =>
            parts.push(
                `<circle class="point" data-severity="${s}" cx="${x(i).toFixed(1)}" cy="${y(r.counts[s]).toFixed(1)}" r="3.5" fill="${SEVERITY_COLOURS[s]}"><title>${h(r.startedAt)}: ${r.counts[s]} ${s}</title></circle>`,
            ),
        );
    }
    const legend = `<ul class="legend">${SEVERITIES.map((s) => `<li style="--c: ${SEVERITY_COLOURS[s]}">${s}</li>`).join("")}</ul>`;
    const table = `<details><summary>The chart's figures</summary><table class="trend"><thead><tr><th scope="col">Run</th><th scope="col">Clusters</th>${SEVERITIES.map((s) => `<th scope="col">${s}</th>`).join("")}</tr></thead><tbody>${runs
        .map(
            (r) =>
                `<tr><td>${h(r.startedAt)}</td><td class="num">${r.clusters}</td>${SEVERITIES.map((s) => `<td class="num">${r.counts[s]}</td>`).join("")}</tr>`,
        )
        .join("")}</tbody></table></details>`;
    return `<svg id="trend-chart" role="img" aria-labelledby="trend-title" viewBox="0 0 ${W} ${H}" width="100%" style="max-width:${W}px"><title id="trend-title">Open findings by severity over ${runs.length} stored run(s)</title>${parts.join("")}</svg>${legend}${table}`;
}

function findingsTable(c: ClusterView): string {
    if (!c.findings.length) return `<p>No open findings.</p>`;
    return `<table class="findings"><caption>Open findings: ${c.findings.length}</caption><thead><tr><th scope="col">Severity</th><th scope="col">Rule</th><th scope="col">Subject</th><th scope="col">Message</th></tr></thead><tbody>${c.findings
        .map(
            (f) =>
                `<tr><td class="sev-${f.severity}">${h(f.severity)}</td><td><code>${h(f.rule)}</code></td><td class="mono">${h(`${f.subject.kind}/${f.subject.namespace ? `${f.subject.namespace}/` : ""}${f.subject.name}`)}</td><td>${h(f.message)}</td></tr>`,
        )
        .join("")}</tbody></table>`;
}

function diffSection(c: ClusterView): string {
    if (!c.diff) return `<p>${h(c.diffNote ?? "The first snapshot of this cluster: nothing to compare with.")}</p>`;
    const d = c.diff.diff;
    const list = <T>(title: string, items: T[], show: (t: T) => string) =>
        items.length
            ? `<h4>${title} (${items.length})</h4><ul class="mono">${items
                  .slice(0, DIFF_LIMIT)
                  .map((i) => `<li>${h(show(i))}</li>`)
                  .join(
                      "",
                  )}${items.length > DIFF_LIMIT ? `<li>... and ${items.length - DIFF_LIMIT} more</li>` : ""}</ul>`
            : "";
    return `<p class="diff-summary">Since ${h(c.diff.since)}: +${d.added.length} added, -${d.removed.length} removed, ~${d.changed.length} changed; findings ${d.opened.length} opened, ${d.closed.length} closed.</p>${list("Findings opened", d.opened, (f) => `[${f.severity}] ${f.rule}: ${f.message}`)}${list("Findings closed", d.closed, (f) => `[${f.severity}] ${f.rule}: ${f.message}`)}${list("Added", d.added, (k) => k)}${list("Removed", d.removed, (k) => k)}${list("Changed", d.changed, (k) => `${k.key} (${k.fields.join(", ")})`)}${d.skippedKinds.length ? `<p>Not compared (a snapshot could not read them): ${h(d.skippedKinds.join(", "))}</p>` : ""}`;
}

function clusterPage(c: ClusterView, id: string): string {
    const access = c.defenderAccess;
    const evidence =
        access?.state === "granted" ? `<ul>${access.evidence.map((e) => `<li>${h(e)}</li>`).join("")}</ul>` : "";
    return `<section class="cluster" id="${id}" aria-labelledby="${id}-title">
<h2 id="${id}-title">${h(c.name)}</h2>
<p><a href="#fleet">Back to the fleet</a> · <span class="mono">${h(c.server)}</span> · ${h(CLOUD_TITLES[c.cloud])} · Kubernetes ${h(c.serverVersion)} · snapshot ${h(c.startedAt)} (${h(c.status)})</p>
<dl class="posture">${POSTURE_COLUMNS.map((p) => `<dt>${p.title}</dt><dd>${toneCell(p.cell(c), true)}</dd>`).join("")}</dl>
${evidence}
<h3>Open findings</h3>
${findingsTable(c)}
${c.unknownFindings.length ? `<p>Neither raised nor cleared (their evidence was not read): ${c.unknownFindings.map((u) => `<code>${h(u.rule)}</code> (${h(u.reason)})`).join(", ")}</p>` : ""}
<h3>Latest diff</h3>
${diffSection(c)}
</section>`;
}

export function renderHtml(model: FleetModel, generatedAt: string): string {
    const ids = new Map(model.clusters.map((c, i) => [c, anchor(i)]));
    const anchors = new Map(model.clusters.map((c, i) => [c.key, anchor(i)]));
    const t = model.totals;
    return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>Fleet report: ${model.clusters.length} cluster(s)</title>
<style>${STYLE}</style>
</head>
<body>
<a class="skip" href="#fleet">Skip to the clusters</a>
<header>
<h1>Fleet report</h1>
<p>${model.clusters.length} cluster(s) from the store <span class="mono">${h(model.store)}</span>, generated ${h(generatedAt)}. Open findings: ${SEVERITIES.map((s) => `<span class="sev-${s}">${t[s]} ${s}</span>`).join(", ")}.</p>
<nav aria-label="Sections"><ul>${model.coverage ? `<li><a href="#onboarded">Onboarded clusters</a></li>` : ""}<li><a href="#fleet">Clusters by cloud</a></li><li><a href="#trend">Findings over the stored runs</a></li><li><a href="#pages">Cluster pages</a></li></ul></nav>
</header>
<main>
${coverageSection(model, anchors)}
<section id="fleet" aria-labelledby="fleet-title"><h2 id="fleet-title">Clusters by cloud</h2>
${fleetTables(model, ids)}
${model.unreadable.length ? `<p>Not shown, their latest snapshot could not be read: ${model.unreadable.map((u) => `<span class="mono">${h(u.key)}</span> (${h(u.reason)})`).join("; ")}</p>` : ""}
</section>
<section id="trend" aria-labelledby="trend-heading"><h2 id="trend-heading">Open findings by severity over the stored runs</h2>
${trendChart(model.runs)}
</section>
<section id="pages" aria-labelledby="pages-title"><h2 id="pages-title">Cluster pages</h2>
<ul>${model.clusters.map((c) => `<li><a href="#${ids.get(c)}">${h(c.name)}</a></li>`).join("")}</ul>
</section>
${model.clusters.map((c) => clusterPage(c, ids.get(c)!)).join("\n")}
</main>
</body>
</html>
`;
}
