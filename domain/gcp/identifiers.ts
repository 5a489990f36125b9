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

export function projectCustomRoleName(projectId: string, roleId: string): string {
    return `projects/${projectId}/roles/${roleId}`;
}

export function organizationCustomRoleName(organizationId: string, roleId: string): string {
    return `organizations/${organizationId}/roles/${roleId}`;
}

/** A pool's resource name, always spelled with the project *number*. */
export function workloadIdentityPoolName(projectNumber: string, poolId: string): string {
    return `projects/${projectNumber}/locations/global/workloadIdentityPools/${poolId}`;
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

/** `<project>/<location>/<name>`: how config, notes and selection name a GKE cluster (names repeat across locations and projects). */
export function gkeClusterKey(c: { projectId: string; location: string; name: string }): string {
    return `${c.projectId}/${c.location}/${c.name}`;
}

/** A GKE cluster's resource path, as GCP's APIs and Defender's inventory name it. */
export function gkeClusterPath(projectId: string, location: string, name: string): string {
    return `projects/${projectId}/locations/${location}/clusters/${name}`;
}

/** Microsoft's default pool id: the customer's Azure tenant id without dashes (*inferred*). */
export function defaultPoolId(azureTenantId: string): string {
    return azureTenantId.replace(/-/g, "").toLowerCase();
}

/**
 * The principal set of the pool GCP actually created by the WorkloadIdentityFederation `name`,
 * refusing a pool whose project number is not the component's `projectNumber`: with a wrong one the
 * grant would match nobody, silently, and the connector would name the wrong project. The message
 * names the argument, and the config key the project's own program fills it from.
 */
export function principalSetFromPoolName(
    name: string,
    poolName: string,
    projectId: string,
    projectNumber: string,
): string {
    const parsed = parseWorkloadIdentityPoolName(poolName);
    if (!parsed) {
        throw new Error(
            `workload identity pool name ${JSON.stringify(poolName)} is not in the form projects/<number>/locations/global/workloadIdentityPools/<id>`,
        );
    }
    if (parsed.projectNumber !== projectNumber) {
        throw new Error(
            `${name} (WorkloadIdentityFederation): projectNumber is ${projectNumber}, but GCP reports project ${projectId} as number ${parsed.projectNumber}; ` +
                `correct projectNumber (in this package's program: the stack config gcp.projectNumber)`,
        );
    }
    return principalSetMember(parsed.projectNumber, parsed.poolId);
}
