import { escapeControl } from "../lib/escape";
import { Finding } from "./findings";
import { objectKey } from "./normalise";
import {
    findingProblem,
    headerProblem,
    kindsProblem,
    objectProblem,
    parseSnapshot,
    SCHEMA_VERSION,
    SnapshotDocument,
    SnapshotFormatError,
} from "./schema";

/**
 * What a diff needs from a snapshot: each object's canonical text by key, the kinds that failed
 * (their objects are unknown, not gone) and the findings by id. Built while a snapshot streams, or
 * from a parsed document.
 */
export interface SnapshotIndex {
    objects: Map<string, string>;
    erroredKinds: Set<string>;
    findings: Map<string, Finding>;
    /** Cluster-finding ids whose evidence was not read: neither opened nor closed. */
    unknownFindings: Set<string>;
}

/** A container whose image differs: `from` absent for a container added, `to` absent for one removed. */
export interface ImageChange {
    container: string;
    from?: string;
    to?: string;
}

export interface ObjectChange {
    key: string;
    /** Top-level fields whose value differs, leaving out a pod spec that differs only by its containers' images. */
    fields: string[];
    /** The containers whose image changed (a pod's own, or its controller's template's), when any did. */
    images?: ImageChange[];
}

export interface SnapshotDiff {
    added: string[];
    removed: string[];
    changed: ObjectChange[];
    /** Kinds left out because one side could not read them. */
    skippedKinds: string[];
    opened: Finding[];
    closed: Finding[];
}

export function indexOf(doc: SnapshotDocument): SnapshotIndex {
    const objects = new Map<string, string>();
    // A carried kind stands as the last snapshot that read it saw it, not as the pages read before the error.
    const carried = new Set(doc.carried?.kinds ?? []);
    for (const [kind, list] of Object.entries(doc.objects))
        if (!carried.has(kind)) for (const o of list) objects.set(objectKey(o), JSON.stringify(o));
    for (const o of doc.carriedObjects ?? []) objects.set(objectKey(o), JSON.stringify(o));
    const erroredKinds = new Set(
        Object.entries(doc.kinds)
            .filter(([k, v]) => v.error && !carried.has(k))
            .map(([k]) => k),
    );
    const findings = new Map(
        [...doc.findings.filter((f) => !carried.has(f.subject.kind)), ...(doc.carriedFindings ?? [])].map((f) => [
            f.id,
            f,
        ]),
    );
    return { objects, erroredKinds, findings, unknownFindings: new Set((doc.unknownFindings ?? []).map((u) => u.id)) };
}

export interface SnapshotHeader {
    cluster: SnapshotDocument["cluster"];
    startedAt: string;
}

/**
 * Builds the index of a snapshot this tool wrote without parsing the whole document: the writer
 * puts the header, each object, the kinds table and each finding on lines of their own, so only
 * one line is parsed at a time and the object's text is its own canonical form. Any other layout
 * of a valid snapshot (reformatted by hand) falls back to a full parse.
 */
