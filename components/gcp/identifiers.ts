/**
 * How GCP spells the identifiers this stack creates or refers to. Pure functions: the components,
 * the tests and the mocks agree on one spelling.
 */

export function serviceAccountEmail(accountId: string, projectId: string): string {
    return `${accountId}@${projectId}.iam.gserviceaccount.com`;
}

export function serviceAccountMember(email: string): string {
    return `serviceAccount:${email}`;
}

/** A pool's resource name, always spelled with the project *number*. */
export function workloadIdentityPoolName(projectNumber: string, poolId: string): string {
    return `projects/${projectNumber}/locations/global/workloadIdentityPools/${poolId}`;
}

export function workloadIdentityProviderName(projectNumber: string, poolId: string, providerId: string): string {
    return `${workloadIdentityPoolName(projectNumber, poolId)}/providers/${providerId}`;
}

/** Every identity the pool federates, as an IAM member. */
export function principalSetMember(projectNumber: string, poolId: string): string {
    return `principalSet://iam.googleapis.com/${workloadIdentityPoolName(projectNumber, poolId)}/*`;
}

const POOL_NAME = /^projects\/(\d+)\/locations\/global\/workloadIdentityPools\/([a-z0-9-]+)$/;

export function parseWorkloadIdentityPoolName(name: string): { projectNumber: string; poolId: string } | null {
    const m = POOL_NAME.exec(name);
    return m ? { projectNumber: m[1], poolId: m[2] } : null;
}

export function projectCustomRoleName(projectId: string, roleId: string): string {
    return `projects/${projectId}/roles/${roleId}`;
}

export function organizationCustomRoleName(organizationId: string, roleId: string): string {
    return `organizations/${organizationId}/roles/${roleId}`;
}

/** A GKE cluster's resource path, as GCP's APIs and Defender's inventory name it. */
export function gkeClusterPath(projectId: string, location: string, name: string): string {
    return `projects/${projectId}/locations/${location}/clusters/${name}`;
}

/** Microsoft's default pool id: the customer's Azure tenant id without dashes (*inferred*). */
export function defaultPoolId(azureTenantId: string): string {
    return azureTenantId.replace(/-/g, "").toLowerCase();
}
