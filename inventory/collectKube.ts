import { DeadlineError, DEFAULT_MAX_OBJECT_BYTES, KubeApiError, KubeClient } from "../lib/kube/client";
import { redactUrl } from "../lib/kube/redact";
import { Finding, FindingsBuilder, UnknownFinding } from "./findings";
import { KINDS, listPath } from "./kinds";
import { BufferedFileWriter } from "./jsonWriter";
import { normalise, NormalObject, objectKey } from "./normalise";
import { ClusterIdentity, KindResult, SCHEMA_VERSION, SnapshotDocument } from "./schema";
import { ObjectTexts, objectHash, SnapshotIndex } from "./snapshotIndex";
import { AccessEvidence, DefenderIdentities } from "./defenderAccess";
import { judgeAccess } from "./collectAccess";

/**
 * What the last snapshot knew of the kinds and cluster findings this run could not read: a partial
 * snapshot carries it forward, so the next run compares each kind against the last snapshot in which
 * that kind was read.
 */
export interface CarriedState {
    from: string;
    /** Kinds whose objects (canonical text) are carried. */
    kinds: string[];
    objects: string[];
    findings: Finding[];
    /** Unknown cluster-finding ids the previous snapshot knew the state of (present or not). */
    knownFindingIds: string[];
}

export interface CollectResult {
    index: SnapshotIndex;
    unknownFindings: UnknownFinding[];
    counts: Record<string, number>;
    status: SnapshotDocument["status"];
    findings: number;
    errors: { kind: string; message: string }[];
}

const sameTextAsJson = JSON.stringify;

/** For a caller that gave no way to read the written file back: only an index's hashes are usable. */
const NO_TEXTS: ObjectTexts = {
    read: () => {
        throw new Error(
            "this snapshot index was built without a way to read its objects back (collectCluster's texts)",
        );
    },
    close: () => undefined,
};

/** Overall limits, so a server that pages forever or trickles pages cannot hold a run. */
export const DEFAULT_KIND_DEADLINE_MS = 10 * 60_000;
export const DEFAULT_CLUSTER_DEADLINE_MS = 30 * 60_000;

/**
 * Reads one cluster kind by kind and writes the snapshot document as it goes: each page is
 * normalised and appended, so memory holds one page and the diff index, never the raw lists.
 * API errors on one kind (403, 404, 5xx after retries) are recorded and the next kind is read;
 * transport failures (unreachable, timeout) and 401 end the cluster and are thrown.
 */
