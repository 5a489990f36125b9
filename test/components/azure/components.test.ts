import { strict as assert } from "assert";
import { AddonsAtScale, identityRoleScopes } from "../../../components/azure/addonsAtScale";
import * as pulumi from "@pulumi/pulumi";
import { ArcExtensions, defenderProtectedSettings } from "../../../components/azure/arcExtensions";
import { placeholderGuid } from "../../../plan/mockState";
import { DefenderPlan, pricingExtensions } from "../../../components/azure/defenderPlan";
import { DEPLOY_IF_NOT_EXISTS_POLICIES, TRUSTED_ACCESS_CLUSTER_ROLES } from "../../../domain/azure/facts";
import { parseArcClusterId } from "../../../domain/azure/resourceIds";
import { byType, one, registered } from "../../helpers/pulumi";

const SUB = "3f2a9c1e-7b4d-4e8a-9c62-1d5e8f0a7b34";
const WS = `/subscriptions/${SUB}/resourceGroups/rg-sec/providers/Microsoft.OperationalInsights/workspaces/law-weu`;
const ALL_ON = { defenderProfile: true, azurePolicyAddon: true, arcDefender: true, arcAzurePolicy: true };

describe("DefenderPlan", () => {
    it("sends isEnabled as the strings True and False", () => {
        assert.deepEqual(pricingExtensions({ AgentlessDiscoveryForKubernetes: true, ContainerSensor: false }), [
            { name: "AgentlessDiscoveryForKubernetes", isEnabled: "True" },
            { name: "ContainerSensor", isEnabled: "False" },
        ]);
    });

    it("sets the Containers pricing to Standard at subscriptions/<id> and adds CloudPosture when asked", async () => {
        const rs = await registered(() => {
            new DefenderPlan("plan1", {
                subscriptionId: SUB,
                containersExtensions: {
                    AgentlessDiscoveryForKubernetes: true,
                    ContainerSensor: true,
                    AgentlessVmScanning: false,
                },
                cspm: { extensions: { AgentlessDiscoveryForKubernetes: true } },
            });
        });
        const containers = one(rs, "azure-native:security:Pricing", "plan1-containers");
        assert.deepEqual(containers.inputs, {
            pricingName: "Containers",
            pricingTier: "Standard",
            scopeId: `subscriptions/${SUB}`,
            extensions: [
                { name: "AgentlessDiscoveryForKubernetes", isEnabled: "True" },
                { name: "ContainerSensor", isEnabled: "True" },
                { name: "AgentlessVmScanning", isEnabled: "False" },
            ],
        });
        const cspm = one(rs, "azure-native:security:Pricing", "plan1-cspm");
        assert.equal(cspm.inputs.pricingName, "CloudPosture");
        assert.equal(cspm.inputs.pricingTier, "Standard");
    });

    it("passes an adopted plan's additionalExtensionProperties through, as they are, for both plans", async () => {
        const exclusion = { ExclusionTags: '[{"key":"scan","value":"off"}]' };
        const id = (name: string) => `/subscriptions/${SUB}/providers/Microsoft.Security/pricings/${name}`;
        const rs = await registered(() => {
            new DefenderPlan("plan3", {
                subscriptionId: SUB,
                containersExtensions: { ContainerSensor: true, AgentlessVmScanning: true },
                cspm: { extensions: { AgentlessVmScanning: true } },
                existing: {
                    containers: {
                        id: id("Containers"),
                        pricingTier: "Standard",
                        extensions: { ContainerSensor: true, AgentlessVmScanning: true },
                        extensionProperties: { AgentlessVmScanning: exclusion },
                    },
                    cspm: {
                        id: id("CloudPosture"),
                        pricingTier: "Standard",
                        extensions: { AgentlessVmScanning: true },
                        extensionProperties: { AgentlessVmScanning: exclusion },
                    },
                },
            });
        });
        assert.deepEqual(one(rs, "azure-native:security:Pricing", "plan3-containers").inputs.extensions, [
            { name: "ContainerSensor", isEnabled: "True" },
            { name: "AgentlessVmScanning", isEnabled: "True", additionalExtensionProperties: exclusion },
        ]);
        assert.deepEqual(one(rs, "azure-native:security:Pricing", "plan3-cspm").inputs.extensions, [
            { name: "AgentlessVmScanning", isEnabled: "True", additionalExtensionProperties: exclusion },
        ]);
    });

    it("creates no CloudPosture pricing by default", async () => {
        const rs = await registered(() => {
            new DefenderPlan("plan2", { subscriptionId: SUB, containersExtensions: { ContainerSensor: true } });
        });
        assert.equal(byType(rs, "azure-native:security:Pricing").length, 1);
    });
});

