import * as fs from "fs";
import { ClientOptions, KubeApiError, KubeClient } from "../lib/kube/client";
import { ClusterAccess } from "../lib/kube/kubeconfig";
import { CarriedState, collectCluster } from "./collectKube";
import { Finding, UnknownFinding } from "./findings";
import { diffIndexes, SnapshotDiff } from "./diff";
import { fileTexts, indexFromFile, SnapshotHeader, SnapshotIndex } from "./snapshotIndex";
import { BufferedFileWriter } from "./jsonWriter";
import { ClusterIdentity } from "./schema";
import {
    clusterDirName,
    LatestFile,
    MAX_SNAPSHOT_BYTES,
    PendingSnapshot,
    Published,
    SnapshotStore,
    stampOf,
} from "./store/types";
import { clusterKey, sameCluster, STORE_RESERVED_NAMES } from "./clusterKey";
import { collectGarbageIfLarge } from "../lib/gc";
import { DefenderIdentities } from "./defenderAccess";
import { redactUrl } from "../lib/kube/redact";
import { systemErrorLine } from "../lib/errors";
import { openRegularFile } from "../lib/regularFile";

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

/** A stored snapshot indexed line by line from its file; `release` closes the file and removes a copy. */
interface Previous {
    location: string;
    header: SnapshotHeader;
    index: SnapshotIndex;
    release(): void;
}

/** Indexes a stored snapshot's file: a file that cannot be read or is not a snapshot throws, naming it. */
function indexLatest(file: LatestFile, readFailed: (e: unknown) => void): Previous | undefined {
    let fd: number;
    try {
        // Regular files only, bounded: a FIFO in its place would block the run, a directory throw a trace.
        fd = openRegularFile(file.path, MAX_SNAPSHOT_BYTES);
    } catch (e) {
        file.release();
        readFailed(e);
        return undefined;
    }
    try {
        if (fs.fstatSync(fd).size === 0) {
            fs.closeSync(fd);
            throw new Error(`${file.location} is empty (0 bytes)`);
        }
        const { header, index } = indexFromFile(fd, file.location);
        return {
            location: file.location,
            header,
            index,
            release: () => {
                index.texts.close();
                file.release();
            },
        };
    } catch (e) {
        file.release();
        throw e;
    }
}

/**
 * Before cluster keys, a cluster was filed under its bare name: that folder's latest snapshot is
 * this cluster's previous one only if its recorded identity is exactly this cluster's.
 */
async function legacyLatest(store: SnapshotStore, identity: ClusterIdentity): Promise<Previous | undefined> {
    if (STORE_RESERVED_NAMES.includes(clusterDirName(identity.name))) return undefined;
    try {
        const file = await store.latestFile(identity.name);
        const old =
            file &&
            indexLatest(file, (e) => {
                throw e;
            });
        if (old && sameCluster(old.header.cluster, identity)) return old;
        old?.release();
        return undefined;
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
    // Held from the carry or the diff until the cluster is done, whichever way it ends: it keeps a file open.
    let previous: Previous | undefined | null = null;
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
        // The previous snapshot is indexed once, line by line from its file (its objects' texts stay
        // there): by the carry (only when a kind or finding is unknown) or after the snapshot is
        // written, before it is published; it is released right after the diff. One that cannot be
        // read or is not a snapshot costs the diff, never the cluster: the new snapshot is still
        // published, and the next run compares against it.
        let previousLocation: string | undefined;
        let diffUnavailable: string | undefined;
        const unreadable = (e: unknown) => (diffUnavailable = `the previous snapshot ${(e as Error).message}`);
        const loadPrevious = async (): Promise<Previous | undefined> => {
            if (previous !== null) return previous;
            previous = undefined;
            let file: LatestFile | undefined;
            try {
                file = await store.latestFile(key);
            } catch (e) {
                unreadable(e);
                return undefined;
            }
            if (file) {
                previousLocation = file.location;
                try {
                    previous = indexLatest(file, (e) => {
                        previousLocation = undefined;
                        unreadable(e);
                    });
                } catch (e) {
                    unreadable(e);
                }
            } else {
                previous = await legacyLatest(store, target.identity);
                previousLocation = previous?.location;
            }
            return previous;
        };
        const carry = async (unreadKinds: string[], unknownIds: string[]): Promise<CarriedState | undefined> => {
            const last = await loadPrevious();
            if (!last) return undefined;
            const prev = last.index;
            const kinds = unreadKinds.filter((k) => !prev.erroredKinds.has(k));
            const objects = [...prev.objects]
                .filter(([key]) => kinds.includes(key.slice(0, key.indexOf("/"))))
                .map(([, o]) => prev.texts.read(o));
            const findings = [...prev.findings.values()].filter(
                (f) => kinds.includes(f.subject.kind) || (unknownIds.includes(f.id) && !prev.unknownFindings.has(f.id)),
            );
            const knownFindingIds = unknownIds.filter((id) => !prev.unknownFindings.has(id));
            return { from: last.location, kinds, objects, findings, knownFindingIds };
        };
        const result = await collectCluster(client, identity, writer, {
            pageSize: opts.pageSize,
            onObjects: opts.onObjects,
            now: opts.now,
            kindDeadlineMs: opts.kindDeadlineMs,
            clusterDeadlineMs: opts.clusterDeadlineMs,
            identities: opts.identities,
            carry,
            texts: fileTexts(pending.tempPath),
        });
        writer.sync();
        const last = await loadPrevious();
        // The diff reads changed objects back from the written file, so it is taken before publishing
        // (which moves or removes that file); it is returned only if the snapshot is published.
        let diff: SnapshotDiff | undefined;
        try {
            diff = last ? diffIndexes(last.index, result.index) : undefined;
        } catch (e) {
            // An object nested deeper than the comparison's recursion can go.
            diffUnavailable = `comparing with the previous snapshot ${previousLocation} failed (${(e as Error).message})`;
        } finally {
            result.index.texts.close();
            last?.release();
            previous = undefined;
        }
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
        return {
            ...base,
            status: result.status,
            snapshot: published.location,
            previous: previousLocation,
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
        (previous as Previous | undefined | null)?.release();
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
            collectGarbageIfLarge();
        }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(opts.concurrency ?? 2, targets.length)) }, worker));
    return results;
}
