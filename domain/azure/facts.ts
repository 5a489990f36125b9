/**
 * The Azure facts (docs/sources.md: Azure) in one place. Components, config validation, tests and the policy
 * rules all read them from here, so a fact is never spelled twice.
 */

export const CONTAINERS_PRICING = "Containers";
export const CSPM_PRICING = "CloudPosture";

/** Extensions of the Containers plan, with the default the issue asks for. */
export const CONTAINERS_EXTENSIONS = {
    AgentlessDiscoveryForKubernetes: true,
    ContainerSensor: true,
    ContainerRegistriesVulnerabilityAssessments: false,
    ContainerIntegrityContribution: false,
    AgentlessVmScanning: false,
} as const;
export type ContainersExtension = keyof typeof CONTAINERS_EXTENSIONS;

/** Extensions of the CSPM plan that bear on containers. */
export const CSPM_EXTENSIONS = {
    AgentlessDiscoveryForKubernetes: true,
    ContainerRegistriesVulnerabilityAssessments: false,
    AgentlessVmScanning: false,
} as const;
export type CspmExtension = keyof typeof CSPM_EXTENSIONS;

export type OperatorKind = "containers" | "cspm";

/**
 * The security operator that each plan creates, and the trusted access binding name Defender uses
 * for it. `defender-cloudposture` is confirmed; `defender-containers` is *inferred* from the
 * ClusterRole name, which is why the binding name is configurable.
 */
export const SECURITY_OPERATORS: Record<
    OperatorKind,
    { pricingName: string; securityOperatorName: string; bindingName: string }
> = {
    containers: {
        pricingName: CONTAINERS_PRICING,
        securityOperatorName: "DefenderForContainersSecurityOperator",
        bindingName: "defender-containers",
    },
    cspm: {
        pricingName: CSPM_PRICING,
        securityOperatorName: "DefenderCSPMSecurityOperator",
        bindingName: "defender-cloudposture",
    },
};

/** Built-in role "Defender Kubernetes API Access" (formerly "Kubernetes Agentless Operator"). Always by id. */
export const DISCOVERY_ROLE_DEFINITION_GUID = "d5a2ae44-610b-4500-93be-660a0c5f5ca6";

export const TRUSTED_ACCESS_ROLE = "Microsoft.Security/pricings/microsoft-defender-operator";
/** The ClusterRole AKS binds the operator to inside each cluster (read access). */
export const TRUSTED_ACCESS_CLUSTER_ROLE = "aks:trustedaccessrole:defender-containers:microsoft-defender-operator";
/** The same for the CSPM operator's binding (the last segment is *inferred* from the Containers one). */
export const TRUSTED_ACCESS_CLUSTER_ROLES: Record<OperatorKind, string> = {
    containers: TRUSTED_ACCESS_CLUSTER_ROLE,
    cspm: "aks:trustedaccessrole:defender-cloudposture:microsoft-defender-operator",
};

export type AtScalePolicyKey = "defenderProfile" | "azurePolicyAddon" | "arcDefender" | "arcAzurePolicy";

export interface DeployIfNotExistsPolicy {
    key: AtScalePolicyKey;
    definitionGuid: string;
    displayName: string;
    /** Roles the definition's `roleDefinitionIds` lists; the assignment's identity must hold them. */
    roleGuids: readonly string[];
    /** Takes the Log Analytics workspace as `logAnalyticsWorkspaceResourceId`. */
    takesWorkspace: boolean;
    /** Short, stable ARM name of the assignment. */
    assignmentName: string;
}

