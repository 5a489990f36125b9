import { QuarantineLabel } from "./isolationFacts";

interface LabelSelectorRequirement {
    key: string;
    operator: string;
    values?: string[];
}

/** The parts of a NetworkPolicy the quarantine check reads. */
export interface NetworkPolicyLike {
    metadata?: { name?: string; namespace?: string };
    spec?: {
        podSelector?: { matchLabels?: Record<string, string>; matchExpressions?: LabelSelectorRequirement[] } | null;
        policyTypes?: string[];
        ingress?: unknown[] | null;
        egress?: unknown[] | null;
    };
}

/** Kubernetes label-selector semantics (matchLabels AND every matchExpression); an empty selector selects every pod. */
function selects(
    selector: NonNullable<NonNullable<NetworkPolicyLike["spec"]>["podSelector"]>,
    labels: Record<string, string>,
): boolean {
    for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
    for (const r of selector.matchExpressions ?? []) {
        const has = r.key in labels;
        // Stryker disable next-line ArrayDeclaration: a non-empty stand-in list holds a value with spaces, which no label value can be
        const inValues = has && (r.values ?? []).includes(labels[r.key]);
        const ok =
            r.operator === "In"
                ? inValues
                : r.operator === "NotIn"
                  ? !inValues
                  : r.operator === "Exists"
                    ? has
                    : r.operator === "DoesNotExist"
                      ? !has
                      : false;
        if (!ok) return false;
    }
    return true;
}

/**
 * What a quarantine NetworkPolicy lacks for the labelled pod to lose all its traffic: it must select
 * the pod once it bears the quarantine label, list both policy types (a policy without `Egress` in
 * `policyTypes` leaves egress open), and hold no ingress or egress rule (any rule allows something).
 * An empty list means the policy isolates the pod.
 */
export function quarantinePolicyGaps(
    policy: NetworkPolicyLike,
    podLabels: Record<string, string>,
    label: QuarantineLabel,
): string[] {
    const gaps: string[] = [];
    const spec = policy.spec ?? {};
    const labelled = { ...podLabels, [label.key]: label.value };
    if (!spec.podSelector || !selects(spec.podSelector, labelled))
        gaps.push(`its podSelector does not select the pod labelled ${label.key}=${label.value}`);
    // Stryker disable next-line ArrayDeclaration: a stand-in entry is neither Ingress nor Egress, so both are still missing
    const types = spec.policyTypes ?? [];
    for (const t of ["Ingress", "Egress"]) if (!types.includes(t)) gaps.push(`policyTypes lacks ${t}`);
    if (spec.ingress?.length) gaps.push(`it has ${spec.ingress.length} ingress rule(s) that allow traffic in`);
    if (spec.egress?.length) gaps.push(`it has ${spec.egress.length} egress rule(s) that allow traffic out`);
    return gaps;
}

/**
 * The other NetworkPolicies of the namespace that would still let traffic reach or leave the pod
 * once it bears the quarantine label: policies add up, a pod selected by several accepts what any
 * of them allows (docs/sources.md: response actions), so one rule elsewhere undoes the quarantine.
 * A policy without `policyTypes` covers Ingress, and Egress when it has egress rules, as the API
 * server defaults it. One sentence per direction allowed.
 */
export function otherPoliciesAllowing(
    policies: readonly NetworkPolicyLike[],
    quarantineName: string,
    podLabels: Record<string, string>,
    label: QuarantineLabel,
): string[] {
    const labelled = { ...podLabels, [label.key]: label.value };
    const out: string[] = [];
    for (const p of policies) {
        if (p.metadata?.name === quarantineName) continue;
        const spec = p.spec ?? {};
        // An absent podSelector is the empty selector: every pod of the namespace.
        if (!selects(spec.podSelector ?? {}, labelled)) continue;
        // Stryker disable next-line ArrayDeclaration: a stand-in entry is neither Ingress nor Egress, and only those two are read
        const types = spec.policyTypes ?? ["Ingress", ...(spec.egress?.length ? ["Egress"] : [])];
        const name = `${p.metadata?.namespace ?? ""}/${p.metadata?.name ?? "(unnamed)"}`;
        if (types.includes("Ingress") && spec.ingress?.length)
            out.push(`NetworkPolicy ${name} also selects it and allows ingress (${spec.ingress.length} rule(s))`);
        if (types.includes("Egress") && spec.egress?.length)
            out.push(`NetworkPolicy ${name} also selects it and allows egress (${spec.egress.length} rule(s))`);
    }
    return out;
}
