import { GcpConfig } from "../../config/gcp";
import { LookupSource } from "../../lookup/source";
import { INVENTORY_ROLE_ID, VIEWER_ROLE, WORKLOAD_IDENTITY_USER_ROLE } from "../../domain/gcp/facts";
import {
    ExistingCustomRole,
    ExistingPool,
    ExistingPoolProvider,
    ExistingServiceAccount,
    GcpCloudLookup,
    GkeClusterFacts,
    Grant,
    IamParent,
} from "../../lookup/gcp/port";
import {
    adoptCustomRole,
    adoptPool,
    adoptPoolProvider,
    adoptServiceAccount,
    customRoleImportId,
    CustomRoleDecision,
    grantImportId,
    hasGrant,
    serviceAccountImportId,
} from "../../components/gcp/adoption";
import { GkeDiscoveryAccessAdoption } from "../../components/gcp/gkeDiscoveryAccess";
import { WorkloadIdentityFederationArgs } from "../../components/gcp/workloadIdentityFederation";
import { principalSetMember, serviceAccountEmail, serviceAccountMember } from "../../domain/gcp/identifiers";
import { ConnectorDecision, decideConnector, ExistingSecurityConnector } from "../../domain/shared/securityConnectors";
import { allInOrder, mapLimit } from "../../lib/mapLimit";

type LiveModule = typeof import("../../lookup/gcp/live");

/** The cloud-state file offline; Google's APIs otherwise (loaded only by GCP stacks that read the cloud). */
export function gcpLookupFor(source: LookupSource, azureTenantId?: string): GcpCloudLookup {
    if (source.kind === "file") {
        const { fileGcpLookup } = require("../../lookup/gcp/stateFile") as typeof import("../../lookup/gcp/stateFile");
        return fileGcpLookup(source.file());
    }
    return (require("../../lookup/gcp/live") as LiveModule).liveGcpLookup({
        azure: { ...(azureTenantId ? { tenantId: azureTenantId } : {}) },
    });
}

/** Everything the stack reads before it declares anything. */
export interface GcpCloudView {
    clusters: GkeClusterFacts[];
    serviceAccount?: ExistingServiceAccount;
    customRole?: ExistingCustomRole;
    inventoryRole?: ExistingCustomRole;
    grants: Grant[];
    serviceAccountGrants: Grant[];
    pool?: ExistingPool;
    provider?: ExistingPoolProvider;
    /** The connector subscription's security connectors (read only with a connector in config). */
    securityConnectors?: ExistingSecurityConnector[];
}

export function iamParent(cfg: GcpConfig): IamParent {
    return cfg.scope === "organization"
        ? { kind: "organization", id: cfg.organizationId! }
        : { kind: "project", id: cfg.projectId };
}

/** The projects whose clusters are listed: the explicit list's, or `gcp.discovery.projects`. */
export function projectsToList(cfg: Pick<GcpConfig, "clusters" | "discovery">): string[] {
    return cfg.clusters ? [...new Set(cfg.clusters.map((c) => c.projectId))] : cfg.discovery.projects;
}

/**
 * All lookups, in parallel (the projects' cluster lists gcp.lookupConcurrency at a time); the first
 * failure rejects (a LookupError) and nothing is declared.
 * Lookups that depend on an object existing (its IAM policy, a pool's provider) are made only then.
 */
export async function readGcpCloud(cfg: GcpConfig, lookup: GcpCloudLookup): Promise<GcpCloudView> {
    const parent = iamParent(cfg);
    const { projectId } = cfg;
    const { poolId, providerId } = cfg.workloadIdentity;
    // Side by side; on failures, the first in this order is reported, as a sequential read would.
    const [clusterLists, serviceAccount, customRole, inventoryRole, grants, pool, securityConnectors] =
        await allInOrder([
            // At most gcp.lookupConcurrency projects at once (an organization may list many).
            mapLimit(projectsToList(cfg), cfg.lookupConcurrency, (p) => lookup.listClusters(p)),
            lookup.serviceAccount(projectId, cfg.serviceAccountName),
            lookup.customRole(parent, cfg.customRoleId),
            cfg.inventoryRole ? lookup.customRole(parent, INVENTORY_ROLE_ID) : Promise.resolve(undefined),
            lookup.grants(parent),
            lookup.workloadIdentityPool(projectId, poolId),
            cfg.connector ? lookup.securityConnectors(cfg.connector.subscriptionId) : Promise.resolve(undefined),
        ] as const);
    const [serviceAccountGrants, provider] = await allInOrder([
        serviceAccount ? lookup.serviceAccountGrants(projectId, serviceAccount.email) : Promise.resolve([]),
        pool && pool.state !== "DELETED"
            ? lookup.workloadIdentityPoolProvider(projectId, poolId, providerId)
            : Promise.resolve(undefined),
    ] as const);
    return {
        clusters: clusterLists.flat(),
        serviceAccount,
        customRole,
        inventoryRole,
        grants,
        serviceAccountGrants,
        pool,
        provider,
        ...(securityConnectors ? { securityConnectors } : {}),
    };
}

