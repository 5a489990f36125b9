import { createHash } from "crypto";
import { LookupSource } from "../lookup/source";
import { awsAuthMapRolesInFile } from "./awsAuthReads";

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
    /** The AWS account the AWS provider is pinned to (its allowedAccountIds), if any. */
    awsAccountId?: string;
    /** The region the AWS provider is pinned to, if any. */
    awsRegion?: string;
    /**
     * The run's cloud-state file, if any: a read of a cluster's aws-auth answers the mapRoles it
     * gives that cluster (plan/awsAuthReads.ts); a sample otherwise.
     */
    cloudState?: LookupSource;
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

/** The account of the AWS provider, from its `allowedAccountIds` (a JSON string in provider inputs). */
function allowedAccount(v: unknown): string | undefined {
    let ids = v;
    if (typeof v === "string") {
        try {
            ids = JSON.parse(v);
        } catch {
            return undefined;
        }
    }
    return Array.isArray(ids) && typeof ids[0] === "string" ? ids[0] : undefined;
}

/**
 * What an existing EKS cluster's aws-auth holds before this stack adds to it, offline: one managed
 * node group role, so that the plan shows the entry appended after entries it must keep.
 */
export function sampleAwsAuthMapRoles(account: string): string {
    return [
        `- groups:`,
        `  - system:bootstrappers`,
        `  - system:nodes`,
        `  rolearn: arn:aws:iam::${account}:role/example-existing-node-group-role`,
        `  username: system:node:{{EC2PrivateDNSName}}`,
        ``,
    ].join("\n");
}

/** What the cloud-state file says the aws-auth read `readName` finds, if the run has a file and it says. */
function awsAuthInCloudState(readName: string, ctx: MockContext): string | undefined {
    if (!ctx.cloudState) return undefined;
    // The program reads aws-auth through a Kubernetes provider that needs the cluster's endpoint,
    // which it gets through the AWS provider: that provider, pinned to the account, registered first.
    if (ctx.awsAccountId === undefined) {
        throw new Error(
            `the read ${readName} of a cluster's aws-auth came before an AWS provider pinned to an account (allowedAccountIds) registered; the cloud-state file's aws section is read for that account`,
        );
    }
    return awsAuthMapRolesInFile(ctx.cloudState, ctx.awsAccountId, readName);
}

