import { Finding, Posture, UnknownFinding } from "./findings";
import { NormalObject } from "./normalise";

/** Version of the snapshot document. A change that breaks readers increments it (README, "Snapshot document"). */
export const SCHEMA_VERSION = 1;

export interface ClusterIdentity {
    /** The kubeconfig context or the discovered cluster's name (the store files it under `key`). */
    name: string;
    /** The store's folder for the cluster (inventory/clusterKey.ts); set by the run. */
    key?: string;
    server: string;
    source: "kubeconfig" | "aws" | "azure" | "gcp";
    context?: string;
    /** What cloud discovery said about the cluster, when it came from discovery. */
    cloud?: Record<string, unknown>;
}

export interface KindResult {
    count: number;
    /** The kind is an optional API (a CRD) that the cluster does not serve. */
    absent?: true;
    /** Reading the kind failed; its objects are missing from this snapshot and the diff skips it. */
    error?: { status?: number; reason: string; message: string };
}

/** One cluster, one run (schema version 1). `objects` holds normalised objects per kind. */
export interface SnapshotDocument {
    schemaVersion: typeof SCHEMA_VERSION;
    tool: "agentless-discovery";
    cluster: ClusterIdentity;
    startedAt: string;
    serverVersion: { major: string; minor: string; gitVersion?: string; platform?: string };
    objects: Record<string, NormalObject[]>;
    kinds: Record<string, KindResult>;
    counts: Record<string, number>;
    /**
     * For a partial snapshot: the kinds whose objects (`carriedObjects`) and findings
     * (`carriedFindings`) are copied from the last snapshot that read them (`from`), not read now.
     */
    carried?: { from: string; kinds: string[] };
    carriedObjects?: NormalObject[];
    carriedFindings?: Finding[];
    /** Cluster findings neither raised nor cleared: their evidence kind was not read here nor before. */
    unknownFindings?: UnknownFinding[];
    status: "complete" | "partial";
    posture: Posture;
    findings: Finding[];
    finishedAt: string;
}

export class SnapshotFormatError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "SnapshotFormatError";
    }
}

export function parseSnapshot(text: string, where: string): SnapshotDocument {
    let doc: Partial<SnapshotDocument>;
    try {
        doc = JSON.parse(text);
    } catch (e) {
        throw new SnapshotFormatError(`${where} is not JSON (${(e as Error).message}); is it a complete snapshot?`);
    }
    if (!doc || typeof doc !== "object" || doc.tool !== "agentless-discovery")
        throw new SnapshotFormatError(`${where} is not an agentless-discovery snapshot`);
    if (doc.schemaVersion !== SCHEMA_VERSION)
        throw new SnapshotFormatError(
            `${where} has schemaVersion ${JSON.stringify(doc.schemaVersion)}; this version reads ${SCHEMA_VERSION}`,
        );
    if (!doc.objects || !doc.kinds || !Array.isArray(doc.findings))
        throw new SnapshotFormatError(`${where} lacks objects, kinds or findings`);
    return doc as SnapshotDocument;
}
