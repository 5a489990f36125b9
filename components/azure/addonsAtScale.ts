import * as pulumi from "@pulumi/pulumi";
import * as authorization from "@pulumi/azure-native/authorization";
import * as policyinsights from "@pulumi/azure-native/policyinsights";
import {
    AtScalePolicyKey,
    builtInPolicyDefinitionId,
    builtInPolicySetDefinitionId,
    DEPLOY_IF_NOT_EXISTS_POLICIES,
    DeployIfNotExistsPolicy,
    GuardEffect,
    POD_SECURITY_BASELINE_INITIATIVE_GUID,
    PRIVILEGED_CONTAINERS_POLICY_GUID,
    roleDefinitionId,
    subscriptionScope,
} from "../../domain/azure/facts";
import { parseWorkspaceId } from "../../domain/azure/resourceIds";
import { existingRoleAssignmentArgs } from "./adopt";
import { ExistingPolicyAssignment, ExistingRoleAssignment, findRoleAssignment } from "../../lookup/azure/port";
import { mapString, plainString, requirePlain } from "../shared/input";

export interface AddonsAtScaleArgs {
    /**
     * The subscription assigned at; may be an output, except with a workspace policy and a
     * workspace (whose subscription is compared with it) or an adopted assignment (its role
     * assignments are matched by scope).
     */
    subscriptionId: pulumi.Input<string>;
    /** Region of the assignments' system-assigned identities; may be an output. */
    location: pulumi.Input<string>;
    /**
     * Workspace for the Defender sensor's data; empty lets Defender create its default workspace.
     * Plain: parsed, and a workspace in another subscription gets its own role assignments.
     */
    logAnalyticsWorkspaceId?: string;
    /** Plain, as the two guards: they decide which assignments exist. */
    policies: Readonly<Record<AtScalePolicyKey, boolean>>;
    podSecurityBaseline: GuardEffect;
    privilegedContainers: GuardEffect;
    /**
     * Assignments found at the subscription scope, and the role assignments of their identities:
     * one with this stack's name is imported (an earlier run made it); another assignment of the
     * same definition (Defender's own auto-provisioning, another team) means this one is not made.
     * Plain: imported by id.
     */
    existing?: { assignments: readonly ExistingPolicyAssignment[]; roleAssignments: readonly ExistingRoleAssignment[] };
}

/** Why each plain argument of AddonsAtScale cannot be an output (docs/library.md). */
const PLAIN_ARGS = {
    logAnalyticsWorkspaceId: "it is parsed, and a workspace in another subscription gets its own role assignments",
    policies: "they decide which policy assignments exist",
    podSecurityBaseline: "it decides whether the pod security baseline assignment exists",
    privilegedContainers: "it decides whether the privileged containers assignment exists",
    existing: "it decides which assignments are imported (by id) and which are left to one that exists",
} as const;

export type AssignmentDecision =
    | { action: "create" }
    | { action: "import"; found: ExistingPolicyAssignment }
    | { action: "skip"; found: ExistingPolicyAssignment };

/** What to do with one of this stack's assignments, given those that exist at the subscription. */
export function assignmentDecision(
    found: readonly ExistingPolicyAssignment[],
    name: string,
    definitionId: string,
): AssignmentDecision {
    const same = found.find((a) => a.name.toLowerCase() === name.toLowerCase());
    if (same) {
        if (same.policyDefinitionId.toLowerCase() !== definitionId.toLowerCase()) {
            throw new Error(
                `policy assignment ${same.id} exists with definition ${same.policyDefinitionId}, not ${definitionId}: rename or remove it before this stack assigns ${definitionId} under that name`,
            );
        }
        return { action: "import", found: same };
    }
    const other = found.find((a) => a.policyDefinitionId.toLowerCase() === definitionId.toLowerCase());
    return other ? { action: "skip", found: other } : { action: "create" };
}

/**
 * The scopes at which a DeployIfNotExists assignment's identity needs its roles: the subscription
 * and, when the workspace lives in another subscription, the workspace itself (what the portal
 * does for parameters marked `assignPermissions`).
 */
export function identityRoleScopes(
    policy: DeployIfNotExistsPolicy,
    subscriptionId: string,
    workspaceId?: string,
): string[] {
    const scopes = [subscriptionScope(subscriptionId)];
    const ws = workspaceId ? parseWorkspaceId(workspaceId) : null;
    if (policy.takesWorkspace && ws && ws.subscriptionId !== subscriptionId) scopes.push(ws.id);
    return scopes;
}