export function indexFromText(text: string, where: string): { header: SnapshotHeader; index: SnapshotIndex } {
    const prefix = `{"schemaVersion":${SCHEMA_VERSION},"tool":"agentless-discovery",`;
    if (!text.startsWith(prefix)) {
        const doc = parseSnapshot(text, where);
        return { header: { cluster: doc.cluster, startedAt: doc.startedAt }, index: indexOf(doc) };
    }
    const index: SnapshotIndex = {
        objects: new Map(),
        erroredKinds: new Set(),
        findings: new Map(),
        unknownFindings: new Set(),
    };
    let header: SnapshotHeader | undefined;
    let sawKinds = false;
    let complete = false;
    const carried = new Set<string>();
    let inFindings = false;
    try {
        for (let start = 0; start < text.length;) {
            let end = text.indexOf("\n", start);
            if (end < 0) end = text.length;
            let line = text.slice(start, end);
            start = end + 1;
            if (line.endsWith(",")) line = line.slice(0, -1);
            if (!header) {
                const h = JSON.parse(line + "}") as SnapshotDocument;
                const p = headerProblem(h);
                if (p) throw new Error(p);
                header = { cluster: h.cluster, startedAt: h.startedAt };
            } else if (line.startsWith('{"kind":')) {
                const o = JSON.parse(line);
                const p = objectProblem(o, "an object");
                if (p) throw new Error(p);
                index.objects.set(objectKey(o), line);
            } else if (line.startsWith('{"id":')) {
                const f = JSON.parse(line) as Finding;
                const p = findingProblem(f, "a finding");
                if (p) throw new Error(p);
                if (!(inFindings && carried.has(f.subject.kind))) index.findings.set(f.id, f);
            } else if (line.startsWith('"findings":[')) {
                inFindings = true;
            } else if (line.startsWith('"kinds":')) {
                sawKinds = true;
                const kinds = JSON.parse(line.slice('"kinds":'.length)) as SnapshotDocument["kinds"];
                const p = kindsProblem(kinds);
                if (p) throw new Error(p);
                for (const [k, v] of Object.entries(kinds)) if (v.error) index.erroredKinds.add(k);
            } else if (line.startsWith('"carried":')) {
                // Written after the kinds line: a carried kind is known, as of the snapshot it came from.
                // The objects section is behind, the carried objects and all findings ahead: a carried kind
                // stands as the last snapshot that read it saw it, not as the pages read before the error.
                for (const k of (JSON.parse(line.slice('"carried":'.length)) as { kinds: string[] }).kinds) {
                    index.erroredKinds.delete(k);
                    carried.add(k);
                }
                for (const key of [...index.objects.keys()])
                    if (carried.has(key.slice(0, key.indexOf("/")))) index.objects.delete(key);
            } else if (line.startsWith('"unknownFindings":')) {
                for (const u of JSON.parse(line.slice('"unknownFindings":'.length)) as { id: string }[])
                    index.unknownFindings.add(u.id);
            } else if (line.startsWith('"finishedAt":')) {
                complete = true;
            }
        }
    } catch (e) {
        throw new SnapshotFormatError(`${where} is not a complete snapshot (${(e as Error).message})`);
    }
    if (!header || !sawKinds || !complete)
        throw new SnapshotFormatError(`${where} is not a complete snapshot (it ends early)`);
    return { header, index };
}

function kindOf(key: string): string {
    return key.slice(0, key.indexOf("/"));
}

type Containers = { name?: unknown; image?: unknown }[];

/** The containers of a normalised object's pod spec: a Pod's own, or a controller's `template`. */
function containersOf(o: Record<string, unknown>, field: string): Containers | undefined {
    const holder = field === "containers" ? o : field === "template" ? (o.template as Record<string, unknown>) : null;
    const list = holder && typeof holder === "object" ? holder.containers : undefined;
    return Array.isArray(list) ? (list as Containers) : undefined;
}

function imageMap(list: Containers | undefined): Map<string, string> {
    const out = new Map<string, string>();
    for (const c of list ?? []) if (c && typeof c.name === "string") out.set(c.name, String(c.image ?? ""));
    return out;
}

function withoutImages(v: unknown, field: string): string {
    if (field === "containers") return JSON.stringify((v as Containers).map((c) => ({ ...c, image: null })));
    const t = v as Record<string, unknown>;
    return JSON.stringify({ ...t, containers: (t.containers as Containers).map((c) => ({ ...c, image: null })) });
}

function changedFields(a: string, b: string): Omit<ObjectChange, "key"> {
    const x = JSON.parse(a) as Record<string, unknown>;
    const y = JSON.parse(b) as Record<string, unknown>;
    const keys = [...new Set([...Object.keys(x), ...Object.keys(y)])];
    const fields = keys.filter((k) => JSON.stringify(x[k]) !== JSON.stringify(y[k])).sort();
    const images: ImageChange[] = [];
    const explained = new Set<string>();
    for (const field of fields.filter((f) => f === "containers" || f === "template")) {
        const before = containersOf(x, field);
        const after = containersOf(y, field);
        if (!before || !after) continue;
        const from = imageMap(before);
        const to = imageMap(after);
        const names = [...new Set([...from.keys(), ...to.keys()])];
        for (const container of names) {
            const f = from.get(container);
            const t = to.get(container);
            if (f === t) continue;
            images.push({
                container,
                ...(f !== undefined ? { from: f } : {}),
                ...(t !== undefined ? { to: t } : {}),
            });
        }
        // Same containers, only their images differ: the images say all that changed.
        if (
            from.size === before.length &&
            to.size === after.length &&
            withoutImages(x[field], field) === withoutImages(y[field], field)
        )
            explained.add(field);
    }
    return {
        fields: fields.filter((f) => !explained.has(f)),
        ...(images.length ? { images } : {}),
    };
}

