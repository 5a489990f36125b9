import { asList, isWildcardAction, parseDocument, statementLabel } from "../iamDocuments";
import { ResourceRule, ResourceView } from "../types";

/** Where an AWS resource carries a permissions document, by type token and input name. */
const DOCUMENT_INPUTS: Record<string, string[]> = {
    "aws:iam/rolePolicy:RolePolicy": ["policy"],
    "aws:iam/policy:Policy": ["policy"],
    "aws:iam/userPolicy:UserPolicy": ["policy"],
    "aws:iam/groupPolicy:GroupPolicy": ["policy"],
};

function documents(r: ResourceView): unknown[] {
    if (r.type === "aws:iam/role:Role") {
        const inline = r.inputs.inlinePolicies;
        return Array.isArray(inline) ? inline.map((p: { policy?: unknown }) => p?.policy) : [];
    }
    return (DOCUMENT_INPUTS[r.type] ?? []).map((k) => r.inputs[k]);
}

export const noWildcardIamActions: ResourceRule = {
    kind: "resource",
    name: "no-wildcard-iam-actions",
    description: "IAM statements name their actions one by one: no wildcard, no NotAction, no iam:PassRole.",
    enforcementLevel: "mandatory",
    validate(r) {
        const out: string[] = [];
        for (const doc of documents(r)) {
            if (doc === undefined || doc === "[unknown]") continue;
            const { statements, error } = parseDocument(doc);
            if (error) out.push(error);
            statements.forEach((s, i) => {
                const where = statementLabel(s, i);
                if (s.Effect === "Deny") return;
                if (s.NotAction !== undefined) out.push(`${where} uses NotAction, which grants every other action`);
                for (const a of asList(s.Action)) {
                    if (isWildcardAction(a)) out.push(`${where} grants the wildcard action "${a}"`);
                    else if (a.toLowerCase() === "iam:passrole") out.push(`${where} grants iam:PassRole, which lets the holder hand roles to services`);
                }
            });
        }
        return out;
    },
};
