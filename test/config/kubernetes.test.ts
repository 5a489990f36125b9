import { strict as assert } from "assert";
import { loadStackConfig } from "../../config";
import { BUILT_IN_WILDCARD_ROLES } from "../../domain/kubernetes/gatekeeperPolicies";

const SUB = "9b1c4e2a-5d3f-4a6b-8c7d-2e1f0a9b8c7d";
const ARC_ID = `/subscriptions/${SUB}/resourceGroups/rg-lab/providers/Microsoft.Kubernetes/connectedClusters/arc-lab`;
const AKS_ID = `/subscriptions/${SUB}/resourceGroups/rg-app/providers/Microsoft.ContainerService/managedClusters/aks-app`;
const eks = {
    name: "eks-a",
    kind: "eks",
    accountId: "123456789012",
    region: "eu-west-1",
    access: { context: "eks-a" },
};

function azure(over: Record<string, unknown> = {}) {
    return {
        subscriptionId: SUB,
        location: "westeurope",
        atScale: { defenderProfile: false, arcDefender: false },
        arcExtensions: { defender: false },
        ...over,
    };
}
function load(kubernetes: unknown, extra: Record<string, unknown> = {}) {
    return loadStackConfig("t", { cloud: "azure", azure: azure(), kubernetes, ...extra });
}
function fails(fn: () => unknown, message: string) {
    assert.throws(fn, (e: Error) => {
        assert.equal(e.name, "ConfigError");
        assert.equal(e.message, message);
        return true;
    });
}

