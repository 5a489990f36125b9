/**
 * The GCP side of the one selection rule (stack/selection.ts): how a discovered GKE cluster is
 * keyed and labelled (docs/gcp-discovery.md). GKE clusters have no per-cluster setting, so a GCP
 * stack has no overrides.
 */
import { GcpConfig } from "../../config/gcp";
import { GkeClusterFacts } from "../../lookup/gcp/port";
import { gkeClusterKey } from "../../domain/gcp/identifiers";
import { ClusterShape, selectClusters, Selection } from "../selection";
import { projectsToList } from "./cloudRead";

/** GKE clusters are keyed `<project>/<location>/<name>`; names and labels compare exactly. */
export function gkeShape(projects: readonly string[]): ClusterShape<GkeClusterFacts> {
    return {
        keys: (c) => [gkeClusterKey(c)],
        qualifiedName: gkeClusterKey,
        name: (c) => c.name,
        tags: (c) => c.labels,
        ignoreCase: false,
        tagNoun: "label",
        where: `${projects.length === 1 ? "project" : "projects"} ${projects.join(", ")}`,
    };
}

/** The GKE clusters of the projects read that the stack onboards, by the one rule. */
export function selectGkeClusters(
    found: readonly GkeClusterFacts[],
    cfg: Pick<GcpConfig, "clusters" | "discovery">,
    path = "gcp",
): Selection<GkeClusterFacts, never> {
    return selectClusters<GkeClusterFacts, never>(found, gkeShape(projectsToList(cfg)), {
        lists: cfg.clusters
            ? [
                  {
                      path: `${path}.clusters`,
                      what: "a cluster",
                      entries: cfg.clusters.map((c, i) => ({ path: `${path}.clusters[${i}]`, key: gkeClusterKey(c) })),
                  },
              ]
            : [],
        include: { path: `${path}.discovery.include`, filters: cfg.discovery.include },
        exclude: { path: `${path}.discovery.exclude`, filters: cfg.discovery.exclude },
    });
}
