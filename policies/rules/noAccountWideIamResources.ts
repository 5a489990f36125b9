import { asList, parseDocument, statementLabel } from "../iamDocuments";
import { ResourceRule } from "../types";
import { iamDocuments } from "./noWildcardIamActions";

/**
 * Actions the service authorization reference gives no resource type: "*" is the only resource
 * they can be granted on. logs:DescribeLogGroups (audit-log pipeline) reads log-group names only.
 */
export const RESOURCELESS_ACTIONS: readonly string[] = ["logs:DescribeLogGroups"];
/** IAM action names are case-insensitive. */
const RESOURCELESS = new Set(RESOURCELESS_ACTIONS.map((a) => a.toLowerCase()));

/**
 * Why a resource pattern reaches every resource of its kind in an account (or in every account):
 * "*", an account segment "*", or a name that starts with a wildcard after the resource type
 * (`arn:aws:s3:::*`, `arn:aws:s3:::*\/*`, `arn:aws:sqs:*:123456789012:*`, `...:log-group:*:*`,
 * `...:deliverystream/*`). A region wildcard alone is not: the name still confines the grant.
 */
export function accountWideReason(resource: string): string | undefined {
    if (resource === "*") return "every resource";
    const parts = resource.split(":");
    if (parts.length < 6 || parts[0] !== "arn") return undefined;
    if (parts[4] === "*") return "every account";
    // `1234567890??` or `*012` reaches accounts the stack never names as surely as `*`.
    if (/[*?]/.test(parts[4])) return `every account that matches "${parts[4]}"`;
    const name = parts.slice(5).join(":");
    // S3 has no type prefix; other services write `type/name` or `type:name`.
    const bare = parts[2] === "s3" ? name : name.replace(/^[A-Za-z0-9-]+[/:]/, "");
    return /^[*?]/.test(bare) ? "every name" : undefined;
}

export const noAccountWideIamResources: ResourceRule = {
    kind: "resource",
    name: "no-account-wide-iam-resources",
    description:
        'IAM Allow statements name their resources (exact ARNs or a name prefix): no "*", no account wildcard, no name that starts with a wildcard, except for actions that only exist on "*".',
    enforcementLevel: "mandatory",
    validate(r) {
        const out: string[] = [];
        for (const doc of iamDocuments(r)) {
            // Not JSON ("[unknown]" at preview, or broken): no statements to judge here; no-wildcard-iam-actions names a broken one.
            const { statements } = parseDocument(doc);
            statements.forEach((s, i) => {
                if (s.Effect !== "Allow") return;
                const where = statementLabel(s, i);
                if (s.NotResource !== undefined)
                    out.push(`${where} uses NotResource, which grants every other resource`);
                const actions = asList(s.Action);
                const granted =
                    s.NotAction !== undefined
                        ? `every action but ${asList(s.NotAction).join(", ")}`
                        : actions.join(", ");
                const resourceless = actions.length > 0 && actions.every((a) => RESOURCELESS.has(a.toLowerCase()));
                for (const res of asList(s.Resource)) {
                    const reason = accountWideReason(res);
                    if (reason && !(res === "*" && resourceless))
                        out.push(
                            `${where} grants ${granted} on "${res}" (${reason}); name the resources or a name prefix`,
                        );
                }
            });
        }
        return out;
    },
};
