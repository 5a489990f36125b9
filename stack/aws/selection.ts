/**
 * The AWS side of the one selection rule (stack/selection.ts): how a discovered EKS cluster is
 * keyed and tagged, and the settings its override gives it (docs/aws-discovery.md).
 */
import { ConfigError } from "../../lib/errors";
import { AwsConfig, EksCluster, EksClusterOverride } from "../../config/aws";
import { join } from "../../config/read";
import { DiscoveredEksCluster } from "../../lookup/aws/port";
import { ACCESS_ENTRY_MODES, eksClusterKey } from "../../domain/aws/facts";
import { ClusterShape, selectClusters } from "../selection";

/** EKS clusters are keyed `<region>/<name>`; names and tags compare exactly. */
export function eksShape(regions: readonly string[]): ClusterShape<DiscoveredEksCluster> {
    return {
        keys: (c) => [eksClusterKey(c)],
        qualifiedName: eksClusterKey,
        name: (c) => c.name,
        tags: (c) => c.tags,
        ignoreCase: false,
        tagNoun: "tag",
        where: regions.join(", "),
    };
}

export interface EksSelection {
    /** The clusters to onboard, with their facts and settings, in discovery order. */
    clusters: EksCluster[];
    /** Clusters discovered but left out, with the reason (for "excluded" notes). */
    leftOut: { key: string; reason: string }[];
}

/** A discovered cluster with the stack's settings for it; checks the override against its facts. */
function withSettings(
    c: DiscoveredEksCluster,
    path: string,
    o: EksClusterOverride,
    cfg: Pick<AwsConfig, "accessPolicy">,
): EksCluster {
    const usesAccessEntries = ACCESS_ENTRY_MODES.includes(c.authenticationMode);
    if (o.accessPolicy !== undefined && !usesAccessEntries) {
        throw new ConfigError(
            `${path}.accessPolicy`,
            o.accessPolicy,
            `no value: the cluster's authentication mode is ${c.authenticationMode}, and access policies apply to access entries (API, API_AND_CONFIG_MAP)`,
        );
    }
    if (o.mapToSystemMasters !== undefined && usesAccessEntries) {
        throw new ConfigError(
            `${path}.mapToSystemMasters`,
            o.mapToSystemMasters,
            `no value: the cluster's authentication mode is ${c.authenticationMode}; it applies to aws-auth (CONFIG_MAP) only, use accessPolicy`,
        );
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

/** The EKS clusters of `aws.regions` the stack onboards, by the one rule, with their settings. */
export function selectEksClusters(
    cfg: Pick<AwsConfig, "regions" | "clusters" | "include" | "exclude" | "overrides" | "accessPolicy">,
    discovered: readonly DiscoveredEksCluster[],
): EksSelection {
    const s = selectClusters(discovered, eksShape(cfg.regions), {
        lists: cfg.clusters
            ? [
                  {
                      path: "aws.clusters",
                      what: "a cluster",
                      entries: cfg.clusters.map((c, i) => ({ path: `aws.clusters[${i}]`, key: eksClusterKey(c) })),
                  },
              ]
            : [],
        include: { path: "aws.include", filters: cfg.include },
        exclude: { path: "aws.exclude", filters: cfg.exclude },
        overrides: Object.entries(cfg.overrides).map(([key, settings]) => ({
            path: join("aws.overrides", key),
            key,
            settings,
        })),
    });
    return {
        clusters: s.selected.map(({ cluster, override }) =>
            withSettings(
                cluster,
                override?.path ?? join("aws.overrides", eksClusterKey(cluster)),
                override?.settings ?? {},
                cfg,
            ),
        ),
        leftOut: s.leftOut.map(({ cluster, reason }) => ({ key: eksClusterKey(cluster), reason })),
    };
}
