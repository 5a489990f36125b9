import * as pulumi from "@pulumi/pulumi";
import * as security from "@pulumi/azure-native/security";
import * as authorization from "@pulumi/azure-native/authorization";
import * as containerservice from "@pulumi/azure-native/containerservice";
import {
    DISCOVERY_ROLE_DEFINITION_GUID,
    OperatorKind,
    roleDefinitionId,
    SECURITY_OPERATORS,
    subscriptionScope,
    TRUSTED_ACCESS_ROLE,
} from "../../domain/azure/facts";
import { ClusterTarget } from "../../domain/azure/resourceIds";
import { requirePlainTargets } from "./clusterTargets";
import { adopt, existingRoleAssignmentArgs } from "./adopt";
import { mapString, requirePlain } from "../shared/input";
import { ExistingBinding, ExistingOperator, ExistingRoleAssignment } from "../../lookup/azure/port";

export interface AksDiscoveryAccessArgs {
    /** The subscription of the role assignment; may be an output. */
    subscriptionId: pulumi.Input<string>;
    /** Which plan's security operator acts for discovery. Plain: it decides which operator exists. */
    operator: OperatorKind;
    /** Trusted access role binding name in each cluster; Microsoft's name for the operator by default. */
    bindingName?: string;
    /**
     * Clusters to bind; excluded clusters must already be filtered out by the caller. The list is
     * plain (one binding each); a cluster's resource group and name may be outputs (see ClusterTarget).
     */
    clusters: readonly (ClusterTarget & { bindingName?: string })[];
    /**
     * What Defender (or an earlier run) already made, from the lookups: adopted with Pulumi's
     * `import` and never deleted by destroy (Defender owns them). Bindings keyed by cluster id.
     */
    existing?: {
        operator?: ExistingOperator;
        roleAssignment?: ExistingRoleAssignment;
        bindings?: Readonly<Record<string, ExistingBinding>>;
    };
}

/** The arguments that must be plain, and why (docs/library.md). */
const PLAIN_ARGS = {
    operator: "it decides which security operator exists",
    bindingName: "it names the trusted access role bindings",
    existing: "existing objects are imported by their ids, with the inputs they have",
} as const;

/**
 * Steps 1, 2 and 4 of the discovery flow on Azure: the security operator identity, the built-in
 * "Defender Kubernetes API Access" role on the subscription, and one trusted access role binding
 * per AKS cluster, which AKS turns into a read-only ClusterRoleBinding inside the cluster.
 */
export class AksDiscoveryAccess extends pulumi.ComponentResource {
    readonly operator: security.SecurityOperator;
    readonly principalId: pulumi.Output<string>;
    readonly roleAssignment: authorization.RoleAssignment;
    /** Binding per cluster, keyed by the cluster's key (`<resource group>-<cluster>` in lower case by default). */
    readonly bindings: Record<string, containerservice.TrustedAccessRoleBinding> = {};

    constructor(name: string, args: AksDiscoveryAccessArgs, opts?: pulumi.ComponentResourceOptions) {
        // Every argument is checked before anything is declared: a refusal leaves no half component.
        requirePlain("AksDiscoveryAccess", name, args, PLAIN_ARGS);
        const keys = requirePlainTargets(
            "AksDiscoveryAccess",
            name,
            args.clusters,
            "one binding exists per cluster (its resource group and name may be outputs)",
            { bindingName: "it names the cluster's binding" },
        );
        super("agentless:azure:AksDiscoveryAccess", name, {}, opts);
        const op = SECURITY_OPERATORS[args.operator];
        const existing = args.existing ?? {};
        this.operator = new security.SecurityOperator(
            `${name}-operator`,
            {
                pricingName: op.pricingName,
                securityOperatorName: op.securityOperatorName,
            },
            { parent: this, ...adopt(existing.operator?.id) },
        );

        this.principalId = existing.operator
            ? pulumi.output(existing.operator.principalId)
            : this.operator.identity.apply((identity) => {
                  if (!identity?.principalId) {
                      throw new Error(
                          `security operator ${op.securityOperatorName} has no identity: is the ${op.pricingName} plan's discovery extension on?`,
                      );
                  }
                  return identity.principalId;
              });

        // An import must match what exists, so an adopted assignment is declared as ARM holds it.
        const ra = existing.roleAssignment;
        this.roleAssignment = new authorization.RoleAssignment(
            `${name}-api-access`,
            ra
                ? existingRoleAssignmentArgs(ra)
                : {
                      principalId: this.principalId,
                      principalType: "ServicePrincipal",
                      roleDefinitionId: mapString(args.subscriptionId, (s) =>
                          roleDefinitionId(s, DISCOVERY_ROLE_DEFINITION_GUID),
                      ),
                      scope: mapString(args.subscriptionId, subscriptionScope),
                      description:
                          "Defender agentless discovery: read AKS clusters and manage their trusted access bindings",
                  },
            { parent: this, ...adopt(ra?.id) },
        );

        const sourceResourceId = existing.operator ? pulumi.output(existing.operator.id) : this.operator.id;
        for (const [i, cluster] of args.clusters.entries()) {
            const key = keys[i];
            const found = cluster.id !== undefined ? existing.bindings?.[cluster.id] : undefined;
            this.bindings[key] = new containerservice.TrustedAccessRoleBinding(
                `${name}-${key}`,
                {
                    resourceGroupName: cluster.resourceGroup,
                    resourceName: cluster.name,
                    trustedAccessRoleBindingName:
                        found?.name ?? cluster.bindingName ?? args.bindingName ?? op.bindingName,
                    roles: found ? found.roles : [TRUSTED_ACCESS_ROLE],
                    sourceResourceId: found ? found.sourceResourceId : sourceResourceId,
                },
                { parent: this, dependsOn: [this.roleAssignment], ...adopt(found?.id) },
            );
        }

        this.registerOutputs({
            operatorId: this.operator.id,
            principalId: this.principalId,
            bindings: Object.keys(this.bindings),
        });
    }
}
