/**
 * The GCP facts (docs/sources.md: GCP, connectors) in one place. Components, config validation, tests and the
 * policy pack read them from here, so a fact is never spelled twice.
 */

/**
 * Appended to the description of every object this stack creates (service account, custom roles,
 * pool, provider). A later run's lookup finds its own objects too: the mark tells them apart from
 * what Microsoft's script made, so the stack's own objects are never turned into retained imports.
 */
export const MANAGED_MARK = "[managed by the agentless-discovery Pulumi stack]";

export function markedDescription(text: string): string {
    return `${text} ${MANAGED_MARK}`;
}

export function isMarked(description: string): boolean {
    return description.includes(MANAGED_MARK);
}

/** Microsoft's name for the discovery service account (customizable). */
export const DEFAULT_SERVICE_ACCOUNT_NAME = "mdc-containers-k8s-operator";
export const SERVICE_ACCOUNT_DISPLAY_NAME = "Microsoft Defender for Containers agentless discovery";

/** Microsoft's id for the custom role (customizable) and the one permission it holds. */
export const DEFAULT_CUSTOM_ROLE_ID = "MDCGkeClusterWriteRole";
export const CUSTOM_ROLE_TITLE = "MDC GKE Cluster Write Role";
/** Lets Defender add its IP ranges to a cluster's authorized networks (clusters with IP restrictions). */
export const CUSTOM_ROLE_PERMISSIONS = ["container.clusters.update"] as const;

/**
 * Microsoft's newer permissions article lists a second custom role for the discovery account.
 * It lets the holder list every Secret in every cluster in scope (and proxy to nodes): an explicit
 * option, off by default.
 */
export const INVENTORY_ROLE_ID = "MDCGkeContainerInventoryCollectionRole";
export const INVENTORY_ROLE_TITLE = "MDC GKE Container Inventory Collection Role";
export const INVENTORY_ROLE_PERMISSIONS = ["container.nodes.proxy", "container.secrets.list"] as const;

/** Built-in role: read the project's GKE clusters and, through GKE's IAM mapping, their Kubernetes objects. */
export const VIEWER_ROLE = "roles/container.viewer";
/** Lets the federated principal set impersonate the service account. */
export const WORKLOAD_IDENTITY_USER_ROLE = "roles/iam.workloadIdentityUser";

/** Microsoft's provider id for the Containers plan's federation (shared with its other features). */
export const DEFAULT_PROVIDER_ID = "containers";
/** The only mapping Defender's tokens need: the subject becomes the Google principal. */
export const ATTRIBUTE_MAPPING: Readonly<Record<string, string>> = { "google.subject": "assertion.sub" };

/** Data Access audit logs for GKE: what Defender reads for control-plane detections. */
export const AUDIT_SERVICE = "container.googleapis.com";
export const AUDIT_LOG_TYPES = ["ADMIN_READ", "DATA_READ", "DATA_WRITE"] as const;

export const SCOPES = ["project", "organization"] as const;
export type GcpScope = (typeof SCOPES)[number];

/** The Defender side (azure-native `security.SecurityConnector`). */
export const CONNECTOR_ENVIRONMENT_NAME = "GCP";
export const CONNECTOR_ENVIRONMENT_TYPE = "GcpProject";
export const CONTAINERS_OFFERING_TYPE = "DefenderForContainersGcp";

/** Pulumi type tokens of what the gcp stack creates, for the policy pack and the tests. */
export const GCP_TYPES = {
    provider: "pulumi:providers:gcp",
    serviceAccount: "gcp:serviceaccount/account:Account",
    serviceAccountIamMember: "gcp:serviceaccount/iAMMember:IAMMember",
    projectCustomRole: "gcp:projects/iAMCustomRole:IAMCustomRole",
    projectIamMember: "gcp:projects/iAMMember:IAMMember",
    projectAuditConfig: "gcp:projects/iAMAuditConfig:IAMAuditConfig",
    organizationCustomRole: "gcp:organizations/iAMCustomRole:IAMCustomRole",
    organizationIamMember: "gcp:organizations/iAMMember:IAMMember",
    organizationAuditConfig: "gcp:organizations/iamAuditConfig:IamAuditConfig",
    workloadIdentityPool: "gcp:iam/workloadIdentityPool:WorkloadIdentityPool",
    workloadIdentityPoolProvider: "gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider",
    securityConnector: "azure-native:security:SecurityConnector",
} as const;
