import { strict as assert } from "assert";
import { sensorRouteConflicts, StackPlan } from "../../policies/crossStack";

const SUB = "3f2a9c1e-7b4d-4e8a-9c62-1d5e8f0a7b34";
const OTHER_SUB = "9b1c4e2a-5d3f-4a6b-8c7d-2e1f0a9b8c7d";
const sensor = (name: string, cloudIdentifiers: Record<string, unknown>) => ({
    type: "kubernetes:helm.sh/v4:Chart",
    name,
    inputs: {
        chart: "oci://mcr.microsoft.com/azuredefender/microsoft-defender-for-containers",
        name: "defender-k8s",
        namespace: "mdc",
        values: { global: { cloudIdentifiers } },
    },
});
const aks = (sub: string, rg: string) =>
    sensor("aks-a-sensor", {
        Azure: { subscriptionId: sub, resourceGroupName: rg, clusterName: "aks-a", region: "westeurope" },
    });
const dine = (scope: string, guid = "64def556-fbad-4622-930e-72d1d5589bf5") => ({
    type: "azure-native:authorization:PolicyAssignment",
    name: "addons-defenderProfile",
    inputs: { policyDefinitionId: `/providers/Microsoft.Authorization/policyDefinitions/${guid}`, scope },
});
const plan = (stack: string, ...resources: StackPlan["resources"][number][]): StackPlan => ({ stack, resources });

describe("sensor-helm-or-defender-profile-policy across stacks", () => {
    it("refuses a Helm sensor on an AKS cluster of a subscription where another stack assigns 64def556, naming both stacks", () => {
        const v = sensorRouteConflicts([
            plan("k8s-aks", aks(SUB, "rg-payments")),
            plan("azure-dev", dine(`/subscriptions/${SUB}`)),
        ]);
        assert.deepEqual(v, [
            {
                policy: "sensor-helm-or-defender-profile-policy",
                level: "mandatory",
                resource: "k8s-aks/aks-a-sensor",
                message:
                    `stack k8s-aks installs the Defender sensor with Helm on AKS cluster aks-a (subscription ${SUB}) while stack azure-dev assigns policy 64def556 ` +
                    `(Configure Azure Kubernetes Service clusters to enable Defender profile) at /subscriptions/${SUB} (addons-defenderProfile): ` +
                    "Microsoft's Helm route requires that policy removed first; set sensor: false on that cluster in k8s-aks's kubernetes.clusters, " +
                    "or azure.atScale.defenderProfile: false in azure-dev",
            },
        ]);
    });

    it("follows the assignment's scope: subscription, resource group, management group", () => {
        const count = (sensorPlan: StackPlan, scope: string) =>
            sensorRouteConflicts([sensorPlan, plan("b", dine(scope))]).length;
        const a = plan("a", aks(SUB, "rg-payments"));
        assert.equal(count(a, `/subscriptions/${OTHER_SUB}`), 0, "another subscription");
        assert.equal(
            count(a, `/subscriptions/${SUB.toUpperCase()}/resourceGroups/RG-Payments`),
            1,
            "its resource group, any case",
        );
        assert.equal(count(a, `/subscriptions/${SUB}/resourceGroups/rg-other`), 0, "another resource group");
        assert.equal(
            count(a, "/providers/Microsoft.Management/managementGroups/mg-prod"),
            1,
            "a management group may hold the subscription",
        );
    });

    it("ignores EKS and GKE sensors (64def556 targets AKS clusters), other policies, and one stack alone", () => {
        const eks = plan(
            "a",
            sensor("eks-sensor", { AWS: { accountId: "123456789012", region: "eu-west-1", clusterName: "x" } }),
        );
        assert.deepEqual(sensorRouteConflicts([eks, plan("b", dine(`/subscriptions/${SUB}`))]), []);
        assert.deepEqual(
            sensorRouteConflicts([
                plan("a", aks(SUB, "rg")),
                plan("b", dine(`/subscriptions/${SUB}`, "708b60a6-d253-4fe0-9114-4be4c00f012c")),
            ]),
            [],
        );
        assert.deepEqual(
            sensorRouteConflicts([plan("a", aks(SUB, "rg"), dine(`/subscriptions/${SUB}`))]),
            [],
            "one stack doing both is refused by its config",
        );
    });
});

describe("sensor-helm-or-defender-profile-policy: unknown and partial inputs", () => {
    const MG = "/providers/Microsoft.Management/managementGroups/mg-prod";
    const against = (...resources: StackPlan["resources"][number][]) =>
        sensorRouteConflicts([plan("k8s-aks", ...resources), plan("azure-dev", dine(MG))]).map((v) => v.resource);

    it("takes an assignment whose scope is not known to cover the cluster, and says so", () => {
        const unknownScope = { ...dine(MG), inputs: { policyDefinitionId: dine(MG).inputs.policyDefinitionId } };
        const v = sensorRouteConflicts([plan("k8s-aks", aks(SUB, "rg")), plan("azure-dev", unknownScope)]);
        assert.deepEqual(
            v.map((x) => x.message.match(/at (.*) \(addons-defenderProfile\)/)?.[1]),
            ["[unknown]"],
        );
    });

    it("ignores an assignment whose policy is not known, and sensors without an Azure subscription", () => {
        const unknownPolicy = { ...dine(MG), inputs: { scope: MG } };
        assert.deepEqual(sensorRouteConflicts([plan("k8s-aks", aks(SUB, "rg")), plan("azure-dev", unknownPolicy)]), []);
        const bare = (values: unknown) => ({ ...aks(SUB, "rg"), inputs: { ...aks(SUB, "rg").inputs, values } });
        assert.deepEqual(against(bare(undefined), bare({}), bare({ global: {} })), []);
        assert.deepEqual(against(sensor("aks-x-sensor", { Azure: { clusterName: "aks-x" } })), []);
        assert.deepEqual(
            against(
                sensor("eks-sensor", { AWS: { accountId: "123456789012", region: "eu-west-1", clusterName: "x" } }),
            ),
            [],
        );
    });

    it("counts the Helm chart, not the sensor component that wraps it, nor another chart with the same values", () => {
        const chart = aks(SUB, "rg");
        const component = { type: "agentless:kubernetes:DefenderSensor", name: chart.name, inputs: chart.inputs };
        const other = { ...chart, name: "aks-a-other", inputs: { ...chart.inputs, chart: "oci://example.com/other" } };
        assert.deepEqual(against(component, chart, other), ["k8s-aks/aks-a-sensor"]);
    });
});
