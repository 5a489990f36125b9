/**
 * The Azure side of the one selection rule (stack/selection.ts): how a discovered AKS or Arc
 * cluster is keyed and tagged, and which override settings fit its kind (docs/azure-discovery.md).
 */
import { ConfigError } from "../../lib/errors";
import { AKS_OVERRIDE_KEYS, ARC_OVERRIDE_KEYS, AzureClusterOverride } from "../../config/azureClusters";
import { ClusterFilter } from "../../config/clusterFilters";
import { AzureClusterFacts } from "../../lookup/azure/port";
import { AZURE_CLUSTER_KINDS, AzureClusterKind, ClusterRef } from "../../domain/azure/resourceIds";
import { ClusterShape, ExplicitList, selectClusters } from "../selection";

/** What the stack takes of the subscription's clusters, and why it leaves out the others. */
export interface AzureClusterSelection {
    aks: SelectedAzureCluster[];
    arc: SelectedAzureCluster[];
    leftOut: { cluster: AzureClusterFacts; reason: string }[];
}

export interface SelectedAzureCluster extends AzureClusterFacts {
    override: AzureClusterOverride;
}

export interface AzureSelectionConfig {
    aksClusters?: readonly ClusterRef[];
    arcClusters?: readonly ClusterRef[];
    include: readonly ClusterFilter[];
    exclude: readonly ClusterFilter[];
    overrides: Readonly<Record<string, AzureClusterOverride>>;
}

const KIND_NAMES: Record<AzureClusterKind, string> = { aks: "an AKS cluster", arc: "an Arc-enabled cluster" };

/**
 * Azure clusters are keyed by resource id, and config may also write `<resourceGroup>/<name>`;
 * ARM compares names and tag keys without case. Filters also know resource groups and kinds.
 */
export function azureShape(subscriptionId: string): ClusterShape<AzureClusterFacts> {
    return {
        keys: (c) => [c.id, `${c.resourceGroup}/${c.name}`],
        qualifiedName: (c) => `${c.resourceGroup}/${c.name}`,
        name: (c) => c.name,
        tags: (c) => c.tags,
        attributes: {
            resourceGroups: { label: "resource group", of: (c) => c.resourceGroup },
            kinds: { label: "kind", of: (c) => c.kind },
        },
        ignoreCase: true,
        tagNoun: "tag",
        where: `subscription ${subscriptionId}`,
    };
}

// In id order: the plan's order then does not depend on the order ARM (or the cloud-state file) lists clusters in.
function byId(a: AzureClusterFacts, b: AzureClusterFacts): number {
    const x = a.id.toLowerCase();
    const y = b.id.toLowerCase();
    return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * The subscription's clusters the stack takes, by the one rule: `azure.aksClusters` and
 * `azure.arcClusters` are each an explicit list for their kind. An override must name one cluster,
 * and hold only settings of that cluster's kind.
 */
export function selectAzureClusters(
    found: readonly AzureClusterFacts[],
    cfg: AzureSelectionConfig,
    subscriptionId: string,
    path = "azure",
): AzureClusterSelection {
    const lists: ExplicitList<AzureClusterFacts>[] = [];
    for (const kind of AZURE_CLUSTER_KINDS) {
        const refs = kind === "aks" ? cfg.aksClusters : cfg.arcClusters;
        if (!refs) continue;
        const listPath = `${path}.${kind}Clusters`;
        lists.push({
            path: listPath,
            what: KIND_NAMES[kind],
            covers: (c) => c.kind === kind,
            entries: refs.map((r, i) => ({ path: `${listPath}[${i}].id`, key: r.id })),
        });
    }
    const s = selectClusters([...found].sort(byId), azureShape(subscriptionId), {
        lists,
        include: { path: `${path}.include`, filters: cfg.include },
        exclude: { path: `${path}.exclude`, filters: cfg.exclude },
        overrides: Object.entries(cfg.overrides).map(([key, settings]) => ({
            path: `${path}.overrides["${key}"]`,
            key,
            settings,
        })),
    });
    for (const { cluster: c, override } of s.considered) {
        if (!override) continue;
        const foreign = (c.kind === "aks" ? ARC_OVERRIDE_KEYS : AKS_OVERRIDE_KEYS).find(
            (k) => override.settings[k] !== undefined,
        );
        if (foreign) {
            const allowed = c.kind === "aks" ? AKS_OVERRIDE_KEYS : ARC_OVERRIDE_KEYS;
            throw new ConfigError(
                `${override.path}.${foreign}`,
                override.settings[foreign],
                `no such key for ${KIND_NAMES[c.kind]}; allowed: ${allowed.join(", ")}`,
            );
        }
    }
    const out: AzureClusterSelection = {
        aks: [],
        arc: [],
        leftOut: s.leftOut.map(({ cluster, reason }) => ({ cluster, reason })),
    };
    for (const { cluster, override } of s.selected)
        out[cluster.kind].push({ ...cluster, override: override?.settings ?? {} });
    return out;
}
