/**
 * `agentless-discovery/kubernetes`: the cluster add-ons (Defender sensor, Gatekeeper and its
 * policies, attack simulation, pod quarantine) for any cluster a user's program can reach, and the
 * kubeconfig helpers whose tokens come from the cloud's CLI (docs/library.md).
 */
export { DefenderSensor, DefenderSensorArgs, SensorIdentifiers, sensorValues } from "./sensor";
export { Gatekeeper, GatekeeperArgs } from "./gatekeeper";
export { AttackSimulation, AttackSimulationArgs } from "./attackSimulation";
export { PodQuarantine, PodQuarantineArgs } from "./podQuarantine";
export { policies, PolicySpec, PolicyOptions } from "../../domain/kubernetes/gatekeeperPolicies";
export { KubeAccess, clusterProvider, eksKubeconfig, gkeKubeconfig, aksKubeconfig } from "./clusterProvider";
export { SENSOR_CHART, GATEKEEPER_CHART, ENFORCEMENT_ACTIONS, EnforcementAction } from "../../domain/kubernetes/facts";
export { SCENARIOS, Scenario, expectedAlerts } from "../../domain/kubernetes/simulationScenarios";
