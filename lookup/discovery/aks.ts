import type { TokenCredential } from "@azure/core-auth";
import {
    ContainerServiceClient,
    ContainerServiceClientOptionalParams,
    ManagedCluster,
} from "@azure/arm-containerservice";
import { isExcluded } from "../../domain/shared/exclusion";
import { parseKubeconfig } from "../../lib/kube/kubeconfig";
import { DiscoveryResult } from "./types";
import { isUnregistered } from "../azure/registration";
import { cloudReason } from "../../lib/errors";

export function aksDetails(c: ManagedCluster): Record<string, unknown> {
    const addons = Object.entries(c.addonProfiles ?? {})
        .filter(([, p]) => p.enabled)
        .map(([k]) => k)
        .sort();
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

/** ARM's reason from an error answer's body: `ARM answered <status> <code>: <message>`. */
export function armErrorText(status: number, body: string | undefined): string {
    let error: { code?: unknown; message?: unknown } | undefined;
    try {
        error = JSON.parse(body ?? "").error;
    } catch {
        error = undefined;
    }
    const code = typeof error?.code === "string" ? ` ${error.code}` : "";
    const message = typeof error?.message === "string" ? `: ${error.message}` : "";
    return `ARM answered ${status}${code}${message}`;
}

/**
 * The client's paging helper throws "Pagination failed with unexpected statusCode 403" and drops
 * ARM's error body, which holds the reason an operator needs (AuthorizationFailed and the action
 * that was denied, SubscriptionNotFound...). This keeps the last error answer's code and message.
 */
export function armErrorRecorder(client: { pipeline: ContainerServiceClient["pipeline"] }): () => string | undefined {
    let last: string | undefined;
    client.pipeline.addPolicy({
        name: "agentlessArmErrorReason",
        async sendRequest(request, next) {
            const response = await next(request);
            if (response.status >= 400) last = armErrorText(response.status, response.bodyAsText ?? undefined);
            return response;
        },
    });
    return () => last;
}

function resourceGroupOf(id: string): string {
    return /\/resourceGroups\/([^/]+)\//i.exec(id)?.[1] ?? "";
}

/**
 * The managed clusters of a subscription. Reading a cluster uses the user credentials AKS hands
 * out (`listClusterUserCredentials`, format exec: the kubelogin plug-in), as `az aks get-credentials` does.
 * `clientOptions` passes through to the client (`endpoint`, `tlsOptions`, `retryOptions`): empty in
 * production, which means https://management.azure.com.
 */
export async function discoverAks(
    subscriptionId: string,
    credential: TokenCredential,
    clientOptions: ContainerServiceClientOptionalParams = {},
): Promise<DiscoveryResult> {
    const client = new ContainerServiceClient(credential, subscriptionId, clientOptions);
    const lastArmError = armErrorRecorder(client);
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
                    const creds = await client.managedClusters.listClusterUserCredentials(resourceGroupOf(id), name, {
                        format: "exec",
                    });
                    const value = creds.kubeconfigs?.[0]?.value;
                    if (!value) throw new Error(`AKS returned no user kubeconfig for ${name}`);
                    const access = parseKubeconfig(
                        Buffer.from(value).toString("utf8"),
                        `AKS user credentials of ${name}`,
                    ).resolve();
                    return { ...access, name };
                },
            });
        }
    } catch (e) {
        // A subscription that has not registered Microsoft.ContainerService has no AKS cluster (registration.ts).
        if (out.clusters.length === 0 && isUnregistered((e as { code?: string }).code)) return out;
        const status = (e as { statusCode?: number }).statusCode;
        // An SDK's own message may span lines (the credential chain lists each credential's reason).
        const message = (status !== undefined && lastArmError()) || cloudReason(e);
        out.failures.push({ cloud: "azure", scope: `subscriptions/${subscriptionId}`, message });
    }
    return out;
}
