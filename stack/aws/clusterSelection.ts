/**
 * Which discovered EKS clusters the stack onboards, and with which per-cluster settings: pure
 * functions over the discovery answer and the validated config (docs/aws-discovery.md).
 */
import { ConfigError } from "../../lib/errors";
import { AwsConfig, ClusterFilter, ClusterOverride, EksCluster } from "../../config/aws";
import { EXCLUSION_TAG, isExcluded } from "../../domain/shared/exclusion";
import { DiscoveredEksCluster } from "../../lookup/aws/port";
import { ACCESS_ENTRY_MODES } from "../../domain/aws/facts";

/** `<region>/<name>`: how clusters are named in config keys, notes and outputs (names repeat across regions). */
export function clusterKey(c: { region: string; name: string }): string {
    return `${c.region}/${c.name}`;
}

/** A name glob: `*` any characters, `?` one; with a `/` it matches `<region>/<name>`, else the name. */
export function globMatches(pattern: string, c: { region: string; name: string }): boolean {
    const re = new RegExp(`^${pattern.split("").map((ch) => (ch === "*" ? ".*" : ch === "?" ? "." : ch.replace(/[.+^${}()|[\]\\]/g, "\\$&"))).join("")}$`);
    return re.test(pattern.includes("/") ? clusterKey(c) : c.name);
}

/** A tag filter entry: the cluster has the tag with that value, or with any value for "*". */
function hasTag(tags: Record<string, string>, key: string, value: string): boolean {
    return Object.prototype.hasOwnProperty.call(tags, key) && (value === "*" || tags[key] === value);
}

/** Why `include` does not take the cluster (undefined: it does). Every given criterion must hold. */
export function notIncludedReason(f: ClusterFilter | undefined, c: DiscoveredEksCluster): string | undefined {
    if (!f) return undefined;
    if (f.names.length > 0 && !f.names.some((p) => globMatches(p, c))) return `matches none of aws.include.names (${f.names.join(", ")})`;
    const missing = Object.entries(f.tags).filter(([k, v]) => !hasTag(c.tags, k, v));
    if (missing.length > 0) return `lacks tag ${missing.map(([k, v]) => `${k}=${v}`).join(", ")} (aws.include.tags)`;
    return undefined;
}

/** Why `exclude` leaves the cluster out (undefined: it does not). Any one criterion is enough. */
export function excludedReason(f: ClusterFilter | undefined, c: DiscoveredEksCluster): string | undefined {
    if (!f) return undefined;
    const name = f.names.find((p) => globMatches(p, c));
    if (name !== undefined) return `matches aws.exclude.names pattern ${name}`;
    const tag = Object.entries(f.tags).find(([k, v]) => hasTag(c.tags, k, v));
    if (tag) return `has tag ${tag[0]}=${c.tags[tag[0]]} (aws.exclude.tags)`;
    return undefined;
}

export interface Selection {
    /** The clusters to onboard, with their facts and settings, in discovery order. */
    clusters: EksCluster[];
    /** Clusters discovered but left out, with the reason (for "excluded" notes). */
    leftOut: { key: string; reason: string }[];
    /** Override keys that name no discovered cluster (a typo, or a cluster that is gone). */
    unusedOverrides: string[];
}

const OVERRIDES_PATH = "aws.overrides";

/** A discovered cluster with the stack's settings for it; checks the override against its facts. */
function withSettings(c: DiscoveredEksCluster, o: ClusterOverride, cfg: Pick<AwsConfig, "accessPolicy">): EksCluster {
    const key = clusterKey(c);
    const p = `${OVERRIDES_PATH}.${key}`;
    const usesAccessEntries = ACCESS_ENTRY_MODES.includes(c.authenticationMode);
    if (o.accessPolicy !== undefined && !usesAccessEntries) {
        throw new ConfigError(`${p}.accessPolicy`, o.accessPolicy,
            `no value: the cluster's authentication mode is ${c.authenticationMode}, and access policies apply to access entries (API, API_AND_CONFIG_MAP)`);
    }
    if (o.mapToSystemMasters !== undefined && usesAccessEntries) {
        throw new ConfigError(`${p}.mapToSystemMasters`, o.mapToSystemMasters,
            `no value: the cluster's authentication mode is ${c.authenticationMode}; it applies to aws-auth (CONFIG_MAP) only, use accessPolicy`);
    }
    return {
        name: c.name,
        region: c.region,
        arn: c.arn,
        authenticationMode: c.authenticationMode,
        tags: { ...c.tags },
        excluded: false,
        endpoint: { ...c.endpoint, publicAccessCidrs: [...c.endpoint.publicAccessCidrs] },
        accessPolicy: o.accessPolicy ?? cfg.accessPolicy,
        mapToSystemMasters: o.mapToSystemMasters ?? false,
        enabledLogTypes: [...c.enabledLogTypes],
        manageLogging: o.manageLogging ?? false,
        defenderEndpointAccess: o.defenderEndpointAccess ?? false,
    };
}

/**
 * Picks the clusters to onboard from what discovery found:
 * - explicit-list mode (`aws.clusters`): exactly the listed ones; one the cloud does not have is an error naming it;
 * - otherwise every cluster of `aws.regions` that `aws.include` takes and `aws.exclude` does not;
 * - in both, a cluster tagged ms_defender_container_exclude_agentless=true is left out (Defender skips it).
 */
export function selectClusters(cfg: Pick<AwsConfig, "clusters" | "include" | "exclude" | "overrides" | "accessPolicy">, discovered: readonly DiscoveredEksCluster[]): Selection {
    const found = new Map(discovered.map((c) => [clusterKey(c), c]));
    const listed = cfg.clusters ? new Set(cfg.clusters.map(clusterKey)) : undefined;
    cfg.clusters?.forEach((want, i) => {
        if (!found.has(clusterKey(want))) {
            throw new ConfigError(`aws.clusters[${i}]`, clusterKey(want), `a cluster that exists: eks:ListClusters in ${want.region} does not return ${want.name}`);
        }
    });
    const clusters: EksCluster[] = [];
    const leftOut: Selection["leftOut"] = [];
    for (const c of discovered) {
        const key = clusterKey(c);
        const reason = listed
            ? (listed.has(key) ? undefined : "not listed in aws.clusters")
            : (notIncludedReason(cfg.include, c) ?? excludedReason(cfg.exclude, c));
        if (reason) {
            leftOut.push({ key, reason });
        } else if (isExcluded(c.tags)) {
            leftOut.push({ key, reason: `tagged ${EXCLUSION_TAG}=true` });
        } else {
            clusters.push(withSettings(c, cfg.overrides[key] ?? {}, cfg));
        }
    }
    return { clusters, leftOut, unusedOverrides: Object.keys(cfg.overrides).filter((k) => !found.has(k)) };
}
