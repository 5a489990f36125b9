import { ClusterFilter, GcpDiscoveryConfig, GkeClusterRef } from "../../config/gcp";
import { ConfigError } from "../../lib/errors";
import { EXCLUSION_TAG, isExcluded } from "../../domain/shared/exclusion";
import { clusterKey, GkeClusterFacts } from "../../lookup/gcp/port";

export interface LeftOutCluster {
    cluster: GkeClusterFacts;
    /** Says which rule left it out, for the plan's `excluded` note. */
    reason: string;
}

export interface ClusterSelection {
    /** Every cluster considered, in the cloud's (or the explicit list's) order; `reason` set when left out. */
    considered: { cluster: GkeClusterFacts; reason?: string }[];
    selected: GkeClusterFacts[];
    leftOut: LeftOutCluster[];
    /** Override keys that name no cluster the cloud has (a cluster deleted since, or a typo). */
    unusedOverrides: string[];
}

/** `*` any run of characters, `?` one; everything else literal. */
export function globMatches(glob: string, text: string): boolean {
    const re = glob.replace(/[.+^${}()|[\]\\/]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
    return new RegExp(`^${re}$`).test(text);
}

export function filterMatches(f: ClusterFilter, c: GkeClusterFacts): boolean {
    const byName = f.names.length === 0 || f.names.some((g) => globMatches(g, g.includes("/") ? clusterKey(c) : c.name));
    const byLabels = Object.entries(f.labels).every(([k, v]) => c.labels[k] === v);
    return byName && byLabels;
}

/**
 * Which discovered clusters the stack onboards, and why each other one is left out. Order of
 * rules: Defender's exclusion label (read from the cluster: Defender skips it whatever config
 * says), then an override for the cluster, then `exclude`, then `include`. In explicit-list mode
 * only the listed clusters are considered, and a listed cluster the cloud does not have is an
 * error naming it.
 */
export function selectClusters(found: readonly GkeClusterFacts[], d: GcpDiscoveryConfig, explicit?: readonly GkeClusterRef[], path = "gcp"): ClusterSelection {
    let candidates = [...found];
    if (explicit) {
        const byKey = new Map(found.map((c) => [clusterKey(c), c]));
        candidates = explicit.map((ref, i) => {
            const c = byKey.get(clusterKey(ref));
            if (!c) {
                const same = found.filter((f) => f.projectId === ref.projectId).map(clusterKey);
                throw new ConfigError(`${path}.clusters[${i}]`, clusterKey(ref),
                    `a cluster that exists; GKE lists in project ${ref.projectId}: ${same.length ? same.join(", ") : "no cluster"}`);
            }
            return c;
        });
    }
    const considered = candidates.map((cluster) => ({ cluster, reason: leftOutReason(cluster, d) }));
    const selected = considered.filter((c) => c.reason === undefined).map((c) => c.cluster);
    const leftOut = considered.flatMap(({ cluster, reason }) => (reason === undefined ? [] : [{ cluster, reason }]));
    const keys = new Set(found.map(clusterKey));
    return { considered, selected, leftOut, unusedOverrides: Object.keys(d.overrides).filter((k) => !keys.has(k)) };
}

function leftOutReason(c: GkeClusterFacts, d: GcpDiscoveryConfig): string | undefined {
    if (isExcluded(c.labels)) return `labelled ${EXCLUSION_TAG}=true on the cluster (Defender skips it)`;
    const override = d.overrides[clusterKey(c)];
    if (override) return override.exclude ? `gcp.discovery.overrides: ${override.reason ?? "excluded"}` : undefined;
    if (d.exclude && filterMatches(d.exclude, c)) return "matches gcp.discovery.exclude";
    if (d.include && !filterMatches(d.include, c)) return "does not match gcp.discovery.include";
    return undefined;
}
