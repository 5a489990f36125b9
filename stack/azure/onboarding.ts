import * as pulumi from "@pulumi/pulumi";
import { Provider } from "@pulumi/azure-native/provider";
import { AzureConfig, checkArcWorkspace } from "../../config/azure";
import { dropApiVersionAliases } from "../aliases";
import { note } from "../notes";
import { DefenderPlan, extensionDrift } from "../../components/azure/defenderPlan";
import { AksDiscoveryAccess } from "../../components/azure/aksDiscoveryAccess";
import { AddonsAtScale, identityRoleScopes } from "../../components/azure/addonsAtScale";
import { ArcExtensions } from "../../components/azure/arcExtensions";
import {
    ARC_DEFENDER_EXTENSION,
    ARC_POLICY_EXTENSION,
    CONTAINERS_PRICING,
    DEPLOY_IF_NOT_EXISTS_POLICIES,
    CSPM_PRICING,
    DISCOVERY_ROLE_DEFINITION_GUID,
    SECURITY_OPERATORS,
    securityOperatorId,
    subscriptionScope,
    TRUSTED_ACCESS_CLUSTER_ROLES,
    TRUSTED_ACCESS_ROLE,
} from "../../domain/azure/facts";
import { LookupSource } from "../../lookup/source";
import { readSection } from "../../lookup/stateFile";
import { CloudStateError } from "../../lib/errors";
import { fileAzureLookup, readAzureCloudState } from "../../lookup/azure/stateFile";
import {
    AzureLookup,
    ExistingArcExtension,
    ExistingBinding,
    ExistingPolicyAssignment,
    ExistingRoleAssignment,
    findBinding,
    findExtension,
    findRoleAssignment,
} from "../../lookup/azure/port";
import { selectAzureClusters } from "./selection";
import { mapLimit } from "../../lib/mapLimit";

export interface AzureOnboarding {
    subscriptionId: string;
    discoveryPrincipalId?: pulumi.Output<string>;
    boundClusters: string[];
    excludedClusters: string[];
    arcClusters: string[];
    policyAssignments: string[];
}

/**
 * Where the Azure lookups are answered: the stack's cloud-state file in the offline plan, ARM
 * otherwise (its SDK is loaded only then).
 */
export function azureLookupFor(subscriptionId: string, source: LookupSource): AzureLookup {
    if (source.kind === "file") {
        const file = source.file();
        const state = readSection(file, "azure", readAzureCloudState);
        if (state.subscriptionId !== subscriptionId) {
            throw new CloudStateError(
                file.path,
                "azure.subscriptionId",
                state.subscriptionId,
                `the stack's subscription ${subscriptionId}: the state must describe the subscription the stack onboards`,
            );
        }
        return fileAzureLookup(state);
    }
    const { liveAzureLookup } = require("../../lookup/azure/live") as typeof import("../../lookup/azure/live");
    return liveAzureLookup(subscriptionId);
}

/** What the Azure lookups found, before anything is declared. */
export type AzureCloudView = Awaited<ReturnType<typeof readAzure>>;

/**
 * Every lookup of the Azure stack: the clusters, then what Defender (or an earlier run, or policy)
 * already made. Nothing is declared here, so a failed lookup leaves the stack's resources untouched.
 */