export async function collectCluster(
    client: KubeClient,
    identity: ClusterIdentity,
    out: BufferedFileWriter,
    opts: {
        pageSize?: number;
        onObjects?: (n: number) => void;
        now?: () => Date;
        kindDeadlineMs?: number;
        clusterDeadlineMs?: number;
        maxObjectBytes?: number;
        carry?: (unreadKinds: string[], unknownIds: string[]) => Promise<CarriedState | undefined>;
        identities?: DefenderIdentities;
        /** Reads the objects' texts back from the file `out` writes (byte offsets), once it is written. */
        texts?: ObjectTexts;
    } = {},
): Promise<CollectResult> {
    const now = opts.now ?? (() => new Date());
    const clusterMs = opts.clusterDeadlineMs ?? DEFAULT_CLUSTER_DEADLINE_MS;
    const clusterDeadline = Date.now() + clusterMs;
    const startedAt = now().toISOString();
    const version = await client.get<SnapshotDocument["serverVersion"] | null>("/version");
    if (typeof version !== "object" || version === null || Array.isArray(version)) {
        throw new Error(
            `GET /version answered ${JSON.stringify(version)?.slice(0, 80)}, not a version object; is ${identity.server} a Kubernetes API server?`,
        );
    }
    const serverVersion = {
        major: String(version.major ?? ""),
        minor: String(version.minor ?? ""),
        gitVersion: version.gitVersion,
        platform: version.platform,
    };
    out.write(
        `{"schemaVersion":${SCHEMA_VERSION},"tool":"agentless-discovery","cluster":${JSON.stringify({ ...identity, server: redactUrl(identity.server) })},"startedAt":"${startedAt}","serverVersion":${JSON.stringify(serverVersion)},\n"objects":{`,
    );

    const findings = new FindingsBuilder();
    const access = new AccessEvidence();
    const index: SnapshotIndex = {
        objects: new Map(),
        texts: opts.texts ?? NO_TEXTS,
        erroredKinds: new Set(),
        findings: new Map(),
        unknownFindings: new Set(),
    };
    const kinds: Record<string, KindResult> = {};
    const errors: CollectResult["errors"] = [];
    let firstKind = true;
    let constraintTemplatesServed = false;

    for (const spec of KINDS) {
        out.write(`${firstKind ? "" : ","}\n${JSON.stringify(spec.kind)}:[`);
        firstKind = false;
        let count = 0;
        if (Date.now() > clusterDeadline)
            throw new DeadlineError(
                `the cluster was not read within its deadline of ${clusterMs / 1000} s (stopped before ${spec.kind})`,
                "cluster",
            );
        const deadline = Math.min(clusterDeadline, Date.now() + (opts.kindDeadlineMs ?? DEFAULT_KIND_DEADLINE_MS));
        try {
            const oversized: string[] = [];
            // Items are normalised as they stream in: a page's raw objects are never held whole.
            const map = (raw: Record<string, unknown>) => normalise(spec.kind, raw);
            for await (const page of client.listPages<NormalObject>(listPath(spec), {
                limit: opts.pageSize ?? 500,
                deadline,
                map,
                maxObjectBytes: opts.maxObjectBytes,
            })) {
                for (const o of page.items) {
                    const key = objectKey(o);
                    // After a 410 restart the list starts over: objects already written are skipped.
                    if (index.objects.has(key)) continue;
                    const text = sameTextAsJson(o);
                    out.write(count ? ",\n" : "\n");
                    // The index keeps where the text is written, not the text: the diff reads it back if it changed.
                    const at = out.position;
                    out.write(text);
                    index.objects.set(key, { hash: objectHash(text), at, length: out.position - at });
                    findings.add(o);
                    access.add(o);
                    count++;
                }
                for (const x of page.oversized ?? []) oversized.push(`${x.bytes} bytes`);
                opts.onObjects?.(page.items.length);
            }
            if (oversized.length) {
                const message = `${oversized.length} ${spec.kind} object(s) skipped for their size (${oversized.slice(0, 5).join(", ")}${oversized.length > 5 ? ", ..." : ""}; the limit is ${opts.maxObjectBytes ?? DEFAULT_MAX_OBJECT_BYTES} bytes)`;
                kinds[spec.kind] = { count, error: { reason: "ObjectTooLarge", message } };
                index.erroredKinds.add(spec.kind);
                errors.push({ kind: spec.kind, message });
                out.write("\n]");
                continue;
            }
            kinds[spec.kind] = { count };
            if (spec.kind === "ConstraintTemplate") constraintTemplatesServed = true;
        } catch (e) {
            if (e instanceof DeadlineError) {
                if (Date.now() > clusterDeadline)
                    throw new DeadlineError(
                        `the cluster was not read within its deadline of ${clusterMs / 1000} s (stopped in ${spec.kind})`,
                        "cluster",
                    );
                kinds[spec.kind] = { count, error: { reason: "DeadlineExceeded", message: e.message } };
                index.erroredKinds.add(spec.kind);
                errors.push({ kind: spec.kind, message: e.message });
                out.write("\n]");
                continue;
            }
            if (!(e instanceof KubeApiError) || e.status === 401) throw e;
            if (e.status === 404 && spec.optional) {
                kinds[spec.kind] = { count: 0, absent: true };
            } else {
                kinds[spec.kind] = { count, error: { status: e.status, reason: e.reason, message: e.message } };
                index.erroredKinds.add(spec.kind);
                errors.push({ kind: spec.kind, message: e.message });
            }
        }
        out.write("\n]");
    }
    const counts = Object.fromEntries(Object.entries(kinds).map(([k, v]) => [k, v.count]));
    const {
        findings: list,
        posture,
        unknown,
    } = findings.finish(serverVersion, constraintTemplatesServed, index.erroredKinds);
    const defenderAccess = await judgeAccess(
        client,
        identity,
        access,
        index.erroredKinds,
        list,
        unknown,
        opts.identities,
    );
    for (const f of list) index.findings.set(f.id, f);
    for (const u of unknown) index.unknownFindings.add(u.id);
    const status = errors.length ? "partial" : "complete";
    const carried =
        index.erroredKinds.size || unknown.length
            ? await opts.carry?.(
                  [...index.erroredKinds],
                  unknown.map((u) => u.id),
              )
            : undefined;
    // Unknown now and unknown in the last snapshot too: the next run must not judge these either.
    const stillUnknown = unknown.filter((u) => !carried?.knownFindingIds.includes(u.id));
    const carriedHead = carried
        ? `"carried":${JSON.stringify({ from: carried.from, kinds: carried.kinds })},\n"carriedObjects":[${carried.objects.map((t) => "\n" + t).join(",")}\n],\n"carriedFindings":[${carried.findings.map((f) => "\n" + JSON.stringify(f)).join(",")}\n],\n`
        : "";
    out.write(
        `},\n"kinds":${JSON.stringify(kinds)},\n${carriedHead}"unknownFindings":${JSON.stringify(stillUnknown)},\n"counts":${JSON.stringify(counts)},\n"status":"${status}",\n"posture":${JSON.stringify(posture)},\n"defenderAccess":${JSON.stringify(defenderAccess)},\n"findings":[${list.map((f) => "\n" + JSON.stringify(f)).join(",")}\n],\n"finishedAt":"${now().toISOString()}"}\n`,
    );
    out.flush();
    return { index, unknownFindings: unknown, counts, status, findings: list.length, errors };
}
