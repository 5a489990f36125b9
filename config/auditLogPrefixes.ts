import { ConfigError } from "../lib/errors";
import { join, list, requiredString, StringRule, unique } from "./read";
import { AUDIT_LOG_RESOURCE_PREFIX, DEFAULT_AUDIT_LOG_RESOURCE_PREFIXES } from "../domain/aws/auditLogFacts";

const PREFIX: StringRule = {
    expected:
        "a name prefix of 3 to 40 lowercase letters, digits or hyphens, starting with a letter or digit, such as ms-defender- " +
        "(the pipeline roles may only touch streams, queues and buckets whose names start with it)",
    pattern: AUDIT_LOG_RESOURCE_PREFIX,
};

/** `aws.connector.auditLogResourcePrefixes`: Microsoft's two prefixes unless the stack names others. */
export function auditLogResourcePrefixes(v: unknown, path: string): string[] {
    if (v === undefined) return [...DEFAULT_AUDIT_LOG_RESOURCE_PREFIXES];
    const items = list(v, path, "name prefixes").map((p, i) => requiredString(p, join(path, i), PREFIX));
    if (items.length === 0)
        throw new ConfigError(
            path,
            v,
            "at least one name prefix (an empty list would leave the pipeline roles without resources)",
        );
    unique(items, path, (p) => p, "prefix");
    return items;
}
