/**
 * One word and one sentence per posture part, the same in the HTML report and the markdown summary
 * (docs/inventory.md explains each value). `tone` says whether the value is good, bad or not known.
 */
import { ClusterView, ReportCloud } from "./model";
import { ageText, Coverage, coverageDetail, CoverageRow, CoverageState } from "../fleet/coverage";

export type Tone = "good" | "bad" | "warn" | "unknown";

export interface PostureCell {
    value: string;
    tone: Tone;
    detail: string;
}

export const CLOUD_TITLES: Record<ReportCloud, string> = {
    aws: "AWS (EKS)",
    azure: "Azure (AKS)",
    gcp: "Google Cloud (GKE)",
    unknown: "Cloud not known",
};

export function sensorCell(c: ClusterView): PostureCell {
    const s = c.posture.sensor;
    const tone: Tone =
        s.state === "healthy" ? "good" : s.state === "degraded" ? "warn" : s.state === "absent" ? "bad" : "unknown";
    const problems = s.workloads.flatMap((w) => w.problems);
    return {
        value: s.state,
        tone,
        detail:
            s.state === "unknown"
                ? (s.reason ?? "not read")
                : s.state === "absent"
                  ? "no microsoft-defender-* workloads in kube-system or mdc"
                  : problems.length
                    ? problems.join("; ")
                    : `${s.workloads.length} workload(s) ready`,
    };
}

export function gatekeeperCell(c: ClusterView): PostureCell {
    const g = c.posture.gatekeeper;
    if (g.present === "unknown") return { value: "unknown", tone: "unknown", detail: g.reason ?? "not read" };
    if (!g.present) return { value: "absent", tone: "warn", detail: "no ConstraintTemplate API" };
    return {
        value: "present",
        tone: "good",
        detail:
            g.constraintTemplates === null ? "templates not read" : `${g.constraintTemplates} ConstraintTemplate(s)`,
    };
}

export function isolationCell(c: ClusterView): PostureCell {
    const i = c.posture.isolation;
    if (i.supported === "unknown") return { value: "unknown", tone: "unknown", detail: i.reason };
    return i.supported
        ? { value: "supported", tone: "good", detail: i.reason }
        : { value: "unsupported", tone: "warn", detail: i.reason };
}

export function accessCell(c: ClusterView): PostureCell {
    const a = c.defenderAccess;
    if (!a) return { value: "not judged", tone: "unknown", detail: "the snapshot predates the access verdict" };
    if (a.state === "granted") return { value: "granted", tone: "good", detail: a.evidence.join("; ") };
    if (a.state === "missing") return { value: "missing", tone: "bad", detail: `${a.reason}; ${a.remedy}` };
    return { value: "unknown", tone: "unknown", detail: a.reason };
}

export const POSTURE_COLUMNS: { title: string; cell: (c: ClusterView) => PostureCell }[] = [
    { title: "Sensor", cell: sensorCell },
    { title: "Gatekeeper", cell: gatekeeperCell },
    { title: "Isolation", cell: isolationCell },
    { title: "Defender access", cell: accessCell },
];

/** A snapshot older than this is shown as stale in the fleet view (the scheduled run is daily). */
export const STALE_AFTER_HOURS = 7 * 24;

/** Whether an onboarded cluster has a snapshot, and how old and how matched. */
export function snapshotCell(row: CoverageRow): PostureCell {
    const s = row.snapshot;
    if (!s)
        return {
            value: "never inventoried",
            tone: "bad",
            detail: "no snapshot of it in the store: snapshot its account, subscription or project",
        };
    const also = row.alsoMatched.length ? `; ${row.alsoMatched.length} older snapshot folder(s) of it too` : "";
    const stale = !(s.ageHours <= STALE_AFTER_HOURS);
    return {
        value: stale ? "stale" : "present",
        tone: stale ? "warn" : "good",
        detail: `${s.startedAt} (${ageText(s.ageHours)} old), matched by ${s.how}${also}`,
    };
}

/** Defender's access to an onboarded cluster: its snapshot's verdict, or not known without one. */
export function coverageAccessCell(row: CoverageRow): PostureCell {
    const detail = coverageDetail(row);
    if (row.state === "never-inventoried") return { value: "never checked", tone: "bad", detail };
    if (row.state === "granted") return { value: "granted", tone: "good", detail };
    if (row.state === "missing") return { value: "missing", tone: "bad", detail };
    return { value: "unknown", tone: "unknown", detail };
}

/** `stack-a: access entry (adopted), ...; stack-b: ...` */
export function onboardedByText(row: CoverageRow): string {
    return row.stacks.map((s) => `${s.stack}: ${s.via.join(", ")}`).join("; ");
}

/** `3 granted, 1 missing, 0 unknown, 2 never inventoried`, the fleet view's one line. */
export function coverageCounts(c: Coverage): Record<CoverageState, number> {
    const out: Record<CoverageState, number> = { granted: 0, missing: 0, unknown: 0, "never-inventoried": 0 };
    for (const r of c.onboarded) out[r.state]++;
    return out;
}
