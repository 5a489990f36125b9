import { Brief, flatten, opLabel, PlanChanges, PlanDocument } from "./document";
import { PlanOp } from "./mockRuntime";

type Resource = Pick<PlanDocument["resources"][number], "type" | "name" | "inputs"> & {
    op?: PlanOp;
    importId?: string;
    id?: string;
    retainOnDelete?: boolean;
};

function key(r: Resource): string {
    return `${r.type}::${r.name}`;
}

/** What `op`, `importId`, `retainOnDelete` and the flattened inputs make of a resource, path → value. */
function fieldsOf(r: Resource): Map<string, string> {
    const out = new Map<string, string>([
        ["op", r.op ?? "create"],
        ["importId", r.importId ?? ""],
        ["id", r.id ?? ""],
        ["retainOnDelete", String(r.retainOnDelete ?? false)],
    ]);
    for (const [k, v] of flatten(r.inputs)) out.set(`inputs${k ? (k.startsWith("[") ? k : `.${k}`) : ""}`, v);
    return out;
}

/**
 * The drift between two plans of one stack, typically the same program with two cloud states: a
 * cluster that appeared adds its resources, one that disappeared removes them, an object Defender
 * made in between turns a create into an import. Resources are matched by type and name, which
 * the components derive from the qualified cluster, so a new cluster never shows as a change of another.
 */
export function diffPlans(
    before: { resources: Resource[] },
    after: { resources: Resource[] },
    against: string,
): PlanChanges {
    const old = new Map(before.resources.map((r) => [key(r), r]));
    const now = new Map(after.resources.map((r) => [key(r), r]));
    const brief = (r: Resource): Brief => ({
        type: r.type,
        name: r.name,
        op: r.op ?? "create",
        ...(r.retainOnDelete ? { retainOnDelete: true as const } : {}),
    });
    const changed: PlanChanges["changed"] = [];
    for (const [k, r] of now) {
        const o = old.get(k);
        if (!o) continue;
        const a = fieldsOf(o);
        const b = fieldsOf(r);
        const fields = [...new Set([...a.keys(), ...b.keys()])].filter((f) => a.get(f) !== b.get(f)).sort();
        if (fields.length) changed.push({ type: r.type, name: r.name, fields });
    }
    return {
        against,
        added: [...now].filter(([k]) => !old.has(k)).map(([, r]) => brief(r)),
        removed: [...old].filter(([k]) => !now.has(k)).map(([, r]) => brief(r)),
        changed,
    };
}

export function changesSummary(c: PlanChanges): string {
    return `${c.added.length} added, ${c.removed.length} removed, ${c.changed.length} changed`;
}

export function renderChangesText(c: PlanChanges): string[] {
    const lines = [`CHANGES AGAINST ${c.against}: ${changesSummary(c)}`];
    for (const r of c.added) lines.push(`  + ${opLabel(r)} ${r.type} ${r.name}`);
    for (const r of c.removed) lines.push(`  - ${opLabel(r)} ${r.type} ${r.name}`);
    for (const r of c.changed) lines.push(`  ~ ${r.type} ${r.name}: ${r.fields.join(", ")}`);
    return lines;
}

export function renderChangesMarkdown(c: PlanChanges, md: (s: string) => string): string[] {
    const lines = [`#### Changes against \`${md(c.against)}\``, "", changesSummary(c), ""];
    if (c.added.length + c.removed.length + c.changed.length === 0) return lines;
    lines.push("| change | op | type | name | fields |", "|---|---|---|---|---|");
    for (const r of c.added) lines.push(`| added | ${opLabel(r)} | \`${md(r.type)}\` | \`${md(r.name)}\` | |`);
    for (const r of c.removed) lines.push(`| removed | ${opLabel(r)} | \`${md(r.type)}\` | \`${md(r.name)}\` | |`);
    for (const r of c.changed)
        lines.push(`| changed | | \`${md(r.type)}\` | \`${md(r.name)}\` | ${md(r.fields.join(", "))} |`);
    lines.push("");
    return lines;
}
