import type { Violation } from "../policies/evaluate";
import type { PlanNote } from "../stack/notes";
import type { PlanOp, PlanResource } from "./mockRuntime";

/** The stable JSON document of `plan --format json` (its fields: README.md, docs/architecture.md). */
export interface PlanDocument {
    stack: string;
    resources: {
        type: string;
        name: string;
        parent: string;
        op: PlanOp;
        importId?: string;
        id?: string;
        retainOnDelete?: true;
        inputs: Record<string, unknown>;
    }[];
    violations: Violation[];
    notes: PlanNote[];
    /** With `--against PLAN.json`: what differs from that saved plan (the offline drift). */
    changes?: PlanChanges;
}

/** An added or removed resource; `retainOnDelete` only when `pulumi destroy` would leave it. */
export type Brief = { type: string; name: string; op: PlanOp; retainOnDelete?: true };

export interface PlanChanges {
    /** The saved plan the current one is compared with. */
    against: string;
    added: Brief[];
    removed: Brief[];
    /** Same resource, another op, import id or retainOnDelete, or other inputs: the paths that differ. */
    changed: { type: string; name: string; fields: string[] }[];
}

export function planDocument(
    stack: string,
    resources: PlanResource[],
    violations: Violation[],
    notes: PlanNote[],
): PlanDocument {
    return {
        stack,
        resources: resources.map(({ type, name, parent, op, importId, id, retainOnDelete, inputs }) => ({
            type,
            name,
            parent,
            op,
            ...(importId ? { importId } : {}),
            ...(id ? { id } : {}),
            ...(retainOnDelete ? { retainOnDelete } : {}),
            inputs,
        })),
        violations,
        notes,
    };
}

/** Flattens inputs to `a.b[0].c: value` lines, the form that reads best in a terminal or a diff. */
export function flatten(value: unknown, prefix = ""): [string, string][] {
    if (Array.isArray(value)) {
        if (value.length === 0) return [[prefix, "[]"]];
        return value.flatMap((v, i) => flatten(v, `${prefix}[${i}]`));
    }
    if (value && typeof value === "object") {
        const entries = Object.entries(value as Record<string, unknown>);
        if (entries.length === 0) return [[prefix, "{}"]];
        return entries.flatMap(([k, v]) => flatten(v, prefix ? `${prefix}.${k}` : k));
    }
    return [[prefix, typeof value === "string" ? value : JSON.stringify(value)]];
}

/** `import <id>` / `read <id>` / `create`: what `pulumi up` would do with the resource. */
export function opText(r: PlanDocument["resources"][number]): string {
    if (r.op === "import") return `import ${r.importId}`;
    if (r.op === "read") return `read ${r.id}`;
    return "create";
}

/** `import (kept)`: the op, marked when `pulumi destroy` would leave the object (`retainOnDelete`). */
export function opLabel(r: Pick<PlanDocument["resources"][number], "op" | "retainOnDelete">): string {
    return r.retainOnDelete ? `${r.op} (kept)` : r.op;
}
