import { strict as assert } from "assert";
import { ResourceGroup } from "@pulumi/azure-native/resources";
import { AddonsAtScale, AddonsAtScaleArgs } from "../../../components/azure/addonsAtScale";
import { DefenderPlan, DefenderPlanArgs } from "../../../components/azure/defenderPlan";
import { placeholderGuid } from "../../../plan/mockState";
import { one, registered } from "../../helpers/pulumi";
import { later, smuggled } from "../../helpers/outputs";

const SUB = "6b1e0f3a-2c4d-4e5f-8a9b-0c1d2e3f4a5b";
const SCOPE = `/subscriptions/${SUB}`;
const NO_POLICIES = { defenderProfile: false, azurePolicyAddon: false, arcDefender: false, arcAzurePolicy: false };
const WS =
    "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-sec/providers/Microsoft.OperationalInsights/workspaces/law-central";

describe("DefenderPlan and AddonsAtScale given outputs of a user's program (docs/library.md)", () => {
    it("DefenderPlan: sets both plans at an output subscription", async () => {
        const rs = await registered(() => {
            new DefenderPlan("lib-plan", {
                subscriptionId: later(SUB),
                containersExtensions: { AgentlessDiscoveryForKubernetes: true, ContainerSensor: false },
                cspm: { extensions: { AgentlessDiscoveryForKubernetes: true } },
            });
        });
        assert.deepEqual(one(rs, "azure-native:security:Pricing", "lib-plan-containers").inputs, {
            pricingName: "Containers",
            pricingTier: "Standard",
            scopeId: `subscriptions/${SUB}`,
            extensions: [
                { name: "AgentlessDiscoveryForKubernetes", isEnabled: "True" },
                { name: "ContainerSensor", isEnabled: "False" },
            ],
        });
        assert.deepEqual(one(rs, "azure-native:security:Pricing", "lib-plan-cspm").inputs, {
            pricingName: "CloudPosture",
            pricingTier: "Standard",
            scopeId: `subscriptions/${SUB}`,
            extensions: [{ name: "AgentlessDiscoveryForKubernetes", isEnabled: "True" }],
        });
    });

    it("AddonsAtScale: assigns at an output subscription, in the location of the program's resource group", async () => {
        const rs = await registered(() => {
            const rg = new ResourceGroup("lib-at-rg", { resourceGroupName: "rg-platform", location: "northeurope" });
            new AddonsAtScale("lib-at", {
                subscriptionId: later(SUB),
                location: rg.location,
                policies: { ...NO_POLICIES, azurePolicyAddon: true },
                podSecurityBaseline: "off",
                privilegedContainers: "Audit",
            });
        });
        const assignmentId = `${SCOPE}/providers/Microsoft.Authorization/policyAssignments/mdc-aks-azure-policy-addon`;
        assert.deepEqual(one(rs, "azure-native:authorization:PolicyAssignment", "lib-at-azurePolicyAddon").inputs, {
            policyAssignmentName: "mdc-aks-azure-policy-addon",
            displayName: "Deploy Azure Policy Add-on to Azure Kubernetes Service clusters",
            policyDefinitionId:
                "/providers/Microsoft.Authorization/policyDefinitions/a8eff44f-8c92-45c3-a3fb-9880802d67a7",
            scope: SCOPE,
            location: "northeurope",
            identity: { type: "SystemAssigned" },
            parameters: { effect: { value: "DeployIfNotExists" } },
            enforcementMode: "Default",
        });
        for (const role of ["ed7f3fbd-7b88-4dd4-9017-9adb7ce333f8", "18ed5180-3e48-46fd-8541-4ea054d57064"]) {
            assert.deepEqual(
                one(rs, "azure-native:authorization:RoleAssignment", `lib-at-azurePolicyAddon-${role.slice(0, 8)}`)
                    .inputs,
                {
                    principalId: placeholderGuid(`principal:${assignmentId}`),
                    principalType: "ServicePrincipal",
                    roleDefinitionId: `${SCOPE}/providers/Microsoft.Authorization/roleDefinitions/${role}`,
                    scope: SCOPE,
                    description:
                        "Identity of policy assignment mdc-aks-azure-policy-addon (Deploy Azure Policy Add-on to Azure Kubernetes Service clusters)",
                },
            );
        }
        assert.deepEqual(
            one(rs, "azure-native:policyinsights:RemediationAtSubscription", "lib-at-azurePolicyAddon-remediation")
                .inputs,
            {
                remediationName: "mdc-aks-azure-policy-addon-remediation",
                policyAssignmentId: assignmentId,
                resourceDiscoveryMode: "ExistingNonCompliant",
            },
        );
        assert.deepEqual(
            one(rs, "azure-native:authorization:PolicyAssignment", "lib-at-privileged-containers").inputs,
            {
                policyAssignmentName: "mdc-k8s-no-privileged",
                displayName: "Kubernetes cluster should not allow privileged containers",
                policyDefinitionId:
                    "/providers/Microsoft.Authorization/policyDefinitions/95edb821-ddaf-4404-9732-666045e056b4",
                scope: SCOPE,
                parameters: { effect: { value: "Audit" } },
                enforcementMode: "Default",
            },
        );
        assert.equal(rs.filter((r) => r.parent === "lib-at").length, 5);
    });

    describe("stops on an output where a plain value is required, naming the argument, the component and why", () => {
        const plan = (over: Partial<DefenderPlanArgs>) => () =>
            new DefenderPlan("lib-plan-bad", {
                subscriptionId: SUB,
                containersExtensions: { ContainerSensor: true },
                ...over,
            });
        const cases: [string, () => unknown, string][] = [
            [
                "DefenderPlan containersExtensions",
                plan({ containersExtensions: smuggled({ ContainerSensor: later(true) }) }),
                "lib-plan-bad (DefenderPlan): containersExtensions.ContainerSensor must be a plain value, not an output: an adopted plan is imported, and an import must declare the switches the plan has",
            ],
            [
                "DefenderPlan cspm",
                plan({ cspm: smuggled(later({ extensions: {} })) }),
                "lib-plan-bad (DefenderPlan): cspm must be a plain value, not an output: it decides whether the CSPM plan exists",
            ],
            [
                "DefenderPlan existing",
                plan({
                    existing: { containers: smuggled(later({ id: "x", pricingTier: "Standard", extensions: {} })) },
                }),
                "lib-plan-bad (DefenderPlan): existing.containers must be a plain value, not an output: an existing plan is imported by its id",
            ],
        ];
        const base: AddonsAtScaleArgs = {
            subscriptionId: SUB,
            location: "westeurope",
            policies: NO_POLICIES,
            podSecurityBaseline: "off",
            privilegedContainers: "off",
        };
        const addons = (over: Partial<AddonsAtScaleArgs>) => () =>
            new AddonsAtScale("lib-at-bad", { ...base, ...over });
        const why = "lib-at-bad (AddonsAtScale): %s must be a plain value, not an output: ";
        cases.push(
            [
                "AddonsAtScale logAnalyticsWorkspaceId",
                addons({ logAnalyticsWorkspaceId: smuggled(later(WS)) }),
                why.replace("%s", "logAnalyticsWorkspaceId") +
                    "it is parsed, and a workspace in another subscription gets its own role assignments",
            ],
            [
                "AddonsAtScale policies",
                addons({ policies: { ...NO_POLICIES, defenderProfile: smuggled(later(true)) } }),
                why.replace("%s", "policies.defenderProfile") + "they decide which policy assignments exist",
            ],
            [
                "AddonsAtScale podSecurityBaseline",
                addons({ podSecurityBaseline: smuggled(later("Deny")) }),
                why.replace("%s", "podSecurityBaseline") +
                    "it decides whether the pod security baseline assignment exists",
            ],
            [
                "AddonsAtScale privilegedContainers",
                addons({ privilegedContainers: smuggled(later("Audit")) }),
                why.replace("%s", "privilegedContainers") +
                    "it decides whether the privileged containers assignment exists",
            ],
            [
                "AddonsAtScale existing",
                addons({
                    existing: {
                        assignments: [],
                        roleAssignments: [
                            smuggled(later({ id: "x", scope: SCOPE, roleDefinitionId: "r", principalId: "p" })),
                        ],
                    },
                }),
                why.replace("%s", "existing.roleAssignments[0]") +
                    "it decides which assignments are imported (by id) and which are left to one that exists",
            ],
            [
                "AddonsAtScale subscriptionId, with a workspace policy and a workspace",
                addons({
                    subscriptionId: later(SUB),
                    logAnalyticsWorkspaceId: WS,
                    policies: { ...NO_POLICIES, defenderProfile: true },
                }),
                why.replace("%s", "subscriptionId") + "the workspace's subscription is compared with it",
            ],
            [
                "AddonsAtScale subscriptionId, with an adopted assignment",
                addons({
                    subscriptionId: later(SUB),
                    policies: { ...NO_POLICIES, azurePolicyAddon: true },
                    existing: {
                        assignments: [
                            {
                                id: `${SCOPE}/providers/Microsoft.Authorization/policyAssignments/mdc-aks-azure-policy-addon`,
                                name: "mdc-aks-azure-policy-addon",
                                policyDefinitionId:
                                    "/providers/Microsoft.Authorization/policyDefinitions/a8eff44f-8c92-45c3-a3fb-9880802d67a7",
                                principalId: "9d1c3b5a-7e2f-4a68-b0c4-1e3f5a7b9c2d",
                            },
                        ],
                        roleAssignments: [],
                    },
                }),
                why.replace("%s", "subscriptionId") + "an adopted assignment's role assignments are matched by scope",
            ],
        );
        for (const [what, make, message] of cases) {
            it(what, () => assert.throws(make, { message }));
        }
    });
});
