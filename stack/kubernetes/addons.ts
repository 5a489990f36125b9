import type { StackConfig } from "../../config";
import type { KubeCluster } from "../../config/kubernetes";
import { note } from "../notes";
import { AttackSimulation } from "../../components/kubernetes/attackSimulation";
import type { ClusterProviders, KubeAccess } from "../../components/kubernetes/clusterProvider";
import { SENSOR_CHART, GATEKEEPER_CHART } from "../../domain/kubernetes/facts";
import { Gatekeeper } from "../../components/kubernetes/gatekeeper";
import { MIN_KUBERNETES_VERSION, NETWORK_POLICY_PLUGINS } from "../../domain/kubernetes/isolationFacts";
import { PodQuarantine } from "../../components/kubernetes/podQuarantine";
import { DefenderSensor } from "../../components/kubernetes/sensor";
import { SENSOR_INSTALL_CHECK } from "../../domain/kubernetes/sensorFootprint";
import { SCENARIO_ALERTS, scenariosOf } from "../../domain/kubernetes/simulationScenarios";

export interface ClusterAddonsOutput {
    clusters: { name: string; kind: string; addons: string[] }[];
    quarantineLabel?: string;
}

/** How the cluster's provider reaches it, from its validated config. */
export function kubeAccessOf(c: KubeCluster): KubeAccess {
    if (c.access.mode === "kubeconfig")
        return { kind: "kubeconfig", context: c.access.context, kubeconfigPath: c.access.kubeconfig };
    const { endpoint, certificateAuthority } = c.access;
    const id = c.identifiers;
    switch (id.cloud) {
        case "AWS":
            return { kind: "eks", clusterName: id.clusterName, region: id.region, endpoint, certificateAuthority };
        case "GCP":
            return { kind: "gke", clusterName: id.clusterName, endpoint, certificateAuthority };
        case "Azure":
            return { kind: "aks", clusterName: id.clusterName, endpoint, certificateAuthority };
    }
}

/**
 * Declares the add-ons of `agentless-discovery:kubernetes` on each listed cluster, through the run's
 * Kubernetes provider of the cluster (`kube`, which the cloud's onboarding may have used already).
 * Called for every cloud, after the cloud's own onboarding.
 */
export function deployClusterAddons(cfg: StackConfig, kube: ClusterProviders): ClusterAddonsOutput | undefined {
    const k8s = cfg.kubernetes;
    if (!k8s) return undefined;
    const out: ClusterAddonsOutput = { clusters: [] };
    for (const cluster of k8s.clusters) {
        const provider = kube.get(cluster.name, kubeAccessOf(cluster));
        const opts = { provider };
        const addons: string[] = [];

        let sensor: DefenderSensor | undefined;
        if (k8s.sensor.enabled && cluster.sensor) {
            sensor = new DefenderSensor(
                `${cluster.name}-sensor`,
                {
                    clusterName: cluster.name,
                    chartVersion: k8s.sensor.chartVersion!,
                    identifiers: cluster.identifiers,
                },
                opts,
            );
            addons.push("sensor");
            note(
                "info",
                cluster.name,
                `sensor chart ${SENSOR_CHART.chart} ${k8s.sensor.chartVersion} (release ${SENSOR_CHART.release}, namespace ${SENSOR_CHART.namespace}); check: kubectl get ds ${SENSOR_INSTALL_CHECK.name} -n ${SENSOR_INSTALL_CHECK.namespace}`,
            );
        }

        if (k8s.gatekeeper.enabled) {
            new Gatekeeper(
                `${cluster.name}-gatekeeper`,
                {
                    clusterName: cluster.name,
                    chartVersion: k8s.gatekeeper.chartVersion!,
                    enforcement: k8s.gatekeeper.enforcement,
                    excludedNamespaces: k8s.gatekeeper.excludedNamespaces,
                    wildcardRoleExemptions: k8s.gatekeeper.wildcardRoleExemptions,
                },
                { ...opts, dependsOn: sensor ? [sensor] : [] },
            );
            addons.push("gatekeeper");
            note(
                "info",
                cluster.name,
                `Gatekeeper ${k8s.gatekeeper.chartVersion} in ${GATEKEEPER_CHART.namespace}, constraints ${k8s.gatekeeper.enforcement}, excluding ${k8s.gatekeeper.excludedNamespaces.join(", ")}`,
            );
        }

        if (k8s.simulation.enabled) {
            new AttackSimulation(
                `${cluster.name}-simulation`,
                {
                    clusterName: cluster.name,
                    scenario: k8s.simulation.scenario,
                    production: cfg.production,
                    images: { attacker: k8s.simulation.images.attacker!, victim: k8s.simulation.images.victim! },
                },
                { ...opts, dependsOn: sensor ? [sensor] : [] },
            );
            addons.push("simulation");
            for (const s of scenariosOf(k8s.simulation.scenario)) {
                note(
                    "expected-alerts",
                    cluster.name,
                    `${SCENARIO_ALERTS[s].title} (${s}): ${SCENARIO_ALERTS[s].expectedAlerts.join("; ")} (some within an hour)`,
                );
            }
            if (!sensor) {
                note(
                    "manual-step",
                    cluster.name,
                    "the attack simulation raises alerts only where the Defender sensor runs: make sure this cluster has it (AKS security profile, Arc extension or the sensor chart)",
                );
            }
        }

        if (k8s.isolation.enabled) {
            new PodQuarantine(
                `${cluster.name}-quarantine`,
                {
                    clusterName: cluster.name,
                    namespaces: k8s.isolation.namespaces,
                    label: k8s.isolation.label,
                },
                opts,
            );
            addons.push("quarantine");
            out.quarantineLabel = `${k8s.isolation.label.key}=${k8s.isolation.label.value}`;
            note(
                "network",
                cluster.name,
                `pod isolation needs Kubernetes ${MIN_KUBERNETES_VERSION.major}.${MIN_KUBERNETES_VERSION.minor}+ and network-policy enforcement by ${NETWORK_POLICY_PLUGINS.map((p) => `${p.displayName} ${p.minVersion}+`).join(", ")}; label a running pod ${out.quarantineLabel} in ${k8s.isolation.namespaces.join(", ")} to isolate it`,
            );
        }
        out.clusters.push({ name: cluster.name, kind: cluster.kind, addons });
    }
    return out;
}
