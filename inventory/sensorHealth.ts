import { SENSOR_FOOTPRINT, SensorWorkload } from "../domain/kubernetes/sensorFootprint";
import { NormalContainer, NormalObject, NormalPodSpec } from "./normalise";

/**
 * Where the sensor may run: the footprint's namespace (AKS's managed sensor, kube-system) and the
 * Helm chart's release namespace `mdc` (docs/sources.md: sensor) used outside AKS.
 */
export const SENSOR_NAMESPACES: readonly string[] = [...new Set([...SENSOR_FOOTPRINT.map((w) => w.namespace), "mdc"])];

export interface SensorWorkloadHealth {
    namePrefix: string;
    kind: SensorWorkload["kind"];
    /** `namespace/name` of the workload found, or null. */
    found: string | null;
    /** `ready/desired`. */
    ready?: string;
    problems: string[];
}

export interface SensorHealth {
    /** "unknown" when the kinds holding the sensor's workloads could not be read (`reason` says which). */
    state: "healthy" | "degraded" | "absent" | "unknown";
    workloads: SensorWorkloadHealth[];
    reason?: string;
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
    const x = [...a].sort();
    const y = [...b].sort();
    return x.length === y.length && x.every((v, i) => v === y[i]);
}

/** Compares the sensor workloads of a cluster with the sensor footprint of docs/sources.md. */
export function sensorHealth(workloads: readonly NormalObject[]): SensorHealth {
    const out: SensorWorkloadHealth[] = SENSOR_FOOTPRINT.map((fp) => {
        const w = workloads.find(
            (o) =>
                o.kind === fp.kind && SENSOR_NAMESPACES.includes(o.namespace ?? "") && o.name.startsWith(fp.namePrefix),
        );
        if (!w)
            return {
                namePrefix: fp.namePrefix,
                kind: fp.kind,
                found: null,
                problems: [`${fp.kind} ${fp.namePrefix} is missing`],
            };
        const problems: string[] = [];
        const desired = Number(fp.kind === "DaemonSet" ? w.desired : w.replicas);
        const ready = Number(w.ready);
        if (desired === 0 || ready < desired) problems.push(`${w.name} has ${ready} of ${desired} ready`);
        const containers = ((w.template as NormalPodSpec).containers ?? []).filter((c: NormalContainer) => !c.init);
        const caps = [...new Set(containers.flatMap((c) => c.capabilitiesAdd ?? []))];
        if (!sameSet(caps, fp.capabilities))
            problems.push(
                `${w.name} adds capabilities [${caps.sort().join(", ")}], the footprint says [${[...fp.capabilities].join(", ")}]`,
            );
        const limitsOk = containers.some(
            (c) => c.limits?.memory === fp.limits.memory && c.limits?.cpu === fp.limits.cpu,
        );
        if (!limitsOk)
            problems.push(
                `${w.name} has no container with the footprint's limits (memory ${fp.limits.memory}, cpu ${fp.limits.cpu})`,
            );
        return {
            namePrefix: fp.namePrefix,
            kind: fp.kind,
            found: `${w.namespace}/${w.name}`,
            ready: `${ready}/${desired}`,
            problems,
        };
    });
    const state = out.every((w) => w.found === null)
        ? "absent"
        : out.some((w) => w.problems.length)
          ? "degraded"
          : "healthy";
    return { state, workloads: out };
}
