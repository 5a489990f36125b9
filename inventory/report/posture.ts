/**
 * One word and one sentence per posture part, the same in the HTML report and the markdown summary
 * (docs/inventory.md explains each value). `tone` says whether the value is good, bad or not known.
 */
import { ClusterView, ReportCloud } from "./model";

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
