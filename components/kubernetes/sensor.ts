import * as pulumi from "@pulumi/pulumi";
import { Chart } from "@pulumi/kubernetes/helm/v4";
import { Namespace } from "@pulumi/kubernetes/core/v1";
import type { CloudIdentifiers } from "../../config/kubernetes";
import { MANAGED_BY_LABEL, PINS_CHART, SENSOR_CHART } from "../../domain/kubernetes/facts";
import { requirePlain } from "../shared/input";
import { SENSOR_FOOTPRINT, SENSOR_INSTALL_CHECK, SensorWorkload } from "../../domain/kubernetes/sensorFootprint";

type InputFields<T> = T extends unknown ? { [K in keyof T]: K extends "cloud" ? T[K] : pulumi.Input<T[K]> } : never;

/**
 * The cluster's cloud identity for the chart, each value possibly an output of the user's own
 * cluster (`aws.eks.Cluster.name`, `containerservice.ManagedCluster.id`...); `cloud` is plain: it
 * picks which values exist.
 */
export type SensorIdentifiers = InputFields<CloudIdentifiers>;

export interface DefenderSensorArgs {
    /** The cluster, as the component's props name it; may be an output. The provider comes in the options. */
    clusterName: pulumi.Input<string>;
    /** Plain: an exact chart version (config validation refuses floating ones), which the policy rules read. */
    chartVersion: string;
    identifiers: SensorIdentifiers;
}

/** The chart's `global.cloudIdentifiers` for one cluster (docs/sources.md: sensor), the only values we set. */
export function sensorValues(id: SensorIdentifiers): Record<string, unknown> {
    switch (id.cloud) {
        case "Azure":
            return {
                global: {
                    cloudIdentifiers: {
                        Azure: {
                            subscriptionId: id.subscriptionId,
                            resourceGroupName: id.resourceGroupName,
                            clusterName: id.clusterName,
                            region: id.region,
                        },
                    },
                },
            };
        case "AWS":
            return {
                global: {
                    cloudIdentifiers: {
                        AWS: { accountId: id.accountId, region: id.region, clusterName: id.clusterName },
                    },
                },
            };
        case "GCP":
            return {
                global: {
                    cloudIdentifiers: {
                        GCP: { projectId: id.projectId, location: id.location, clusterName: id.clusterName },
                    },
                },
            };
    }
}

/**
 * The Defender sensor's Helm chart in one cluster, release `defender-k8s` in namespace `mdc`.
 * What it should run once installed is SENSOR_FOOTPRINT; the snapshot's health check compares.
 */
export class DefenderSensor extends pulumi.ComponentResource {
    readonly chart: Chart;
    readonly expectedWorkloads: readonly SensorWorkload[] = SENSOR_FOOTPRINT;

    constructor(name: string, args: DefenderSensorArgs, opts?: pulumi.ComponentResourceOptions) {
        requirePlain("DefenderSensor", name, args, { chartVersion: PINS_CHART });
        requirePlain(
            "DefenderSensor",
            name,
            { "identifiers.cloud": args.identifiers.cloud },
            { "identifiers.cloud": "it decides which chart values exist" },
        );
        super(
            "agentless:kubernetes:DefenderSensor",
            name,
            {
                cluster: args.clusterName,
                chart: SENSOR_CHART.chart,
                chartVersion: args.chartVersion,
                release: SENSOR_CHART.release,
                namespace: SENSOR_CHART.namespace,
                cloud: args.identifiers.cloud,
            },
            opts,
        );
        // Helm v4 charts never create their namespace.
        const ns = new Namespace(
            `${name}-ns`,
            { metadata: { name: SENSOR_CHART.namespace, labels: { ...MANAGED_BY_LABEL } } },
            { parent: this },
        );
        this.chart = new Chart(
            name,
            {
                chart: SENSOR_CHART.chart,
                version: args.chartVersion,
                name: SENSOR_CHART.release,
                namespace: SENSOR_CHART.namespace,
                values: sensorValues(args.identifiers),
            },
            { parent: this, dependsOn: [ns] },
        );
        this.registerOutputs({
            release: SENSOR_CHART.release,
            installCheck: `kubectl get ds ${SENSOR_INSTALL_CHECK.name} -n ${SENSOR_INSTALL_CHECK.namespace}`,
        });
    }
}