export function assignmentParameters(
    policy: DeployIfNotExistsPolicy,
    workspaceId?: string,
): Record<string, { value: string }> {
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
    /** This stack's assignment name → the existing assignment of the same definition it defers to. */
    readonly deferred: Record<string, string> = {};

    constructor(name: string, args: AddonsAtScaleArgs, opts?: pulumi.ComponentResourceOptions) {
        super("agentless:azure:AddonsAtScale", name, {}, opts);
        requirePlain("AddonsAtScale", name, args, PLAIN_ARGS);
        const scope = mapString(args.subscriptionId, subscriptionScope);
        const plainSubscription = (reason: string) =>
            plainString("AddonsAtScale", name, "subscriptionId", args.subscriptionId, reason);

        const found = args.existing?.assignments ?? [];
        const foundRoles = args.existing?.roleAssignments ?? [];
        for (const policy of DEPLOY_IF_NOT_EXISTS_POLICIES) {
            if (!args.policies[policy.key]) continue;
            const decision = assignmentDecision(
                found,
                policy.assignmentName,
                builtInPolicyDefinitionId(policy.definitionGuid),
            );
            if (decision.action === "skip") {
                this.deferred[policy.assignmentName] = decision.found.id;
                continue;
            }
            const adopted = decision.action === "import" ? decision.found : undefined;
            const assignment = new authorization.PolicyAssignment(
                `${name}-${policy.key}`,
                {
                    policyAssignmentName: policy.assignmentName,
                    displayName: policy.displayName,
                    policyDefinitionId: builtInPolicyDefinitionId(policy.definitionGuid),
                    scope,
                    location: args.location,
                    identity: { type: "SystemAssigned" },
                    parameters: assignmentParameters(policy, args.logAnalyticsWorkspaceId),
                },
                { parent: this, ...(adopted ? { import: adopted.id } : {}) },
            );
            const principalId = adopted?.principalId
                ? pulumi.output(adopted.principalId)
                : assignment.identity.apply((identity) => {
                      if (!identity?.principalId)
                          throw new Error(`policy assignment ${policy.assignmentName} has no system-assigned identity`);
                      return identity.principalId;
                  });

            const roles: authorization.RoleAssignment[] = [];
            // The scopes must be text when a workspace's subscription is compared with this one (it
            // decides whether the workspace gets role assignments) or existing ones are matched by scope.
            const needsText =
                policy.takesWorkspace && args.logAnalyticsWorkspaceId
                    ? "the workspace's subscription is compared with it"
                    : adopted?.principalId
                      ? "an adopted assignment's role assignments are matched by scope"
                      : undefined;
            const roleScopes: pulumi.Input<string>[] = needsText
                ? identityRoleScopes(policy, plainSubscription(needsText), args.logAnalyticsWorkspaceId)
                : [scope];
            for (const roleScope of roleScopes) {
                const where = roleScope === scope ? "" : "-workspace";
                for (const roleGuid of policy.roleGuids) {
                    // ARM answers 409 RoleAssignmentExists to a second assignment: import the first as it is.
                    const ra = adopted?.principalId
                        ? findRoleAssignment(foundRoles, String(roleScope), roleGuid, adopted.principalId)
                        : undefined;
                    roles.push(
                        new authorization.RoleAssignment(
                            `${name}-${policy.key}${where}-${roleGuid.slice(0, 8)}`,
                            ra
                                ? existingRoleAssignmentArgs(ra)
                                : {
                                      principalId,
                                      principalType: "ServicePrincipal",
                                      roleDefinitionId: mapString(args.subscriptionId, (s) =>
                                          roleDefinitionId(s, roleGuid),
                                      ),
                                      scope: roleScope,
                                      description: `Identity of policy assignment ${policy.assignmentName} (${policy.displayName})`,
                                  },
                            { parent: this, ...(ra ? { import: ra.id } : {}) },
                        ),
                    );
                }
            }

            this.assignments[policy.key] = assignment;
            // A remediation is a one-off task; an adopted assignment already had its own.
            if (adopted) continue;
            this.remediations[policy.key] = new policyinsights.RemediationAtSubscription(
                `${name}-${policy.key}-remediation`,
                {
                    remediationName: `${policy.assignmentName}-remediation`,
                    policyAssignmentId: assignment.id,
                    resourceDiscoveryMode: "ExistingNonCompliant",
                },
                { parent: this, dependsOn: roles },
            );
        }

        const guard = (
            resourceName: string,
            assignmentName: string,
            displayName: string,
            definitionId: string,
            effect: GuardEffect,
        ) => {
            if (effect === "off") return;
            const decision = assignmentDecision(found, assignmentName, definitionId);
            if (decision.action === "skip") {
                this.deferred[assignmentName] = decision.found.id;
                return;
            }
            this.guards.push(
                new authorization.PolicyAssignment(
                    resourceName,
                    {
                        policyAssignmentName: assignmentName,
                        displayName,
                        policyDefinitionId: definitionId,
                        scope,
                        parameters: { effect: { value: effect } },
                    },
                    { parent: this, ...(decision.action === "import" ? { import: decision.found.id } : {}) },
                ),
            );
        };
        guard(
            `${name}-privileged-containers`,
            "mdc-k8s-no-privileged",
            "Kubernetes cluster should not allow privileged containers",
            builtInPolicyDefinitionId(PRIVILEGED_CONTAINERS_POLICY_GUID),
            args.privilegedContainers,
        );
        guard(
            `${name}-pod-security-baseline`,
            "mdc-k8s-pod-security-baseline",
            "Kubernetes cluster pod security baseline standards for Linux-based workloads",
            builtInPolicySetDefinitionId(POD_SECURITY_BASELINE_INITIATIVE_GUID),
            args.podSecurityBaseline,
        );

        this.registerOutputs({
            assignments: Object.keys(this.assignments),
            guards: this.guards.length,
        });
    }
}
