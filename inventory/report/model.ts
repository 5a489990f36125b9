/**
 * What the fleet report shows, read from a local snapshot store: each cluster's latest snapshot
 * (posture, Defender's access, open findings) with its difference from the one before, and the open
 * findings by severity over the stored run records. Built once; the HTML and markdown renderers
 * only format it.
 */
import * as fs from "fs";
import * as path from "path";
import { readRegularFile } from "../../lib/regularFile";
import { STORE_RESERVED_NAMES } from "../clusterKey";
import { DefenderAccess } from "../defenderAccess";
import { diffIndexes, SnapshotDiff } from "../diff";
import { indexFromText, indexOf } from "../snapshotIndex";
import { countBySeverity, Finding, Posture, SEVERITIES, Severity, UnknownFinding } from "../findings";
import { parseSnapshot, SnapshotDocument } from "../schema";
import { byStampedName, LATEST_POINTER, SNAPSHOT_FILE } from "../store/types";
import { Coverage, fleetCoverage } from "../fleet/coverage";
import { StackPlan } from "../fleet/planClusters";

/** V8's longest string is about 512 MiB: a larger snapshot could not be read as text anyway. */
const MAX_SNAPSHOT_BYTES = 512 << 20;
const MAX_RUN_RECORD_BYTES = 64 << 20;

export type ReportCloud = "aws" | "azure" | "gcp" | "unknown";

export interface ClusterView {
    /** The store folder: unique, and the anchor the report links to. */
    key: string;
    name: string;
    source: SnapshotDocument["cluster"]["source"];
    cloud: ReportCloud;
    server: string;
    startedAt: string;
    status: SnapshotDocument["status"];
    serverVersion: string;
    posture: Posture;
    defenderAccess: DefenderAccess | undefined;
    findings: Finding[];
    unknownFindings: UnknownFinding[];
    severityCounts: Record<Severity, number>;
    /** The difference from the snapshot before the latest, with that snapshot's start. */
    diff?: { since: string; diff: SnapshotDiff };
    /** Why the previous snapshot was not compared. */
    diffNote?: string;
    /** The identity the snapshot recorded: what the fleet view matches onboarded clusters by. */
    identity: SnapshotDocument["cluster"];
}

export interface UnreadableCluster {
    key: string;
    reason: string;
}

export interface RunPoint {
    startedAt: string;
    clusters: number;
    counts: Record<Severity, number>;
}

export interface FleetModel {
    store: string;
    clusters: ClusterView[];
    unreadable: UnreadableCluster[];
    /** Oldest first. */
    runs: RunPoint[];
    totals: Record<Severity, number>;
    /** With `--plan`: the clusters the stacks onboarded against the snapshots (inventory/fleet/coverage.ts). */
    coverage?: Coverage;
}

function readText(file: string, max: number): string {
    return readRegularFile(file, max);
}

/** A cluster folder's snapshot file names, oldest first, and the latest one (the pointer, or the newest). */
function snapshotsOf(dir: string): { names: string[]; latest: string | undefined } {
    const names = fs
        .readdirSync(dir)
        .filter((f) => SNAPSHOT_FILE.test(f))
        .sort(byStampedName);
    let latest: string | undefined;
    try {
        latest = fs.readFileSync(path.join(dir, LATEST_POINTER), "utf8").trim();
    } catch {
        latest = undefined;
    }
    if (!latest || !names.includes(latest)) latest = names[names.length - 1];
    return { names, latest };
}

function cloudOf(doc: SnapshotDocument): ReportCloud {
    if (doc.cluster.source !== "kubeconfig") return doc.cluster.source;
    return doc.defenderAccess?.cloud ?? "unknown";
}

function clusterView(key: string, dir: string): ClusterView | UnreadableCluster | undefined {
    const { names, latest } = snapshotsOf(dir);
    if (!latest) return undefined;
    let doc: SnapshotDocument;
    try {
        doc = parseSnapshot(readText(path.join(dir, latest), MAX_SNAPSHOT_BYTES), path.join(dir, latest));
    } catch (e) {
        return { key, reason: (e as Error).message };
    }
    const index = indexOf(doc);
    const findings = [...index.findings.values()].sort(
        (a, b) => SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity) || (a.id < b.id ? -1 : 1),
    );
    const view: ClusterView = {
        key,
        name: doc.cluster.name,
        source: doc.cluster.source,
        cloud: cloudOf(doc),
        server: doc.cluster.server,
        startedAt: doc.startedAt,
        status: doc.status,
        serverVersion: doc.serverVersion.gitVersion ?? `${doc.serverVersion.major}.${doc.serverVersion.minor}`,
        posture: doc.posture,
        defenderAccess: doc.defenderAccess,
        findings,
        unknownFindings: doc.unknownFindings ?? [],
        severityCounts: countBySeverity(findings),
        identity: doc.cluster,
    };
    const before = names[names.indexOf(latest) - 1];
    if (before) {
        try {
            const prev = indexFromText(readText(path.join(dir, before), MAX_SNAPSHOT_BYTES), path.join(dir, before));
            view.diff = { since: prev.header.startedAt, diff: diffIndexes(prev.index, index) };
        } catch (e) {
            view.diffNote = `the previous snapshot ${before} was not compared: ${(e as Error).message}`;
        }
    }
    return view;
}

