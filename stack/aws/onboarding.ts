import * as pulumi from "@pulumi/pulumi";
import { Provider as AwsProvider } from "@pulumi/aws/provider";
import { Provider as AzureProvider } from "@pulumi/azure-native/provider";
import { dropApiVersionAliases } from "../aliases";
import { AwsConfig, EksCluster } from "../../config/aws";
import { note } from "../notes";
import { DiscoveryRole } from "../../components/aws/discoveryRole";
import { EksClusterAccess, eksKubeAccess } from "../../components/aws/eksClusterAccess";
import type { ClusterProviders } from "../../components/kubernetes/clusterProvider";
import { AWS_CONTAINERS_OFFERING, DefenderConnector } from "../../components/aws/defenderConnector";
import { AuditLogPipelineRoles } from "../../components/aws/auditLogPipeline";
import { endpointNetworkNote, restrictedEndpointCommand } from "../../domain/aws/endpointAccess";
import {
    ACCESS_ENTRY_MODES,
    accessPolicyArn,
    AUDIT_LOG_TYPES,
    DEFENDER_CIDRS,
    eksClusterKey,
    enableLoggingCommand,
    oidcProviderArn,
    roleArn,
    ROLE_TAGS,
    SYSTEM_MASTERS,
} from "../../domain/aws/facts";
import { AUDIT_LOG_ROLE_KEYS, AUDIT_LOG_ROLE_TAGS, AuditLogRoleKey } from "../../domain/aws/auditLogFacts";
import { LookupSource } from "../../lookup/source";
import {
    AwsCloudLookup,
    DiscoveredEksCluster,
    ExistingAccessEntry,
    ExistingOidcProvider,
    ExistingRole,
    RolePolicies,
} from "../../lookup/aws/port";
import { eksAccessName } from "./resourceNames";
import { EksSelection, selectEksClusters } from "./selection";
import { adoptedTrustProblem } from "../../domain/aws/policyDocuments";
import { ConnectorDecision, decideConnector } from "../../domain/shared/securityConnectors";
import { connectorNote } from "../connectorNotes";
import { allInOrder, mapLimit, mapLimitPerGroup } from "../../lib/mapLimit";

export interface AwsOnboarding {
    accountId: string;
    discoveryRoleArn: pulumi.Output<string>;
    oidcProviderArn: pulumi.Output<string>;
    boundClusters: string[];
    excludedClusters: string[];
    connectorId?: pulumi.Output<string>;
}

/** What the lookups found, before anything is declared. */
export interface AwsCloudView {
    discovered: DiscoveredEksCluster[];
    selection: EksSelection;
    /** Objects that exist and that this stack did not make: adopted, never created twice. */
    oidcProvider?: ExistingOidcProvider;
    role?: ExistingRole;
    /** The adopted role's permissions, for the gate; undefined when the lookup's answer does not say. */
    rolePolicies?: RolePolicies;
    auditLogRoles: Partial<Record<AuditLogRoleKey, ExistingRole>>;
    /** The role's access entry per cluster key, where one exists. */
    accessEntries: Record<string, ExistingAccessEntry>;
    /** With a connector in config: create it, manage the stack's own, or adopt the account's existing one. */
    connector?: ConnectorDecision;
}

/** True when the object carries the tags this stack puts on what it creates: it is already ours. */
export function madeByStack(tags: Readonly<Record<string, string>>, ours: Readonly<Record<string, string>>): boolean {
    return Object.entries(ours).every(([k, v]) => tags[k] === v);
}

type CloudStateModule = typeof import("../../lookup/aws/stateFile");
type LiveModule = typeof import("../../lookup/aws/live");

/** The lookup for this run: the state file offline, the AWS SDK otherwise (each loaded only when used). */
export function lookupFor(cfg: AwsConfig, source: LookupSource, azureTenantId: string): AwsCloudLookup {
    if (source.kind === "file")
        return (require("../../lookup/aws/stateFile") as CloudStateModule).fileAwsLookup(source, cfg.accountId);
    return (require("../../lookup/aws/live") as LiveModule).liveAwsLookup({
        accountId: cfg.accountId,
        region: cfg.region,
        azure: { tenantId: azureTenantId },
        concurrency: cfg.lookupConcurrency,
    });
}

