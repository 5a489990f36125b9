import * as pulumi from "@pulumi/pulumi";
import { Provider as GcpProvider } from "@pulumi/gcp/provider";
import { Provider as AzureProvider } from "@pulumi/azure-native/provider";
import { dropApiVersionAliases } from "../aliases";
import { GcpConfig } from "../../config/gcp";
import { note } from "../notes";
import { CONTAINERS_OFFERING_TYPE, VIEWER_ROLE } from "../../domain/gcp/facts";
import { connectorNote } from "../connectorNotes";
import { GcpCloudLookup, GkeClusterFacts } from "../../lookup/gcp/port";
import { gkeClusterPath, serviceAccountEmail } from "../../domain/gcp/identifiers";
import { selectGkeClusters } from "./selection";
import { gcpLookupFor, GcpAdoptionPlan, GcpCloudView, planAdoption, readGcpCloud } from "./cloudRead";
import { GkeDiscoveryAccess } from "../../components/gcp/gkeDiscoveryAccess";
import { INVENTORY_ROLE_ID, INVENTORY_ROLE_PERMISSIONS } from "../../domain/gcp/facts";
import { WorkloadIdentityFederation } from "../../components/gcp/workloadIdentityFederation";
import { GkeAuditLogs } from "../../components/gcp/gkeAuditLogs";
import { DefenderGcpConnector } from "../../components/gcp/defenderConnector";
import { LookupSource } from "../../lookup/source";

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

/**
 * Builds the GCP stack: discovery service account and roles, federation from Azure, audit logs,
 * connector. The cloud is read first (clusters, objects Microsoft's script may have made), through
 * `lookup` or else the run's `source`; a failed lookup rejects before anything is declared.
 */
export async function onboardGcp(
    cfg: GcpConfig,
    ctx: GcpOnboardingContext,
    source: LookupSource,
    lookup: GcpCloudLookup = gcpLookupFor(source, ctx.azureTenantId),
): Promise<GcpOnboarding> {
    const view = await readGcpCloud(cfg, lookup);
    const selection = selectGkeClusters(view.clusters, cfg);
    const adoption = planAdoption(cfg, view);

    // An explicit provider pins every GCP resource to the validated project, whatever the
    // ambient gcloud configuration points at.
    const gcp = new GcpProvider("gcp", { project: cfg.projectId });
    const opts: pulumi.ComponentResourceOptions = { providers: [gcp] };

    const access = new GkeDiscoveryAccess(
        "discovery",
        {
            projectId: cfg.projectId,
            scope: cfg.scope,
            organizationId: cfg.organizationId,
            serviceAccountName: cfg.serviceAccountName,
            customRoleId: cfg.customRoleId,
            inventoryRole: cfg.inventoryRole,
            adopt: adoption.access,
        },
        opts,
    );
    note(
        "info",
        `project ${cfg.projectId}`,
        cfg.inventoryRole
            ? `${INVENTORY_ROLE_ID} granted (gcp.inventoryRole): ${INVENTORY_ROLE_PERMISSIONS.join(", ")} lets Defender list every Secret, values included, and proxy to nodes in every cluster in scope`
            : `${INVENTORY_ROLE_ID} not granted (gcp.inventoryRole: false): Microsoft's newer docs list it, but container.secrets.list would let Defender read every Secret; discovery works without it`,
    );

    const federation = new WorkloadIdentityFederation(
        "federation",
        {
            projectId: cfg.projectId,
            projectNumber: cfg.projectNumber,
            poolId: cfg.workloadIdentity.poolId,
            providerId: cfg.workloadIdentity.providerId,
            serviceAccountName: access.serviceAccount.name,
            adopt: adoption.federation,
        },
        opts,
    );
    adoptionNotes(cfg, view, adoption);

    if (cfg.auditLogs.enabled) {
        new GkeAuditLogs(
            "audit-logs",
            { scope: cfg.scope, projectId: cfg.projectId, organizationId: cfg.organizationId },
            opts,
        );
    } else {
        note(
            "manual-step",
            `project ${cfg.projectId}`,
            "gcp.auditLogs.enabled is false: make sure Data Access audit logs (ADMIN_READ, DATA_READ, DATA_WRITE) for container.googleapis.com are on where audit config is managed",
        );
    }

    let connector: DefenderGcpConnector | undefined;
    if (cfg.connector) {
        const azure = new AzureProvider("azure", {
            subscriptionId: cfg.connector.subscriptionId,
            location: cfg.connector.location,
            ...(ctx.azureTenantId ? { tenantId: ctx.azureTenantId } : {}),
        });
        connector = new DefenderGcpConnector(
            "defender",
            {
                projectId: cfg.projectId,
                projectNumber: cfg.projectNumber,
                resourceGroupName: cfg.connector.resourceGroupName,
                location: cfg.connector.location,
                connectorName: cfg.connector.name,
                workloadIdentityProviderId: federation.providerId,
                serviceAccountEmailAddress: access.email,
                adopt: adoption.connector?.action === "adopt" ? adoption.connector.existing : undefined,
            },
            { providers: [azure], dependsOn: [access, federation], transformations: [dropApiVersionAliases] },
        );
        connectorNote(adoption.connector, { ...cfg.connector, keyPath: "gcp.connector" }, CONTAINERS_OFFERING_TYPE, {
            workloadIdentityProviderId: cfg.workloadIdentity.providerId,
            serviceAccountEmailAddress: serviceAccountEmail(cfg.serviceAccountName, cfg.projectId),
        });
    } else {
        note(
            "manual-step",
            `project ${cfg.projectId}`,
            `gcp.connector.enabled is false: the Defender for Containers connector for project number ${cfg.projectNumber} must name provider "${cfg.workloadIdentity.providerId}" and the service account ${cfg.serviceAccountName}`,
        );
    }
    if (cfg.scope === "organization") {
        note(
            "info",
            `organization ${cfg.organizationId}`,
            `roles granted organization-wide; this stack's connector covers project ${cfg.projectId} only, each other project needs its own connector (or an organization connector) in Defender`,
        );
    }

    const path = (c: GkeClusterFacts) => gkeClusterPath(c.projectId, c.location, c.name);
    for (const { cluster, reason } of selection.considered) {
        if (reason) note("excluded", path(cluster), `left out: ${reason}`);
        else
            note(
                "info",
                path(cluster),
                `discovered through ${VIEWER_ROLE} held by the service account: GKE maps IAM roles to Kubernetes access, no per-cluster binding`,
            );
    }

    return {
        projectId: cfg.projectId,
        scope: cfg.scope,
        serviceAccountEmail: access.email,
        customRole: access.customRoleName,
        principalSet: federation.principalSet,
        workloadIdentityProvider: federation.provider.name,
        connectorId: connector?.connector.id,
        discoveredClusters: selection.selected.map((s) => path(s.cluster)),
        excludedClusters: selection.leftOut.map((l) => path(l.cluster)),
    };
}

