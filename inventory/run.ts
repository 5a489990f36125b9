import { ClientOptions, KubeApiError, KubeClient } from "../lib/kube/client";
import { ClusterAccess } from "../lib/kube/kubeconfig";
import { CarriedState, collectCluster } from "./collectKube";
import { Finding, UnknownFinding } from "./findings";
import { diffIndexes, indexFromText, SnapshotDiff, SnapshotIndex } from "./diff";
import { BufferedFileWriter } from "./jsonWriter";
import { ClusterIdentity } from "./schema";
import { clusterDirName, PendingSnapshot, Published, SnapshotStore, stampOf } from "./store/types";
import { clusterKey, sameCluster, STORE_RESERVED_NAMES } from "./clusterKey";
import { collectGarbage } from "../lib/gc";
import { DefenderIdentities } from "./defenderAccess";
import { redactUrl } from "../lib/kube/redact";
import { systemErrorLine } from "../lib/errors";

/** One cluster to snapshot: who it is and how to reach it (resolved lazily, so a plug-in failure is that cluster's failure). */
export interface SnapshotTarget {
    identity: ClusterIdentity;
    access: () => Promise<ClusterAccess>;
}

export interface ClusterRunResult {
    cluster: string;
    /** The store's folder for the cluster; `source`, `server`, `context` and `cloudId` say which cluster it is. */
    key?: string;
    server?: string;
    context?: string;
    cloudId?: string;
    source: ClusterIdentity["source"];
    status: "complete" | "partial" | "failed" | "excluded";
    reason?: string;
    snapshot?: string;
    previous?: string;
    counts?: Record<string, number>;
    findings?: number;
    /** The snapshot's findings (carried ones included), for the summary; dropped once printed, like `diff`. */
    findingList?: Finding[];
    /** What the run record keeps of them: open findings by severity, and how many are accepted. */
    severities?: { high: number; medium: number; low: number; info: number };
    accepted?: number;
    kindErrors?: { kind: string; message: string }[];
    /** Cluster findings neither opened nor closed because their evidence kind was not read. */
    unknownFindings?: UnknownFinding[];
    diff?: SnapshotDiff;
    /** Why there is no diff although an earlier snapshot exists (it cannot be read or compared), naming it. */
    diffUnavailable?: string;
    /** What the store could not do after publishing the snapshot (pointer, retention), and what readers now take. */
    notes?: string[];
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
    /** Names of Defender's discovery identity (inventory/defenderAccess.ts). */
    identities?: DefenderIdentities;
    onObjects?: (n: number) => void;
    onClusterDone?: (r: ClusterRunResult) => void;
}

function failureReason(e: unknown): string {
    if (e instanceof KubeApiError && e.status === 401)
        return `unauthorized (401): the credentials were rejected — ${e.message}`;
    return (e as Error).message ?? String(e);
}

/**
 * Before cluster keys, a cluster was filed under its bare name: that folder's latest snapshot is
 * this cluster's previous one only if its recorded identity is exactly this cluster's.
 */
async function legacyLatest(
    store: SnapshotStore,
    identity: ClusterIdentity,
): Promise<{ location: string; text: string } | undefined> {
    if (STORE_RESERVED_NAMES.includes(clusterDirName(identity.name))) return undefined;
    try {
        const old = await store.readLatest(identity.name);
        return old && sameCluster(indexFromText(old.text, old.location).header.cluster, identity) ? old : undefined;
    } catch {
        return undefined;
    }
}