/**
 * Every lookup of the AWS stack: the clusters of each region, then what already exists. Nothing is
 * declared here, so a failed lookup (a LookupError) leaves the stack's resources untouched.
 */
export async function readAws(cfg: AwsConfig, lookup: AwsCloudLookup): Promise<AwsCloudView> {
    // The clusters of every region, the IAM objects and the subscription's connectors are read side
    // by side; on failures, the first in this order is reported (and, among regions, the first in
    // aws.regions), as a sequential read would.
    const auditKeys = cfg.connector?.auditLogsAutoProvisioning ? AUDIT_LOG_ROLE_KEYS : [];
    const [perRegion, oidc, role, auditFound, connectors] = await allInOrder([
        mapLimit(cfg.regions, Math.max(1, cfg.regions.length), (r) => lookup.listClusters(r)),
        cfg.oidcProviderArn ? Promise.resolve(undefined) : lookup.findOidcProvider(),
        lookup.findRole(cfg.roleName),
        Promise.all(auditKeys.map((key) => lookup.findRole(cfg.connector!.auditLogRoleNames[key]))),
        cfg.connector ? lookup.securityConnectors(cfg.connector.subscriptionId) : Promise.resolve(undefined),
    ] as const);
    const discovered = perRegion.flat();
    const selection = selectEksClusters(cfg, discovered);
    const foreign = (r: ExistingRole | undefined, ours: Record<string, string>) =>
        r && !madeByStack(r.tags, ours) ? r : undefined;
    const auditLogRoles: AwsCloudView["auditLogRoles"] = {};
    auditKeys.forEach((key, i) => {
        const found = foreign(auditFound[i], AUDIT_LOG_ROLE_TAGS);
        if (found) auditLogRoles[key] = found;
    });
    const adoptedRole = foreign(role, ROLE_TAGS);
    const principal = role?.arn ?? roleArn(cfg.accountId, cfg.roleName, cfg.region);
    const withEntries = selection.clusters.filter((x) => ACCESS_ENTRY_MODES.includes(x.authenticationMode));
    // Regions side by side (each has its own EKS endpoint), aws.lookupConcurrency clusters at once
    // within one; beside them, an adopted role's permissions (the stack's own role's are its declared
    // policy), which the gate judges.
    const [entries, rolePolicies] = await allInOrder([
        mapLimitPerGroup(
            withEntries.map((c) => discovered.find((d) => d.region === c.region && d.name === c.name)!),
            (d) => d.region,
            cfg.lookupConcurrency,
            (d) => lookup.findAccessEntry(d, principal),
        ),
        adoptedRole ? lookup.rolePolicies(adoptedRole.name) : Promise.resolve(undefined),
    ] as const);
    const accessEntries: AwsCloudView["accessEntries"] = {};
    withEntries.forEach((c, i) => {
        // An entry with this stack's tags is its own (created by an earlier run): managed, not adopted.
        const entry = entries[i];
        if (entry && !madeByStack(entry.tags, ROLE_TAGS)) accessEntries[eksClusterKey(c)] = entry;
    });
    const connector = cfg.connector
        ? decideConnector(
              {
                  environmentName: "AWS",
                  hierarchyIdentifier: cfg.accountId,
                  keyPath: "aws.connector",
                  subscriptionId: cfg.connector.subscriptionId,
                  resourceGroupName: cfg.connector.resourceGroupName,
                  name: cfg.connector.name,
              },
              connectors!,
          )
        : undefined;
    return {
        discovered,
        selection,
        connector,
        oidcProvider: oidc && !madeByStack(oidc.tags, ROLE_TAGS) ? oidc : undefined,
        role: adoptedRole,
        ...(rolePolicies ? { rolePolicies } : {}),
        auditLogRoles,
        accessEntries,
    };
}

/**
 * Builds the AWS stack: the cloud is read first (lookup), then OIDC trust, discovery role, access in
 * each cluster, Defender connector. `kube` holds the run's Kubernetes provider per cluster (aws-auth).
 */