describe("AddonsAtScale", () => {
    it("assigns each DeployIfNotExists policy with a system identity, the roles its definition lists and a remediation", async () => {
        const rs = await registered(
            () => {
                new AddonsAtScale("at1", {
                    subscriptionId: SUB,
                    location: "westeurope",
                    logAnalyticsWorkspaceId: WS,
                    policies: ALL_ON,
                    podSecurityBaseline: "off",
                    privilegedContainers: "off",
                });
            },
            { azureSubscriptionId: SUB },
        );
        const assignments = byType(rs, "azure-native:authorization:PolicyAssignment");
        assert.deepEqual(assignments.map((a) => a.inputs.policyDefinitionId).sort(), [
            "/providers/Microsoft.Authorization/policyDefinitions/0adc5395-9169-4b9b-8687-af838d69410a",
            "/providers/Microsoft.Authorization/policyDefinitions/64def556-fbad-4622-930e-72d1d5589bf5",
            "/providers/Microsoft.Authorization/policyDefinitions/708b60a6-d253-4fe0-9114-4be4c00f012c",
            "/providers/Microsoft.Authorization/policyDefinitions/a8eff44f-8c92-45c3-a3fb-9880802d67a7",
        ]);
        for (const a of assignments) {
            assert.deepEqual(a.inputs.identity, { type: "SystemAssigned" });
            assert.equal(a.inputs.scope, `/subscriptions/${SUB}`);
            assert.equal(a.inputs.location, "westeurope");
        }
        const profile = one(rs, "azure-native:authorization:PolicyAssignment", "at1-defenderProfile");
        assert.deepEqual(profile.inputs.parameters, {
            effect: { value: "DeployIfNotExists" },
            logAnalyticsWorkspaceResourceId: { value: WS },
        });
        assert.deepEqual(
            one(rs, "azure-native:authorization:PolicyAssignment", "at1-azurePolicyAddon").inputs.parameters,
            { effect: { value: "DeployIfNotExists" } },
        );

        const roles = byType(rs, "azure-native:authorization:RoleAssignment");
        const rolesOf = (key: string) =>
            roles
                .filter((r) => r.name.startsWith(`at1-${key}-`))
                .map((r) => String(r.inputs.roleDefinitionId).split("/").pop())
                .sort();
        assert.deepEqual(rolesOf("defenderProfile"), [
            "5e93ba01-8f92-4c7a-b12a-801e3df23824",
            "8bb6f106-b146-4ee6-a3f9-b9c5a96e0ae5",
        ]);
        assert.deepEqual(rolesOf("arcDefender"), [
            "5e93ba01-8f92-4c7a-b12a-801e3df23824",
            "8bb6f106-b146-4ee6-a3f9-b9c5a96e0ae5",
        ]);
        assert.deepEqual(rolesOf("azurePolicyAddon"), [
            "18ed5180-3e48-46fd-8541-4ea054d57064",
            "ed7f3fbd-7b88-4dd4-9017-9adb7ce333f8",
        ]);
        assert.deepEqual(rolesOf("arcAzurePolicy"), ["85cb6faf-e071-4c9b-8136-154b5a04f717"]);
        for (const r of roles) {
            assert.equal(r.inputs.scope, `/subscriptions/${SUB}`);
            assert.equal(r.inputs.principalType, "ServicePrincipal");
        }
        // The identity that holds the roles is the assignment's own.
        const profileRole = roles.find((r) => r.name.startsWith("at1-defenderProfile-"))!;
        assert.ok(profileRole.inputs.principalId);
        assert.notEqual(
            profileRole.inputs.principalId,
            roles.find((r) => r.name.startsWith("at1-arcDefender-"))!.inputs.principalId,
        );

        const remediations = byType(rs, "azure-native:policyinsights:RemediationAtSubscription");
        assert.equal(remediations.length, 4);
        assert.equal(
            one(rs, "azure-native:policyinsights:RemediationAtSubscription", "at1-defenderProfile-remediation").inputs
                .policyAssignmentId,
            `/subscriptions/${SUB}/providers/Microsoft.Authorization/policyAssignments/mdc-aks-defender-profile`,
        );
    });

    it("assigns the pod security baseline initiative and the privileged-container policy with the chosen effect, without identity", async () => {
        const rs = await registered(() => {
            new AddonsAtScale("at2", {
                subscriptionId: SUB,
                location: "westeurope",
                policies: {
                    defenderProfile: false,
                    azurePolicyAddon: false,
                    arcDefender: false,
                    arcAzurePolicy: false,
                },
                podSecurityBaseline: "Deny",
                privilegedContainers: "Audit",
            });
        });
        const baseline = one(rs, "azure-native:authorization:PolicyAssignment", "at2-pod-security-baseline");
        assert.equal(
            baseline.inputs.policyDefinitionId,
            "/providers/Microsoft.Authorization/policySetDefinitions/a8640138-9b0a-4a28-b8cb-1666c838647d",
        );
        assert.deepEqual(baseline.inputs.parameters, { effect: { value: "Deny" } });
        assert.equal(baseline.inputs.identity, undefined);
        const priv = one(rs, "azure-native:authorization:PolicyAssignment", "at2-privileged-containers");
        assert.equal(
            priv.inputs.policyDefinitionId,
            "/providers/Microsoft.Authorization/policyDefinitions/95edb821-ddaf-4404-9732-666045e056b4",
        );
        assert.deepEqual(priv.inputs.parameters, { effect: { value: "Audit" } });
        assert.equal(byType(rs, "azure-native:authorization:RoleAssignment").length, 0);
    });

    it("grants the Defender policies' roles on a workspace in another subscription too", () => {
        const other =
            "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/law-central";
        const profile = DEPLOY_IF_NOT_EXISTS_POLICIES.find((p) => p.key === "defenderProfile")!;
        const addon = DEPLOY_IF_NOT_EXISTS_POLICIES.find((p) => p.key === "azurePolicyAddon")!;
        assert.deepEqual(identityRoleScopes(profile, SUB, other), [`/subscriptions/${SUB}`, other]);
        assert.deepEqual(identityRoleScopes(profile, SUB, WS), [`/subscriptions/${SUB}`]);
        assert.deepEqual(identityRoleScopes(addon, SUB, other), [`/subscriptions/${SUB}`]);
    });
});

