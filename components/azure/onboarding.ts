import * as pulumi from "@pulumi/pulumi";
import { Provider } from "@pulumi/azure-native/provider";
import { AzureConfig } from "../../config/azure";
import { dropApiVersionAliases } from "../../lib/aliases";
import { note } from "../../lib/notes";
import { EXCLUSION_TAG } from "../shared/exclusion";
import { DefenderPlan } from "./defenderPlan";
import { AksDiscoveryAccess } from "./aksDiscoveryAccess";
import { AddonsAtScale } from "./addonsAtScale";
import { ArcExtensions } from "./arcExtensions";
import { TRUSTED_ACCESS_CLUSTER_ROLES } from "./facts";
import { LookupSource } from "../../cloudState/source";

export interface AzureOnboarding {
    subscriptionId: string;
    discoveryPrincipalId?: pulumi.Output<string>;
    boundClusters: string[];
    excludedClusters: string[];
    arcClusters: string[];
    policyAssignments: string[];
}

/** Builds the Azure stack: Defender plan, discovery access, add-ons at scale and Arc extensions. */
export function onboardAzure(cfg: AzureConfig, _source: LookupSource): AzureOnboarding {
    // An explicit provider pins every resource to the validated subscription, whatever the
    // ambient `az` login points at.
    const provider = new Provider("azure", { subscriptionId: cfg.subscriptionId, location: cfg.location });
    const opts: pulumi.ComponentResourceOptions = { providers: [provider], transformations: [dropApiVersionAliases] };

    const plan = new DefenderPlan("defender", {
        subscriptionId: cfg.subscriptionId,
        containersExtensions: cfg.plan.extensions,
        cspm: cfg.plan.cspm.enabled ? { extensions: cfg.plan.cspm.extensions } : undefined,
    }, opts);

    for (const c of [...cfg.aksClusters, ...cfg.arcClusters].filter((c) => c.excluded)) {
        note("excluded", c.id, `left out: tagged ${EXCLUSION_TAG}=true`);
    }
    const aks = cfg.aksClusters.filter((c) => !c.excluded);
    const arc = cfg.arcClusters.filter((c) => !c.excluded);

    let access: AksDiscoveryAccess | undefined;
    if (cfg.discovery.enabled) {
        access = new AksDiscoveryAccess("discovery", {
            subscriptionId: cfg.subscriptionId,
            operator: cfg.discovery.operator,
            bindingName: cfg.discovery.bindingName,
            clusters: aks,
        }, { ...opts, dependsOn: [plan] });
        for (const c of aks) {
            note("info", c.id, `trusted access binding "${cfg.discovery.bindingName}" → ClusterRole ${TRUSTED_ACCESS_CLUSTER_ROLES[cfg.discovery.operator]} (read access)`);
        }
    }

    const atScale = new AddonsAtScale("addons", {
        subscriptionId: cfg.subscriptionId,
        location: cfg.location,
        logAnalyticsWorkspaceId: cfg.logAnalyticsWorkspaceId,
        policies: cfg.atScale.policies,
        podSecurityBaseline: cfg.atScale.podSecurityBaseline,
        privilegedContainers: cfg.atScale.privilegedContainers,
    }, { ...opts, dependsOn: [plan] });

    // With Defender's default workspace the extension is left to policy 708b60a6, which resolves it.
    const arcDefender = cfg.arcExtensions.defender && !cfg.arcExtensions.defaultWorkspace;
    if (arc.length > 0 && cfg.arcExtensions.defaultWorkspace) {
        for (const c of arc) {
            note("info", c.id, `Defender extension left to policy 708b60a6 with Defender's default workspace (azure.arcExtensions.defaultWorkspace); ` +
                `the policy skips distributions aks, aks_management, eks and gke by default (excludedDistributions)`);
        }
    }
    if (arc.length > 0 && (arcDefender || cfg.arcExtensions.azurePolicy)) {
        new ArcExtensions("arc", {
            clusters: arc,
            defender: arcDefender,
            azurePolicy: cfg.arcExtensions.azurePolicy,
            logAnalyticsWorkspaceId: cfg.logAnalyticsWorkspaceId,
        }, { ...opts, dependsOn: [plan] });
    }

    return {
        subscriptionId: cfg.subscriptionId,
        discoveryPrincipalId: access?.principalId,
        boundClusters: aks.map((c) => c.id),
        excludedClusters: [...cfg.aksClusters, ...cfg.arcClusters].filter((c) => c.excluded).map((c) => c.id),
        arcClusters: arc.map((c) => c.id),
        policyAssignments: Object.keys(atScale.assignments),
    };
}
