/**
 * What the GCP stack reads before it declares anything: the GKE clusters of the projects in scope
 * and the objects Microsoft's gcloud onboarding script (or an earlier hand-made setup) may already
 * have made. Two implementations answer it: the cloud-state file (`lookup/gcp/stateFile.ts`, the offline
 * plan) and Google's APIs (`live.ts`, preview and up). Every failed call rejects with a
 * LookupError naming the call, the scope and Google's reason; "not found" is an answer, not a failure.
 */

import type { ExistingSecurityConnector } from "../../domain/shared/securityConnectors";

/** A GKE cluster as discovery sees it. Its key everywhere is `<project>/<location>/<name>` (gkeClusterKey, domain/gcp/identifiers.ts). */
export interface GkeClusterFacts {
    projectId: string;
    /** A region (regional cluster) or a zone (zonal cluster). */
    location: string;
    name: string;
    /** The cluster's `resourceLabels`: where Defender's exclusion label is read. */
    labels: Record<string, string>;
}

/** Where a custom role lives and a grant is made: the project or the organization. */
export type IamParent = { kind: "project"; id: string } | { kind: "organization"; id: string };

export function iamParentPath(p: IamParent): string {
    return p.kind === "project" ? `projects/${p.id}` : `organizations/${p.id}`;
}

export interface ExistingServiceAccount {
    email: string;
    displayName: string;
    description: string;
    disabled: boolean;
}

export interface ExistingCustomRole {
    title: string;
    description: string;
    permissions: string[];
    stage: string;
    /** Soft-deleted: GCP keeps it (and its id) for 7 days, undeletable; see `adoption.ts`. */
    deleted: boolean;
}

export const FEDERATION_STATES = ["ACTIVE", "DELETED"] as const;
export type FederationState = (typeof FEDERATION_STATES)[number];

export interface ExistingPool {
    displayName: string;
    description: string;
    disabled: boolean;
    state: FederationState;
}

export interface ExistingPoolProvider {
    displayName: string;
    description: string;
    disabled: boolean;
    state: FederationState;
    attributeMapping: Record<string, string>;
    attributeCondition: string;
    issuerUri: string;
    allowedAudiences: string[];
}

/** One member of one role in an IAM policy (bindings with a condition are not counted). */
export interface Grant {
    role: string;
    member: string;
}

export interface GcpCloudLookup {
    /** Every GKE cluster of the project, all locations. */
    listClusters(projectId: string): Promise<GkeClusterFacts[]>;
    serviceAccount(projectId: string, accountId: string): Promise<ExistingServiceAccount | undefined>;
    customRole(parent: IamParent, roleId: string): Promise<ExistingCustomRole | undefined>;
    /** The unconditional grants of the project's or organization's IAM policy. */
    grants(parent: IamParent): Promise<Grant[]>;
    /** The unconditional grants of the service account's own IAM policy (who may act as it). */
    serviceAccountGrants(projectId: string, email: string): Promise<Grant[]>;
    workloadIdentityPool(projectId: string, poolId: string): Promise<ExistingPool | undefined>;
    workloadIdentityPoolProvider(
        projectId: string,
        poolId: string,
        providerId: string,
    ): Promise<ExistingPoolProvider | undefined>;
    /** The Azure security connectors of one subscription (ARM `SecurityConnectors_List`): the project may be connected already. */
    securityConnectors(subscriptionId: string): Promise<ExistingSecurityConnector[]>;
}

/**
 * The Google API methods behind each lookup, as LookupError names them, and the IAM permission
 * each needs (docs/gcp-discovery.md lists them with their sources).
 */
export const CALLS = {
    listClusters: "container.projects.locations.clusters.list",
    serviceAccount: "iam.projects.serviceAccounts.get",
    projectRole: "iam.projects.roles.get",
    organizationRole: "iam.organizations.roles.get",
    projectPolicy: "cloudresourcemanager.projects.getIamPolicy",
    organizationPolicy: "cloudresourcemanager.organizations.getIamPolicy",
    serviceAccountPolicy: "iam.projects.serviceAccounts.getIamPolicy",
    pool: "iam.projects.locations.workloadIdentityPools.get",
    poolProvider: "iam.projects.locations.workloadIdentityPools.providers.get",
} as const;
