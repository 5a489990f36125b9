/**
 * Parsing of the ARM resource ids that stack config lists clusters by. Pure functions; the config
 * loader turns a `null` into a ConfigError that shows the expected shape.
 */

import type { Input } from "@pulumi/pulumi";

/** The kinds of Azure cluster a stack onboards: AKS managed clusters and Arc connected clusters. */
export const AZURE_CLUSTER_KINDS = ["aks", "arc"] as const;
export type AzureClusterKind = (typeof AZURE_CLUSTER_KINDS)[number];

export interface ClusterRef {
    subscriptionId: string;
    resourceGroup: string;
    name: string;
    /** The id as ARM spells it, whatever case the user wrote the fixed segments in. */
    id: string;
}

const GUID = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}";
/** Resource group names: 1-90 of letters, digits, '_', '-', '.', '(' and ')', not ending in '.'. */
export const RESOURCE_GROUP_PATTERN = "[-\\w.()]{0,89}[-\\w()]";

// AKS cluster names: 1-63 of letters, digits, '_' and '-', starting and ending alphanumeric.
const AKS_NAME = "[a-zA-Z0-9](?:[-_a-zA-Z0-9]{0,61}[a-zA-Z0-9])?";
// Arc connected cluster names: 1-63 of letters, digits, '_', '-' and '.'.
const ARC_NAME = "[a-zA-Z0-9](?:[-_.a-zA-Z0-9]{0,61}[a-zA-Z0-9])?";

function parser(provider: string, type: string, namePattern: string) {
    const re = new RegExp(
        `^/subscriptions/(${GUID})/resourceGroups/(${RESOURCE_GROUP_PATTERN})/providers/${provider}/${type}/(${namePattern})$`,
        "i",
    );
    return (id: string): ClusterRef | null => {
        const m = re.exec(id.trim());
        if (!m) return null;
        const [, subscriptionId, resourceGroup, name] = m;
        return {
            subscriptionId: subscriptionId.toLowerCase(),
            resourceGroup,
            name,
            id: `/subscriptions/${subscriptionId.toLowerCase()}/resourceGroups/${resourceGroup}/providers/${provider}/${type}/${name}`,
        };
    };
}

export const AKS_ID_SHAPE =
    "/subscriptions/<subscription GUID>/resourceGroups/<group>/providers/Microsoft.ContainerService/managedClusters/<name>";
export const ARC_ID_SHAPE =
    "/subscriptions/<subscription GUID>/resourceGroups/<group>/providers/Microsoft.Kubernetes/connectedClusters/<name>";
export const WORKSPACE_ID_SHAPE =
    "/subscriptions/<subscription GUID>/resourceGroups/<group>/providers/Microsoft.OperationalInsights/workspaces/<name>";

export const parseAksClusterId = parser("Microsoft.ContainerService", "managedClusters", AKS_NAME);
export const parseArcClusterId = parser("Microsoft.Kubernetes", "connectedClusters", ARC_NAME);
export const parseWorkspaceId = parser(
    "Microsoft.OperationalInsights",
    "workspaces",
    "[a-zA-Z0-9](?:[-a-zA-Z0-9]{2,61}[a-zA-Z0-9])",
);

/**
 * A Pulumi resource name for a cluster that depends on the cluster alone, never on its position
 * in the list, so adding or removing another cluster does not replace this one's resources.
 */
export function clusterResourceKey(ref: Pick<ClusterRef, "resourceGroup" | "name">): string {
    return `${ref.resourceGroup}-${ref.name}`.toLowerCase();
}

/**
 * A cluster a component works on. A program that creates the cluster passes its outputs
 * (`containerservice.ManagedCluster`'s resource group and name) and a plain `key`; the program of
 * this project passes a `ClusterRef` from config.
 */
export interface ClusterTarget {
    resourceGroup: Input<string>;
    name: Input<string>;
    /** The ARM id, when known as text: what `existing` (the lookup results) is keyed by. */
    id?: string;
    /** Names the component's resources for this cluster; `clusterResourceKey` of the two by default, required when either is an output. */
    key?: string;
}
