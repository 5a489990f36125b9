import { ClusterManagerClient, protos } from "@google-cloud/container";
import { isExcluded } from "../../components/shared/exclusion";
import { DiscoveredCluster, DiscoveryResult } from "./types";

type GkeCluster = protos.google.container.v1.ICluster;

export function gkeDetails(c: GkeCluster): Record<string, unknown> {
    return {
        status: c.status ?? null,
        networkPolicyEnabled: c.networkPolicy?.enabled ?? false,
        networkPolicyProvider: c.networkPolicy?.provider ?? null,
        datapathProvider: c.networkConfig?.datapathProvider ?? null,
        privateEndpoint: c.privateClusterConfig?.enablePrivateEndpoint ?? false,
        masterAuthorizedNetworks: (c.masterAuthorizedNetworksConfig?.cidrBlocks ?? []).map((b) => b.cidrBlock).filter(Boolean),
        workloadPool: c.workloadIdentityConfig?.workloadPool ?? null,
    };
}

/**
 * The GKE clusters of a project in every location (`locations/-`). `clientOptions` passes through
 * to the client library (for example `fallback: "rest"` and `apiEndpoint`, the HTTP/JSON transport).
 */
export async function discoverGke(projectId: string, clientOptions: ConstructorParameters<typeof ClusterManagerClient>[0] = {}): Promise<DiscoveryResult> {
    const client = new ClusterManagerClient(clientOptions);
    const out: DiscoveryResult = { clusters: [], failures: [] };
    try {
        const [res] = await client.listClusters({ parent: `projects/${projectId}/locations/-` });
        for (const loc of res.missingZones ?? []) out.failures.push({ cloud: "gcp", scope: `projects/${projectId}/locations/${loc}`, message: "location did not answer" });
        for (const c of res.clusters ?? []) {
            const name = c.name ?? "";
            const tags = (c.resourceLabels ?? {}) as Record<string, string>;
            const endpoint = c.endpoint;
            const ca = c.masterAuth?.clusterCaCertificate;
            const found: DiscoveredCluster = {
                cloud: "gcp",
                name,
                id: c.selfLink ?? `projects/${projectId}/locations/${c.location}/clusters/${name}`,
                location: c.location ?? "",
                version: c.currentMasterVersion ?? undefined,
                server: endpoint ? `https://${endpoint}` : undefined,
                tags,
                excluded: isExcluded(tags),
                details: gkeDetails(c),
            };
            if (endpoint) {
                found.access = async () => ({
                    name,
                    server: `https://${endpoint}`,
                    ca: ca ? Buffer.from(ca, "base64").toString("utf8") : undefined,
                    insecureSkipTlsVerify: false,
                    // The plug-in `gcloud container clusters get-credentials` writes.
                    exec: { apiVersion: "client.authentication.k8s.io/v1beta1", command: "gke-gcloud-auth-plugin", args: [], env: [] },
                });
            }
            out.clusters.push(found);
        }
    } catch (e) {
        out.failures.push({ cloud: "gcp", scope: `projects/${projectId}`, message: (e as Error).message });
    } finally {
        await client.close();
    }
    return out;
}
