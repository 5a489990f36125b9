import * as pulumi from "@pulumi/pulumi";
import { Provider as GcpProvider } from "@pulumi/gcp/provider";
import { Provider as AzureProvider } from "@pulumi/azure-native/provider";
import { dropApiVersionAliases } from "../../lib/aliases";
import { GcpConfig } from "../../config/gcp";
import { note } from "../../lib/notes";
import { EXCLUSION_TAG } from "../shared/exclusion";
import { VIEWER_ROLE } from "./facts";
import { gkeClusterPath } from "./identifiers";
import { GkeDiscoveryAccess } from "./gkeDiscoveryAccess";
import { INVENTORY_ROLE_ID, INVENTORY_ROLE_PERMISSIONS } from "./facts";
import { WorkloadIdentityFederation } from "./workloadIdentityFederation";
import { GkeAuditLogs } from "./gkeAuditLogs";
import { DefenderGcpConnector } from "./defenderConnector";
import { LookupSource } from "../../cloudState/source";

export interface GcpOnboarding {
    projectId: string;
    scope: string;
    serviceAccountEmail: pulumi.Output<string>;
    customRole: pulumi.Output<string>;
    principalSet: pulumi.Output<string>;
    workloadIdentityProvider: pulumi.Output<string>;
    connectorId?: pulumi.Output<string>;
    discoveredClusters: string[];
    excludedClusters: string[];
}

export interface GcpOnboardingContext {
    /** Pins the connector's Azure provider to the customer's tenant when set. */
    azureTenantId?: string;
}

/** Builds the GCP stack: discovery service account and roles, federation from Azure, audit logs, connector. */
export function onboardGcp(cfg: GcpConfig, ctx: GcpOnboardingContext, _source: LookupSource): GcpOnboarding {
    // An explicit provider pins every GCP resource to the validated project, whatever the
    // ambient gcloud configuration points at.
    const gcp = new GcpProvider("gcp", { project: cfg.projectId });
    const opts: pulumi.ComponentResourceOptions = { providers: [gcp] };

    const access = new GkeDiscoveryAccess("discovery", {
        projectId: cfg.projectId,
        scope: cfg.scope,
        organizationId: cfg.organizationId,
        serviceAccountName: cfg.serviceAccountName,
        customRoleId: cfg.customRoleId,
        inventoryRole: cfg.inventoryRole,
    }, opts);
    note("info", `project ${cfg.projectId}`, cfg.inventoryRole
        ? `${INVENTORY_ROLE_ID} granted (gcp.inventoryRole): ${INVENTORY_ROLE_PERMISSIONS.join(", ")} lets Defender list every Secret, values included, and proxy to nodes in every cluster in scope`
        : `${INVENTORY_ROLE_ID} not granted (gcp.inventoryRole: false): Microsoft's newer docs list it, but container.secrets.list would let Defender read every Secret; discovery works without it`);

    const federation = new WorkloadIdentityFederation("federation", {
        projectId: cfg.projectId,
        projectNumber: cfg.projectNumber,
        poolId: cfg.workloadIdentity.poolId,
        providerId: cfg.workloadIdentity.providerId,
        serviceAccountName: access.serviceAccount.name,
    }, opts);

    if (cfg.auditLogs.enabled) {
        new GkeAuditLogs("audit-logs", { scope: cfg.scope, projectId: cfg.projectId, organizationId: cfg.organizationId }, opts);
    } else {
        note("manual-step", `project ${cfg.projectId}`,
            "gcp.auditLogs.enabled is false: make sure Data Access audit logs (ADMIN_READ, DATA_READ, DATA_WRITE) for container.googleapis.com are on where audit config is managed");
    }

    let connector: DefenderGcpConnector | undefined;
    if (cfg.connector) {
        const azure = new AzureProvider("azure", {
            subscriptionId: cfg.connector.subscriptionId,
            location: cfg.connector.location,
            ...(ctx.azureTenantId ? { tenantId: ctx.azureTenantId } : {}),
        });
        connector = new DefenderGcpConnector("defender", {
            projectId: cfg.projectId,
            projectNumber: cfg.projectNumber,
            resourceGroupName: cfg.connector.resourceGroupName,
            location: cfg.connector.location,
            connectorName: cfg.connector.name,
            workloadIdentityProviderId: federation.providerId,
            serviceAccountEmailAddress: access.email,
        }, { providers: [azure], dependsOn: [access, federation], transformations: [dropApiVersionAliases] });
    } else {
        note("manual-step", `project ${cfg.projectId}`,
            `gcp.connector.enabled is false: the Defender for Containers connector for project number ${cfg.projectNumber} must name provider "${cfg.workloadIdentity.providerId}" and the service account ${cfg.serviceAccountName}`);
    }
    if (cfg.scope === "organization") {
        note("info", `organization ${cfg.organizationId}`,
            `roles granted organization-wide; the connector created here covers project ${cfg.projectId} only, each other project needs its own connector (or an organization connector) in Defender`);
    }

    const listed = cfg.clusters.map((c) => ({ ...c, path: gkeClusterPath(cfg.projectId, c.location, c.name) }));
    for (const c of listed) {
        if (c.excluded) {
            note("excluded", c.path, `left out: labelled ${EXCLUSION_TAG}=true (Defender skips it; the roles are project-wide, GKE has no per-cluster grant)`);
        } else {
            note("info", c.path, `discovered through ${VIEWER_ROLE} held by the service account: GKE maps IAM roles to Kubernetes access, no per-cluster binding`);
        }
    }

    return {
        projectId: cfg.projectId,
        scope: cfg.scope,
        serviceAccountEmail: access.email,
        customRole: access.customRoleName,
        principalSet: federation.principalSet,
        workloadIdentityProvider: federation.provider.name,
        connectorId: connector?.connector.id,
        discoveredClusters: listed.filter((c) => !c.excluded).map((c) => c.path),
        excludedClusters: listed.filter((c) => c.excluded).map((c) => c.path),
    };
}
