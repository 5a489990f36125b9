import { GATEKEEPER_HELM_CHART, SENSOR_HELM_CHART } from "../facts";
import { ResourceView, StackRule, StackRuleMessage } from "../types";

const CONNECTOR = "azure-native:security:SecurityConnector";
const CONTAINERS_OFFERINGS = ["DefenderForContainersAws", "DefenderForContainersGcp"];

interface HelmOnCluster {
    resource: string;
    /** `AWS account 111122223333` or `GCP project contoso`: what a connector covers. */
    owner: string;
    cluster: string;
}

/** `AWS account 111122223333` or `GCP project contoso`; undefined while the id is not known. */
function ownerName(cloud: "AWS account" | "GCP project", id: unknown): string | undefined {
    return typeof id === "string" ? `${cloud} ${id}` : undefined;
}

/** The account or project of a Helm sensor's `global.cloudIdentifiers`, AWS and GCP only. */
function ownerOf(values: unknown): { owner: string; cluster: string } | undefined {
    const ids = (values as { global?: { cloudIdentifiers?: Record<string, Record<string, unknown>> } })?.global
        ?.cloudIdentifiers;
    const aws = ids?.AWS ?? {};
    const awsOwner = ownerName("AWS account", aws.accountId);
    if (awsOwner) return { owner: awsOwner, cluster: `${aws.region}/${aws.clusterName}` };
    const gcp = ids?.GCP ?? {};
    const gcpOwner = ownerName("GCP project", gcp.projectId);
    if (gcpOwner) return { owner: gcpOwner, cluster: `${gcp.location}/${gcp.clusterName}` };
    return undefined;
}

const isHelm = (r: ResourceView) => r.type.startsWith("kubernetes:helm.sh/");
const clusterPart = (name: string) => name.replace(/-(sensor|gatekeeper)$/, "");

/**
 * The Helm sensors of the plan on EKS and GKE, and the Gatekeeper charts on the same clusters (a
 * Gatekeeper chart carries no cloud identifiers: it is tied to its cluster through the sensor the
 * stack installs there, both named `<cluster>-<add-on>`).
 */
function helmRoutes(resources: readonly ResourceView[]): { sensors: HelmOnCluster[]; gatekeepers: HelmOnCluster[] } {
    const sensors: HelmOnCluster[] = [];
    for (const r of resources) {
        if (!isHelm(r) || r.inputs.chart !== SENSOR_HELM_CHART) continue;
        const o = ownerOf(r.inputs.values);
        if (o) sensors.push({ resource: r.name, ...o });
    }
    const gatekeepers: HelmOnCluster[] = [];
    for (const r of resources) {
        if (!isHelm(r) || r.inputs.chart !== GATEKEEPER_HELM_CHART) continue;
        const sensor = sensors.find((s) => clusterPart(s.resource) === clusterPart(r.name));
        if (sensor) gatekeepers.push({ resource: r.name, owner: sensor.owner, cluster: sensor.cluster });
    }
    return { sensors, gatekeepers };
}

/** What a connector covers: its account (AWS) or project (GCP, by id as the Helm values name it). */
function connectorOwner(c: ResourceView): string | undefined {
    if (c.inputs.environmentName === "AWS") return ownerName("AWS account", c.inputs.hierarchyIdentifier);
    if (c.inputs.environmentName === "GCP")
        return ownerName("GCP project", c.inputs.environmentData?.projectDetails?.projectId);
    return undefined;
}

/**
 * Microsoft: the Helm route must not be mixed with auto-provisioning on the same cluster
 * (docs/sources.md, sensor). A connector (usually adopted: the stack never turns these flags on) whose
 * Containers offering auto-provisions the sensor or the policy agent, while the stack installs the
 * sensor or Gatekeeper with Helm on a cluster of that account or project, puts two installations of
 * the same agent on one cluster.
 */
export const connectorAutoProvisioningVsHelm: StackRule = {
    kind: "stack",
    name: "sensor-helm-or-connector-auto-provisioning",
    description:
        "No Helm sensor (or Gatekeeper) on an EKS or GKE cluster whose account's or project's connector auto-provisions the sensor (or the policy agent).",
    enforcementLevel: "mandatory",
    validateStack(resources) {
        const { sensors, gatekeepers } = helmRoutes(resources);
        const out: StackRuleMessage[] = [];
        for (const c of resources.filter((r) => r.type === CONNECTOR)) {
            // Undefined for a connector whose account or project is not known: no sensor's owner equals it.
            const owner = connectorOwner(c);
            const offerings: Record<string, unknown>[] = Array.isArray(c.inputs.offerings) ? c.inputs.offerings : [];
            const containers = offerings.find((o) => CONTAINERS_OFFERINGS.includes(o?.offeringType as string));
            if (!containers) continue;
            const pairs: [string, HelmOnCluster[], string, string][] = [
                [
                    "enableDefenderAgentAutoProvisioning",
                    sensors,
                    "the Defender sensor",
                    "sensor: false on that cluster in kubernetes.clusters",
                ],
                [
                    "enablePolicyAgentAutoProvisioning",
                    gatekeepers,
                    "Gatekeeper (the policy agent's engine)",
                    "kubernetes.gatekeeper.enabled: false",
                ],
            ];
            for (const [flag, routes, what, fix] of pairs) {
                if (containers[flag] !== true) continue;
                for (const h of routes.filter((x) => x.owner === owner)) {
                    out.push({
                        resource: h.resource,
                        message:
                            `installs ${what} with Helm on cluster ${h.cluster} of ${owner}, whose connector ${c.name} has ${containers.offeringType}.${flag} on: ` +
                            `two routes on one cluster, which Microsoft says not to mix; turn the connector's auto-provisioning off in Defender for Cloud (Environment settings), or set ${fix}`,
                    });
                }
            }
        }
        return out;
    },
};
