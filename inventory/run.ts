import { ClientOptions, KubeApiError, KubeClient } from "../lib/kube/client";
import { ClusterAccess } from "../lib/kube/kubeconfig";
import { collectCluster } from "./collectKube";
import { diffIndexes, indexFromText, SnapshotDiff } from "./diff";
import { BufferedFileWriter } from "./jsonWriter";
import { ClusterIdentity } from "./schema";
import { SnapshotStore, stampOf } from "./store/types";
import { collectGarbage } from "../lib/gc";

/** One cluster to snapshot: who it is and how to reach it (resolved lazily, so a plug-in failure is that cluster's failure). */
export interface SnapshotTarget {
    identity: ClusterIdentity;
    access: () => Promise<ClusterAccess>;
}

export interface ClusterRunResult {
    cluster: string;
    source: ClusterIdentity["source"];
    status: "complete" | "partial" | "failed" | "excluded";
    reason?: string;
    snapshot?: string;
    previous?: string;
    counts?: Record<string, number>;
    findings?: number;
    kindErrors?: { kind: string; message: string }[];
    diff?: SnapshotDiff;
    /** What the run record keeps of the diff once it is printed. */
    diffCounts?: { added: number; removed: number; changed: number; findingsOpened: number; findingsClosed: number };
}

export interface RunOptions {
    concurrency?: number;
    client?: ClientOptions;
    pageSize?: number;
    /** Overall deadlines per kind and per cluster (collectKube's defaults when absent). */
    kindDeadlineMs?: number;
    clusterDeadlineMs?: number;
    now?: () => Date;
    onObjects?: (n: number) => void;
    onClusterDone?: (r: ClusterRunResult) => void;
}

function failureReason(e: unknown): string {
    if (e instanceof KubeApiError && e.status === 401) return `unauthorized (401): the credentials were rejected — ${e.message}`;
    return (e as Error).message ?? String(e);
}

/** Snapshots one cluster into the store and diffs it against that cluster's previous snapshot. */
export async function snapshotCluster(target: SnapshotTarget, store: SnapshotStore, opts: RunOptions = {}): Promise<ClusterRunResult> {
    const name = target.identity.name;
    const base: ClusterRunResult = { cluster: name, source: target.identity.source, status: "failed" };
    let client: KubeClient | undefined;
    const pending = await store.begin(name, stampOf((opts.now ?? (() => new Date()))()));
    try {
        const access = await target.access();
        client = new KubeClient(access, opts.client);
        const writer = new BufferedFileWriter(pending.fd);
        const result = await collectCluster(client, target.identity, writer, { pageSize: opts.pageSize, onObjects: opts.onObjects, now: opts.now, kindDeadlineMs: opts.kindDeadlineMs, clusterDeadlineMs: opts.clusterDeadlineMs });
        writer.sync();
        collectGarbage();
        // The previous snapshot is read before the new one is published, then dropped right after the diff.
        const previous = await store.readLatest(name);
        const location = await store.commit(pending);
        let diff: SnapshotDiff | undefined;
        if (previous) {
            try {
                diff = diffIndexes(indexFromText(previous.text, previous.location).index, result.index);
            } catch (e) {
                base.reason = `previous snapshot not compared: ${(e as Error).message}`;
            }
        }
        return { ...base, status: result.status, snapshot: location, previous: previous?.location, counts: result.counts, findings: result.findings, kindErrors: result.errors.length ? result.errors : undefined, diff };
    } catch (e) {
        await store.abort(pending);
        return { ...base, reason: failureReason(e) };
    } finally {
        client?.close();
    }
}

/**
 * Snapshots clusters with bounded concurrency (default 2): memory holds at most that many
 * clusters' diff indexes, whatever the number of clusters.
 */
export async function runSnapshots(targets: SnapshotTarget[], store: SnapshotStore, opts: RunOptions = {}): Promise<ClusterRunResult[]> {
    const results: ClusterRunResult[] = new Array(targets.length);
    let next = 0;
    const worker = async () => {
        while (next < targets.length) {
            const i = next++;
            results[i] = await snapshotCluster(targets[i], store, opts);
            opts.onClusterDone?.(results[i]);
            // Only the printed diff's counts are kept in the run record; the lists go with the cluster.
            collectGarbage();
        }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(opts.concurrency ?? 2, targets.length)) }, worker));
    return results;
}