describe("ArcExtensions", () => {
    it("installs the Defender extension in mdc and the Azure Policy extension in kube-system on each connected cluster", async () => {
        const ref = parseArcClusterId(
            `/subscriptions/${SUB}/resourceGroups/rg-edge/providers/Microsoft.Kubernetes/connectedClusters/arc-lyon`,
        )!;
        const rs = await registered(() => {
            new ArcExtensions("arc1", {
                clusters: [ref],
                defender: true,
                azurePolicy: true,
                logAnalyticsWorkspaceId: WS,
            });
        });
        const defender = one(rs, "azure-native:kubernetesconfiguration:Extension", "arc1-rg-edge-arc-lyon-defender");
        assert.equal(defender.inputs.extensionType, "microsoft.azuredefender.kubernetes");
        assert.equal(defender.inputs.clusterRp, "Microsoft.Kubernetes");
        assert.equal(defender.inputs.clusterResourceName, "connectedClusters");
        assert.equal(defender.inputs.clusterName, "arc-lyon");
        assert.equal(defender.inputs.resourceGroupName, "rg-edge");
        assert.deepEqual(defender.inputs.scope, { cluster: { releaseNamespace: "mdc" } });
        assert.deepEqual(defender.inputs.configurationSettings, { logAnalyticsWorkspaceResourceID: WS });
        assert.deepEqual(defender.inputs.identity, { type: "SystemAssigned" });
        assert.equal(defender.inputs.releaseTrain, "Stable");
        // The workspace's id and key are read at deploy time and never printed.
        assert.equal(defender.inputs.configurationProtectedSettings, "[secret]");
        const policy = one(rs, "azure-native:kubernetesconfiguration:Extension", "arc1-rg-edge-arc-lyon-azure-policy");
        assert.equal(policy.inputs.extensionType, "microsoft.policyinsights");
        assert.deepEqual(policy.inputs.scope, { cluster: { releaseNamespace: "kube-system" } });
        assert.deepEqual(policy.inputs.identity, { type: "SystemAssigned" });
        assert.equal(policy.inputs.releaseTrain, "Stable");
    });

    it("sends the workspace's customer id and primary shared key as omsagent.secret.wsid and omsagent.secret.key", async () => {
        let settings: pulumi.Output<Record<string, string>> | undefined;
        await registered(() => {
            settings = defenderProtectedSettings(WS, {});
        });
        const secret = await (settings as unknown as { isSecret: Promise<boolean> }).isSecret;
        assert.equal(secret, true);
        const value = await new Promise<Record<string, string>>((resolve) =>
            settings!.apply((v) => {
                resolve(v);
                return v;
            }),
        );
        assert.deepEqual(Object.keys(value).sort(), ["omsagent.secret.key", "omsagent.secret.wsid"]);
        assert.equal(value["omsagent.secret.wsid"], placeholderGuid("workspace/rg-sec/law-weu"));
        assert.equal(
            value["omsagent.secret.key"],
            Buffer.from("placeholder primary key of law-weu").toString("base64"),
        );
    });

    it("refuses a Defender extension without a workspace", () => {
        const ref = parseArcClusterId(
            `/subscriptions/${SUB}/resourceGroups/rg-edge/providers/Microsoft.Kubernetes/connectedClusters/arc-nice`,
        )!;
        assert.throws(
            () => new ArcExtensions("arc2", { clusters: [ref], defender: true, azurePolicy: false }),
            /defender is true but logAnalyticsWorkspaceId is missing/,
        );
    });
});

describe("Azure facts: trusted access ClusterRoles", () => {
    it("names the ClusterRole of each operator", () => {
        assert.deepEqual(TRUSTED_ACCESS_CLUSTER_ROLES, {
            containers: "aks:trustedaccessrole:defender-containers:microsoft-defender-operator",
            cspm: "aks:trustedaccessrole:defender-cloudposture:microsoft-defender-operator",
        });
        assert.equal(
            DEPLOY_IF_NOT_EXISTS_POLICIES.find((p) => p.key === "arcDefender")!.displayName,
            "[Preview]: Configure Azure Arc enabled Kubernetes clusters to install Microsoft Defender for Cloud extension",
        );
    });
});