/** Snapshots one cluster into the store and diffs it against that cluster's previous snapshot. */
export async function snapshotCluster(
    target: SnapshotTarget,
    store: SnapshotStore,
    opts: RunOptions = {},
): Promise<ClusterRunResult> {
    const key = clusterKey(target.identity);
    const identity = { ...target.identity, key };
    const base: ClusterRunResult = {
        cluster: identity.name,
        key,
        source: identity.source,
        // A server URL's user information never reaches the run record.
        server: redactUrl(identity.server),
        ...(identity.context ? { context: identity.context } : {}),
        ...(typeof identity.cloud?.id === "string" ? { cloudId: identity.cloud.id } : {}),
        status: "failed",
    };
    let client: KubeClient | undefined;
    let pending: PendingSnapshot;
    try {
        pending = await store.begin(key, stampOf((opts.now ?? (() => new Date()))()));
    } catch (e) {
        // A cluster folder the store cannot write (a file in its place, an immutable folder) fails this cluster only.
        const code = (e as NodeJS.ErrnoException).code;
        return {
            ...base,
            reason: `the snapshot store cannot hold this cluster's snapshot in ${store.location} (${code ?? (e as Error).message})`,
        };
    }
    try {
        const access = await target.access();
        client = new KubeClient(access, opts.client);
        const writer = new BufferedFileWriter(pending.fd);
        // The previous snapshot is read once: by the carry (only when a kind or finding is unknown) or
        // after the snapshot is written, before it is published; it is dropped right after the diff.
        // One that cannot be read or is not a snapshot costs the diff, never the cluster: the new
        // snapshot is still published, and the next run compares against it.
        let previous: { location: string; text: string } | undefined | null = null;
        let previousIndex: SnapshotIndex | undefined;
        let diffUnavailable: string | undefined;
        const loadPrevious = async () => {
            if (previous !== null) return previousIndex;
            try {
                previous = (await store.readLatest(key)) ?? (await legacyLatest(store, target.identity));
            } catch (e) {
                previous = undefined;
                diffUnavailable = `the previous snapshot ${(e as Error).message}`;
            }
            if (previous) {
                try {
                    if (previous.text === "") throw new Error(`${previous.location} is empty (0 bytes)`);
                    previousIndex = indexFromText(previous.text, previous.location).index;
                } catch (e) {
                    diffUnavailable = `the previous snapshot ${(e as Error).message}`;
                }
            }
            return previousIndex;
        };
        const carry = async (unreadKinds: string[], unknownIds: string[]): Promise<CarriedState | undefined> => {
            const prev = await loadPrevious();
            if (!prev || !previous) return undefined;
            const kinds = unreadKinds.filter((k) => !prev.erroredKinds.has(k));
            const objects = [...prev.objects]
                .filter(([key]) => kinds.includes(key.slice(0, key.indexOf("/"))))
                .map(([, text]) => text);
            const findings = [...prev.findings.values()].filter(
                (f) => kinds.includes(f.subject.kind) || (unknownIds.includes(f.id) && !prev.unknownFindings.has(f.id)),
            );
            const knownFindingIds = unknownIds.filter((id) => !prev.unknownFindings.has(id));
            return { from: previous.location, kinds, objects, findings, knownFindingIds };
        };
        const result = await collectCluster(client, identity, writer, {
            pageSize: opts.pageSize,
            onObjects: opts.onObjects,
            now: opts.now,
            kindDeadlineMs: opts.kindDeadlineMs,
            clusterDeadlineMs: opts.clusterDeadlineMs,
            identities: opts.identities,
            carry,
        });
        writer.sync();
        collectGarbage();
        await loadPrevious();
        let published: Published;
        try {
            published = await store.commit(pending);
        } catch (e) {
            await store.abort(pending);
            const why = systemErrorLine(e) ?? (e as Error).message;
            return {
                ...base,
                reason: `the snapshot was read but not published in ${store.location} (${why}); the store is as it was before this run`,
            };
        }
        const prevLocation = (previous as { location: string } | undefined | null)?.location;
        let diff: SnapshotDiff | undefined;
        try {
            diff = previousIndex ? diffIndexes(previousIndex, result.index) : undefined;
        } catch (e) {
            // An object nested deeper than the comparison's recursion can go.
            diffUnavailable = `comparing with the previous snapshot ${prevLocation} failed (${(e as Error).message})`;
        }
        previous = undefined;
        previousIndex = undefined;
        return {
            ...base,
            status: result.status,
            snapshot: published.location,
            previous: prevLocation,
            counts: result.counts,
            findings: result.findings,
            findingList: [...result.index.findings.values()],
            unknownFindings: result.unknownFindings.length ? result.unknownFindings : undefined,
            kindErrors: result.errors.length ? result.errors : undefined,
            diff,
            ...(diffUnavailable
                ? { diffUnavailable: `${diffUnavailable}; the next run compares against this one` }
                : {}),
            ...(published.notes.length ? { notes: published.notes } : {}),
        };
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
export async function runSnapshots(
    targets: SnapshotTarget[],
    store: SnapshotStore,
    opts: RunOptions = {},
): Promise<ClusterRunResult[]> {
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
