import * as pulumi from "@pulumi/pulumi";
import * as kubernetesconfiguration from "@pulumi/azure-native/kubernetesconfiguration";
import * as operationalinsights from "@pulumi/azure-native/operationalinsights";
import {
    ARC_CLUSTER_RESOURCE_NAME,
    ARC_CLUSTER_RP,
    ARC_DEFENDER_EXTENSION,
    ARC_POLICY_EXTENSION,
    ARC_RELEASE_TRAIN,
} from "../../domain/azure/facts";
import { ClusterTarget, parseWorkspaceId } from "../../domain/azure/resourceIds";
import { requirePlainTargets } from "./clusterTargets";
import { requirePlain } from "../shared/input";
import { adopt } from "./adopt";
import { ExistingArcExtension, findExtension } from "../../lookup/azure/port";

export interface ArcExtensionsArgs {
    /** Connected clusters; excluded ones must already be filtered out. Per cluster, `defender`/`azurePolicy` override the defaults below. */
    clusters: readonly (ClusterTarget & { defender?: boolean; azurePolicy?: boolean })[];
    /**
     * Extensions each cluster already has (by cluster id), from the lookups: one of a type this
     * stack installs is adopted as it is (policy 708b60a6/0adc5395 or Defender made it) instead of
     * installed twice.
     */
    existing?: Readonly<Record<string, readonly ExistingArcExtension[]>>;
    /**
     * The Log Analytics workspace the Defender extension reports through. Required when `defender`
     * is true: the extension is useless without the workspace's id and key (see docs/sources.md).
     * Plain: it is parsed into the workspace's group and name, which the key is read by.
     */
    logAnalyticsWorkspaceId?: string;
    defender: boolean;
    azurePolicy: boolean;
}

/**
 * The workspace id and primary key, read at deploy time and kept secret, in the protected settings
 * both Microsoft routes send (policy 708b60a6 and `az k8s-extension create`).
 */
export function defenderProtectedSettings(
    workspaceId: string,
    opts: pulumi.InvokeOutputOptions,
): pulumi.Output<Record<string, string>> {
    const ws = parseWorkspaceId(workspaceId);
    if (!ws) throw new Error(`logAnalyticsWorkspaceId "${workspaceId}" is not a Log Analytics workspace resource id`);
    const args = { resourceGroupName: ws.resourceGroup, workspaceName: ws.name };
    const customerId = operationalinsights.getWorkspaceOutput(args, opts).customerId;
    const key = operationalinsights.getSharedKeysOutput(args, opts).primarySharedKey;
    return pulumi.secret(
        pulumi.all([customerId, key]).apply(([id, k]) => {
            if (!k)
                throw new Error(
                    `workspace ${workspaceId} returned no primary shared key; the Defender extension needs it as ${ARC_DEFENDER_EXTENSION.workspaceKeySetting}`,
                );
            const settings: Record<string, string> = {
                [ARC_DEFENDER_EXTENSION.workspaceIdSetting]: id,
                [ARC_DEFENDER_EXTENSION.workspaceKeySetting]: k,
            };
            return settings;
        }),
    );
}

/** The arguments that must be plain, and why (docs/library.md). */
const PLAIN_ARGS = {
    defender: "it decides whether the Defender extensions exist",
    azurePolicy: "it decides whether the Azure Policy extensions exist",
    logAnalyticsWorkspaceId: "it is parsed into the workspace whose key is read",
    existing: "existing extensions are imported by their ids, with the inputs they have",
} as const;

/** The Defender sensor and the Azure Policy extension on each Arc-enabled (connected) cluster. */
export class ArcExtensions extends pulumi.ComponentResource {
    readonly extensions: kubernetesconfiguration.Extension[] = [];

