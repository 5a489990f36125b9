import { ConfigError } from "../lib/errors";
import {
    bool,
    join,
    list,
    object,
    oneOf,
    optionalString,
    Raw,
    requiredString,
    stringWithDefault,
    unique,
} from "./read";
import {
    AKS_ID_SHAPE,
    ARC_ID_SHAPE,
    ClusterRef,
    parseAksClusterId,
    parseArcClusterId,
} from "../domain/azure/resourceIds";
import {
    ENFORCEMENT_ACTIONS,
    EnforcementAction,
    EXACT_CHART_VERSION,
    GATEKEEPER_CHART,
    KUBE_SYSTEM,
    SENSOR_CHART,
    SIMULATION,
} from "../domain/kubernetes/facts";
import { BUILT_IN_WILDCARD_ROLES, WILDCARD_ROLE_NAME } from "../domain/kubernetes/gatekeeperPolicies";
import { QUARANTINE_LABEL, QuarantineLabel } from "../domain/kubernetes/isolationFacts";
import { SENSOR_FOOTPRINT } from "../domain/kubernetes/sensorFootprint";
import { Scenario, SCENARIOS } from "../domain/kubernetes/simulationScenarios";
import { awsRegion } from "./aws";
import type { AzureConfig } from "./azure";

/**
 * `agentless-discovery:kubernetes`: the clusters whose add-ons (sensor, Gatekeeper, attack
 * simulation, pod quarantine) this stack manages through their Kubernetes API, whatever the
 * stack's cloud.
 */

export const CLUSTER_KINDS = ["aks", "arc", "eks", "gke"] as const;
export type ClusterKind = (typeof CLUSTER_KINDS)[number];

/** The sensor chart's `global.cloudIdentifiers` block, per cloud (docs/sources.md: sensor). */
export type CloudIdentifiers =
    | {
          cloud: "Azure";
          subscriptionId: string;
          resourceGroupName: string;
          clusterName: string;
          region: string;
          resourceId: string;
      }
    | { cloud: "AWS"; accountId: string; region: string; clusterName: string }
    | { cloud: "GCP"; projectId: string; location: string; clusterName: string };

/**
 * A cluster's `access` entry: how the stack's Kubernetes provider reaches it (stack/kubernetes/addons.ts
 * makes a component's KubeAccess of it). The resolved connection the snapshot's client uses is another
 * thing, lib/kube/kubeconfig.ts's ClusterAccess.
 */
export type ClusterAccessConfig =
    | { mode: "kubeconfig"; context: string; kubeconfig?: string }
    /** Short-lived tokens from the cloud's own credential plug-in (aws, gke-gcloud-auth-plugin, kubelogin). */
    | { mode: "cloud"; endpoint: string; certificateAuthority: string };

export interface KubeCluster {
    /** Names the cluster's Kubernetes provider and every resource declared in it. */
    name: string;
    kind: ClusterKind;
    identifiers: CloudIdentifiers;
    access: ClusterAccessConfig;
    /** Whether this cluster gets the sensor chart when `sensor.enabled` (default true). */
    sensor: boolean;
}

export interface KubernetesConfig {
    clusters: KubeCluster[];
    sensor: { enabled: boolean; chartVersion?: string };
    /** wildcardRoleExemptions: exact ClusterRole/Role names the wildcard-roles constraint lets through (the whole list). */
    gatekeeper: {
        enabled: boolean;
        chartVersion?: string;
        enforcement: EnforcementAction;
        excludedNamespaces: string[];
        wildcardRoleExemptions: string[];
    };
    simulation: { enabled: boolean; scenario: Scenario; images: { attacker?: string; victim?: string } };
    isolation: { enabled: boolean; namespaces: string[]; label: QuarantineLabel };
}