interface RunRecordCluster {
    key?: unknown;
    snapshot?: unknown;
    status?: unknown;
    /** Open findings by severity, accepted ones left out (cli/snapshot.ts). */
    severities?: unknown;
}

function severityCountsOf(c: RunRecordCluster): Record<Severity, number> | undefined {
    const s = c.severities;
    if (!s || typeof s !== "object") return undefined;
    const out = countBySeverity([]);
    for (const sev of SEVERITIES) {
        const n = (s as Record<string, unknown>)[sev];
        if (typeof n !== "number" || !Number.isSafeInteger(n) || n < 0) return undefined;
        out[sev] = n;
    }
    return out;
}

/**
 * One point per stored run record: the open findings of the clusters it snapshotted, by severity.
 * A record written before severity counts were kept is counted from the snapshot it names, while
 * that snapshot is still in the store; a cluster whose counts are in neither is left out of the point.
 */
function runPoints(store: string): RunPoint[] {
    const dir = path.join(store, "runs");
    if (!fs.existsSync(dir)) return [];
    const points: RunPoint[] = [];
    for (const name of fs
        .readdirSync(dir)
        .filter((f) => SNAPSHOT_FILE.test(f))
        .sort(byStampedName)) {
        let record: { startedAt?: unknown; clusters?: unknown };
        try {
            record = JSON.parse(readText(path.join(dir, name), MAX_RUN_RECORD_BYTES));
        } catch {
            continue;
        }
        if (typeof record?.startedAt !== "string" || !Array.isArray(record.clusters)) continue;
        const counts = countBySeverity([]);
        let clusters = 0;
        for (const c of record.clusters as RunRecordCluster[]) {
            if (c?.status !== "complete" && c?.status !== "partial") continue;
            let s = severityCountsOf(c);
            if (
                !s &&
                typeof c.snapshot === "string" &&
                path.resolve(c.snapshot).startsWith(path.resolve(store) + path.sep)
            ) {
                try {
                    s = countBySeverity(parseSnapshot(readText(c.snapshot, MAX_SNAPSHOT_BYTES), c.snapshot).findings);
                } catch {
                    s = undefined;
                }
            }
            if (!s) continue;
            clusters++;
            for (const sev of SEVERITIES) counts[sev] += s[sev];
        }
        points.push({ startedAt: record.startedAt, clusters, counts });
    }
    return points;
}

const CLOUD_ORDER: ReportCloud[] = ["aws", "azure", "gcp", "unknown"];

/** The cluster folders of a local store, by name. */
export function clusterDirs(store: string): string[] {
    return fs
        .readdirSync(store, { withFileTypes: true })
        .filter((e) => e.isDirectory() && !e.name.startsWith(".") && !STORE_RESERVED_NAMES.includes(e.name))
        .map((e) => e.name)
        .sort();
}

/** The open findings of every cluster's latest snapshot, one cluster at a time (what a findings listing reads). */
export function* latestFindings(store: string): Generator<{ cluster: string; findings: Finding[] }> {
    for (const key of clusterDirs(store)) {
        const dir = path.join(store, key);
        const { latest } = snapshotsOf(dir);
        if (!latest) continue;
        const { header, index } = indexFromText(
            readText(path.join(dir, latest), MAX_SNAPSHOT_BYTES),
            path.join(dir, latest),
        );
        yield { cluster: header.cluster.name, findings: [...index.findings.values()] };
    }
}

/** Reads the store at `store` (a local directory) into the report's model. */
export function buildFleetModel(store: string): FleetModel {
    const clusters: ClusterView[] = [];
    const unreadable: UnreadableCluster[] = [];
    for (const key of clusterDirs(store)) {
        const v = clusterView(key, path.join(store, key));
        if (!v) continue;
        if ("reason" in v) unreadable.push(v);
        else clusters.push(v);
    }
    clusters.sort(
        (a, b) =>
            CLOUD_ORDER.indexOf(a.cloud) - CLOUD_ORDER.indexOf(b.cloud) ||
            a.name.localeCompare(b.name) ||
            (a.key < b.key ? -1 : 1),
    );
    const totals = countBySeverity(clusters.flatMap((c) => c.findings));
    return { store, clusters, unreadable, runs: runPoints(store), totals };
}

/** The model with the stacks' onboarded clusters matched against its snapshots. */
export function withCoverage(model: FleetModel, plans: StackPlan[], now: Date): FleetModel {
    const sides = model.clusters.map((c) => ({
        key: c.key,
        name: c.name,
        identity: c.identity,
        startedAt: c.startedAt,
        ...(c.defenderAccess ? { access: c.defenderAccess } : {}),
    }));
    return { ...model, coverage: fleetCoverage(plans, sides, now) };
}
