import { createHash } from "crypto";

/**
 * What the mock runtime answers for a registered resource: an id and the output state a real
 * provider would return, deterministic so that two plans of the same config are identical.
 */

export interface MockContext {
    /** The subscription the Azure provider is pinned to, if any. */
    azureSubscriptionId?: string;
}

/** A GUID derived from a seed: stable across runs, obviously not a real principal. */
export function placeholderGuid(seed: string): string {
    const h = createHash("sha256").update(seed).digest("hex");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

type State = Record<string, unknown>;

export function mockResourceState(type: string, name: string, inputs: State, ctx: MockContext): { id: string; state: State } {
    const sub = ctx.azureSubscriptionId ?? "00000000-0000-0000-0000-000000000000";
    const state: State = { ...inputs };
    let id = `${name}-id`;
    switch (type) {
        case "pulumi:providers:azure-native":
            // Later ids are spelled in the subscription this provider is pinned to.
            if (typeof inputs.subscriptionId === "string") ctx.azureSubscriptionId = inputs.subscriptionId;
            id = placeholderGuid(`provider:${name}`);
            break;
        case "azure-native:security:SecurityOperator":
            id = `/subscriptions/${sub}/providers/Microsoft.Security/pricings/${inputs.pricingName}/securityOperators/${inputs.securityOperatorName}`;
            state.identity = { principalId: placeholderGuid(`principal:${id}`), tenantId: placeholderGuid("tenant"), type: "SystemAssigned" };
            break;
        case "azure-native:security:Pricing":
            id = `/${inputs.scopeId}/providers/Microsoft.Security/pricings/${inputs.pricingName}`;
            break;
        case "azure-native:authorization:PolicyAssignment":
            id = `${inputs.scope}/providers/Microsoft.Authorization/policyAssignments/${inputs.policyAssignmentName ?? name}`;
            if (inputs.identity) {
                state.identity = { principalId: placeholderGuid(`principal:${id}`), tenantId: placeholderGuid("tenant"), type: "SystemAssigned" };
            }
            break;
        case "azure-native:authorization:RoleAssignment":
            id = `${inputs.scope}/providers/Microsoft.Authorization/roleAssignments/${placeholderGuid(`ra:${name}`)}`;
            break;
        case "azure-native:policyinsights:RemediationAtSubscription":
            id = `/subscriptions/${sub}/providers/Microsoft.PolicyInsights/remediations/${inputs.remediationName ?? name}`;
            break;
        case "azure-native:containerservice:TrustedAccessRoleBinding":
            id = `/subscriptions/${sub}/resourceGroups/${inputs.resourceGroupName}/providers/Microsoft.ContainerService/managedClusters/${inputs.resourceName}/trustedAccessRoleBindings/${inputs.trustedAccessRoleBindingName}`;
            break;
        case "azure-native:kubernetesconfiguration:Extension":
            id = `/subscriptions/${sub}/resourceGroups/${inputs.resourceGroupName}/providers/${inputs.clusterRp}/${inputs.clusterResourceName}/${inputs.clusterName}/providers/Microsoft.KubernetesConfiguration/extensions/${inputs.extensionName}`;
            break;
        default:
            break;
    }
    return { id, state };
}