export const DEPLOY_IF_NOT_EXISTS_POLICIES: readonly DeployIfNotExistsPolicy[] = [
    {
        key: "defenderProfile",
        definitionGuid: "64def556-fbad-4622-930e-72d1d5589bf5",
        displayName: "Configure Azure Kubernetes Service clusters to enable Defender profile",
        roleGuids: ["5e93ba01-8f92-4c7a-b12a-801e3df23824", "8bb6f106-b146-4ee6-a3f9-b9c5a96e0ae5"],
        takesWorkspace: true,
        assignmentName: "mdc-aks-defender-profile",
    },
    {
        key: "azurePolicyAddon",
        definitionGuid: "a8eff44f-8c92-45c3-a3fb-9880802d67a7",
        displayName: "Deploy Azure Policy Add-on to Azure Kubernetes Service clusters",
        roleGuids: ["ed7f3fbd-7b88-4dd4-9017-9adb7ce333f8", "18ed5180-3e48-46fd-8541-4ea054d57064"],
        takesWorkspace: false,
        assignmentName: "mdc-aks-azure-policy-addon",
    },
    {
        key: "arcDefender",
        definitionGuid: "708b60a6-d253-4fe0-9114-4be4c00f012c",
        displayName:
            "[Preview]: Configure Azure Arc enabled Kubernetes clusters to install Microsoft Defender for Cloud extension",
        roleGuids: ["5e93ba01-8f92-4c7a-b12a-801e3df23824", "8bb6f106-b146-4ee6-a3f9-b9c5a96e0ae5"],
        takesWorkspace: true,
        assignmentName: "mdc-arc-defender-extension",
    },
    {
        key: "arcAzurePolicy",
        definitionGuid: "0adc5395-9169-4b9b-8687-af838d69410a",
        displayName: "Configure Azure Arc enabled Kubernetes clusters to install the Azure Policy extension",
        roleGuids: ["85cb6faf-e071-4c9b-8136-154b5a04f717"],
        takesWorkspace: false,
        assignmentName: "mdc-arc-azure-policy-extension",
    },
];

/** Audit/Deny guards that need no identity. */
export const PRIVILEGED_CONTAINERS_POLICY_GUID = "95edb821-ddaf-4404-9732-666045e056b4";
export const POD_SECURITY_BASELINE_INITIATIVE_GUID = "a8640138-9b0a-4a28-b8cb-1666c838647d";
export const GUARD_EFFECTS = ["off", "Audit", "Deny"] as const;
export type GuardEffect = (typeof GUARD_EFFECTS)[number];

export const ARC_CLUSTER_RP = "Microsoft.Kubernetes";
export const ARC_CLUSTER_RESOURCE_NAME = "connectedClusters";
export const ARC_DEFENDER_EXTENSION = {
    extensionType: "microsoft.azuredefender.kubernetes",
    releaseNamespace: "mdc",
    workspaceSetting: "logAnalyticsWorkspaceResourceID",
    /** Protected settings both Microsoft routes (policy 708b60a6, `az k8s-extension`) send: see docs/sources.md. */
    workspaceIdSetting: "omsagent.secret.wsid",
    workspaceKeySetting: "omsagent.secret.key",
} as const;
/** Extensions' release train, spelled as Microsoft's policies spell it. */
export const ARC_RELEASE_TRAIN = "Stable";
export const ARC_POLICY_EXTENSION = {
    extensionType: "microsoft.policyinsights",
    releaseNamespace: "kube-system",
} as const;

export function builtInPolicyDefinitionId(guid: string): string {
    return `/providers/Microsoft.Authorization/policyDefinitions/${guid}`;
}
export function builtInPolicySetDefinitionId(guid: string): string {
    return `/providers/Microsoft.Authorization/policySetDefinitions/${guid}`;
}
export function subscriptionScope(subscriptionId: string): string {
    return `/subscriptions/${subscriptionId}`;
}
export function roleDefinitionId(subscriptionId: string, roleGuid: string): string {
    return `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${roleGuid}`;
}
/** The ARM id Defender's security operator has once it exists: what an adopted operator is imported by. */
export function securityOperatorId(subscriptionId: string, kind: OperatorKind): string {
    const op = SECURITY_OPERATORS[kind];
    return `/subscriptions/${subscriptionId}/providers/Microsoft.Security/pricings/${op.pricingName}/securityOperators/${op.securityOperatorName}`;
}
