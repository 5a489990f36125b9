import { escapeControl } from "../lib/escape";
import { Finding } from "./findings";
import { SnapshotIndex } from "./snapshotIndex";

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

/** Differences from `before` to `after`. Keys and hashes are compared as text, so 50,000 objects take milliseconds. */
export function diffIndexes(before: SnapshotIndex, after: SnapshotIndex): SnapshotDiff {
    const skipped = new Set([...before.erroredKinds, ...after.erroredKinds]);
    const added: string[] = [];
    const removed: string[] = [];
    const changed: ObjectChange[] = [];
    for (const [key, o] of after.objects) {
        if (skipped.has(kindOf(key))) continue;
        const old = before.objects.get(key);
        if (old === undefined) added.push(key);
        // Only a changed object's two texts are read back, from the files the indexes were built from.
        else if (old.hash !== o.hash)
            changed.push({ key, ...changedFields(before.texts.read(old), after.texts.read(o)) });
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