const CLUSTER_NAME = {
    expected: "a cluster name: 1 to 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit",
    pattern: /^[a-zA-Z0-9](?:[-_.a-zA-Z0-9]{0,61}[a-zA-Z0-9])?$/,
};
const AZURE_REGION = { expected: "an Azure region name such as westeurope", pattern: /^[a-z][a-z0-9]{2,30}$/ };
const AWS_ACCOUNT = { expected: "a 12-digit AWS account id (quote it in YAML)", pattern: /^\d{12}$/ };
const GCP_PROJECT = {
    expected: "a GCP project id: 6 to 30 lower-case letters, digits and hyphens, starting with a letter",
    pattern: /^[a-z][-a-z0-9]{4,28}[a-z0-9]$/,
};
const GCP_LOCATION = {
    expected: "a GCP region or zone such as europe-west1 or europe-west1-b",
    pattern: /^[a-z]+-[a-z]+\d+(?:-[a-z])?$/,
};
// A host name, IPv4 or bracketed IPv6 address, and a numeric port: no user info, no path.
const HTTPS_URL = {
    expected: "the API server's URL: https://<host name, IPv4 or [IPv6] address>[:<port>], without user or path",
    pattern: /^https:\/\/(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?\/?$/,
};
const BASE64 = {
    expected: "the cluster CA certificate, base64-encoded PEM",
    pattern: /^[A-Za-z0-9+/]+={0,2}$/,
    minLength: 16,
};
const CONTEXT = { expected: "the name of a kubeconfig context", minLength: 1 };
const PATH_RULE = { expected: "a path to a kubeconfig file", minLength: 1 };
// DNS-1123 label: what a namespace name must be.
const NAMESPACE = {
    expected: "a namespace name: 1 to 63 lower-case letters, digits and '-', starting and ending alphanumeric",
    pattern: /^[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?$/,
};
const LABEL_KEY = {
    expected:
        "a label key: an optional DNS-subdomain prefix and '/', then 1 to 63 letters, digits, '-', '_' or '.', starting and ending alphanumeric",
    // The lookahead holds the prefix to a DNS subdomain's 253 characters.
    pattern:
        /^(?:(?=[^/]{1,253}\/)[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9](?:[-_.A-Za-z0-9]{0,61}[A-Za-z0-9])?$/,
};
const LABEL_VALUE = {
    expected: "a label value: 1 to 63 letters, digits, '-', '_' or '.', starting and ending alphanumeric",
    pattern: /^[A-Za-z0-9](?:[-_.A-Za-z0-9]{0,61}[A-Za-z0-9])?$/,
};

const PINNED =
    "an exact chart version such as 3.18.2; floating versions (empty, latest, ranges such as ^1.2, ~1.2, 1.x, >=1.0, *) are not allowed";
/** An image pinned by tag (not `latest`) or by digest (with or without a tag, which the digest overrides). */
const PINNED_IMAGE = {
    expected:
        "an image reference pinned by tag or digest, such as registry.example.com/sim/attacker:1.4.2 or ...@sha256:<64 hex> (not :latest without a digest, not untagged)",
    pattern:
        /^(?:[a-z0-9.-]+(?::\d+)?\/)?[a-z0-9]+(?:[._/-][a-z0-9]+)*(?::(?!latest$)[\w][\w.-]{0,127}|(?::[\w][\w.-]{0,127})?@sha256:[a-f0-9]{64})$/,
};

function chartVersion(v: unknown, path: string): string {
    if (typeof v !== "string" || !EXACT_CHART_VERSION.test(v.trim())) throw new ConfigError(path, v, PINNED);
    return v.trim();
}

const KIND_KEYS: Record<ClusterKind, readonly string[]> = {
    aks: ["resourceId", "region"],
    arc: ["resourceId", "region"],
    eks: ["accountId", "region", "clusterName"],
    gke: ["projectId", "location", "clusterName"],
};
const ALL_IDENTIFIER_KEYS = ["resourceId", "region", "accountId", "projectId", "location", "clusterName"];

function identifiers(entry: Raw, p: string, kind: ClusterKind, name: string): CloudIdentifiers {
    for (const k of ALL_IDENTIFIER_KEYS) {
        if (entry[k] !== undefined && !KIND_KEYS[kind].includes(k)) {
            throw new ConfigError(
                join(p, k),
                entry[k],
                `no such key for a cluster of kind "${kind}"; its keys are ${KIND_KEYS[kind].join(", ")}`,
            );
        }
    }
    switch (kind) {
        case "aks":
        case "arc": {
            const shape = kind === "aks" ? AKS_ID_SHAPE : ARC_ID_SHAPE;
            const what = kind === "aks" ? "an AKS cluster" : "an Arc-enabled cluster";
            const id = requiredString(entry.resourceId, join(p, "resourceId"), {
                expected: `${what} resource id ${shape}`,
            });
            const ref: ClusterRef | null = (kind === "aks" ? parseAksClusterId : parseArcClusterId)(id);
            if (!ref) throw new ConfigError(join(p, "resourceId"), id, `${what} resource id ${shape}`);
            return {
                cloud: "Azure",
                subscriptionId: ref.subscriptionId,
                resourceGroupName: ref.resourceGroup,
                clusterName: ref.name,
                region: requiredString(entry.region, join(p, "region"), AZURE_REGION),
                resourceId: ref.id,
            };
        }
        case "eks":
            return {
                cloud: "AWS",
                accountId: requiredString(entry.accountId, join(p, "accountId"), AWS_ACCOUNT),
                region: awsRegion(entry.region, join(p, "region")),
                clusterName: stringWithDefault(entry.clusterName, join(p, "clusterName"), name, {
                    expected: "the EKS cluster name: 1 to 100 letters, digits, '-' and '_'",
                    pattern: /^[0-9A-Za-z][A-Za-z0-9\-_]{0,99}$/,
                }),
            };
        case "gke":
            return {
                cloud: "GCP",
                projectId: requiredString(entry.projectId, join(p, "projectId"), GCP_PROJECT),
                location: requiredString(entry.location, join(p, "location"), GCP_LOCATION),
                clusterName: stringWithDefault(entry.clusterName, join(p, "clusterName"), name, {
                    expected:
                        "the GKE cluster name: 1 to 40 lower-case letters, digits and '-', starting with a letter",
                    pattern: /^[a-z](?:[-a-z0-9]{0,38}[a-z0-9])?$/,
                }),
            };
    }
}

function access(v: unknown, p: string, kind: ClusterKind): ClusterAccessConfig {
    if (v === undefined || v === null)
        throw new ConfigError(
            p,
            undefined,
            "an object: { context, kubeconfig } or { cloudCredentials: true, endpoint, certificateAuthority }",
        );
    const raw = object(v, p, ["context", "kubeconfig", "cloudCredentials", "endpoint", "certificateAuthority"]);
    if (bool(raw.cloudCredentials, join(p, "cloudCredentials"), false)) {
        if (kind === "arc") {
            throw new ConfigError(
                join(p, "cloudCredentials"),
                true,
                "false for an Arc-enabled cluster: it has no cloud credential plug-in; give a kubeconfig context",
            );
        }
        for (const k of ["context", "kubeconfig"]) {
            if (raw[k] !== undefined)
                throw new ConfigError(
                    join(p, k),
                    raw[k],
                    "nothing while cloudCredentials is true: the cloud's plug-in builds the credentials",
                );
        }
        return {
            mode: "cloud",
            endpoint: requiredString(raw.endpoint, join(p, "endpoint"), HTTPS_URL),
            certificateAuthority: requiredString(raw.certificateAuthority, join(p, "certificateAuthority"), BASE64),
        };
    }
    for (const k of ["endpoint", "certificateAuthority"]) {
        if (raw[k] !== undefined) throw new ConfigError(join(p, k), raw[k], "nothing unless cloudCredentials is true");
    }
    // A context is required: without one every cluster would silently use the current context.
    return {
        mode: "kubeconfig",
        context: requiredString(raw.context, join(p, "context"), CONTEXT),
        kubeconfig: optionalString(raw.kubeconfig, join(p, "kubeconfig"), PATH_RULE),
    };
}

/**
 * `kubernetes.gatekeeper.wildcardRoleExemptions`: the whole list of role names the wildcard-roles
 * constraint exempts (BUILT_IN_WILDCARD_ROLES when absent). Exact names only: anyone who may create
 * a ClusterRole can give it any name, so a prefix or pattern would exempt roles nobody reviewed.
 */
function wildcardRoleExemptions(v: unknown, path: string): string[] {
    if (v === undefined) return [...BUILT_IN_WILDCARD_ROLES];
    const names = list(v, path, "role names").map((n, i) =>
        requiredString(n, join(path, i), {
            expected:
                'an exact ClusterRole or Role name such as "cluster-admin": no "*", "/" or whitespace (a prefix would exempt any role given that name)',
            pattern: WILDCARD_ROLE_NAME,
        }),
    );
    unique(names, path, (n) => n, "role name");
    return names;
}

/** The same cluster named twice under different names would get two providers and two sensors. */
function identityOf(c: KubeCluster): string {
    const i = c.identifiers;
    switch (i.cloud) {
        case "Azure":
            return i.resourceId.toLowerCase();
        case "AWS":
            return `eks:${i.accountId}:${i.region}:${i.clusterName}`.toLowerCase();
        case "GCP":
            return `gke:${i.projectId}:${i.location}:${i.clusterName}`.toLowerCase();
    }
}

function namespaces(v: unknown, path: string): string[] {
    const items = list(v, path, "namespace names").map((n, i) => requiredString(n, join(path, i), NAMESPACE));
    unique(items, path, (n) => n, "namespace");
    return items;
}

export function loadKubernetesConfig(
    v: unknown,
    production: boolean,
    path = "kubernetes",
): KubernetesConfig | undefined {
    if (v === undefined || v === null) return undefined;
    const raw = object(v, path, ["clusters", "sensor", "gatekeeper", "simulation", "isolation"]);

    const clustersPath = join(path, "clusters");
    const clusters = list(raw.clusters, clustersPath, "clusters ({ name, kind, ..., access })").map(
        (item, i): KubeCluster => {
            const p = join(clustersPath, i);
            const entry = object(item, p, ["name", "kind", "access", "sensor", ...ALL_IDENTIFIER_KEYS]);
            const name = requiredString(entry.name, join(p, "name"), CLUSTER_NAME);
            const kind = oneOf<ClusterKind>(entry.kind, join(p, "kind"), CLUSTER_KINDS);
            return {
                name,
                kind,
                identifiers: identifiers(entry, p, kind, name),
                access: access(entry.access, join(p, "access"), kind),
                sensor: bool(entry.sensor, join(p, "sensor"), true),
            };
        },
    );
    if (clusters.length === 0)
        throw new ConfigError(
            clustersPath,
            raw.clusters,
            "a list of at least one cluster (leave the kubernetes block out to manage no add-ons)",
        );
    unique(clusters, clustersPath, (c) => c.name, "cluster name");
    unique(clusters, clustersPath, identityOf, "cluster (by its cloud identity)");

    const sensorPath = join(path, "sensor");
    const sensorRaw = object(raw.sensor, sensorPath, ["enabled", "chartVersion"]);
    const sensorEnabled = bool(sensorRaw.enabled, join(sensorPath, "enabled"), false);
    const sensor = {
        enabled: sensorEnabled,
        chartVersion:
            sensorEnabled || sensorRaw.chartVersion !== undefined
                ? chartVersion(sensorRaw.chartVersion, join(sensorPath, "chartVersion"))
                : undefined,
    };

    const gkPath = join(path, "gatekeeper");
    const gkRaw = object(raw.gatekeeper, gkPath, [
        "enabled",
        "chartVersion",
        "enforcement",
        "excludedNamespaces",
        "wildcardRoleExemptions",
    ]);
    const gkEnabled = bool(gkRaw.enabled, join(gkPath, "enabled"), false);
    const exPath = join(gkPath, "excludedNamespaces");
    const sensorNamespaces = [SENSOR_CHART.namespace, ...new Set(SENSOR_FOOTPRINT.map((w) => w.namespace))];
    const defaultExcluded = [...new Set([GATEKEEPER_CHART.namespace, KUBE_SYSTEM, ...sensorNamespaces])];
    const excludedNamespaces =
        gkRaw.excludedNamespaces === undefined ? defaultExcluded : namespaces(gkRaw.excludedNamespaces, exPath);
    const mustExclude = [GATEKEEPER_CHART.namespace, ...(sensor.enabled ? sensorNamespaces : [])];
    for (const ns of mustExclude) {
        if (!excludedNamespaces.includes(ns)) {
            const why =
                ns === GATEKEEPER_CHART.namespace
                    ? "Gatekeeper must not check its own namespace, or a failing webhook blocks its own repair"
                    : "the sensor's workloads run there and add SYS_ADMIN, SYS_RESOURCE and SYS_PTRACE, which the capabilities constraint denies";
            throw new ConfigError(exPath, excludedNamespaces, `a list that includes "${ns}": ${why}`);
        }
    }
    const gatekeeper = {
        enabled: gkEnabled,
        chartVersion:
            gkEnabled || gkRaw.chartVersion !== undefined
                ? chartVersion(gkRaw.chartVersion, join(gkPath, "chartVersion"))
                : undefined,
        enforcement: oneOf<EnforcementAction>(
            gkRaw.enforcement,
            join(gkPath, "enforcement"),
            ENFORCEMENT_ACTIONS,
            "dryrun",
        ),
        excludedNamespaces,
        wildcardRoleExemptions: wildcardRoleExemptions(
            gkRaw.wildcardRoleExemptions,
            join(gkPath, "wildcardRoleExemptions"),
        ),
    };

    const simPath = join(path, "simulation");
    const simRaw = object(raw.simulation, simPath, ["enabled", "scenario", "images"]);
    const simEnabled = bool(simRaw.enabled, join(simPath, "enabled"), false);
    if (simEnabled && production) {
        throw new ConfigError(
            join(simPath, "enabled"),
            true,
            "false on a production stack (agentless-discovery:production is true): the simulation runs attack tools and belongs on a cluster without production workloads",
        );
    }
    const imgPath = join(simPath, "images");
    const imgRaw = object(simRaw.images, imgPath, ["attacker", "victim"]);
    const image = (k: "attacker" | "victim") =>
        simEnabled
            ? requiredString(imgRaw[k], join(imgPath, k), PINNED_IMAGE)
            : optionalString(imgRaw[k], join(imgPath, k), PINNED_IMAGE);
    const simulation = {
        enabled: simEnabled,
        scenario: oneOf<Scenario>(simRaw.scenario, join(simPath, "scenario"), SCENARIOS, "all"),
        images: { attacker: image("attacker"), victim: image("victim") },
    };

    const isoPath = join(path, "isolation");
    const isoRaw = object(raw.isolation, isoPath, ["enabled", "namespaces", "label"]);
    const isoEnabled = bool(isoRaw.enabled, join(isoPath, "enabled"), false);
    const labelPath = join(isoPath, "label");
    const labelRaw = object(isoRaw.label, labelPath, ["key", "value"]);
    const isoNamespaces = namespaces(isoRaw.namespaces, join(isoPath, "namespaces"));
    if (isoEnabled && isoNamespaces.length === 0) {
        throw new ConfigError(
            join(isoPath, "namespaces"),
            isoRaw.namespaces ?? [],
            "a list of at least one namespace to place the quarantine NetworkPolicy in",
        );
    }
    for (const [i, ns] of isoNamespaces.entries()) {
        if (
            ns === KUBE_SYSTEM ||
            ns === GATEKEEPER_CHART.namespace ||
            ns === SENSOR_CHART.namespace ||
            ns === SIMULATION.namespace
        ) {
            // Not forbidden by Kubernetes, but a stray label there would cut the cluster's own machinery off.
            throw new ConfigError(
                join(join(isoPath, "namespaces"), i),
                ns,
                `a workload namespace; not ${KUBE_SYSTEM}, ${GATEKEEPER_CHART.namespace}, ${SENSOR_CHART.namespace} or ${SIMULATION.namespace}`,
            );
        }
    }
    const isolation = {
        enabled: isoEnabled,
        namespaces: isoNamespaces,
        label: {
            key: stringWithDefault(labelRaw.key, join(labelPath, "key"), QUARANTINE_LABEL.key, LABEL_KEY),
            value: stringWithDefault(labelRaw.value, join(labelPath, "value"), QUARANTINE_LABEL.value, LABEL_VALUE),
        },
    };

    return { clusters, sensor, gatekeeper, simulation, isolation };
}

/**
 * The Helm route must not be mixed with Defender's own provisioning on the same cluster (docs/sources.md: sensor):
 * refuses a cluster that the Azure block's at-scale policy or Arc extension already covers.
 */
export function checkSensorCoverage(k8s: KubernetesConfig, azure: AzureConfig | undefined, path = "kubernetes"): void {
    if (!k8s.sensor.enabled || !azure) return;
    k8s.clusters.forEach((c, i) => {
        const id = c.identifiers;
        if (!c.sensor || id.cloud !== "Azure" || id.subscriptionId !== azure.subscriptionId) return;
        const p = join(join(path, "clusters"), i);
        const fix = `set ${join(p, "sensor")} to false, or switch off`;
        if (c.kind === "aks" && azure.atScale.policies.defenderProfile) {
            throw new ConfigError(
                join(p, "resourceId"),
                id.resourceId,
                `a cluster not covered by azure.atScale.defenderProfile, which enables the Defender profile on every AKS cluster of subscription ${azure.subscriptionId}; ${fix} azure.atScale.defenderProfile`,
            );
        }
        if (c.kind === "arc") {
            if (azure.atScale.policies.arcDefender) {
                throw new ConfigError(
                    join(p, "resourceId"),
                    id.resourceId,
                    `a cluster not covered by azure.atScale.arcDefender, which installs the Defender extension on every Arc-enabled cluster of subscription ${azure.subscriptionId}; ${fix} azure.atScale.arcDefender`,
                );
            }
            // Without an explicit list every discovered Arc cluster gets the extension.
            const listed = azure.arcClusters?.some((a) => a.id.toLowerCase() === id.resourceId.toLowerCase()) ?? true;
            if (listed && azure.arcExtensions.defender) {
                throw new ConfigError(
                    join(p, "resourceId"),
                    id.resourceId,
                    `a cluster not covered by azure.arcExtensions.defender, which installs the Defender extension on the clusters of azure.arcClusters; ${fix} azure.arcExtensions.defender`,
                );
            }
            // Microsoft's Helm article covers AKS, EKS and GKE; Arc clusters take the Arc extension.
            throw new ConfigError(
                join(p, "sensor"),
                true,
                `false for an Arc-enabled cluster: the sensor's Helm route is for AKS, EKS and GKE; list the cluster in azure.arcClusters and use azure.arcExtensions.defender`,
            );
        }
    });
    // Microsoft's Helm article: remove policy 64def556 before installing the sensor with Helm.
    const helm = k8s.clusters.findIndex((c) => c.sensor);
    if (helm >= 0 && azure.atScale.policies.defenderProfile) {
        throw new ConfigError(
            "azure.atScale.defenderProfile",
            true,
            `false while ${join(join(path, "clusters"), helm)} installs the sensor with Helm (kubernetes.sensor): Microsoft's Helm route requires policy 64def556 (Configure AKS clusters to enable Defender profile) to be removed first`,
        );
    }
}
