import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import * as policyinsights from "@pulumi/azure-native/policyinsights";
import {
    AtScalePolicyKey, builtInPolicyDefinitionId, builtInPolicySetDefinitionId, DEPLOY_IF_NOT_EXISTS_POLICIES, DeployIfNotExistsPolicy,
    GuardEffect, POD_SECURITY_BASELINE_INITIATIVE_GUID, PRIVILEGED_CONTAINERS_POLICY_GUID, roleDefinitionId, subscriptionScope,
} from "./facts";
import { parseWorkspaceId } from "./resourceIds";

export interface AddonsAtScaleArgs {
    subscriptionId: string;
    /** Region of the assignments' system-assigned identities. */
    location: string;
    /** Workspace for the Defender sensor's data; empty lets Defender create its default workspace. */
    logAnalyticsWorkspaceId?: string;
    policies: Readonly<Record<AtScalePolicyKey, boolean>>;
    podSecurityBaseline: GuardEffect;
    privilegedContainers: GuardEffect;
}

/**
 * The scopes at which a DeployIfNotExists assignment's identity needs its roles: the subscription
 * and, when the workspace lives in another subscription, the workspace itself (what the portal
 * does for parameters marked `assignPermissions`).
 */
export function identityRoleScopes(policy: DeployIfNotExistsPolicy, subscriptionId: string, workspaceId?: string): string[] {
    const scopes = [subscriptionScope(subscriptionId)];
    const ws = workspaceId ? parseWorkspaceId(workspaceId) : null;
    if (policy.takesWorkspace && ws && ws.subscriptionId !== subscriptionId) scopes.push(ws.id);
    return scopes;
}

export function assignmentParameters(policy: DeployIfNotExistsPolicy, workspaceId?: string): Record<string, { value: string }> {
    const params: Record<string, { value: string }> = { effect: { value: "DeployIfNotExists" } };
    if (policy.takesWorkspace) params.logAnalyticsWorkspaceResourceId = { value: workspaceId ?? "" };
    return params;
}

/**
 * Add-ons for clusters this stack does not own: the built-in DeployIfNotExists policies that give
 * every AKS cluster the Defender profile and the Azure Policy add-on, and every Arc-enabled cluster
 * the matching extensions; each with its identity's roles and a remediation for what exists today.
 */
export class AddonsAtScale extends pulumi.ComponentResource {
    readonly assignments: Partial<Record<AtScalePolicyKey, authorization.PolicyAssignment>> = {};
    readonly remediations: Partial<Record<AtScalePolicyKey, policyinsights.RemediationAtSubscription>> = {};
    readonly guards: authorization.PolicyAssignment[] = [];

    constructor(name: string, args: AddonsAtScaleArgs, opts?: pulumi.ComponentResourceOptions) {
        super("agentless:azure:AddonsAtScale", name, {}, opts);
        const scope = subscriptionScope(args.subscriptionId);

        for (const policy of DEPLOY_IF_NOT_EXISTS_POLICIES) {
            if (!args.policies[policy.key]) continue;
            const assignment = new authorization.PolicyAssignment(`${name}-${policy.key}`, {
                policyAssignmentName: policy.assignmentName,
                displayName: policy.displayName,
                policyDefinitionId: builtInPolicyDefinitionId(policy.definitionGuid),
                scope,
                location: args.location,
                identity: { type: "SystemAssigned" },
                parameters: assignmentParameters(policy, args.logAnalyticsWorkspaceId),
            }, { parent: this });
            const principalId = assignment.identity.apply((identity) => {
                if (!identity?.principalId) throw new Error(`policy assignment ${policy.assignmentName} has no system-assigned identity`);
                return identity.principalId;
            });

            const roles: authorization.RoleAssignment[] = [];
            for (const roleScope of identityRoleScopes(policy, args.subscriptionId, args.logAnalyticsWorkspaceId)) {
                const where = roleScope === scope ? "" : "-workspace";
                for (const roleGuid of policy.roleGuids) {
                    roles.push(new authorization.RoleAssignment(`${name}-${policy.key}${where}-${roleGuid.slice(0, 8)}`, {
                        principalId,
                        principalType: "ServicePrincipal",
                        roleDefinitionId: roleDefinitionId(args.subscriptionId, roleGuid),
                        scope: roleScope,
                        description: `Identity of policy assignment ${policy.assignmentName} (${policy.displayName})`,
                    }, { parent: this }));
                }
            }

            this.assignments[policy.key] = assignment;
            this.remediations[policy.key] = new policyinsights.RemediationAtSubscription(`${name}-${policy.key}-remediation`, {
                remediationName: `${policy.assignmentName}-remediation`,
                policyAssignmentId: assignment.id,
                resourceDiscoveryMode: "ExistingNonCompliant",
            }, { parent: this, dependsOn: roles });
        }

        if (args.privilegedContainers !== "off") {
            this.guards.push(new authorization.PolicyAssignment(`${name}-privileged-containers`, {
                policyAssignmentName: "mdc-k8s-no-privileged",
                displayName: "Kubernetes cluster should not allow privileged containers",
                policyDefinitionId: builtInPolicyDefinitionId(PRIVILEGED_CONTAINERS_POLICY_GUID),
                scope,
                parameters: { effect: { value: args.privilegedContainers } },
            }, { parent: this }));
        }
        if (args.podSecurityBaseline !== "off") {
            this.guards.push(new authorization.PolicyAssignment(`${name}-pod-security-baseline`, {
                policyAssignmentName: "mdc-k8s-pod-security-baseline",
                displayName: "Kubernetes cluster pod security baseline standards for Linux-based workloads",
                policyDefinitionId: builtInPolicySetDefinitionId(POD_SECURITY_BASELINE_INITIATIVE_GUID),
                scope,
                parameters: { effect: { value: args.podSecurityBaseline } },
            }, { parent: this }));
        }

        this.registerOutputs({
            assignments: Object.keys(this.assignments),
            guards: this.guards.length,
        });
    }
}
