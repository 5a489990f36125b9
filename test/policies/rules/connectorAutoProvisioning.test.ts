import { strict as assert } from "assert";
import { connectorAutoProvisioningVsHelm } from "../../../policies/rules/connectorAutoProvisioning";
import { ResourceView } from "../../../policies/types";

const res = (type: string, name: string, inputs: Record<string, unknown>): ResourceView => ({ type, name, inputs });
const SENSOR_CHART = "oci://mcr.microsoft.com/azuredefender/microsoft-defender-for-containers";
const ON = { enableDefenderAgentAutoProvisioning: true, enablePolicyAgentAutoProvisioning: true };
const connector = (inputs: Record<string, unknown>, offeringType = "DefenderForContainersAws") =>
    res("azure-native:security:SecurityConnector", "adopted-connector", {
        offerings: [{ offeringType, ...ON }],
        ...inputs,
    });
const AWS_CONNECTOR = connector({ environmentName: "AWS", hierarchyIdentifier: "111122223333" });
const GCP_CONNECTOR = connector(
    { environmentName: "GCP", environmentData: { projectDetails: { projectId: "contoso" } } },
    "DefenderForContainersGcp",
);
const sensor = (name: string, values: unknown) =>
    res("kubernetes:helm.sh/v4:Chart", `${name}-sensor`, { chart: SENSOR_CHART, values });
const awsIds = (clusterName: string) => ({
    global: { cloudIdentifiers: { AWS: { accountId: "111122223333", region: "eu-west-1", clusterName } } },
});
const gatekeeper = (name: string) => res("kubernetes:helm.sh/v4:Chart", name, { chart: "gatekeeper" });
const run = (resources: ResourceView[]) =>
    connectorAutoProvisioningVsHelm
        .validateStack(resources, { production: false })
        .map((v) => `${v.resource}: ${v.message}`);
const FIX =
    "two routes on one cluster, which Microsoft says not to mix; turn the connector's auto-provisioning off in Defender for Cloud (Environment settings), or set";

describe("sensor-helm-or-connector-auto-provisioning: the clusters a sensor and a Gatekeeper chart are on", () => {
    it("names a GKE cluster by its location and name", () => {
        const gke = sensor("gke-a", {
            global: {
                cloudIdentifiers: { GCP: { projectId: "contoso", location: "europe-west1", clusterName: "gke-a" } },
            },
        });
        assert.deepEqual(run([GCP_CONNECTOR, gke]), [
            `gke-a-sensor: installs the Defender sensor with Helm on cluster europe-west1/gke-a of GCP project contoso, whose connector adopted-connector has DefenderForContainersGcp.enableDefenderAgentAutoProvisioning on: ${FIX} sensor: false on that cluster in kubernetes.clusters`,
        ]);
    });

    it("passes over sensors without AWS or GCP identifiers (AKS, or values not known at preview)", () => {
        const others = [
            sensor("aks", { global: { cloudIdentifiers: { Azure: { clusterName: "aks" } } } }),
            sensor("bare", { global: {} }),
            sensor("empty", {}),
            sensor("unknown", undefined),
        ];
        assert.deepEqual(run([AWS_CONNECTOR, GCP_CONNECTOR, ...others]), []);
    });

    it("ties Gatekeeper to the sensor of its own cluster only, even when a cluster's name holds '-sensor'", () => {
        const rs = [
            AWS_CONNECTOR,
            sensor("eks-sensor-lab", awsIds("eks-sensor-lab")),
            gatekeeper("eks-sensor-lab-gatekeeper"),
            gatekeeper("no-sensor-gatekeeper"),
            // Another chart whose values carry the same identifiers is no sensor.
            res("kubernetes:helm.sh/v4:Chart", "eks-sensor-lab-exporter", {
                chart: "oci://registry.example.com/charts/exporter",
                values: awsIds("eks-sensor-lab"),
            }),
        ];
        assert.deepEqual(run(rs), [
            `eks-sensor-lab-sensor: installs the Defender sensor with Helm on cluster eu-west-1/eks-sensor-lab of AWS account 111122223333, whose connector adopted-connector has DefenderForContainersAws.enableDefenderAgentAutoProvisioning on: ${FIX} sensor: false on that cluster in kubernetes.clusters`,
            `eks-sensor-lab-gatekeeper: installs Gatekeeper (the policy agent's engine) with Helm on cluster eu-west-1/eks-sensor-lab of AWS account 111122223333, whose connector adopted-connector has DefenderForContainersAws.enablePolicyAgentAutoProvisioning on: ${FIX} kubernetes.gatekeeper.enabled: false`,
        ]);
    });

    it("is silent on a Gatekeeper chart when the stack installs no sensor", () => {
        assert.deepEqual(run([AWS_CONNECTOR, gatekeeper("shop-gatekeeper")]), []);
    });
});

