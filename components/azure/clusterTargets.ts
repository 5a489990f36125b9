import { plainValueError, requirePlain, requirePlainContainer } from "../shared/input";
import { ClusterTarget, clusterResourceKey } from "../../domain/azure/resourceIds";

/**
 * Stops a component given an output where its `clusters` must be plain: the list (one set of
 * resources per cluster), and each cluster's `key` and `id`, plus the per-cluster arguments in
 * `more`. A cluster's resource group and name may be outputs. Returns each cluster's resource-name
 * key (targetKey), so that every cluster is checked before the first one's resources are declared.
 */
export function requirePlainTargets<T extends ClusterTarget>(
    component: string,
    name: string,
    clusters: readonly T[],
    listReason: string,
    more: Partial<Record<keyof T & string, string>> = {},
): string[] {
    requirePlainContainer(component, name, "clusters", clusters, listReason);
    const reasons = {
        key: "it names the cluster's resources",
        id: "it keys what the lookups found for the cluster",
        ...more,
    } as Partial<Record<keyof T & string, string>>;
    clusters.forEach((c, i) => requirePlain(component, name, c, reasons, `clusters[${i}]`));
    return clusters.map((c, i) => targetKey(component, name, i, c));
}

/**
 * The resource-name key of the cluster at `clusters[index]`: its `key`, else its resource group and
 * name; an output among those stops the component, naming the key as the cure.
 */
export function targetKey(component: string, name: string, index: number, c: ClusterTarget): string {
    if (c.key !== undefined) return c.key;
    if (typeof c.resourceGroup === "string" && typeof c.name === "string")
        return clusterResourceKey({ resourceGroup: c.resourceGroup, name: c.name });
    const which = typeof c.resourceGroup === "string" ? "name" : "resourceGroup";
    throw plainValueError(
        component,
        name,
        `clusters[${index}].${which}`,
        'without a key, the cluster\'s resource group and name spell the key that names its resources (give a plain key, for example key: "apps")',
    );
}
