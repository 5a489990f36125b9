import { createHash } from "crypto";

/**
 * What the mock runtime answers for a registered resource: an id and the output state a real
 * provider would return, deterministic so that two plans of the same config are identical.
 */

export interface MockContext {
    /** The subscription the Azure provider is pinned to, if any. */
    azureSubscriptionId?: string;
    /** The project the GCP provider is pinned to, if any. */
    gcpProject?: string;
    /** Project id → number, learnt from `agentless:gcp:*` components' `projectId`/`projectNumber`. */
    gcpProjectNumbers?: Record<string, string>;
}

/** A GUID derived from a seed: stable across runs, obviously not a real principal. */
export function placeholderGuid(seed: string): string {
    const h = createHash("sha256").update(seed).digest("hex");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

type State = Record<string, unknown>;

/** A number of `digits` digits derived from a seed, for ids GCP hands out (unique ids, project numbers). */
export function placeholderDigits(seed: string, digits: number): string {
    const h = createHash("sha256").update(seed).digest("hex");
    let out = "";
    for (let i = 0; out.length < digits; i += 2) out += (parseInt(h.slice(i % 64, (i % 64) + 2), 16) % 10).toString();
    return out.replace(/^0/, "1");
}

function gcpProjectNumber(project: string, ctx: MockContext): string {
    return ctx.gcpProjectNumbers?.[project] ?? placeholderDigits(`project:${project}`, 12);
}

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
        case "pulumi:providers:gcp":
            if (typeof inputs.project === "string") ctx.gcpProject = inputs.project;
            id = placeholderGuid(`provider:${name}`);
            break;
        case "gcp:serviceaccount/account:Account": {
            const project = String(inputs.project ?? ctx.gcpProject ?? "my-project");
            const email = `${inputs.accountId}@${project}.iam.gserviceaccount.com`;
            id = `projects/${project}/serviceAccounts/${email}`;
            Object.assign(state, { email, name: id, member: `serviceAccount:${email}`, uniqueId: placeholderDigits(`sa:${email}`, 21) });
            break;
        }
        case "gcp:iam/workloadIdentityPool:WorkloadIdentityPool": {
            const project = String(inputs.project ?? ctx.gcpProject ?? "my-project");
            id = `projects/${project}/locations/global/workloadIdentityPools/${inputs.workloadIdentityPoolId}`;
            Object.assign(state, {
                name: `projects/${gcpProjectNumber(project, ctx)}/locations/global/workloadIdentityPools/${inputs.workloadIdentityPoolId}`,
                state: "ACTIVE",
            });
            break;
        }
        case "gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider": {
            const project = String(inputs.project ?? ctx.gcpProject ?? "my-project");
            const path = `locations/global/workloadIdentityPools/${inputs.workloadIdentityPoolId}/providers/${inputs.workloadIdentityPoolProviderId}`;
            id = `projects/${project}/${path}`;
            Object.assign(state, { name: `projects/${gcpProjectNumber(project, ctx)}/${path}`, state: "ACTIVE" });
            break;
        }
        case "gcp:projects/iAMCustomRole:IAMCustomRole":
            id = `projects/${inputs.project ?? ctx.gcpProject ?? "my-project"}/roles/${inputs.roleId}`;
            Object.assign(state, { name: id, deleted: false });
            break;
        case "gcp:organizations/iAMCustomRole:IAMCustomRole":
            id = `organizations/${inputs.orgId}/roles/${inputs.roleId}`;
            Object.assign(state, { name: id, deleted: false });
            break;
        case "azure-native:security:SecurityConnector":
            id = `/subscriptions/${sub}/resourceGroups/${inputs.resourceGroupName}/providers/Microsoft.Security/securityConnectors/${inputs.securityConnectorName ?? name}`;
            break;
        default:
            if (type.startsWith("agentless:gcp:") && typeof inputs.projectId === "string" && typeof inputs.projectNumber === "string") {
                ctx.gcpProjectNumbers = { ...ctx.gcpProjectNumbers, [inputs.projectId]: inputs.projectNumber };
            }
            break;
    }
    return { id, state };
}