export async function onboardAws(
    cfg: AwsConfig,
    azureTenantId: string,
    source: LookupSource,
    kube: ClusterProviders,
    lookup: AwsCloudLookup = lookupFor(cfg, source, azureTenantId),
): Promise<AwsOnboarding> {
    let found: AwsCloudView;
    try {
        found = await readAws(cfg, lookup);
    } finally {
        lookup.close();
    }
    if (source.kind === "file") unreadRegionsNote(cfg, source);
    return declareAws(cfg, azureTenantId, found, lookup.description, kube);
}

/**
 * Clusters of the cloud-state file in regions the stack does not read are never looked at: a
 * region left out of aws.regions (or a typo in it) would otherwise go unnoticed offline.
 */
function unreadRegionsNote(cfg: AwsConfig, source: LookupSource): void {
    const clusters = (require("../../lookup/aws/stateFile") as CloudStateModule)
        .fileAwsState(source, cfg.accountId)()
        .clusters.filter((c) => !cfg.regions.includes(c.region));
    if (clusters.length === 0) return;
    const regions = [...new Set(clusters.map((c) => c.region))].sort();
    note(
        "info",
        cfg.accountId,
        `the cloud-state file ${source.description} holds ${clusters.length} EKS cluster(s) in ${regions.join(", ")}, which this stack does not read ` +
            `(aws.regions: ${cfg.regions.join(", ")}): ${clusters.map((c) => `${c.region}/${c.name}`).join(", ")} are not onboarded; add the region to aws.regions to onboard them`,
    );
}

function endpointNotes(c: EksCluster, key: string): void {
    if (c.defenderEndpointAccess) {
        note(
            "info",
            key,
            `this stack adds ${DEFENDER_CIDRS.join(" and ")} to the public endpoint's CIDRs (defenderEndpointAccess; ` +
                `${c.endpoint.publicAccess ? "the CIDRs already there are kept" : "the endpoint is private: a public endpoint restricted to them is enabled, private access stays on"}); ` +
                "destroy restores the endpoint as it was",
        );
        return;
    }
    const network = endpointNetworkNote(c.endpoint);
    if (network) {
        note("network", key, network);
        note(
            "manual-step",
            key,
            `so that Defender can reach the API endpoint (this stack does not change the cluster's network unless aws.overrides."${key}".defenderEndpointAccess is true): ` +
                restrictedEndpointCommand(c.name, c.region, c.endpoint),
        );
    }
}