/** What was found and adopted, and what Defender cannot use as it is (disabled objects). */
function adoptionNotes(cfg: GcpConfig, view: GcpCloudView, plan: GcpAdoptionPlan): void {
    const subject = `project ${cfg.projectId}`;
    const adopted = [
        plan.access.serviceAccount && `service account ${cfg.serviceAccountName}`,
        plan.access.customRole && `custom role ${cfg.customRoleId}`,
        plan.access.inventoryRole && `custom role ${INVENTORY_ROLE_ID}`,
        ...Object.keys(plan.access.grants ?? {}).map((r) => `grant of ${r}`),
        plan.federation.pool && `workload identity pool ${cfg.workloadIdentity.poolId}`,
        plan.federation.provider && `provider ${cfg.workloadIdentity.providerId}`,
        plan.federation.impersonationImportId && "grant of roles/iam.workloadIdentityUser to the pool",
    ].filter((a): a is string => typeof a === "string");
    if (adopted.length)
        note("info", subject, `adopted (imported as they are, never deleted by destroy): ${adopted.join("; ")}`);
    for (const u of plan.undeletes) note("info", subject, u);
    const disabled = [
        view.serviceAccount?.disabled && `service account ${cfg.serviceAccountName}`,
        view.pool?.disabled && `workload identity pool ${cfg.workloadIdentity.poolId}`,
        view.provider?.disabled && `provider ${cfg.workloadIdentity.providerId}`,
    ].filter((a): a is string => typeof a === "string");
    if (disabled.length)
        note(
            "manual-step",
            subject,
            `${disabled.join(", ")} exist but are disabled: Defender cannot use them until they are enabled (adopted as they are, so this stack does not enable them)`,
        );
}