export async function readAzure(cfg: AzureConfig, lookup: AzureLookup) {
    const sub = cfg.subscriptionId;
    const selection = selectAzureClusters(await lookup.clusters(), cfg, sub);
    const op = SECURITY_OPERATORS[cfg.discovery.operator];
    const bindingName = (c: { override: { bindingName?: string } }) =>
        c.override.bindingName ?? cfg.discovery.bindingName;
    const toBind = cfg.discovery.enabled ? selection.aks.filter((c) => c.override.bind !== false) : [];

    // Discovery access: the operator, its role assignment and each cluster's binding.
    const operator = cfg.discovery.enabled
        ? await lookup.securityOperator(op.pricingName, op.securityOperatorName)
        : undefined;
    const roleAssignment = operator
        ? findRoleAssignment(
              await lookup.roleAssignments(operator.principalId),
              subscriptionScope(sub),
              DISCOVERY_ROLE_DEFINITION_GUID,
              operator.principalId,
          )
        : undefined;
    const bindings: Record<string, ExistingBinding> = {};
    if (operator) {
        // At most azure.lookupConcurrency clusters at once: ARM limits reads per subscription (docs/cloud-state.md).
        const found = await mapLimit(toBind, cfg.lookupConcurrency, (c) => lookup.trustedAccessBindings(c));
        toBind.forEach((c, i) => {
            const b = findBinding(found[i], bindingName(c), operator.id, TRUSTED_ACCESS_ROLE);
            if (b) bindings[c.id] = b;
            else if (found[i].some((x) => x.name === bindingName(c))) {
                throw new pulumi.RunError(
                    `trusted access role binding "${bindingName(c)}" of cluster ${c.id} exists but does not give ${operator.id} the role ${TRUSTED_ACCESS_ROLE}: ` +
                        `choose another name with azure.discovery.bindingName or azure.overrides["${c.resourceGroup}/${c.name}"].bindingName`,
                );
            }
        });
    }

    // Arc extensions: which clusters get which, and which of them exist already.
    const arcDefault = cfg.arcExtensions.defender && !cfg.arcExtensions.defaultWorkspace;
    const arcPlans = selection.arc.map((c) => ({
        ...c,
        defender: c.override.defenderExtension ?? arcDefault,
        azurePolicy: c.override.azurePolicyExtension ?? cfg.arcExtensions.azurePolicy,
    }));
    const arcExisting: Record<string, ExistingArcExtension[]> = {};
    const withExtensions = arcPlans.filter((c) => c.defender || c.azurePolicy);
    const extensions = await mapLimit(withExtensions, cfg.lookupConcurrency, (c) => lookup.arcExtensions(c));
    withExtensions.forEach((c, i) => (arcExisting[c.id] = extensions[i]));
    const needWorkspace = arcPlans.filter(
        (c) => c.defender && !findExtension(arcExisting[c.id] ?? [], ARC_DEFENDER_EXTENSION.extensionType),
    );
    if (needWorkspace.length) {
        checkArcWorkspace(
            { ...cfg.arcExtensions, defender: true, defaultWorkspace: false },
            cfg.logAnalyticsWorkspaceId,
            cfg.atScale.policies.arcDefender,
            needWorkspace,
        );
    }

    // The plans, and the policy assignments with their identities' role assignments.
    const pricing = {
        containers: await lookup.pricing(CONTAINERS_PRICING),
        cspm: cfg.plan.cspm.enabled ? await lookup.pricing(CSPM_PRICING) : undefined,
    };
    const wantsPolicies =
        Object.values(cfg.atScale.policies).some(Boolean) ||
        cfg.atScale.podSecurityBaseline !== "off" ||
        cfg.atScale.privilegedContainers !== "off";
    const assignments: ExistingPolicyAssignment[] = wantsPolicies ? await lookup.policyAssignments() : [];
    const assignmentRoles: ExistingRoleAssignment[] = [];
    for (const a of assignments) {
        const policy = DEPLOY_IF_NOT_EXISTS_POLICIES.find((p) => p.assignmentName === a.name);
        if (!a.principalId || !policy) continue;
        // A workspace in another subscription holds the identity's roles there: ARM lists them only at its scope.
        const [, ...elsewhere] = identityRoleScopes(policy, sub, cfg.logAnalyticsWorkspaceId);
        for (const scope of [undefined, ...elsewhere]) {
            for (const ra of await lookup.roleAssignments(a.principalId, scope))
                if (!assignmentRoles.some((x) => x.id.toLowerCase() === ra.id.toLowerCase())) assignmentRoles.push(ra);
        }
    }
    return {
        selection,
        bindingName,
        toBind,
        operator,
        roleAssignment,
        bindings,
        arcDefault,
        arcPlans,
        arcExisting,
        pricing,
        assignments,
        assignmentRoles,
    };
}

/**
 * Builds the Azure stack: Defender plan, discovery access, add-ons at scale and Arc extensions.
 * Everything is looked up first (clusters, and what Defender or an earlier run already made), so a
 * failed lookup declares nothing; what exists is adopted, and only what is missing is created.
 */