/** Declares the stack's resources from the config and what the lookups found. */
export function declareAws(
    cfg: AwsConfig,
    azureTenantId: string,
    found: AwsCloudView,
    from: string,
    kube: ClusterProviders,
): AwsOnboarding {
    // Pinned to the validated account: a stale AWS profile fails instead of onboarding another account.
    const aws = new AwsProvider("aws", { region: cfg.region, allowedAccountIds: [cfg.accountId] });
    const { selection } = found;
    note(
        "info",
        cfg.accountId,
        `discovery (${from}) found ${found.discovered.length} EKS cluster(s) in ${cfg.regions.join(", ")}; ` +
            `${selection.clusters.length} onboarded, ${selection.leftOut.length} left out`,
    );
    for (const l of selection.leftOut) note("excluded", l.key, `left out: ${l.reason}`);
    const clusters = selection.clusters;
    if (clusters.length === 0) {
        note(
            "info",
            cfg.accountId,
            "no cluster to bind: the discovery role gets no permissions until a cluster is discovered",
        );
    }
    if (found.oidcProvider) {
        note(
            "info",
            found.oidcProvider.arn,
            "Microsoft's OIDC provider exists (not made by this stack): read, not managed; destroy leaves it (all Defender plans share it)",
        );
    }
    if (found.role) {
        note(
            "info",
            found.role.arn,
            "the discovery role exists (not made by this stack; Microsoft's CloudFormation template makes it): read, not managed; " +
                "its trust and permissions stay its maker's, and destroy leaves it",
        );
        // A provider this stack creates gets the ARN IAM derives from the issuer: the role may already name it.
        const providerArn =
            cfg.oidcProviderArn ?? found.oidcProvider?.arn ?? oidcProviderArn(cfg.accountId, cfg.region);
        const problem =
            found.role.trustPolicy !== undefined
                ? adoptedTrustProblem(found.role.trustPolicy, providerArn, azureTenantId)
                : undefined;
        if (problem) {
            note(
                "manual-step",
                found.role.arn,
                `Defender cannot assume the existing discovery role: ${problem}. Fix it where the role is managed (its CloudFormation stack), or delete the role so that this stack creates it`,
            );
        }
    }

    const discovery = new DiscoveryRole(
        "discovery",
        {
            roleName: cfg.roleName,
            accessMode: cfg.accessMode,
            existingOidcProviderArn: cfg.oidcProviderArn,
            adoptedOidcProviderArn: found.oidcProvider?.arn,
            adoptedRoleArn: found.role?.arn,
            adoptedRolePolicies: found.rolePolicies,
            adoptedRoleTrust: found.role?.trustPolicy,
            oidcThumbprints: cfg.oidcThumbprints,
            azureTenantId,
            clusterArns: clusters.map((c) => c.arn),
            accountId: cfg.accountId,
            accessPolicyArns: Object.fromEntries(
                clusters.map((c) => [c.arn, accessPolicyArn(c.accessPolicy, c.region)]),
            ),
        },
        { providers: [aws] },
    );

    for (const c of clusters) {
        const key = eksClusterKey(c);
        const existingEntry = found.accessEntries[key];
        // aws-auth is written through the cluster's provider of this run, which the add-ons share.
        const kubeProvider = ACCESS_ENTRY_MODES.includes(c.authenticationMode)
            ? undefined
            : kube.get(`${c.region}-${c.name}`, eksKubeAccess(c.name, c.region, { provider: aws }));
        new EksClusterAccess(
            eksAccessName(c),
            {
                clusterName: c.name,
                region: c.region,
                providerRegion: cfg.region,
                authenticationMode: c.authenticationMode,
                endpoint: c.endpoint,
                roleArn: discovery.arn,
                accessPolicy: c.accessPolicy,
                mapToSystemMasters: c.mapToSystemMasters,
                awsAuth: cfg.awsAuth,
                manageLogging: c.manageLogging,
                defenderEndpointAccess: c.defenderEndpointAccess,
                existingEntry,
            },
            { providers: kubeProvider ? [aws, kubeProvider] : [aws], dependsOn: [discovery] },
        );

        if (ACCESS_ENTRY_MODES.includes(c.authenticationMode)) {
            const policy = accessPolicyArn(c.accessPolicy, c.region);
            if (existingEntry) {
                const others = existingEntry.clusterScopePolicyArns.filter((p) => p !== policy);
                note(
                    "info",
                    key,
                    `access entry for ${cfg.roleName} exists (Defender makes it in access-entries mode): imported and kept on destroy; ` +
                        (existingEntry.clusterScopePolicyArns.includes(policy)
                            ? `${policy} already associated: imported and kept on destroy`
                            : `${policy} associated by this stack`) +
                        (others.length > 0 ? `; also associated (left as they are): ${others.join(", ")}` : ""),
                );
            } else {
                note("info", key, `access entry for ${cfg.roleName} with ${policy} at cluster scope`);
            }
        } else {
            const target = c.mapToSystemMasters
                ? `${SYSTEM_MASTERS} (explicit opt-in: cluster-admin rights)`
                : `group ${cfg.awsAuth.group} → ClusterRole ${cfg.awsAuth.clusterRoleName} (read-only)`;
            note(
                "info",
                key,
                `aws-auth mapRoles entry for ${cfg.roleName} → ${target}; the patch writes the cluster's current mapRoles, read at preview/up time, with this entry appended; existing entries are kept byte for byte`,
            );
        }
        endpointNotes(c, key);
        if (c.authenticationMode === "CONFIG_MAP") {
            note(
                "info",
                key,
                "eks:UpdateClusterConfig also lets Defender switch this cluster's authentication mode from CONFIG_MAP to API_AND_CONFIG_MAP (to create its access entry); the switch cannot be undone",
            );
        }

        const missingLogs = AUDIT_LOG_TYPES.filter((t) => !c.enabledLogTypes.includes(t));
        if (c.manageLogging) {
            if (missingLogs.length > 0) {
                note(
                    "info",
                    key,
                    `this stack turns on control-plane logging ${missingLogs.join(", ")} (manageLogging; types already on are kept) and turns off only those on destroy`,
                );
            }
        } else if (missingLogs.length > 0) {
            note(
                "manual-step",
                key,
                `turn on control-plane logging ${missingLogs.join(", ")} (this stack does not manage the cluster itself): ${enableLoggingCommand(c.name, c.region, missingLogs)}`,
            );
        }
    }

    let connector: DefenderConnector | undefined;
    if (cfg.connector) {
        const azure = new AzureProvider("azure", {
            subscriptionId: cfg.connector.subscriptionId,
            location: cfg.connector.location,
        });
        let pipeline: AuditLogPipelineRoles | undefined;
        if (cfg.connector.auditLogsAutoProvisioning) {
            pipeline = new AuditLogPipelineRoles(
                "audit-logs",
                {
                    accountId: cfg.accountId,
                    region: cfg.region,
                    clusterArns: clusters.map((c) => c.arn),
                    roleNames: cfg.connector.auditLogRoleNames,
                    adopted: Object.fromEntries(Object.entries(found.auditLogRoles).map(([k, r]) => [k, r.arn])),
                    extraActions: cfg.connector.auditLogExtraActions,
                    resourcePrefixes: cfg.connector.auditLogResourcePrefixes,
                    oidcProviderArn: discovery.oidcProviderArn,
                    azureTenantId,
                },
                { providers: [aws], dependsOn: [discovery] },
            );
            const adopted = Object.values(found.auditLogRoles).map((r) => r.name);
            if (adopted.length > 0) {
                note(
                    "info",
                    cfg.accountId,
                    `audit-log pipeline role(s) ${adopted.join(", ")} exist (not made by this stack; Microsoft's template makes them): ` +
                        "read, not managed; their ARNs go into the connector, their permissions stay their maker's, and destroy leaves them",
                );
            }
            note(
                "info",
                cfg.accountId,
                `audit-log auto-provisioning on: roles ${Object.values(cfg.connector.auditLogRoleNames).join(", ")} ` +
                    (found.connector?.action === "adopt"
                        ? "exist for the adopted connector, whose offering keeps its own settings; they reach"
                        : "go into the connector's offering; they reach") +
                    ` this stack's clusters and log groups and streams, queues and buckets named ${cfg.connector.auditLogResourcePrefixes.map((x) => `${x}*`).join(" or ")} (docs/sources.md)`,
            );
        } else {
            note(
                "info",
                cfg.accountId,
                "audit-log auto-provisioning off (aws.connector.auditLogsAutoProvisioning: false): no pipeline roles, " +
                    "and Defender gets no EKS audit logs from this account, so control-plane detections stay silent",
            );
        }
        connector = new DefenderConnector(
            "defender",
            {
                accountId: cfg.accountId,
                connectorName: cfg.connector.name,
                resourceGroupName: cfg.connector.resourceGroupName,
                location: cfg.connector.location,
                discoveryRoleArn: discovery.arn,
                auditLogRoleArns: pipeline?.arns,
                adopt: found.connector?.action === "adopt" ? found.connector.existing : undefined,
            },
            { providers: [azure], transformations: [dropApiVersionAliases] },
        );
        connectorNote(found.connector, { ...cfg.connector, keyPath: "aws.connector" }, AWS_CONTAINERS_OFFERING, {
            cloudRoleArn: found.role?.arn ?? roleArn(cfg.accountId, cfg.roleName, cfg.region),
        });
    } else {
        note(
            "manual-step",
            cfg.accountId,
            "no Defender connector in this stack: give the discovery role's ARN to the account's AWS connector in Defender for Cloud (Containers plan, agentless discovery)",
        );
    }

    return {
        accountId: cfg.accountId,
        discoveryRoleArn: discovery.arn,
        oidcProviderArn: discovery.oidcProviderArn,
        boundClusters: clusters.map(eksClusterKey),
        excludedClusters: selection.leftOut.map((l) => l.key),
        connectorId: connector?.connector.id,
    };
}
