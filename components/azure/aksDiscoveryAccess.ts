import * as pulumi from "@pulumi/pulumi";
import * as security from "@pulumi/azure-native/security";
import * as authorization from "@pulumi/azure-native/authorization";
import * as containerservice from "@pulumi/azure-native/containerservice";
import {
    DISCOVERY_ROLE_DEFINITION_GUID, OperatorKind, roleDefinitionId, SECURITY_OPERATORS, subscriptionScope, TRUSTED_ACCESS_ROLE,
} from "./facts";
import { ClusterRef, clusterResourceKey } from "./resourceIds";

export interface AksDiscoveryAccessArgs {
    subscriptionId: string;
    /** Which plan's security operator acts for discovery. */
    operator: OperatorKind;
    /** Trusted access role binding name in each cluster; Microsoft's name for the operator by default. */
    bindingName?: string;
    /** Clusters to bind; excluded clusters must already be filtered out by the caller. */
    clusters: readonly ClusterRef[];
}

/**
 * Steps 1, 2 and 4 of the discovery flow on Azure: the security operator identity, the built-in
 * "Defender Kubernetes API Access" role on the subscription, and one trusted access role binding
 * per AKS cluster, which AKS turns into a read-only ClusterRoleBinding inside the cluster.
 */
export class AksDiscoveryAccess extends pulumi.ComponentResource {
    readonly operator: security.SecurityOperator;
    readonly principalId: pulumi.Output<string>;
    readonly roleAssignment: authorization.RoleAssignment;
    /** Binding per cluster, keyed by `<resource group>-<cluster>` in lower case. */
    readonly bindings: Record<string, containerservice.TrustedAccessRoleBinding> = {};

    constructor(name: string, args: AksDiscoveryAccessArgs, opts?: pulumi.ComponentResourceOptions) {
        super("agentless:azure:AksDiscoveryAccess", name, {}, opts);
        const op = SECURITY_OPERATORS[args.operator];
        this.operator = new security.SecurityOperator(`${name}-operator`, {
            pricingName: op.pricingName,
            securityOperatorName: op.securityOperatorName,
        }, { parent: this });

        this.principalId = this.operator.identity.apply((identity) => {
            if (!identity?.principalId) {
                throw new Error(`security operator ${op.securityOperatorName} has no identity: is the ${op.pricingName} plan's discovery extension on?`);
            }
            return identity.principalId;
        });

        this.roleAssignment = new authorization.RoleAssignment(`${name}-api-access`, {
            principalId: this.principalId,
            principalType: "ServicePrincipal",
            roleDefinitionId: roleDefinitionId(args.subscriptionId, DISCOVERY_ROLE_DEFINITION_GUID),
            scope: subscriptionScope(args.subscriptionId),
            description: "Defender agentless discovery: read AKS clusters and manage their trusted access bindings",
        }, { parent: this });

        const bindingName = args.bindingName ?? op.bindingName;
        for (const cluster of args.clusters) {
            const key = clusterResourceKey(cluster);
            this.bindings[key] = new containerservice.TrustedAccessRoleBinding(`${name}-${key}`, {
                resourceGroupName: cluster.resourceGroup,
                resourceName: cluster.name,
                trustedAccessRoleBindingName: bindingName,
                roles: [TRUSTED_ACCESS_ROLE],
                sourceResourceId: this.operator.id,
            }, { parent: this, dependsOn: [this.roleAssignment] });
        }

        this.registerOutputs({
            operatorId: this.operator.id,
            principalId: this.principalId,
            bindings: Object.keys(this.bindings),
        });
    }
}