export interface GcpAdoptionPlan {
    access: GkeDiscoveryAccessAdoption;
    federation: NonNullable<WorkloadIdentityFederationArgs["adopt"]>;
    /** Soft-deleted roles that creation undeletes: said in a note. */
    undeletes: string[];
    /** With a connector in config: create it, manage the stack's own, or adopt the project's existing one. */
    connector?: ConnectorDecision;
}

/**
 * Decides, from what exists, which objects are imported (with which id and inputs) and which are
 * created. Throws a ConfigError for what can be neither (a soft-deleted pool, a provider with a
 * foreign trust).
 */
export function planAdoption(cfg: GcpConfig, view: GcpCloudView): GcpAdoptionPlan {
    const parent = iamParent(cfg);
    const grantResource = parent.kind === "project" ? cfg.projectId : parent.id;
    const email = serviceAccountEmail(cfg.serviceAccountName, cfg.projectId);
    const member = serviceAccountMember(email);
    const { poolId, providerId } = cfg.workloadIdentity;

    const role: CustomRoleDecision = adoptCustomRole(parent, cfg.customRoleId, view.customRole);
    const inventory: CustomRoleDecision = cfg.inventoryRole
        ? adoptCustomRole(parent, INVENTORY_ROLE_ID, view.inventoryRole)
        : {};
    // Grants carry no mark: they follow the account. To Microsoft's (adopted) account, what exists is
    // imported and every grant is kept on destroy, so destroy never breaks Microsoft's setup; to the
    // stack's own account, they are the stack's.
    const serviceAccount = adoptServiceAccount(cfg.projectId, view.serviceAccount);
    const retain = serviceAccount !== undefined;
    const grants: Record<string, string> = {};
    const granted = [
        customRoleImportId(parent, cfg.customRoleId),
        VIEWER_ROLE,
        ...(cfg.inventoryRole ? [customRoleImportId(parent, INVENTORY_ROLE_ID)] : []),
    ];
    for (const r of granted) {
        if (retain && hasGrant(view.grants, r, member)) grants[r] = grantImportId(grantResource, { role: r, member });
    }

    const pool = adoptPool(cfg.projectId, poolId, view.pool, "gcp.workloadIdentity.poolId");
    const provider = adoptPoolProvider(
        cfg.projectId,
        poolId,
        providerId,
        view.provider,
        "gcp.workloadIdentity.providerId",
    );
    const principalSet = principalSetMember(cfg.projectNumber, poolId);
    const impersonation = { role: WORKLOAD_IDENTITY_USER_ROLE, member: principalSet };
    const impersonationImportId =
        retain && hasGrant(view.serviceAccountGrants, impersonation.role, impersonation.member)
            ? grantImportId(serviceAccountImportId(cfg.projectId, email), impersonation)
            : undefined;

    return {
        access: {
            serviceAccount,
            customRole: role.adopted,
            inventoryRole: inventory.adopted,
            grants,
            retainGrants: retain,
        },
        federation: { pool, provider, impersonationImportId, retainImpersonation: retain },
        undeletes: [role.undeletes, inventory.undeletes].filter((u): u is string => u !== undefined),
        ...(cfg.connector
            ? {
                  connector: decideConnector(
                      {
                          environmentName: "GCP",
                          hierarchyIdentifier: cfg.projectNumber,
                          keyPath: "gcp.connector",
                          subscriptionId: cfg.connector.subscriptionId,
                          resourceGroupName: cfg.connector.resourceGroupName,
                          name: cfg.connector.name,
                      },
                      view.securityConnectors ?? [],
                  ),
              }
            : {}),
    };
}
