import { Finding, Posture, UnknownFinding } from "./findings";
import { NormalObject } from "./normalise";
import { DefenderAccess } from "./defenderAccess";

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
    /** Whether Defender's discovery identity can read the cluster (inventory/defenderAccess.ts); absent in older snapshots. */
    defenderAccess?: DefenderAccess;
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
    const problem = headerProblem(doc) ?? bodyProblem(doc);
    if (problem) throw new SnapshotFormatError(`${where} is not a snapshot this tool wrote: ${problem}`);
    return doc as SnapshotDocument;
}

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** What is wrong with a snapshot's header (the parts the diff prints), or undefined. */
export function headerProblem(doc: { cluster?: unknown; startedAt?: unknown }): string | undefined {
    if (!isMap(doc.cluster) || typeof doc.cluster.name !== "string")
        return `"cluster" must be an object with a "name" string`;
    if (typeof doc.startedAt !== "string") return `"startedAt" must be a string`;
    return undefined;
}

/** What is wrong with one object of `objects.<kind>`, or undefined. */
export function objectProblem(o: unknown, where: string): string | undefined {
    if (!isMap(o) || typeof o.kind !== "string" || typeof o.name !== "string")
        return `${where} must be an object with "kind" and "name" strings`;
    return undefined;
}

/** What is wrong with one finding, or undefined. */
export function findingProblem(f: unknown, where: string): string | undefined {
    if (!isMap(f) || typeof f.id !== "string" || !isMap(f.subject) || typeof f.subject.kind !== "string")
        return `${where} must be an object with an "id" string and a "subject" with a "kind"`;
    return undefined;
}

/** What is wrong with a kinds table, or undefined. */
export function kindsProblem(kinds: unknown): string | undefined {
    if (!isMap(kinds)) return `"kinds" must be an object`;
    for (const [k, v] of Object.entries(kinds)) if (!isMap(v)) return `"kinds.${k}" must be an object`;
    return undefined;
}

function bodyProblem(doc: Partial<SnapshotDocument>): string | undefined {
    if (!isMap(doc.objects)) return `"objects" must be an object of lists`;
    for (const [kind, list] of Object.entries(doc.objects)) {
        if (!Array.isArray(list)) return `"objects.${kind}" must be a list`;
        for (let i = 0; i < list.length; i++) {
            const p = objectProblem(list[i], `"objects.${kind}[${i}]"`);
            if (p) return p;
        }
    }
    const k = kindsProblem(doc.kinds);
    if (k) return k;
    for (const [name, list] of [
        ["findings", doc.findings],
        ["carriedFindings", doc.carriedFindings ?? []],
    ] as const) {
        if (!Array.isArray(list)) return `"${name}" must be a list`;
        for (let i = 0; i < list.length; i++) {
            const p = findingProblem(list[i], `"${name}[${i}]"`);
            if (p) return p;
        }
    }
    if (doc.carriedObjects !== undefined) {
        if (!Array.isArray(doc.carriedObjects)) return `"carriedObjects" must be a list`;
        for (let i = 0; i < doc.carriedObjects.length; i++) {
            const p = objectProblem(doc.carriedObjects[i], `"carriedObjects[${i}]"`);
            if (p) return p;
        }
    }
    if (doc.carried !== undefined && (!isMap(doc.carried) || !Array.isArray(doc.carried.kinds)))
        return `"carried" must be an object with a "kinds" list`;
    if (doc.unknownFindings !== undefined && !Array.isArray(doc.unknownFindings))
        return `"unknownFindings" must be a list`;
    return undefined;
}
