/**
 * The fleet view's first question: of the clusters the stacks onboarded, which has a snapshot that
 * proves Defender's access? Each onboarded cluster (merged across stacks) is paired with the
 * snapshots whose recorded identity is the same cluster (inventory/fleet/clusterRef.ts), the newest
 * shown; one without a snapshot is `never-inventoried`, which is no verdict and never reads as fine;
 * a snapshot no stack onboarded is listed apart.
 */
import { DefenderAccess } from "../defenderAccess";
import { finding, Finding } from "../findings";
import { ClusterIdentity } from "../schema";
import { ClusterRef, MatchHow, refKey, refLabel, refScope, sameCluster, snapshotRef } from "./clusterRef";
import { StackPlan } from "./planClusters";

/** A cluster's latest snapshot, as the report and the findings listing read it. */
export interface SnapshotSide {
    key: string;
    name: string;
    identity: ClusterIdentity;
    startedAt: string;
    /** Absent in snapshots older than the access verdict. */
    access?: DefenderAccess;
}

export type CoverageState = "granted" | "missing" | "unknown" | "never-inventoried";

export interface CoverageRow {
    ref: ClusterRef;
    label: string;
    scope: string;
    stacks: { stack: string; via: string[] }[];
    state: CoverageState;
    snapshot?: SnapshotSide & { how: MatchHow; ageHours: number };
    /** Other snapshots of the same cluster (store keys), older than the one shown. */
    alsoMatched: string[];
}

export interface NotOnboarded {
    snapshot: SnapshotSide;
    /** Why no onboarded cluster was matched, when the reason is not simply that none is it. */
    note?: string;
}

export interface Coverage {
    stacks: { stack: string; source: string; clusters: number }[];
    onboarded: CoverageRow[];
    notOnboarded: NotOnboarded[];
}

const STATE_ORDER: CoverageState[] = ["never-inventoried", "missing", "unknown", "granted"];

function byText(a: string, b: string): number {
    return a < b ? -1 : a > b ? 1 : 0;
}

export function fleetCoverage(plans: StackPlan[], snapshots: SnapshotSide[], now: Date): Coverage {
    const entries = new Map<string, { ref: ClusterRef; stacks: { stack: string; via: string[] }[] }>();
    for (const p of plans)
        for (const c of p.clusters) {
            const key = refKey(c.ref);
            const e = entries.get(key) ?? { ref: c.ref, stacks: [] };
            e.stacks.push({ stack: p.stack, via: c.via });
            entries.set(key, e);
        }
    const list = [...entries.values()];
    const matches = new Map<(typeof list)[number], { snap: SnapshotSide; how: MatchHow }[]>();
    const notOnboarded: NotOnboarded[] = [];
    for (const snap of snapshots) {
        const sr = snapshotRef(snap.identity);
        let found: { entry: (typeof list)[number]; how: MatchHow }[] = [];
        let note: string | undefined;
        if (sr && "ref" in sr) {
            for (const entry of list) {
                const how = sameCluster(entry.ref, sr.ref, sr.how);
                if (how) found.push({ entry, how });
            }
        } else if (sr) {
            // A context named by the cluster's name alone: an AKS or Arc cluster, if exactly one has that name.
            const named = list.filter(
                (e) => e.ref.cloud === "azure" && e.ref.name.toLowerCase() === sr.contextName.toLowerCase(),
            );
            if (named.length === 1) found = [{ entry: named[0], how: "kubeconfig context = cluster name only" }];
            else if (named.length > 1)
                note = `its kubeconfig context names ${named.length} onboarded clusters (${named.map((e) => refLabel(e.ref)).join(", ")}): snapshot it with --cloud azure to tell them apart`;
        }
        if (!found.length) notOnboarded.push(note ? { snapshot: snap, note } : { snapshot: snap });
        for (const f of found) matches.set(f.entry, [...(matches.get(f.entry) ?? []), { snap, how: f.how }]);
    }
    const onboarded = list.map((e): CoverageRow => {
        const m = [...(matches.get(e) ?? [])].sort(
            (a, b) => byText(b.snap.startedAt, a.snap.startedAt) || byText(a.snap.key, b.snap.key),
        );
        const row: CoverageRow = {
            ref: e.ref,
            label: refLabel(e.ref),
            scope: refScope(e.ref),
            stacks: e.stacks,
            state: "never-inventoried",
            alsoMatched: m.slice(1).map((x) => x.snap.key),
        };
        if (m.length) {
            const { snap, how } = m[0];
            const started = Date.parse(snap.startedAt);
            row.snapshot = {
                ...snap,
                how,
                ageHours: Number.isNaN(started) ? NaN : Math.max(0, (now.getTime() - started) / 3_600_000),
            };
            row.state = snap.access?.state ?? "unknown";
        }
        return row;
    });
    onboarded.sort(
        (a, b) =>
            STATE_ORDER.indexOf(a.state) - STATE_ORDER.indexOf(b.state) ||
            byText(a.ref.cloud, b.ref.cloud) ||
            byText(a.label, b.label) ||
            byText(a.scope, b.scope),
    );
    notOnboarded.sort((a, b) => byText(a.snapshot.name, b.snapshot.name) || byText(a.snapshot.key, b.snapshot.key));
    return {
        stacks: plans.map((p) => ({ stack: p.stack, source: p.source, clusters: p.clusters.length })),
        onboarded,
        notOnboarded,
    };
}

/** `5 h`, `3 d`: how old a snapshot is. */
export function ageText(hours: number): string {
    if (Number.isNaN(hours)) return "age not known";
    if (hours < 1) return "less than 1 h";
    if (hours < 48) return `${Math.floor(hours)} h`;
    return `${Math.floor(hours / 24)} d`;
}

/** What a person should read for a coverage row's access: the verdict with its evidence or reason. */
export function coverageDetail(row: CoverageRow): string {
    if (!row.snapshot) return "not known without a snapshot";
    const a = row.snapshot.access;
    if (!a) return "the snapshot predates the access verdict";
    if (a.state === "granted") return a.evidence.join("; ");
    if (a.state === "missing") return `${a.reason}; ${a.remedy}`;
    return a.reason;
}

/**
 * The high finding of an onboarded cluster that no snapshot covers, for the findings listing and
 * `--fail-on`: such a cluster must not pass as one without findings. Its subject is the cluster's, as
 * for every cluster finding; the listing names the cluster by its label.
 */
export function neverInventoriedFinding(row: CoverageRow): Finding {
    const by = row.stacks.map((s) => `stack ${s.stack} (${s.via.join(", ")})`).join(" and ");
    return finding(
        "onboarded-not-inventoried",
        { kind: "Cluster", name: "cluster" },
        `onboarded by ${by} in ${row.scope}, but the store holds no snapshot of it: it has never been inventoried and Defender's access to it is not known`,
    );
}
