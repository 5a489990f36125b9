/** One registration as both sides see it: what the engine's preview does and what the offline plan shows. */
export interface Registration {
    type: string;
    name: string;
    /** The parent's name ("" at the top: the plan leaves the root stack out). */
    parent: string;
    op: string;
    /** The import id (op import) or the id read (op read). */
    id?: string;
}

export interface PlanResource {
    type: string;
    name: string;
    parent: string;
    op: string;
    importId?: string;
    id?: string;
    retainOnDelete?: true;
    inputs?: Record<string, unknown>;
}

interface PreviewStep {
    op: string;
    urn: string;
    newState?: { type: string; urn: string; id?: string; parent?: string; importID?: string };
}

const nameOf = (urn: string) => urn.split("::").pop()!;

export function fromPlan(resources: PlanResource[]): Registration[] {
    return resources.map((r) => ({
        type: r.type,
        name: r.name,
        parent: r.parent,
        op: r.op,
        ...(r.op === "import" ? { id: r.importId } : r.op === "read" ? { id: r.id } : {}),
    }));
}

/**
 * The registrations of `pulumi preview --json`, in the plan's terms: the root stack is left out
 * (the plan's resources are the program's, inside it) and a parent is named by its resource name.
 */
export function fromPreview(steps: PreviewStep[]): Registration[] {
    return steps
        .filter((s) => s.newState && s.newState.type !== "pulumi:pulumi:Stack")
        .map((s) => {
            const st = s.newState!;
            const parent = st.parent && !st.parent.includes("::pulumi:pulumi:Stack::") ? nameOf(st.parent) : "";
            return {
                type: st.type,
                name: nameOf(s.urn),
                parent,
                op: s.op,
                ...(s.op === "import" ? { id: st.importID } : s.op === "read" ? { id: st.id } : {}),
            };
        });
}

const key = (r: Registration) => `${r.type} ${r.parent}/${r.name}`;
const show = (r: Registration) => `${r.op} ${key(r)}${r.id !== undefined ? ` id=${r.id}` : ""}`;

/** Every registration one side has and the other has not, or has with another op or id: "" when they agree. */
export function differences(plan: Registration[], engine: Registration[]): string[] {
    const byKey = (rs: Registration[]) => new Map(rs.map((r) => [key(r), r]));
    const p = byKey(plan);
    const e = byKey(engine);
    const out: string[] = [];
    for (const [k, r] of p) {
        const x = e.get(k);
        if (!x) out.push(`only in the plan: ${show(r)}`);
        else if (x.op !== r.op || x.id !== r.id) out.push(`plan: ${show(r)}; engine: ${show(x)}`);
    }
    for (const [k, r] of e) if (!p.has(k)) out.push(`only in the engine: ${show(r)}`);
    return out.sort();
}
