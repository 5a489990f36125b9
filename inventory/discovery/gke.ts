import { ClusterManagerClient, protos } from "@google-cloud/container";
import { isExcluded } from "../../components/shared/exclusion";
import { DiscoveredCluster, DiscoveryResult } from "./types";

type GkeCluster = protos.google.container.v1.ICluster;

// The client library decodes with proto3 defaults (gRPC and HTTP/JSON alike): an absent string
// arrives as "" and an absent enum as its *_UNSPECIFIED name, never as undefined. Both mean "not set".
function text(v: string | null | undefined): string | undefined {
    return v ? v : undefined;
}

function enumName(v: unknown): string | null {
    return typeof v === "string" && v !== "" && !v.endsWith("_UNSPECIFIED") ? v : null;
}

/**
 * Over HTTP/JSON (`fallback: "rest"`) a refused call surfaces as the raw JSON error body; over gRPC
 * as "7 PERMISSION_DENIED: ...". Either way the operator gets one line with Google's reason.
 */
function googleReason(e: unknown): string {
    const message = e instanceof Error ? e.message : String(e);
    try {
        const error = JSON.parse(message)?.error;
        if (typeof error?.message === "string") return `Google answered ${[error.code, error.status].filter(Boolean).join(" ")}: ${error.message}`;
    } catch {
        /* not a JSON body */
    }
    return message;
}

export function gkeDetails(c: GkeCluster): Record<string, unknown> {
    return {
        status: enumName(c.status),
        networkPolicyEnabled: c.networkPolicy?.enabled ?? false,
        networkPolicyProvider: enumName(c.networkPolicy?.provider),
        datapathProvider: enumName(c.networkConfig?.datapathProvider),
        privateEndpoint: c.privateClusterConfig?.enablePrivateEndpoint ?? false,
        masterAuthorizedNetworks: (c.masterAuthorizedNetworksConfig?.cidrBlocks ?? []).map((b) => b.cidrBlock).filter(Boolean),
        workloadPool: text(c.workloadIdentityConfig?.workloadPool) ?? null,
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
            const location = text(c.location) ?? text(c.zone) ?? "";
            const tags = (c.resourceLabels ?? {}) as Record<string, string>;
            const endpoint = text(c.endpoint);
            const ca = text(c.masterAuth?.clusterCaCertificate);
            const found: DiscoveredCluster = {
                cloud: "gcp",
                name,
                id: text(c.selfLink) ?? `projects/${projectId}/locations/${location}/clusters/${name}`,
                location,
                version: text(c.currentMasterVersion),
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
        out.failures.push({ cloud: "gcp", scope: `projects/${projectId}`, message: googleReason(e) });
    } finally {
        await client.close();
    }
    return out;
}
