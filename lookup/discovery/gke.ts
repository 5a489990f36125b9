import { ClusterManagerClient, protos } from "@google-cloud/container";
import { isExcluded } from "../../domain/shared/exclusion";
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
 * as "7 PERMISSION_DENIED: ..."; from google-auth-library's `request` as an error whose response
 * holds the JSON body. Either way the operator gets one line with Google's reason.
 */
export function googleReason(e: unknown): string {
    const fromBody = (error: { code?: unknown; status?: unknown; message?: unknown } | undefined) =>
        typeof error?.message === "string"
            ? `Google answered ${[error.code, error.status].filter(Boolean).join(" ")}: ${error.message}`
            : undefined;
    const answered = fromBody(
        (e as { response?: { data?: { error?: Record<string, unknown> } } } | undefined)?.response?.data?.error,
    );
    if (answered) return answered;
    const message = e instanceof Error ? e.message : String(e);
    try {
        const body = fromBody(JSON.parse(message)?.error);
        if (body) return body;
    } catch {
        /* not a JSON body */
    }
    return message;
}

export type GkeClientOptions = ConstructorParameters<typeof ClusterManagerClient>[0];

/**
 * One `projects.locations.clusters.list` over every location (`locations/-`): the clusters, and the
 * locations that did not answer. Rejects with the client's error; callers decide what a failure means.
 */
export async function listGkeClusters(
    projectId: string,
    clientOptions: GkeClientOptions = {},
): Promise<{ clusters: GkeCluster[]; missingZones: string[] }> {
    const client = new ClusterManagerClient(clientOptions);
    try {
        const [res] = await client.listClusters({ parent: `projects/${projectId}/locations/-` });
        return { clusters: res.clusters ?? [], missingZones: res.missingZones ?? [] };
    } finally {
        await client.close();
    }
}

/** The cluster's location as the client decodes it: `location`, or `zone` (deprecated in container v1) where absent. */
export function gkeLocation(c: GkeCluster): string {
    return text(c.location) ?? text(c.zone) ?? "";
}

/**
 * Whether the control plane is reached on its private IP only. container v1 deprecates
 * `privateClusterConfig.enablePrivateEndpoint` for
 * `controlPlaneEndpointsConfig.ipEndpointsConfig.enablePublicEndpoint`, its value reversed
 * (cluster_service.proto, docs/sources.md): the current field decides, the old one where it is absent.
 */
export function gkePrivateEndpoint(c: GkeCluster): boolean {
    const publicEndpoint = c.controlPlaneEndpointsConfig?.ipEndpointsConfig?.enablePublicEndpoint;
    if (typeof publicEndpoint === "boolean") return !publicEndpoint;
    return c.privateClusterConfig?.enablePrivateEndpoint ?? false;
}

/**
 * The CIDRs allowed to reach the control plane: `controlPlaneEndpointsConfig.ipEndpointsConfig.
 * authorizedNetworksConfig`, or the deprecated `masterAuthorizedNetworksConfig` where it is absent.
 */
export function gkeAuthorizedNetworks(c: GkeCluster): string[] {
    const config =
        c.controlPlaneEndpointsConfig?.ipEndpointsConfig?.authorizedNetworksConfig ?? c.masterAuthorizedNetworksConfig;
    return (config?.cidrBlocks ?? []).map((b) => b.cidrBlock ?? "").filter(Boolean);
}

export function gkeDetails(c: GkeCluster): Record<string, unknown> {
    return {
        status: enumName(c.status),
        networkPolicyEnabled: c.networkPolicy?.enabled ?? false,
        networkPolicyProvider: enumName(c.networkPolicy?.provider),
        datapathProvider: enumName(c.networkConfig?.datapathProvider),
        privateEndpoint: gkePrivateEndpoint(c),
        masterAuthorizedNetworks: gkeAuthorizedNetworks(c),
        workloadPool: text(c.workloadIdentityConfig?.workloadPool) ?? null,
    };
}

/**
 * The GKE clusters of a project in every location (`locations/-`). `clientOptions` passes through
 * to the client library (for example `fallback: "rest"` and `apiEndpoint`, the HTTP/JSON transport).
 */
export async function discoverGke(projectId: string, clientOptions: GkeClientOptions = {}): Promise<DiscoveryResult> {
    const out: DiscoveryResult = { clusters: [], failures: [] };
    try {
        const res = await listGkeClusters(projectId, clientOptions);
        for (const loc of res.missingZones)
            out.failures.push({
                cloud: "gcp",
                scope: `projects/${projectId}/locations/${loc}`,
                message: "location did not answer",
            });
        for (const c of res.clusters) {
            const name = c.name ?? "";
            const location = gkeLocation(c);
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
                    exec: {
                        apiVersion: "client.authentication.k8s.io/v1beta1",
                        command: "gke-gcloud-auth-plugin",
                        args: [],
                        env: [],
                    },
                });
            }
            out.clusters.push(found);
        }
    } catch (e) {
        out.failures.push({ cloud: "gcp", scope: `projects/${projectId}`, message: googleReason(e) });
    }
    return out;
}