describe("kubernetes config", () => {
    it("is absent when the block is absent, and has safe defaults when present", () => {
        assert.equal(load(undefined).kubernetes, undefined);
        const k = load({ clusters: [eks] }).kubernetes!;
        assert.deepEqual(k.sensor, { enabled: false, chartVersion: undefined });
        assert.deepEqual(k.gatekeeper, {
            enabled: false,
            chartVersion: undefined,
            enforcement: "dryrun",
            excludedNamespaces: ["gatekeeper-system", "kube-system", "mdc"],
            wildcardRoleExemptions: [...BUILT_IN_WILDCARD_ROLES],
        });
        assert.deepEqual(k.simulation, {
            enabled: false,
            scenario: "all",
            images: { attacker: undefined, victim: undefined },
        });
        assert.deepEqual(k.isolation, {
            enabled: false,
            namespaces: [],
            label: { key: "agentless-discovery/quarantine", value: "isolated" },
        });
        assert.deepEqual(k.clusters[0], {
            name: "eks-a",
            kind: "eks",
            sensor: true,
            identifiers: { cloud: "AWS", accountId: "123456789012", region: "eu-west-1", clusterName: "eks-a" },
            access: { mode: "kubeconfig", context: "eks-a", kubeconfig: undefined },
        });
    });

    it("reads the cloud identifiers of each kind", () => {
        const k = load({
            clusters: [
                { name: "arc", kind: "arc", resourceId: ARC_ID, region: "francecentral", access: { context: "arc" } },
                {
                    name: "gke",
                    kind: "gke",
                    projectId: "lab-project-42",
                    location: "europe-west1",
                    clusterName: "lab",
                    access: {
                        cloudCredentials: true,
                        endpoint: "https://34.1.2.3",
                        certificateAuthority: "LS0tLS1CRUdJTiBDRVJU",
                    },
                },
            ],
        }).kubernetes!;
        assert.deepEqual(k.clusters[0].identifiers, {
            cloud: "Azure",
            subscriptionId: SUB,
            resourceGroupName: "rg-lab",
            clusterName: "arc-lab",
            region: "francecentral",
            resourceId: ARC_ID,
        });
        assert.deepEqual(k.clusters[1].identifiers, {
            cloud: "GCP",
            projectId: "lab-project-42",
            location: "europe-west1",
            clusterName: "lab",
        });
        assert.deepEqual(k.clusters[1].access, {
            mode: "cloud",
            endpoint: "https://34.1.2.3",
            certificateAuthority: "LS0tLS1CRUdJTiBDRVJU",
        });
    });

    it("refuses an unknown scenario", () => {
        fails(
            () => load({ clusters: [eks], simulation: { scenario: "ransomware" } }),
            'config key "kubernetes.simulation.scenario" has value "ransomware"; expected one of recon, lateral-mov, secrets, crypto, webshell, all',
        );
    });

    for (const v of ["", "latest", "^1.2", "~3.18", "1.x", ">=3.0.0", "3.18", "*"]) {
        it(`refuses the floating chart version ${JSON.stringify(v)}`, () => {
            fails(
                () => load({ clusters: [eks], gatekeeper: { enabled: true, chartVersion: v } }),
                `config key "kubernetes.gatekeeper.chartVersion" has value ${JSON.stringify(v)}; expected an exact chart version such as 3.18.2; floating versions (empty, latest, ranges such as ^1.2, ~1.2, 1.x, >=1.0, *) are not allowed`,
            );
        });
    }

    it("requires a chart version once the chart is enabled", () => {
        fails(
            () => load({ clusters: [eks], sensor: { enabled: true } }),
            'config key "kubernetes.sensor.chartVersion" is missing; expected an exact chart version such as 3.18.2; floating versions (empty, latest, ranges such as ^1.2, ~1.2, 1.x, >=1.0, *) are not allowed',
        );
    });

    it("refuses the simulation on a production stack", () => {
        const images = {
            attacker: "registry.example.com/sim/attacker:1.0.0",
            victim: "registry.example.com/sim/victim:1.0.0",
        };
        assert.equal(
            load({ clusters: [eks], simulation: { enabled: true, images } }).kubernetes!.simulation.enabled,
            true,
        );
        fails(
            () => load({ clusters: [eks], simulation: { enabled: true, images } }, { production: true }),
            'config key "kubernetes.simulation.enabled" has value true; expected false on a production stack (agentless-discovery:production is true): the simulation runs attack tools and belongs on a cluster without production workloads',
        );
    });

    it("refuses floating simulation images", () => {
        fails(
            () =>
                load({
                    clusters: [eks],
                    simulation: { enabled: true, images: { attacker: "attacker:latest", victim: "victim:1.0" } },
                }),
            'config key "kubernetes.simulation.images.attacker" has value "attacker:latest"; expected an image reference pinned by tag or digest, such as registry.example.com/sim/attacker:1.4.2 or ...@sha256:<64 hex> (not :latest without a digest, not untagged)',
        );
    });

    it("refuses an excluded namespace list that leaves Gatekeeper checking its own namespace", () => {
        fails(
            () => load({ clusters: [eks], gatekeeper: { excludedNamespaces: ["kube-system", "mdc"] } }),
            'config key "kubernetes.gatekeeper.excludedNamespaces" has value ["kube-system","mdc"]; expected a list that includes "gatekeeper-system": Gatekeeper must not check its own namespace, or a failing webhook blocks its own repair',
        );
    });

    it("reads gatekeeper.wildcardRoleExemptions as the whole list of exact role names, refusing patterns and repeats", () => {
        const exempt = (v: unknown) =>
            load({ clusters: [eks], gatekeeper: { wildcardRoleExemptions: v } }).kubernetes!.gatekeeper
                .wildcardRoleExemptions;
        assert.deepEqual(exempt(["cluster-admin", "eks:addon-manager"]), ["cluster-admin", "eks:addon-manager"]);
        const expected =
            'expected an exact ClusterRole or Role name such as "cluster-admin": no "*", "/" or whitespace (a prefix would exempt any role given that name)';
        fails(
            () => exempt(["cluster-admin", "system:*"]),
            `config key "kubernetes.gatekeeper.wildcardRoleExemptions[1]" has value "system:*"; ${expected}`,
        );
        fails(
            () => exempt(["my role"]),
            `config key "kubernetes.gatekeeper.wildcardRoleExemptions[0]" has value "my role"; ${expected}`,
        );
        fails(
            () => exempt("cluster-admin"),
            'config key "kubernetes.gatekeeper.wildcardRoleExemptions" has value "cluster-admin"; expected a list of role names',
        );
        fails(
            () => exempt(["cluster-admin", "cluster-admin"]),
            'config key "kubernetes.gatekeeper.wildcardRoleExemptions[1]" has value "cluster-admin"; expected each role name listed once; it is already listed at kubernetes.gatekeeper.wildcardRoleExemptions[0]',
        );
    });

    it("refuses an excluded namespace list that would deny the sensor", () => {
        fails(
            () =>
                load({
                    clusters: [eks],
                    sensor: { enabled: true, chartVersion: "0.9.2" },
                    gatekeeper: { excludedNamespaces: ["gatekeeper-system", "kube-system"] },
                }),
            'config key "kubernetes.gatekeeper.excludedNamespaces" has value ["gatekeeper-system","kube-system"]; expected a list that includes "mdc": the sensor\'s workloads run there and add SYS_ADMIN, SYS_RESOURCE and SYS_PTRACE, which the capabilities constraint denies',
        );
        // Without the sensor, mdc need not be excluded.
        assert.deepEqual(
            load({ clusters: [eks], gatekeeper: { excludedNamespaces: ["gatekeeper-system"] } }).kubernetes!.gatekeeper
                .excludedNamespaces,
            ["gatekeeper-system"],
        );
    });

    it("refuses a cluster listed twice, by name or by identity", () => {
        fails(
            () => load({ clusters: [eks, { ...eks, accountId: "210987654321" }] }),
            'config key "kubernetes.clusters[1]" has value "eks-a"; expected each cluster name listed once; it is already listed at kubernetes.clusters[0]',
        );
        fails(
            () => load({ clusters: [eks, { ...eks, name: "eks-b", clusterName: "eks-a", access: { context: "b" } }] }),
            'config key "kubernetes.clusters[1]" has value "eks:123456789012:eu-west-1:eks-a"; expected each cluster (by its cloud identity) listed once; it is already listed at kubernetes.clusters[0]',
        );
    });

    it("requires a kubeconfig context, so that no cluster silently uses the current one", () => {
        fails(
            () => load({ clusters: [{ ...eks, access: {} }] }),
            'config key "kubernetes.clusters[0].access.context" is missing; expected the name of a kubeconfig context',
        );
    });

    it("refuses identifiers of another kind", () => {
        fails(
            () => load({ clusters: [{ ...eks, projectId: "lab-project-42" }] }),
            'config key "kubernetes.clusters[0].projectId" has value "lab-project-42"; expected no such key for a cluster of kind "eks"; its keys are accountId, region, clusterName',
        );
    });

    it("refuses a cluster whose sensor the Azure block already provisions", () => {
        const sensor = { enabled: true, chartVersion: "0.9.2" };
        const aks = {
            name: "aks-app",
            kind: "aks",
            resourceId: AKS_ID,
            region: "westeurope",
            access: { context: "aks-app" },
        };
        const arc = {
            name: "arc-lab",
            kind: "arc",
            resourceId: ARC_ID,
            region: "westeurope",
            access: { context: "arc-lab" },
        };
        fails(
            () =>
                loadStackConfig("t", {
                    cloud: "azure",
                    azure: azure({ atScale: { defenderProfile: true, arcDefender: false } }),
                    kubernetes: { clusters: [aks], sensor },
                }),
            `config key "kubernetes.clusters[0].resourceId" has value "${AKS_ID}"; expected a cluster not covered by azure.atScale.defenderProfile, which enables the Defender profile on every AKS cluster of subscription ${SUB}; set kubernetes.clusters[0].sensor to false, or switch off azure.atScale.defenderProfile`,
        );
        fails(
            () =>
                loadStackConfig("t", {
                    cloud: "azure",
                    azure: azure({ atScale: { defenderProfile: false, arcDefender: true } }),
                    kubernetes: { clusters: [arc], sensor },
                }),
            `config key "kubernetes.clusters[0].resourceId" has value "${ARC_ID}"; expected a cluster not covered by azure.atScale.arcDefender, which installs the Defender extension on every Arc-enabled cluster of subscription ${SUB}; set kubernetes.clusters[0].sensor to false, or switch off azure.atScale.arcDefender`,
        );
        fails(
            () =>
                loadStackConfig("t", {
                    cloud: "azure",
                    azure: azure({
                        arcClusters: [ARC_ID],
                        arcExtensions: { defender: true },
                        logAnalyticsWorkspaceId: `/subscriptions/${SUB}/resourceGroups/rg-sec/providers/Microsoft.OperationalInsights/workspaces/law-lab`,
                    }),
                    kubernetes: { clusters: [arc], sensor },
                }),
            `config key "kubernetes.clusters[0].resourceId" has value "${ARC_ID}"; expected a cluster not covered by azure.arcExtensions.defender, which installs the Defender extension on the clusters of azure.arcClusters; set kubernetes.clusters[0].sensor to false, or switch off azure.arcExtensions.defender`,
        );
        // The per-cluster opt-out resolves it; so does a cluster of another subscription.
        assert.equal(
            loadStackConfig("t", {
                cloud: "azure",
                azure: azure({
                    arcClusters: [ARC_ID],
                    arcExtensions: { defender: true },
                    logAnalyticsWorkspaceId: `/subscriptions/${SUB}/resourceGroups/rg-sec/providers/Microsoft.OperationalInsights/workspaces/law-lab`,
                }),
                kubernetes: { clusters: [{ ...arc, sensor: false }], sensor },
            }).kubernetes!.clusters[0].sensor,
            false,
        );
    });

    it("refuses a typo in the block", () => {
        fails(
            () => load({ clusters: [eks], gatekeper: {} }),
            'config key "kubernetes.gatekeper" has value {}; expected no such key; allowed keys under "kubernetes": clusters, sensor, gatekeeper, simulation, isolation',
        );
    });

    it("refuses isolation in the cluster's own namespaces", () => {
        fails(
            () => load({ clusters: [eks], isolation: { enabled: true, namespaces: ["payments", "kube-system"] } }),
            'config key "kubernetes.isolation.namespaces[1]" has value "kube-system"; expected a workload namespace; not kube-system, gatekeeper-system, mdc or mdc-simulation',
        );
    });
});

