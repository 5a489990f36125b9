import * as pulumi from "@pulumi/pulumi";
import { Provider as AwsProvider } from "@pulumi/aws/provider";
import { Provider as AzureProvider } from "@pulumi/azure-native/provider";
import { dropApiVersionAliases } from "../../lib/aliases";
import { AwsConfig, EksCluster } from "../../config/aws";
import { note } from "../../lib/notes";
import { EXCLUSION_TAG } from "../shared/exclusion";
import { DiscoveryRole } from "./discoveryRole";
import { EksClusterAccess } from "./eksClusterAccess";
import { DefenderConnector } from "./defenderConnector";
import { AuditLogPipelineRoles } from "./auditLogPipeline";
import { endpointNetworkNote, restrictedEndpointCommand } from "./endpointAccess";
import { ACCESS_ENTRY_MODES, accessPolicyArn, AUDIT_LOG_TYPES, clusterArn, enableLoggingCommand, SYSTEM_MASTERS } from "./facts";
import { LookupSource } from "../../cloudState/source";

export interface AwsOnboarding {
    accountId: string;
    discoveryRoleArn: pulumi.Output<string>;
    oidcProviderArn: pulumi.Output<string>;
    boundClusters: string[];
    excludedClusters: string[];
    connectorId?: pulumi.Output<string>;
}

/** `<region>/<name>`: how clusters are named in notes and outputs (names repeat across regions). */
export function clusterKey(c: Pick<EksCluster, "region" | "name">): string {
    return `${c.region}/${c.name}`;
}

