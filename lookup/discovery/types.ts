import { ClusterAccess } from "../../lib/kube/kubeconfig";

/** A cluster found through a cloud API. `access` is how to read it when no kubeconfig context matches. */
export interface DiscoveredCluster {
    cloud: "aws" | "azure" | "gcp";
    name: string;
    /** The cloud's id: an ARN, an ARM id, a GKE self link. */
    id: string;
    location: string;
    version?: string;
    /** https://host[:port] of the API server, when the cloud reports one. */
    server?: string;
    tags: Record<string, string>;
    excluded: boolean;
    /** What inventory keeps of the cloud's description (endpoint access, logging, add-ons...). */
    details: Record<string, unknown>;
    /** Builds access with the cloud's own credential plug-in (aws, kubelogin, gke-gcloud-auth-plugin). */
    access?: () => Promise<ClusterAccess>;
}

export interface DiscoveryFailure {
    cloud: string;
    scope: string;
    message: string;
}

export interface DiscoveryResult {
    clusters: DiscoveredCluster[];
    failures: DiscoveryFailure[];
}
