import { strict as assert } from "assert";
import { evaluatePolicies } from "../../policies/evaluate";
import { RULES } from "../../policies/rules";
import { connectorAutoProvisioningVsHelm } from "../../policies/rules/connectorAutoProvisioning";
import { ResourceView } from "../../policies/types";

const res = (type: string, name: string, inputs: Record<string, unknown>): ResourceView => ({ type, name, inputs });
const SENSOR_CHART = "oci://mcr.microsoft.com/azuredefender/microsoft-defender-for-containers";
const awsConnector = (flags: Record<string, boolean>, account = "111122223333") =>
    res("azure-native:security:SecurityConnector", "defender-connector", {
        environmentName: "AWS",
        hierarchyIdentifier: account,
        offerings: [
            { offeringType: "CspmMonitorAws" },
            { offeringType: "DefenderForContainersAws", enableAuditLogsAutoProvisioning: true, ...flags },
        ],
    });
const gcpConnector = (flags: Record<string, boolean>) =>
    res("azure-native:security:SecurityConnector", "defender-connector", {
        environmentName: "GCP",
        hierarchyIdentifier: "482915736204",
        environmentData: { projectDetails: { projectId: "contoso", projectNumber: "482915736204" } },
        offerings: [{ offeringType: "DefenderForContainersGcp", ...flags }],
    });
const awsSensor = (cluster: string, account = "111122223333") =>
    res("kubernetes:helm.sh/v4:Chart", `${cluster}-sensor`, {
        chart: SENSOR_CHART,
        values: {
            global: { cloudIdentifiers: { AWS: { accountId: account, region: "eu-west-1", clusterName: cluster } } },
        },
    });
const gcpSensor = (cluster: string) =>
    res("kubernetes:helm.sh/v4:Chart", `${cluster}-sensor`, {
        chart: SENSOR_CHART,
        values: {
            global: {
                cloudIdentifiers: { GCP: { projectId: "contoso", location: "europe-west1", clusterName: cluster } },
            },
        },
    });
const gatekeeper = (cluster: string) =>
    res("kubernetes:helm.sh/v4:Chart", `${cluster}-gatekeeper`, { chart: "gatekeeper" });
const run = (resources: ResourceView[]) =>
    connectorAutoProvisioningVsHelm.validateStack(resources, { production: false });

describe("sensor-helm-or-connector-auto-provisioning", () => {
    it("flags a Helm sensor on a cluster of the account whose connector auto-provisions the sensor", () => {
        assert.deepEqual(run([awsConnector({ enableDefenderAgentAutoProvisioning: true }), awsSensor("shop")]), [
            {
                resource: "shop-sensor",
                message:
                    "installs the Defender sensor with Helm on cluster eu-west-1/shop of AWS account 111122223333, whose connector defender-connector has DefenderForContainersAws.enableDefenderAgentAutoProvisioning on: " +
                    "two routes on one cluster, which Microsoft says not to mix; turn the connector's auto-provisioning off in Defender for Cloud (Environment settings), or set sensor: false on that cluster in kubernetes.clusters",
            },
        ]);
    });

    it("flags Gatekeeper beside that sensor when the connector auto-provisions the policy agent", () => {
        const out = run([
            awsConnector({ enablePolicyAgentAutoProvisioning: true }),
            awsSensor("shop"),
            gatekeeper("shop"),
        ]);
        assert.deepEqual(
            out.map((o) => o.resource),
            ["shop-gatekeeper"],
        );
        assert.match(
            out[0].message,
            /^installs Gatekeeper \(the policy agent's engine\) with Helm on cluster eu-west-1\/shop of AWS account 111122223333, whose connector defender-connector has DefenderForContainersAws\.enablePolicyAgentAutoProvisioning on: .*or set kubernetes\.gatekeeper\.enabled: false$/,
        );
    });

    it("matches a GCP connector by the project id the Helm values name", () => {
        assert.deepEqual(
            run([gcpConnector({ enableDefenderAgentAutoProvisioning: true }), gcpSensor("gke-a")]).map(
                (o) => o.resource,
            ),
            ["gke-a-sensor"],
        );
    });

    it("is silent with auto-provisioning off, on another account's cluster, or without a Helm route", () => {
        assert.deepEqual(run([awsConnector({ enableDefenderAgentAutoProvisioning: false }), awsSensor("shop")]), []);
        assert.deepEqual(
            run([awsConnector({ enableDefenderAgentAutoProvisioning: true }), awsSensor("shop", "444455556666")]),
            [],
        );
        assert.deepEqual(
            run([awsConnector({ enableDefenderAgentAutoProvisioning: true, enablePolicyAgentAutoProvisioning: true })]),
            [],
        );
        assert.deepEqual(run([gcpConnector({ enablePolicyAgentAutoProvisioning: true }), gcpSensor("gke-a")]), []);
    });

    it("is mandatory: the gate fails on it", () => {
        const v = evaluatePolicies(
            [awsConnector({ enableDefenderAgentAutoProvisioning: true }), awsSensor("shop")],
            RULES,
        );
        assert.deepEqual(
            v.filter((x) => x.policy === "sensor-helm-or-connector-auto-provisioning").map((x) => x.level),
            ["mandatory"],
        );
    });
});
