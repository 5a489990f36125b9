import * as pulumi from "@pulumi/pulumi";
import * as kubernetesconfiguration from "@pulumi/azure-native/kubernetesconfiguration";
import { ARC_CLUSTER_RESOURCE_NAME, ARC_CLUSTER_RP, ARC_DEFENDER_EXTENSION, ARC_POLICY_EXTENSION } from "./facts";
import { ClusterRef, clusterResourceKey } from "./resourceIds";

export interface ArcExtensionsArgs {
    /** Connected clusters; excluded ones must already be filtered out. */
    clusters: readonly ClusterRef[];
    defender: boolean;
    azurePolicy: boolean;
    /** Passed to the Defender extension; without it the extension uses Defender's default workspace. */
    logAnalyticsWorkspaceId?: string;
}

/** The Defender sensor and the Azure Policy extension on each Arc-enabled (connected) cluster. */
export class ArcExtensions extends pulumi.ComponentResource {
    readonly extensions: kubernetesconfiguration.Extension[] = [];

    constructor(name: string, args: ArcExtensionsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("agentless:azure:ArcExtensions", name, {}, opts);
        for (const cluster of args.clusters) {
            const key = clusterResourceKey(cluster);
            const target = {
                clusterRp: ARC_CLUSTER_RP,
                clusterResourceName: ARC_CLUSTER_RESOURCE_NAME,
                clusterName: cluster.name,
                resourceGroupName: cluster.resourceGroup,
            };
            if (args.defender) {
                this.extensions.push(new kubernetesconfiguration.Extension(`${name}-${key}-defender`, {
                    ...target,
                    extensionName: ARC_DEFENDER_EXTENSION.extensionType,
                    extensionType: ARC_DEFENDER_EXTENSION.extensionType,
                    autoUpgradeMinorVersion: true,
                    releaseTrain: "stable",
                    scope: { cluster: { releaseNamespace: ARC_DEFENDER_EXTENSION.releaseNamespace } },
                    configurationSettings: args.logAnalyticsWorkspaceId
                        ? { [ARC_DEFENDER_EXTENSION.workspaceSetting]: args.logAnalyticsWorkspaceId }
                        : {},
                }, { parent: this }));
            }
            if (args.azurePolicy) {
                this.extensions.push(new kubernetesconfiguration.Extension(`${name}-${key}-azure-policy`, {
                    ...target,
                    extensionName: "azurepolicy",
                    extensionType: ARC_POLICY_EXTENSION.extensionType,
                    autoUpgradeMinorVersion: true,
                    releaseTrain: "stable",
                    scope: { cluster: { releaseNamespace: ARC_POLICY_EXTENSION.releaseNamespace } },
                }, { parent: this }));
            }
        }
        this.registerOutputs({ extensions: this.extensions.length });
    }
}
