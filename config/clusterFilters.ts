import { ConfigError } from "../lib/errors";
import { join, list, object, requiredString, StringRule, stringMap } from "./read";

/**
 * An `include` or `exclude` filter, the same on every cloud (docs/cluster-selection.md): a cluster
 * matches when every criterion given holds. The matching itself is `stack/selection.ts`.
 */
export interface ClusterFilter {
    /** Globs (`*`, `?`), one must match: with a "/" the cluster's qualified name, otherwise its name. */
    names: string[];
    /** Tags (GCP: labels) the cluster must carry: key → value glob (`"*"`: any value). */
    tags: Record<string, string>;
    /** The cloud's other criteria (Azure: resourceGroups, kinds): criterion → globs, one must match. */
    attributes: Record<string, string[]>;
}

/** What differs between the clouds' filters: the words and the characters their names allow. */
export interface FilterShape {
    /** What one name glob may be. */
    nameGlob: StringRule;
    /** The config key of the tags: `tags`, or GCP's `labels`. */
    tagsKey: "tags" | "labels";
    /** The cloud's other criteria: config key → what one entry may be (a rule, or the allowed values). */
    attributes?: Readonly<Record<string, StringRule | readonly string[]>>;
}

function entries(v: unknown, path: string, rule: StringRule | readonly string[]): string[] {
    const allowed = Array.isArray(rule) ? (rule as readonly string[]) : undefined;
    const expected = allowed ? allowed.join(" or ") : (rule as StringRule).expected;
    return list(v, path, expected).map((e, i) => {
        if (allowed && !allowed.includes(e as string))
            throw new ConfigError(join(path, i), e, `one of ${allowed.join(", ")}`);
        return allowed ? (e as string) : requiredString(e, join(path, i), rule as StringRule);
    });
}

function readFilter(v: unknown, path: string, shape: FilterShape): ClusterFilter {
    const attributeKeys = Object.keys(shape.attributes ?? {});
    const keys = ["names", shape.tagsKey, ...attributeKeys];
    const raw = object(v, path, keys);
    const filter: ClusterFilter = {
        names: entries(raw.names, join(path, "names"), shape.nameGlob),
        tags: stringMap(raw[shape.tagsKey], join(path, shape.tagsKey)),
        attributes: {},
    };
    for (const k of attributeKeys) {
        const values = entries(raw[k], join(path, k), shape.attributes![k]);
        if (values.length) filter.attributes[k] = values;
    }
    if (!filter.names.length && !Object.keys(filter.tags).length && !Object.keys(filter.attributes).length) {
        throw new ConfigError(
            path,
            v,
            `a filter with at least one of ${keys.join(", ")} (an empty filter would match every cluster)`,
        );
    }
    return filter;
}

/** One filter object, or a list of them (a cluster matches the list when it matches one); absent: none. */
export function readFilters(v: unknown, path: string, shape: FilterShape): ClusterFilter[] {
    if (v === undefined || v === null) return [];
    if (Array.isArray(v)) return v.map((f, i) => readFilter(f, join(path, i), shape));
    return [readFilter(v, path, shape)];
}