describe("sensor-helm-or-connector-auto-provisioning: the connectors", () => {
    const shop = sensor("shop", awsIds("shop"));
    const gke = sensor("gke-a", {
        global: { cloudIdentifiers: { GCP: { projectId: "contoso", clusterName: "gke-a" } } },
    });

    it("passes over connectors whose account or project is not known, and other environments", () => {
        for (const c of [
            connector({ environmentName: "AWS" }),
            connector({ environmentName: "GCP" }, "DefenderForContainersGcp"),
            connector({ environmentName: "GCP", environmentData: {} }, "DefenderForContainersGcp"),
            connector({
                environmentName: "Github",
                environmentData: { projectDetails: { projectId: "contoso" } },
            }),
            connector({ environmentName: "AzureDevOps", hierarchyIdentifier: "111122223333" }),
        ]) {
            assert.deepEqual(run([c, shop, gke]), [], JSON.stringify(c.inputs));
        }
    });

    it("passes over a connector without a Containers offering, or without offerings", () => {
        const cspm = res("azure-native:security:SecurityConnector", "cspm", {
            environmentName: "AWS",
            hierarchyIdentifier: "111122223333",
            offerings: [{ offeringType: "CspmMonitorAws", ...ON }],
        });
        const none = res("azure-native:security:SecurityConnector", "none", {
            environmentName: "AWS",
            hierarchyIdentifier: "111122223333",
        });
        assert.deepEqual(run([cspm, none, shop]), []);
    });

    it("does not pair a connector and a sensor whose accounts are both not known", () => {
        const unknownSensor = sensor("shop", { global: { cloudIdentifiers: { AWS: { clusterName: "shop" } } } });
        const unknownGke = sensor("gke-a", { global: { cloudIdentifiers: { GCP: { clusterName: "gke-a" } } } });
        const unknownConnector = connector({ environmentName: "AWS" });
        assert.deepEqual(
            run([
                unknownConnector,
                unknownSensor,
                unknownGke,
                gatekeeper("shop-gatekeeper"),
                gatekeeper("gke-a-gatekeeper"),
            ]),
            [],
        );
    });

    it("reads connectors only, not another resource that carries a connector's inputs", () => {
        const lookalike = res("azure-native:resources:Deployment", "arm-template", { ...AWS_CONNECTOR.inputs });
        assert.deepEqual(run([lookalike, shop]), []);
    });
});

describe("sensor-helm-or-connector-auto-provisioning: the plan's shapes", () => {
    it("reports the Helm charts once, not the components of the same name that wrap them (k8s-dev's shape)", () => {
        const chart = sensor("eks-lab-dublin", awsIds("lab-dublin"));
        const rs = [
            AWS_CONNECTOR,
            { ...chart, type: "agentless:kubernetes:DefenderSensor" },
            chart,
            res("agentless:kubernetes:Gatekeeper", "eks-lab-dublin-gatekeeper", { chart: "gatekeeper" }),
            gatekeeper("eks-lab-dublin-gatekeeper"),
        ];
        assert.deepEqual(
            run(rs).map((m) => m.slice(0, m.indexOf(":"))),
            ["eks-lab-dublin-sensor", "eks-lab-dublin-gatekeeper"],
        );
    });
});