/** `readId` is set when the program reads an existing resource (`X.get`) instead of declaring one. */
export function mockResourceState(
    type: string,
    name: string,
    inputs: State,
    ctx: MockContext,
    readId?: string,
): { id: string; state: State } {
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
            state.identity = {
                principalId: placeholderGuid(`principal:${id}`),
                tenantId: placeholderGuid("tenant"),
                type: "SystemAssigned",
            };
            break;
        case "azure-native:security:Pricing":
            id = `/${inputs.scopeId}/providers/Microsoft.Security/pricings/${inputs.pricingName}`;
            break;
        case "azure-native:authorization:PolicyAssignment":
            id = `${inputs.scope}/providers/Microsoft.Authorization/policyAssignments/${inputs.policyAssignmentName ?? name}`;
            if (inputs.identity) {
                state.identity = {
                    principalId: placeholderGuid(`principal:${id}`),
                    tenantId: placeholderGuid("tenant"),
                    type: "SystemAssigned",
                };
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
            Object.assign(state, {
                email,
                name: id,
                member: `serviceAccount:${email}`,
                uniqueId: placeholderDigits(`sa:${email}`, 21),
            });
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
        case "pulumi:providers:aws": {
            const account = allowedAccount(inputs.allowedAccountIds);
            if (account) ctx.awsAccountId = account;
            if (typeof inputs.region === "string") ctx.awsRegion = inputs.region;
            id = placeholderGuid(`provider:${name}`);
            break;
        }
        case "aws:iam/openIdConnectProvider:OpenIdConnectProvider":
            id = `arn:aws:iam::${ctx.awsAccountId ?? "000000000000"}:oidc-provider/${String(inputs.url).replace(/^https:\/\//, "")}`;
            state.arn = id;
            break;
        case "aws:iam/role:Role":
            id = String(inputs.name ?? name);
            state.arn = `arn:aws:iam::${ctx.awsAccountId ?? "000000000000"}:role${inputs.path ?? "/"}${id}`;
            state.uniqueId = `AROA${createHash("sha256").update(id).digest("hex").slice(0, 17).toUpperCase()}`;
            break;
        case "aws:iam/rolePolicy:RolePolicy":
            id = `${inputs.role}:${inputs.name ?? name}`;
            break;
        case "aws:eks/cluster:Cluster": {
            // A user's own cluster (the example program): auto-named as Pulumi names it, with a suffix.
            const clusterName = String(inputs.name ?? `${name}-${placeholderGuid(`cluster:${name}`).slice(0, 7)}`);
            id = clusterName;
            Object.assign(
                state,
                eksClusterState(clusterName, String(ctx.awsRegion ?? "us-east-1"), ctx.awsAccountId ?? "000000000000"),
            );
            state.certificateAuthority = { data: (state.certificateAuthorities as { data: string }[])[0].data };
            delete state.certificateAuthorities;
            break;
        }
        case "aws:eks/accessEntry:AccessEntry":
            id = `${inputs.clusterName}:${inputs.principalArn}`;
            state.accessEntryArn = `arn:aws:eks:${inputs.region ?? "us-east-1"}:${ctx.awsAccountId ?? "000000000000"}:access-entry/${inputs.clusterName}/role/${ctx.awsAccountId ?? "000000000000"}/${String(inputs.principalArn).split("/").pop()}/${placeholderGuid(name).slice(0, 8)}`;
            break;
        case "aws:eks/accessPolicyAssociation:AccessPolicyAssociation":
            id = `${inputs.clusterName}#${inputs.principalArn}#${inputs.policyArn}`;
            break;
        case "azure-native:security:SecurityConnector":
            id = `/subscriptions/${sub}/resourceGroups/${inputs.resourceGroupName}/providers/Microsoft.Security/securityConnectors/${inputs.securityConnectorName ?? name}`;
            break;
        case "pulumi-nodejs:dynamic:Resource":
            // The provider code is not state anyone reads; EksControlPlaneLogging's id and outputs are.
            delete state.__provider;
            if (typeof inputs.clusterName === "string" && Array.isArray(inputs.logTypes)) {
                id = `${inputs.region}/${inputs.clusterName}`;
                state.enabledLogTypes = [...inputs.logTypes];
            }
            break;
        case "kubernetes:core/v1:ConfigMap":
            if (readId === "kube-system/aws-auth") {
                id = readId;
                state.metadata = { name: "aws-auth", namespace: "kube-system" };
                state.data = {
                    mapRoles:
                        awsAuthInCloudState(name, ctx) ?? sampleAwsAuthMapRoles(ctx.awsAccountId ?? "000000000000"),
                };
            }
            break;
        default:
            if (
                type.startsWith("agentless:gcp:") &&
                typeof inputs.projectId === "string" &&
                typeof inputs.projectNumber === "string"
            ) {
                ctx.gcpProjectNumbers = { ...ctx.gcpProjectNumbers, [inputs.projectId]: inputs.projectNumber };
            }
            break;
    }
    return { id, state };
}

/** An EKS cluster as `eks:DescribeCluster` would describe it: ARN, endpoint and CA derived from its name. */
function eksClusterState(clusterName: string, region: string, account: string): State {
    const host = createHash("sha256").update(`${region}/${clusterName}`).digest("hex").slice(0, 32).toUpperCase();
    return {
        id: clusterName,
        name: clusterName,
        arn: `arn:aws:eks:${region}:${account}:cluster/${clusterName}`,
        endpoint: `https://${host}.gr7.${region}.eks.amazonaws.com`,
        certificateAuthorities: [{ data: Buffer.from(`placeholder CA of ${clusterName}`).toString("base64") }],
        enabledClusterLogTypes: [],
        status: "ACTIVE",
        tags: {},
    };
}

/** What the mock runtime answers for a data-source call (invoke); by default it echoes the arguments. */
export function mockCallResult(token: string, inputs: State, ctx: MockContext): State {
    switch (token) {
        case "aws:eks/getCluster:getCluster":
            return {
                ...inputs,
                ...eksClusterState(
                    String(inputs.name),
                    String(inputs.region ?? "us-east-1"),
                    ctx.awsAccountId ?? "000000000000",
                ),
            };
        case "aws:index/getCallerIdentity:getCallerIdentity": {
            const account = ctx.awsAccountId ?? "000000000000";
            return {
                id: account,
                accountId: account,
                arn: `arn:aws:iam::${account}:user/placeholder`,
                userId: "AIDAPLACEHOLDER",
            };
        }
        // Made-up, recognisable values: the plan shows them only as "[secret]".
        case "azure-native:operationalinsights:getWorkspace":
            return {
                ...inputs,
                customerId: placeholderGuid(`workspace/${inputs.resourceGroupName}/${inputs.workspaceName}`),
                name: inputs.workspaceName,
            };
        case "azure-native:operationalinsights:getSharedKeys":
            return {
                primarySharedKey: Buffer.from(`placeholder primary key of ${inputs.workspaceName}`).toString("base64"),
                secondarySharedKey: Buffer.from(`placeholder secondary key of ${inputs.workspaceName}`).toString(
                    "base64",
                ),
            };
        default:
            return inputs;
    }
}