export async function onboardAzure(
    cfg: AzureConfig,
    source: LookupSource,
    lookup: AzureLookup = azureLookupFor(cfg.subscriptionId, source),
): Promise<AzureOnboarding> {
    const sub = cfg.subscriptionId;
    const {
        selection,
        bindingName,
        toBind,
        operator,
        roleAssignment,
        bindings,
        arcDefault,
        arcPlans,
        arcExisting,
        pricing,
        assignments,
        assignmentRoles,
    } = await readAzure(cfg, lookup);

    // Every lookup answered: declare.
    // An explicit provider pins every resource to the validated subscription, whatever the
    // ambient `az` login points at.
    const provider = new Provider("azure", { subscriptionId: sub, location: cfg.location });
    const opts: pulumi.ComponentResourceOptions = { providers: [provider], transformations: [dropApiVersionAliases] };

    const plan = new DefenderPlan(
        "defender",
        {
            subscriptionId: sub,
            containersExtensions: cfg.plan.extensions,
            cspm: cfg.plan.cspm.enabled ? { extensions: cfg.plan.cspm.extensions } : undefined,
            existing: pricing,
        },
        opts,
    );
    notePricing(CONTAINERS_PRICING, pricing.containers, cfg.plan.extensions, "azure.plan.extensions");
    if (cfg.plan.cspm.enabled)
        notePricing(CSPM_PRICING, pricing.cspm, cfg.plan.cspm.extensions, "azure.plan.cspm.extensions");

    for (const { cluster, reason } of selection.leftOut) note("excluded", cluster.id, `left out: ${reason}`);

    let access: AksDiscoveryAccess | undefined;
    if (cfg.discovery.enabled) {
        access = new AksDiscoveryAccess(
            "discovery",
            {
                subscriptionId: sub,
                operator: cfg.discovery.operator,
                bindingName: cfg.discovery.bindingName,
                clusters: toBind.map((c) => ({ ...c, bindingName: bindingName(c) })),
                existing: { operator, roleAssignment, bindings },
            },
            { ...opts, dependsOn: [plan] },
        );
        const operatorId = operator?.id ?? securityOperatorId(sub, cfg.discovery.operator);
        if (operator)
            note("info", operatorId, "adopted: Defender made this security operator (import, kept on destroy)");
        if (roleAssignment)
            note(
                "info",
                roleAssignment.id,
                `adopted: role ${DISCOVERY_ROLE_DEFINITION_GUID} of the security operator at ${subscriptionScope(sub)} (import, kept on destroy)`,
            );
        for (const c of toBind) {
            const b = bindings[c.id];
            note(
                "info",
                c.id,
                b
                    ? `trusted access binding "${b.name}" adopted (import, kept on destroy) → ClusterRole ${TRUSTED_ACCESS_CLUSTER_ROLES[cfg.discovery.operator]} (read access)`
                    : `trusted access binding "${bindingName(c)}" → ClusterRole ${TRUSTED_ACCESS_CLUSTER_ROLES[cfg.discovery.operator]} (read access)`,
            );
        }
        for (const c of selection.aks.filter((x) => x.override.bind === false))
            note("info", c.id, "no trusted access binding: azure.overrides sets bind: false");
    }

    const atScale = new AddonsAtScale(
        "addons",
        {
            subscriptionId: sub,
            location: cfg.location,
            logAnalyticsWorkspaceId: cfg.logAnalyticsWorkspaceId,
            policies: cfg.atScale.policies,
            podSecurityBaseline: cfg.atScale.podSecurityBaseline,
            privilegedContainers: cfg.atScale.privilegedContainers,
            existing: { assignments, roleAssignments: assignmentRoles },
        },
        { ...opts, dependsOn: [plan] },
    );
    for (const [name, id] of Object.entries(atScale.deferred)) {
        note(
            "info",
            id,
            `the same policy is already assigned at ${subscriptionScope(sub)}: this stack does not assign it again as ${name}`,
        );
    }

    // With Defender's default workspace the extension is left to policy 708b60a6, which resolves it.
    if (cfg.arcExtensions.defaultWorkspace) {
        for (const c of arcPlans.filter((x) => !x.defender)) {
            note(
                "info",
                c.id,
                `Defender extension left to policy 708b60a6 with Defender's default workspace (azure.arcExtensions.defaultWorkspace); ` +
                    `the policy skips distributions aks, aks_management, eks and gke by default (excludedDistributions)`,
            );
        }
    }
    const arcWithExtensions = arcPlans.filter((c) => c.defender || c.azurePolicy);
    if (arcWithExtensions.length > 0) {
        new ArcExtensions(
            "arc",
            {
                clusters: arcWithExtensions,
                defender: arcDefault,
                azurePolicy: cfg.arcExtensions.azurePolicy,
                logAnalyticsWorkspaceId: cfg.logAnalyticsWorkspaceId,
                existing: arcExisting,
            },
            { ...opts, dependsOn: [plan] },
        );
        for (const c of arcWithExtensions) {
            for (const [wanted, type] of [
                [c.defender, ARC_DEFENDER_EXTENSION.extensionType],
                [c.azurePolicy, ARC_POLICY_EXTENSION.extensionType],
            ] as const) {
                const e = wanted ? findExtension(arcExisting[c.id] ?? [], type) : undefined;
                if (e)
                    note(
                        "info",
                        e.id,
                        `adopted: extension ${type} is already installed (by policy or by hand); imported as it is, kept on destroy`,
                    );
            }
        }
    }

    return {
        subscriptionId: sub,
        discoveryPrincipalId: access?.principalId,
        boundClusters: toBind.map((c) => c.id),
        excludedClusters: selection.leftOut.map((l) => l.cluster.id),
        arcClusters: selection.arc.map((c) => c.id),
        policyAssignments: Object.keys(atScale.assignments),
    };
}

function notePricing(
    name: string,
    existing: Parameters<typeof extensionDrift>[0],
    wanted: Readonly<Record<string, boolean>>,
    key: string,
): void {
    if (existing?.pricingTier !== "Standard") return;
    note("info", existing.id, `adopted: the ${name} plan is already on (import, kept on destroy)`);
    const drift = extensionDrift(existing, wanted);
    if (drift.length) {
        note(
            "manual-step",
            existing.id,
            `the plan's extensions differ from ${key}: ${drift.join("; ")}. Pulumi imports only what matches: ` +
                `for the adopting run set ${key} as the cloud has it, then change it in a later run`,
        );
    }
}
