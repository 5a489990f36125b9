/**
 * The Defender sensor's expected footprint in a cluster (docs/sources.md: sensor), as typed data. The sensor
 * component's tests check the chart against it and the snapshot's health check compares a live
 * cluster with it, so the facts are kept here once.
 */

export interface SensorWorkload {
    /** Name prefix: the sensor's object names start with it (a suffix may follow). */
    namePrefix: string;
    kind: "DaemonSet" | "Deployment";
    namespace: string;
    purpose: string;
    /** Linux capabilities the workload adds, exactly. */
    capabilities: readonly string[];
    limits: { memory: string; cpu: string };
    /** Outbound traffic the workload needs; empty when it talks to nothing outside the node. */
    egress: readonly { protocol: "TCP"; port: number; purpose: string }[];
}

export const SENSOR_NAMESPACE = "kube-system";

export const SENSOR_FOOTPRINT: readonly SensorWorkload[] = [
    {
        namePrefix: "microsoft-defender-collector-ds",
        kind: "DaemonSet",
        namespace: SENSOR_NAMESPACE,
        purpose: "inventory and security events from each node (eBPF)",
        capabilities: ["SYS_ADMIN", "SYS_RESOURCE", "SYS_PTRACE"],
        limits: { memory: "296Mi", cpu: "360m" },
        egress: [],
    },
    {
        namePrefix: "microsoft-defender-collector-misc",
        kind: "Deployment",
        namespace: SENSOR_NAMESPACE,
        purpose: "inventory and events not bound to a node",
        capabilities: [],
        limits: { memory: "64Mi", cpu: "60m" },
        egress: [],
    },
    {
        namePrefix: "microsoft-defender-publisher-ds",
        kind: "DaemonSet",
        namespace: SENSOR_NAMESPACE,
        purpose: "publishes to the Defender backend",
        capabilities: [],
        limits: { memory: "200Mi", cpu: "60m" },
        egress: [{ protocol: "TCP", port: 443, purpose: "HTTPS to the Defender backend" }],
    },
];

/** The documented install check: `kubectl get ds microsoft-defender-collector-ds -n kube-system`. */
export const SENSOR_INSTALL_CHECK = {
    kind: "DaemonSet",
    name: "microsoft-defender-collector-ds",
    namespace: SENSOR_NAMESPACE,
} as const;
