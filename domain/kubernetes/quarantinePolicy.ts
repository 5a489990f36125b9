import { QuarantineLabel } from "./isolationFacts";

interface LabelSelectorRequirement {
    key: string;
    operator: string;
    values?: string[];
}

/** The parts of a NetworkPolicy the quarantine check reads. */
export interface NetworkPolicyLike {
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
    const types = spec.policyTypes ?? [];
    for (const t of ["Ingress", "Egress"]) if (!types.includes(t)) gaps.push(`policyTypes lacks ${t}`);
    if (spec.ingress?.length) gaps.push(`it has ${spec.ingress.length} ingress rule(s) that allow traffic in`);
    if (spec.egress?.length) gaps.push(`it has ${spec.egress.length} egress rule(s) that allow traffic out`);
    return gaps;
}
