import type { TokenCredential } from "@azure/core-auth";
import { ContainerServiceClient, ManagedCluster } from "@azure/arm-containerservice";
import { isExcluded } from "../../components/shared/exclusion";
import { parseKubeconfig } from "../../lib/kube/kubeconfig";
import { DiscoveryResult } from "./types";

export function aksDetails(c: ManagedCluster): Record<string, unknown> {
    const addons = Object.entries(c.addonProfiles ?? {}).filter(([, p]) => p.enabled).map(([k]) => k).sort();
    return {
        provisioningState: c.provisioningState,
        networkPlugin: c.networkProfile?.networkPlugin ?? null,
        networkPluginMode: c.networkProfile?.networkPluginMode ?? null,
        networkPolicy: c.networkProfile?.networkPolicy ?? null,
        defenderSecurityMonitoring: c.securityProfile?.defender?.securityMonitoring?.enabled ?? false,
        workloadIdentity: c.securityProfile?.workloadIdentity?.enabled ?? false,
        addons,
        privateCluster: c.apiServerAccessProfile?.enablePrivateCluster ?? false,
        authorizedIpRanges: c.apiServerAccessProfile?.authorizedIPRanges ?? [],
        disableLocalAccounts: c.disableLocalAccounts ?? false,
    };
}

function resourceGroupOf(id: string): string {
    return /\/resourceGroups\/([^/]+)\//i.exec(id)?.[1] ?? "";
}

/**
 * The managed clusters of a subscription. Reading a cluster uses the user credentials AKS hands
 * out (`listClusterUserCredentials`, format exec: the kubelogin plug-in), as `az aks get-credentials` does.
 */
export async function discoverAks(subscriptionId: string, credential: TokenCredential, options: { endpoint?: string } = {}): Promise<DiscoveryResult> {
    const client = new ContainerServiceClient(credential, subscriptionId, options.endpoint ? { endpoint: options.endpoint } : {});
    const out: DiscoveryResult = { clusters: [], failures: [] };
    try {
        for await (const c of client.managedClusters.list()) {
            const name = c.name ?? "";
            const id = c.id ?? name;
            const tags = c.tags ?? {};
            const fqdn = c.fqdn ?? c.privateFqdn;
            out.clusters.push({
                cloud: "azure",
                name,
                id,
                location: c.location ?? "",
                version: c.currentKubernetesVersion ?? c.kubernetesVersion,
                server: fqdn ? `https://${fqdn}:443` : undefined,
                tags,
                excluded: isExcluded(tags),
                details: aksDetails(c),
                access: async () => {
                    const creds = await client.managedClusters.listClusterUserCredentials(resourceGroupOf(id), name, { format: "exec" });
                    const value = creds.kubeconfigs?.[0]?.value;
                    if (!value) throw new Error(`AKS returned no user kubeconfig for ${name}`);
                    const access = parseKubeconfig(Buffer.from(value).toString("utf8"), `AKS user credentials of ${name}`).resolve();
                    return { ...access, name };
                },
            });
        }
    } catch (e) {
        out.failures.push({ cloud: "azure", scope: `subscriptions/${subscriptionId}`, message: (e as Error).message });
    }
    return out;
}