describe("sensor route conflicts", () => {
    const SUB2 = "9b1c4e2a-5d3f-4a6b-8c7d-2e1f0a9b8c7d";
    const eks = {
        name: "rc-eks",
        kind: "eks",
        accountId: "123456789012",
        region: "eu-west-1",
        access: { context: "rc-eks" },
    };
    const arcId = `/subscriptions/${SUB2}/resourceGroups/rg/providers/Microsoft.Kubernetes/connectedClusters/rc-arc`;
    const base = {
        subscriptionId: SUB2,
        location: "westeurope",
        atScale: { arcDefender: false, defenderProfile: false },
        arcExtensions: { defender: false },
    };
    const sensor = { enabled: true, chartVersion: "0.9.2" };

    it("refuses Helm alongside policy 64def556, naming both", () => {
        assert.throws(
            () =>
                loadStackConfig("t", {
                    cloud: "azure",
                    azure: { ...base, atScale: { arcDefender: false, defenderProfile: true } },
                    kubernetes: { clusters: [eks], sensor },
                }),
            (e: unknown) =>
                e instanceof Error &&
                e.message ===
                    'config key "azure.atScale.defenderProfile" has value true; expected false while kubernetes.clusters[0] installs the sensor with Helm (kubernetes.sensor): ' +
                        "Microsoft's Helm route requires policy 64def556 (Configure AKS clusters to enable Defender profile) to be removed first",
        );
        assert.equal(
            loadStackConfig("t", { cloud: "azure", azure: base, kubernetes: { clusters: [eks], sensor } }).kubernetes!
                .clusters[0].sensor,
            true,
        );
    });

    it("refuses Helm on an Arc cluster in favour of the Arc extension", () => {
        const arc = {
            name: "rc-arc",
            kind: "arc",
            resourceId: arcId,
            region: "westeurope",
            access: { context: "rc-arc" },
        };
        assert.throws(
            () => loadStackConfig("t", { cloud: "azure", azure: base, kubernetes: { clusters: [arc], sensor } }),
            (e: unknown) =>
                e instanceof Error &&
                e.message ===
                    'config key "kubernetes.clusters[0].sensor" has value true; expected false for an Arc-enabled cluster: the sensor\'s Helm route is for AKS, EKS and GKE; list the cluster in azure.arcClusters and use azure.arcExtensions.defender',
        );
    });
});
