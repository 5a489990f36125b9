import { ConfigError } from "../lib/errors";
import { bool, isPlainObject, join, list, object, optionalString, stringMap } from "./read";
import { parseAksClusterId, parseArcClusterId, RESOURCE_GROUP_PATTERN } from "../domain/azure/resourceIds";

/**
 * Which discovered clusters an Azure stack takes: `include`/`exclude` filters and per-cluster
 * overrides. The matching itself is in `stack/azure/clusterSelection.ts`.
 */

export const CLUSTER_KINDS = ["aks", "arc"] as const;
export type ClusterKindName = (typeof CLUSTER_KINDS)[number];

/**
 * One filter: a cluster matches when it meets every criterion given. Names and resource groups are
 * globs (`*`, `?`, case-insensitive, as ARM compares names); a tag matches when the cluster has the
 * key and its value matches the glob (`"*"`: any value).
 */
export interface ClusterFilter {
    names: string[];
    resourceGroups: string[];
    tags: Record<string, string>;
    kinds: ClusterKindName[];
}

export interface ClusterOverride {
    /** AKS: declare the trusted access binding for this cluster (default true). */
    bind?: boolean;
    /** AKS: this cluster's binding name, instead of azure.discovery.bindingName. */
    bindingName?: string;
    /** Arc: install the Defender extension (default azure.arcExtensions.defender). */
    defenderExtension?: boolean;
    /** Arc: install the Azure Policy extension (default azure.arcExtensions.azurePolicy). */
    azurePolicyExtension?: boolean;
}

export const AKS_OVERRIDE_KEYS = ["bind", "bindingName"] as const;
export const ARC_OVERRIDE_KEYS = ["defenderExtension", "azurePolicyExtension"] as const;

const GLOB = { expected: "a name or glob (* and ?) of letters, digits and - _ . ( )", pattern: /^[-\w.()*?]{1,90}$/ };
const FILTER_KEYS = ["names", "resourceGroups", "tags", "kinds"];

// AKS trusted access role binding names: 1-24 lower-case letters, digits and '-'.
export const BINDING_NAME = {
    expected: "a trusted access role binding name: 1 to 24 lower-case letters, digits and hyphens, starting and ending alphanumeric",
    pattern: /^[a-z0-9](?:[-a-z0-9]{0,22}[a-z0-9])?$/,
};

function globs(v: unknown, path: string): string[] {
    return list(v, path, "names or globs").map((g, i) => {
        const s = optionalString(g, join(path, i), GLOB);
        if (s === undefined) throw new ConfigError(join(path, i), g, GLOB.expected);
        return s;
    });
}

function readFilter(v: unknown, path: string): ClusterFilter {
    const raw = object(v, path, FILTER_KEYS);
    const filter: ClusterFilter = {
        names: globs(raw.names, join(path, "names")),
        resourceGroups: globs(raw.resourceGroups, join(path, "resourceGroups")),
        tags: stringMap(raw.tags, join(path, "tags")),
        kinds: list(raw.kinds, join(path, "kinds"), CLUSTER_KINDS.join(" or ")).map((k, i) => {
            if (!(CLUSTER_KINDS as readonly unknown[]).includes(k)) throw new ConfigError(join(join(path, "kinds"), i), k, `one of ${CLUSTER_KINDS.join(", ")}`);
            return k as ClusterKindName;
        }),
    };
    if (!filter.names.length && !filter.resourceGroups.length && !Object.keys(filter.tags).length && !filter.kinds.length) {
        throw new ConfigError(path, v, `a filter with at least one of ${FILTER_KEYS.join(", ")} (an empty filter would match every cluster)`);
    }
    return filter;
}

/** One filter object, or a list of them (a cluster matches the list when it matches one). */
export function readFilters(v: unknown, path: string): ClusterFilter[] {
    if (v === undefined || v === null) return [];
    if (Array.isArray(v)) return v.map((f, i) => readFilter(f, join(path, i)));
    return [readFilter(v, path)];
}

const OVERRIDE_KEY_SHAPE = "an AKS or Arc cluster resource id of this subscription, or <resourceGroup>/<name>";
const SHORT_KEY = new RegExp(`^${RESOURCE_GROUP_PATTERN}/[a-zA-Z0-9][-_.a-zA-Z0-9]{0,62}$`);

export function readOverrides(v: unknown, path: string, subscriptionId: string): Record<string, ClusterOverride> {
    if (v === undefined || v === null) return {};
    if (!isPlainObject(v)) throw new ConfigError(path, v, `a map of ${OVERRIDE_KEY_SHAPE} to { ${[...AKS_OVERRIDE_KEYS, ...ARC_OVERRIDE_KEYS].join(", ")} }`);
    const out: Record<string, ClusterOverride> = {};
    for (const [key, value] of Object.entries(v)) {
        const p = `${path}["${key}"]`;
        const ref = parseAksClusterId(key) ?? parseArcClusterId(key);
        if (ref ? ref.subscriptionId !== subscriptionId : !SHORT_KEY.test(key)) throw new ConfigError(p, key, OVERRIDE_KEY_SHAPE);
        const raw = object(value, p, [...AKS_OVERRIDE_KEYS, ...ARC_OVERRIDE_KEYS]);
        const o: ClusterOverride = {};
        if (raw.bind !== undefined) o.bind = bool(raw.bind, join(p, "bind"), true);
        if (raw.bindingName !== undefined) o.bindingName = optionalString(raw.bindingName, join(p, "bindingName"), BINDING_NAME);
        if (raw.defenderExtension !== undefined) o.defenderExtension = bool(raw.defenderExtension, join(p, "defenderExtension"), true);
        if (raw.azurePolicyExtension !== undefined) o.azurePolicyExtension = bool(raw.azurePolicyExtension, join(p, "azurePolicyExtension"), true);
        out[key] = o;
    }
    return out;
}