/** Builds the AWS stack: OIDC trust, discovery role, access in each cluster, Defender connector. */
export function onboardAws(cfg: AwsConfig, azureTenantId: string, _source: LookupSource): AwsOnboarding {
    // Pinned to the validated account: a stale AWS profile fails instead of onboarding another account.
    const aws = new AwsProvider("aws", { region: cfg.region, allowedAccountIds: [cfg.accountId] });

    for (const c of cfg.clusters.filter((c) => c.excluded)) {
        note("excluded", clusterKey(c), `left out: tagged ${EXCLUSION_TAG}=true`);
    }
    const clusters = cfg.clusters.filter((c) => !c.excluded);
    if (clusters.length === 0) {
        note("info", cfg.accountId, "no cluster to bind: the discovery role gets no permissions until a cluster is listed");
    }

    const discovery = new DiscoveryRole("discovery", {
        roleName: cfg.roleName,
        accessMode: cfg.accessMode,
        existingOidcProviderArn: cfg.oidcProviderArn,
        oidcThumbprints: cfg.oidcThumbprints,
        azureTenantId,
        clusterArns: clusters.map((c) => clusterArn(c.region, cfg.accountId, c.name)),
        accountId: cfg.accountId,
        accessPolicyArns: Object.fromEntries(clusters.map((c) => [clusterArn(c.region, cfg.accountId, c.name), accessPolicyArn(c.accessPolicy, c.region)])),
    }, { providers: [aws] });

    for (const c of clusters) {
        const key = clusterKey(c);
        new EksClusterAccess(`eks-${c.region}-${c.name}`, {
            clusterName: c.name,
            region: c.region,
            authenticationMode: c.authenticationMode,
            endpoint: c.endpoint,
            roleArn: discovery.arn,
            accessPolicy: c.accessPolicy,
            mapToSystemMasters: c.mapToSystemMasters,
            awsAuth: cfg.awsAuth,
            manageLogging: c.manageLogging,
        }, { providers: [aws], dependsOn: [discovery] });

        if (ACCESS_ENTRY_MODES.includes(c.authenticationMode)) {
            note("info", key, `access entry for ${cfg.roleName} with ${accessPolicyArn(c.accessPolicy, c.region)} at cluster scope`);
        } else {
            const target = c.mapToSystemMasters ? `${SYSTEM_MASTERS} (explicit opt-in: cluster-admin rights)` : `group ${cfg.awsAuth.group} → ClusterRole ${cfg.awsAuth.clusterRoleName} (read-only)`;
            note("info", key, `aws-auth mapRoles entry for ${cfg.roleName} → ${target}; the patch writes the cluster's current mapRoles, read at preview/up time, with this entry appended; existing entries are kept byte for byte`);
        }
        const network = endpointNetworkNote(c.endpoint);
        if (network) {
            note("network", key, network);
            note("manual-step", key, `so that Defender can reach the API endpoint (this stack does not change the cluster's network): ${restrictedEndpointCommand(c.name, c.region, c.endpoint)}`);
        }
        if (c.authenticationMode === "CONFIG_MAP") {
            note("info", key, "eks:UpdateClusterConfig also lets Defender switch this cluster's authentication mode from CONFIG_MAP to API_AND_CONFIG_MAP (to create its access entry); the switch cannot be undone");
        }

        const missingLogs = AUDIT_LOG_TYPES.filter((t) => !c.enabledLogTypes.includes(t));
        if (c.manageLogging) {
            if (missingLogs.length > 0) {
                note("info", key, `this stack turns on control-plane logging ${missingLogs.join(", ")} (manageLogging; types already on are kept) and turns off only those on destroy`);
            }
        } else if (missingLogs.length > 0) {
            note("manual-step", key,
                `turn on control-plane logging ${missingLogs.join(", ")} (this stack does not manage the cluster itself): ${enableLoggingCommand(c.name, c.region, missingLogs)}`);
        }
    }

    let connector: DefenderConnector | undefined;
    if (cfg.connector) {
        const azure = new AzureProvider("azure", { subscriptionId: cfg.connector.subscriptionId, location: cfg.connector.location });
        let pipeline: AuditLogPipelineRoles | undefined;
        if (cfg.connector.auditLogsAutoProvisioning) {
            pipeline = new AuditLogPipelineRoles("audit-logs", {
                accountId: cfg.accountId,
                region: cfg.region,
                clusterArns: clusters.map((c) => clusterArn(c.region, cfg.accountId, c.name)),
                roleNames: cfg.connector.auditLogRoleNames,
                extraActions: cfg.connector.auditLogExtraActions,
                resourcePrefixes: cfg.connector.auditLogResourcePrefixes,
                oidcProviderArn: discovery.oidcProviderArn,
                azureTenantId,
            }, { providers: [aws], dependsOn: [discovery] });
            note("info", cfg.accountId, `audit-log auto-provisioning on: roles ${Object.values(cfg.connector.auditLogRoleNames).join(", ")} ` +
                `go into the connector's offering; they reach this stack's clusters and log groups and streams, queues and buckets named ${cfg.connector.auditLogResourcePrefixes.map((x) => `${x}*`).join(" or ")} (docs/sources.md)`);
        } else {
            note("info", cfg.accountId, "audit-log auto-provisioning off (aws.connector.auditLogsAutoProvisioning: false): no pipeline roles, " +
                "and Defender gets no EKS audit logs from this account, so control-plane detections stay silent");
        }
        connector = new DefenderConnector("defender", {
            accountId: cfg.accountId,
            connectorName: cfg.connector.name,
            resourceGroupName: cfg.connector.resourceGroupName,
            location: cfg.connector.location,
            discoveryRoleArn: discovery.arn,
            auditLogRoleArns: pipeline?.arns,
        }, { providers: [azure], transformations: [dropApiVersionAliases] });
    } else {
        note("manual-step", cfg.accountId, "no Defender connector in this stack: give the discovery role's ARN to the account's AWS connector in Defender for Cloud (Containers plan, agentless discovery)");
    }

    return {
        accountId: cfg.accountId,
        discoveryRoleArn: discovery.arn,
        oidcProviderArn: discovery.oidcProviderArn,
        boundClusters: clusters.map(clusterKey),
        excludedClusters: cfg.clusters.filter((c) => c.excluded).map(clusterKey),
        connectorId: connector?.connector.id,
    };
}