    constructor(name: string, args: ArcExtensionsArgs, opts?: pulumi.ComponentResourceOptions) {
        // Every argument is checked before anything is declared: a refusal leaves no half component.
        requirePlain("ArcExtensions", name, args, PLAIN_ARGS);
        const keys = requirePlainTargets(
            "ArcExtensions",
            name,
            args.clusters,
            "its clusters decide which extensions exist (their resource groups and names may be outputs)",
            {
                defender: "it decides whether the cluster's Defender extension exists",
                azurePolicy: "it decides whether the cluster's Azure Policy extension exists",
            },
        );
        const plans = args.clusters.map((cluster, index) => {
            const found = (cluster.id !== undefined ? args.existing?.[cluster.id] : undefined) ?? [];
            return {
                cluster,
                index,
                defender: cluster.defender ?? args.defender,
                azurePolicy: cluster.azurePolicy ?? args.azurePolicy,
                foundDefender: findExtension(found, ARC_DEFENDER_EXTENSION.extensionType),
                foundPolicy: findExtension(found, ARC_POLICY_EXTENSION.extensionType),
            };
        });
        // Only a Defender extension this stack installs needs the workspace's id and key.
        const installsDefender = plans.some((p) => p.defender && !p.foundDefender);
        if (installsDefender && !args.logAnalyticsWorkspaceId) {
            throw new Error(
                `ArcExtensions ${name}: defender is true but logAnalyticsWorkspaceId is missing; the Defender extension needs a workspace's id and key`,
            );
        }
        super("agentless:azure:ArcExtensions", name, {}, opts);
        // One read of the workspace for every cluster: the key is the same.
        const protectedSettings = installsDefender
            ? defenderProtectedSettings(args.logAnalyticsWorkspaceId!, { parent: this })
            : undefined;
        for (const { cluster, index, defender, azurePolicy, foundDefender, foundPolicy } of plans) {
            const key = keys[index];
            const target = {
                clusterRp: ARC_CLUSTER_RP,
                clusterResourceName: ARC_CLUSTER_RESOURCE_NAME,
                clusterName: cluster.name,
                resourceGroupName: cluster.resourceGroup,
            };
            const fresh = {
                ...target,
                // Both Microsoft routes create these extensions with a system-assigned identity.
                identity: { type: "SystemAssigned" as const },
                autoUpgradeMinorVersion: true,
                releaseTrain: ARC_RELEASE_TRAIN,
            };
            if (defender) {
                this.extensions.push(
                    new kubernetesconfiguration.Extension(
                        `${name}-${key}-defender`,
                        foundDefender
                            ? adoptedInputs(target, foundDefender)
                            : {
                                  ...fresh,
                                  extensionName: ARC_DEFENDER_EXTENSION.extensionType,
                                  extensionType: ARC_DEFENDER_EXTENSION.extensionType,
                                  scope: { cluster: { releaseNamespace: ARC_DEFENDER_EXTENSION.releaseNamespace } },
                                  configurationSettings: {
                                      [ARC_DEFENDER_EXTENSION.workspaceSetting]: args.logAnalyticsWorkspaceId!,
                                  },
                                  configurationProtectedSettings: protectedSettings,
                              },
                        { parent: this, ...adopt(foundDefender?.id) },
                    ),
                );
            }
            if (azurePolicy) {
                this.extensions.push(
                    new kubernetesconfiguration.Extension(
                        `${name}-${key}-azure-policy`,
                        foundPolicy
                            ? adoptedInputs(target, foundPolicy)
                            : {
                                  ...fresh,
                                  extensionName: "azurepolicy",
                                  extensionType: ARC_POLICY_EXTENSION.extensionType,
                                  scope: { cluster: { releaseNamespace: ARC_POLICY_EXTENSION.releaseNamespace } },
                              },
                        { parent: this, ...adopt(foundPolicy?.id) },
                    ),
                );
            }
        }
        this.registerOutputs({ extensions: this.extensions.length });
    }
}

/**
 * An existing extension declared exactly as ARM holds it, so the import matches. Its protected
 * settings cannot be read back and are not declared: whoever installed it (policy) keeps them.
 */
export function adoptedInputs(
    target: {
        clusterRp: string;
        clusterResourceName: string;
        clusterName: pulumi.Input<string>;
        resourceGroupName: pulumi.Input<string>;
    },
    e: ExistingArcExtension,
): kubernetesconfiguration.ExtensionArgs {
    return {
        ...target,
        extensionName: e.name,
        extensionType: e.extensionType,
        ...(e.identityType ? { identity: { type: e.identityType } } : {}),
        ...(e.autoUpgradeMinorVersion !== undefined ? { autoUpgradeMinorVersion: e.autoUpgradeMinorVersion } : {}),
        ...(e.releaseTrain ? { releaseTrain: e.releaseTrain } : {}),
        ...(e.releaseNamespace ? { scope: { cluster: { releaseNamespace: e.releaseNamespace } } } : {}),
        ...(Object.keys(e.configurationSettings).length ? { configurationSettings: e.configurationSettings } : {}),
    };
}