/** `image app: repo/app:1.4.0 -> repo/app:2.0.0`, `image sidecar: (none) -> envoy:1.30` for a container added. */
export function renderImageChange(c: ImageChange): string {
    return `image ${c.container}: ${c.from ?? "(none)"} -> ${c.to ?? "(none)"}`;
}

function renderChange(c: ObjectChange): string {
    const parts = [`~ ${c.key}`, ...(c.images ?? []).map(renderImageChange)];
    const text = c.images?.length ? `${parts[0]} ${parts.slice(1).join(", ")}` : parts[0];
    return c.fields.length ? `${text} (${c.fields.join(", ")})` : text;
}

/** Differences from `before` to `after`. Keys are compared as text, so 50,000 objects take milliseconds. */
export function diffIndexes(before: SnapshotIndex, after: SnapshotIndex): SnapshotDiff {
    const skipped = new Set([...before.erroredKinds, ...after.erroredKinds]);
    const added: string[] = [];
    const removed: string[] = [];
    const changed: ObjectChange[] = [];
    for (const [key, text] of after.objects) {
        if (skipped.has(kindOf(key))) continue;
        const old = before.objects.get(key);
        if (old === undefined) added.push(key);
        else if (old !== text) changed.push({ key, ...changedFields(old, text) });
    }
    for (const key of before.objects.keys()) {
        if (!skipped.has(kindOf(key)) && !after.objects.has(key)) removed.push(key);
    }
    // A finding about a kind that one side could not read is neither opened nor closed.
    const judged = (f: Finding) =>
        !skipped.has(f.subject.kind) && !before.unknownFindings.has(f.id) && !after.unknownFindings.has(f.id);
    const opened = [...after.findings.values()].filter((f) => judged(f) && !before.findings.has(f.id));
    const closed = [...before.findings.values()].filter((f) => judged(f) && !after.findings.has(f.id));
    const byKey = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    return {
        added: added.sort(byKey),
        removed: removed.sort(byKey),
        changed: changed.sort((a, b) => byKey(a.key, b.key)),
        skippedKinds: [...skipped].sort(),
        opened: opened.sort((a, b) => byKey(a.id, b.id)),
        closed: closed.sort((a, b) => byKey(a.id, b.id)),
    };
}

/** ` [image X]` for a finding about containers whose message does not already name it. */
export function imageNote(f: Finding): string {
    return f.image && !f.message.includes(f.image) ? ` [image ${f.image}]` : "";
}

/** Text for a terminal or a review: counts first, then up to `limit` entries per section. */
export function renderDiff(d: SnapshotDiff, limit = 20): string {
    const lines: string[] = [];
    lines.push(
        `objects: +${d.added.length} added, -${d.removed.length} removed, ~${d.changed.length} changed; findings: ${d.opened.length} opened, ${d.closed.length} closed`,
    );
    const section = <T>(title: string, items: T[], show: (t: T) => string) => {
        if (!items.length) return;
        lines.push(`  ${title}:`);
        for (const i of items.slice(0, limit)) lines.push(`    ${escapeControl(show(i))}`);
        if (items.length > limit) lines.push(`    ... and ${items.length - limit} more`);
    };
    section("added", d.added, (k) => `+ ${k}`);
    section("removed", d.removed, (k) => `- ${k}`);
    section("changed", d.changed, renderChange);
    section("findings opened", d.opened, (f) => `! [${f.severity}] ${f.rule}: ${f.message}${imageNote(f)}`);
    section("findings closed", d.closed, (f) => `✓ [${f.severity}] ${f.rule}: ${f.message}${imageNote(f)}`);
    if (d.skippedKinds.length)
        lines.push(`  not compared (a snapshot could not read them): ${escapeControl(d.skippedKinds.join(", "))}`);
    return lines.join("\n") + "\n";
}
