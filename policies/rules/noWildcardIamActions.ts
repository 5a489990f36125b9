import { asList, isWildcardAction, parseDocument, statementLabel } from "../iamDocuments";
import { ResourceRule, ResourceView } from "../types";

/** The AWS resources that carry a permissions document, in their `policy` input. */
const DOCUMENT_TYPES = [
    "aws:iam/rolePolicy:RolePolicy",
    "aws:iam/policy:Policy",
    "aws:iam/userPolicy:UserPolicy",
    "aws:iam/groupPolicy:GroupPolicy",
];

/** The permission documents a resource carries (trust policies excluded: they grant no actions on resources). */
export function iamDocuments(r: ResourceView): unknown[] {
    if (r.type === "aws:iam/role:Role") {
        const inline = r.inputs.inlinePolicies;
        return Array.isArray(inline) ? inline.map((p: { policy?: unknown }) => p?.policy) : [];
    }
    return DOCUMENT_TYPES.includes(r.type) ? [r.inputs.policy] : [];
}

/**
 * iam:PassRole is tolerated only as the audit-log pipeline uses it: on named role ARNs (no
 * wildcard) and only to the services named in an iam:PassedToService condition.
 */
function isNarrowPassRole(s: { Resource?: unknown; Condition?: unknown }): boolean {
    const resources = asList(s.Resource as string | string[] | undefined);
    const condition = s.Condition as Record<string, Record<string, unknown>> | undefined;
    const services = condition?.StringEquals?.["iam:PassedToService"];
    return (
        resources.length > 0 &&
        resources.every((r) => /^arn:aws[\w-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/.test(r)) &&
        (typeof services === "string" || (Array.isArray(services) && services.length > 0))
    );
}

export const noWildcardIamActions: ResourceRule = {
    kind: "resource",
    name: "no-wildcard-iam-actions",
    description:
        "IAM statements name their actions one by one: no wildcard, no NotAction, no iam:PassRole except on named roles to named services.",
    enforcementLevel: "mandatory",
    validate(r) {
        const out: string[] = [];
        for (const doc of iamDocuments(r)) {
            // Not known at preview: judged at the update, where it is. (An absent document parses to no statements.)
            if (doc === "[unknown]") continue;
            const { statements, error } = parseDocument(doc);
            if (error) out.push(error);
            statements.forEach((s, i) => {
                const where = statementLabel(s, i);
                if (s.Effect === "Deny") return;
                if (s.NotAction !== undefined) out.push(`${where} uses NotAction, which grants every other action`);
                for (const a of asList(s.Action)) {
                    if (isWildcardAction(a)) out.push(`${where} grants the wildcard action "${a}"`);
                    else if (a.toLowerCase() === "iam:passrole" && !isNarrowPassRole(s))
                        out.push(`${where} grants iam:PassRole, which lets the holder hand roles to services`);
                }
            });
        }
        return out;
    },
};
