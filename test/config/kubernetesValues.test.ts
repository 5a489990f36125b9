import { strict as assert } from "assert";
import { loadStackConfig } from "../../config";
import { loadKubernetesConfig } from "../../config/kubernetes";
import { configErrorMessage } from "../helpers/configError";

// Every value of the `agentless-discovery:kubernetes` block: the normalised config a good value gives,
// and the one message (key, value, what is allowed) a bad one gets.

const SUB = "9b1c4e2a-5d3f-4a6b-8c7d-2e1f0a9b8c7d";
const OTHER_SUB = "0a1b2c3d-4e5f-4a6b-8c7d-9e8f7a6b5c4d";
const AKS_ID = `/subscriptions/${SUB}/resourceGroups/rg-app/providers/Microsoft.ContainerService/managedClusters/aks-app`;
const ARC_ID = `/subscriptions/${SUB}/resourceGroups/rg-lab/providers/Microsoft.Kubernetes/connectedClusters/arc-lab`;
const AKS_SHAPE =
    "/subscriptions/<subscription GUID>/resourceGroups/<group>/providers/Microsoft.ContainerService/managedClusters/<name>";
const ARC_SHAPE =
    "/subscriptions/<subscription GUID>/resourceGroups/<group>/providers/Microsoft.Kubernetes/connectedClusters/<name>";
const CA = "LS0tLS1CRUdJTiBDRVJU";

const eks = {
    name: "eks-a",
    kind: "eks",
    accountId: "123456789012",
    region: "eu-west-1",
    access: { context: "eks-a" },
};
const gke = {
    name: "gke-a",
    kind: "gke",
    projectId: "lab-project-42",
    location: "europe-west1",
    access: { context: "gke-a" },
};
const aks = { name: "aks-app", kind: "aks", resourceId: AKS_ID, region: "westeurope", access: { context: "aks-app" } };
const arc = { name: "arc-lab", kind: "arc", resourceId: ARC_ID, region: "westeurope", access: { context: "arc-lab" } };
const images = { attacker: "registry.example.com/sim/attacker:1.0.0", victim: "registry.example.com/sim/victim:1.0.0" };

function load(block: unknown, production = false) {
    return loadKubernetesConfig(block, production);
}
const message = configErrorMessage;
const withCluster = (over: Record<string, unknown>, base: Record<string, unknown> = eks) => ({
    clusters: [{ ...base, ...over }],
});

describe("kubernetes config values", () => {
    it("is absent for an absent or null block, and refuses a block that is not an object", () => {
        assert.equal(load(undefined), undefined);
        assert.equal(load(null), undefined);
        assert.equal(
            message(() => load("eks-a")),
            'config key "kubernetes" has value "eks-a"; expected an object with keys clusters, sensor, gatekeeper, simulation, isolation',
        );
    });

    const refused: [string, unknown, string][] = [
        [
            "no clusters",
            {},
            'config key "kubernetes.clusters" is missing; expected a list of at least one cluster (leave the kubernetes block out to manage no add-ons)',
        ],
        [
            "an empty cluster list",
            { clusters: [] },
            'config key "kubernetes.clusters" has value []; expected a list of at least one cluster (leave the kubernetes block out to manage no add-ons)',
        ],
        [
            "clusters that are not a list",
            { clusters: "eks-a" },
            'config key "kubernetes.clusters" has value "eks-a"; expected a list of clusters ({ name, kind, ..., access })',
        ],
        [
            "an unknown key in a cluster",
            withCluster({ cluster: "x" }),
            'config key "kubernetes.clusters[0].cluster" has value "x"; expected no such key; allowed keys under "kubernetes.clusters[0]": name, kind, access, sensor, resourceId, region, accountId, projectId, location, clusterName',
        ],
        [
            "a cluster without a name",
            withCluster({ name: undefined }),
            `config key "kubernetes.clusters[0].name" is missing; expected a cluster name: 1 to 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit`,
        ],
        [
            "a cluster name ending in '-'",
            withCluster({ name: "eks-" }),
            `config key "kubernetes.clusters[0].name" has value "eks-"; expected a cluster name: 1 to 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit`,
        ],
        [
            "an unknown kind",
            withCluster({ kind: "openshift" }),
            'config key "kubernetes.clusters[0].kind" has value "openshift"; expected one of aks, arc, eks, gke',
        ],
        [
            "a cluster sensor flag that is not a boolean",
            withCluster({ sensor: "yes" }),
            'config key "kubernetes.clusters[0].sensor" has value "yes"; expected true or false',
        ],
        // Identifiers, per kind.
        [
            "an AKS cluster without a resource id",
            withCluster({ resourceId: undefined }, aks),
            `config key "kubernetes.clusters[0].resourceId" is missing; expected an AKS cluster resource id ${AKS_SHAPE}`,
        ],
        [
            "an Arc cluster's id on an AKS cluster",
            withCluster({ resourceId: ARC_ID }, aks),
            `config key "kubernetes.clusters[0].resourceId" has value "${ARC_ID}"; expected an AKS cluster resource id ${AKS_SHAPE}`,
        ],
        [
            "an Arc cluster without a resource id",
            withCluster({ resourceId: undefined }, arc),
            `config key "kubernetes.clusters[0].resourceId" is missing; expected an Arc-enabled cluster resource id ${ARC_SHAPE}`,
        ],
        [
            "an AKS cluster's id on an Arc cluster",
            withCluster({ resourceId: AKS_ID }, arc),
            `config key "kubernetes.clusters[0].resourceId" has value "${AKS_ID}"; expected an Arc-enabled cluster resource id ${ARC_SHAPE}`,
        ],
        [
            "an Azure region in display form",
            withCluster({ region: "West Europe" }, aks),
            'config key "kubernetes.clusters[0].region" has value "West Europe"; expected an Azure region name such as westeurope',
        ],
        [
            "an AKS cluster with an AWS account",
            withCluster({ accountId: "123456789012" }, aks),
            'config key "kubernetes.clusters[0].accountId" has value "123456789012"; expected no such key for a cluster of kind "aks"; its keys are resourceId, region',
        ],
        [
            "an Arc cluster with a cluster name",
            withCluster({ clusterName: "arc" }, arc),
            'config key "kubernetes.clusters[0].clusterName" has value "arc"; expected no such key for a cluster of kind "arc"; its keys are resourceId, region',
        ],
        [
            "a GKE cluster with a region",
            withCluster({ region: "europe-west1" }, gke),
            'config key "kubernetes.clusters[0].region" has value "europe-west1"; expected no such key for a cluster of kind "gke"; its keys are projectId, location, clusterName',
        ],
        [
            "an AWS account id read as a number",
            withCluster({ accountId: 123456789012 }),
            'config key "kubernetes.clusters[0].accountId" has value 123456789012; expected a 12-digit AWS account id (quote it in YAML)',
        ],
        [
            "an EKS cluster without a region",
            withCluster({ region: undefined }),
            'config key "kubernetes.clusters[0].region" is missing; expected an AWS region name such as eu-west-1',
        ],
        [
            "an EKS cluster in a made-up region",
            withCluster({ region: "eu-moon-1" }),
            'config key "kubernetes.clusters[0].region" has value "eu-moon-1"; expected an AWS region: <area>-<direction>-<number> such as eu-west-1, with area one of us, eu, ap, sa, ca, me, af, il, mx, cn, us-gov, us-iso, us-isob, eu-isoe, us-isof, eusc-de and direction one of north, south, east, west, central, northeast, northwest, southeast, southwest',
        ],
        [
            "an EKS cluster name starting with '-'",
            withCluster({ clusterName: "-lab" }),
            `config key "kubernetes.clusters[0].clusterName" has value "-lab"; expected the EKS cluster name: 1 to 100 letters, digits, '-' and '_'`,
        ],
        [
            "an EKS cluster name with a '.'",
            withCluster({ clusterName: "lab.dublin" }),
            `config key "kubernetes.clusters[0].clusterName" has value "lab.dublin"; expected the EKS cluster name: 1 to 100 letters, digits, '-' and '_'`,
        ],
        [
            "an EKS cluster name of 101 characters",
            withCluster({ clusterName: "e".repeat(101) }),
            `config key "kubernetes.clusters[0].clusterName" has value "${"e".repeat(101)}"; expected the EKS cluster name: 1 to 100 letters, digits, '-' and '_'`,
        ],
        [
            "a GKE cluster without a project",
            withCluster({ projectId: undefined }, gke),
            'config key "kubernetes.clusters[0].projectId" is missing; expected a GCP project id: 6 to 30 lower-case letters, digits and hyphens, starting with a letter',
        ],
        [
            "a GKE cluster without a location",
            withCluster({ location: undefined }, gke),
            'config key "kubernetes.clusters[0].location" is missing; expected a GCP region or zone such as europe-west1 or europe-west1-b',
        ],
        ...["Lab", "1lab", "lab-", "lab_a", "g".repeat(41), "-lab"].map((v): [string, unknown, string] => [
            `the GKE cluster name ${JSON.stringify(v)}`,
            withCluster({ clusterName: v }, gke),
            `config key "kubernetes.clusters[0].clusterName" has value "${v}"; expected the GKE cluster name: 1 to 40 lower-case letters, digits and '-', starting with a letter`,
        ]),
        // Access.
        [
            "a cluster without access",
            withCluster({ access: undefined }),
            'config key "kubernetes.clusters[0].access" is missing; expected an object: { context, kubeconfig } or { cloudCredentials: true, endpoint, certificateAuthority }',
        ],
        [
            "a cluster with null access",
            withCluster({ access: null }),
            'config key "kubernetes.clusters[0].access" is missing; expected an object: { context, kubeconfig } or { cloudCredentials: true, endpoint, certificateAuthority }',
        ],
        [
            "access given as a context name",
            withCluster({ access: "eks-a" }),
            'config key "kubernetes.clusters[0].access" has value "eks-a"; expected an object with keys context, kubeconfig, cloudCredentials, endpoint, certificateAuthority',
        ],
        [
            "an unknown key under access",
            withCluster({ access: { context: "eks-a", token: "t" } }),
            'config key "kubernetes.clusters[0].access.token" has value "t"; expected no such key; allowed keys under "kubernetes.clusters[0].access": context, kubeconfig, cloudCredentials, endpoint, certificateAuthority',
        ],
        [
            "cloudCredentials that is not a boolean",
            withCluster({ access: { cloudCredentials: "yes" } }),
            'config key "kubernetes.clusters[0].access.cloudCredentials" has value "yes"; expected true or false',
        ],
        [
            "cloud credentials for an Arc cluster",
            withCluster(
                { access: { cloudCredentials: true, endpoint: "https://arc.example.com", certificateAuthority: CA } },
                arc,
            ),
            'config key "kubernetes.clusters[0].access.cloudCredentials" has value true; expected false for an Arc-enabled cluster: it has no cloud credential plug-in; give a kubeconfig context',
        ],
        [
            "a context alongside cloud credentials",
            withCluster({ access: { cloudCredentials: "true", context: "eks-a" } }),
            'config key "kubernetes.clusters[0].access.context" has value "eks-a"; expected nothing while cloudCredentials is true: the cloud\'s plug-in builds the credentials',
        ],
        [
            "a kubeconfig alongside cloud credentials",
            withCluster({ access: { cloudCredentials: true, kubeconfig: "/k/config" } }),
            'config key "kubernetes.clusters[0].access.kubeconfig" has value "/k/config"; expected nothing while cloudCredentials is true: the cloud\'s plug-in builds the credentials',
        ],
        [
            "cloud credentials without an endpoint",
            withCluster({ access: { cloudCredentials: true, certificateAuthority: CA } }),
            'config key "kubernetes.clusters[0].access.endpoint" is missing; expected the API server\'s URL: https://<host name, IPv4 or [IPv6] address>[:<port>], without user or path',
        ],
        [
            "cloud credentials with a plain http endpoint",
            withCluster({ access: { cloudCredentials: true, endpoint: "http://34.1.2.3", certificateAuthority: CA } }),
            'config key "kubernetes.clusters[0].access.endpoint" has value "http://34.1.2.3"; expected the API server\'s URL: https://<host name, IPv4 or [IPv6] address>[:<port>], without user or path',
        ],
        ...[
            "https://34.1.2.3:https",
            "https://admin:secret@34.1.2.3",
            "https://34.1.2.3:443:443",
            "https://34.1.2.3/api",
        ].map((v): [string, unknown, string] => [
            `the endpoint ${v}`,
            withCluster({ access: { cloudCredentials: true, endpoint: v, certificateAuthority: CA } }),
            `config key "kubernetes.clusters[0].access.endpoint" has value "${v}"; expected the API server's URL: https://<host name, IPv4 or [IPv6] address>[:<port>], without user or path`,
        ]),
        [
            "cloud credentials without a CA",
            withCluster({ access: { cloudCredentials: true, endpoint: "https://34.1.2.3" } }),
            'config key "kubernetes.clusters[0].access.certificateAuthority" is missing; expected the cluster CA certificate, base64-encoded PEM',
        ],
        [
            "an endpoint without cloud credentials",
            withCluster({ access: { context: "eks-a", endpoint: "https://34.1.2.3" } }),
            'config key "kubernetes.clusters[0].access.endpoint" has value "https://34.1.2.3"; expected nothing unless cloudCredentials is true',
        ],
        [
            "a CA with cloudCredentials false",
            withCluster({ access: { context: "eks-a", cloudCredentials: false, certificateAuthority: CA } }),
            `config key "kubernetes.clusters[0].access.certificateAuthority" has value "${CA}"; expected nothing unless cloudCredentials is true`,
        ],
        [
            "an empty context",
            withCluster({ access: { context: "" } }),
            'config key "kubernetes.clusters[0].access.context" is missing; expected the name of a kubeconfig context',
        ],
        [
            "an empty kubeconfig path",
            withCluster({ access: { context: "eks-a", kubeconfig: "" } }),
            'config key "kubernetes.clusters[0].access.kubeconfig" has value ""; expected a path to a kubeconfig file',
        ],
        // The same cluster twice.
        [
            "one AKS cluster under two names, its id in another letter case",
            { clusters: [aks, { ...aks, name: "aks-b", resourceId: AKS_ID.replace("rg-app", "RG-APP") }] },
            `config key "kubernetes.clusters[1]" has value "${AKS_ID.replace("rg-app", "RG-APP").toLowerCase()}"; expected each cluster (by its cloud identity) listed once; it is already listed at kubernetes.clusters[0]`,
        ],
        [
            "one GKE cluster under two names",
            {
                clusters: [
                    { ...gke, clusterName: "lab" },
                    { ...gke, name: "gke-b", clusterName: "lab" },
                ],
            },
            'config key "kubernetes.clusters[1]" has value "gke:lab-project-42:europe-west1:lab"; expected each cluster (by its cloud identity) listed once; it is already listed at kubernetes.clusters[0]',
        ],
        // Sensor and Gatekeeper.
        [
            "an unknown sensor key",
            { clusters: [eks], sensor: { version: "0.9.2" } },
            'config key "kubernetes.sensor.version" has value "0.9.2"; expected no such key; allowed keys under "kubernetes.sensor": enabled, chartVersion',
        ],
        [
            "a sensor flag that is not a boolean",
            { clusters: [eks], sensor: { enabled: "on" } },
            'config key "kubernetes.sensor.enabled" has value "on"; expected true or false',
        ],
        [
            "a floating sensor version while the sensor is off",
            { clusters: [eks], sensor: { chartVersion: "latest" } },
            'config key "kubernetes.sensor.chartVersion" has value "latest"; expected an exact chart version such as 3.18.2; floating versions (empty, latest, ranges such as ^1.2, ~1.2, 1.x, >=1.0, *) are not allowed',
        ],
        [
            "a chart version read as a number",
            { clusters: [eks], gatekeeper: { enabled: true, chartVersion: 3.18 } },
            'config key "kubernetes.gatekeeper.chartVersion" has value 3.18; expected an exact chart version such as 3.18.2; floating versions (empty, latest, ranges such as ^1.2, ~1.2, 1.x, >=1.0, *) are not allowed',
        ],
        [
            "a floating Gatekeeper version while Gatekeeper is off",
            { clusters: [eks], gatekeeper: { chartVersion: "3.x" } },
            'config key "kubernetes.gatekeeper.chartVersion" has value "3.x"; expected an exact chart version such as 3.18.2; floating versions (empty, latest, ranges such as ^1.2, ~1.2, 1.x, >=1.0, *) are not allowed',
        ],
        [
            "Gatekeeper enabled without a version",
            { clusters: [eks], gatekeeper: { enabled: "true" } },
            'config key "kubernetes.gatekeeper.chartVersion" is missing; expected an exact chart version such as 3.18.2; floating versions (empty, latest, ranges such as ^1.2, ~1.2, 1.x, >=1.0, *) are not allowed',
        ],
        [
            "an unknown Gatekeeper key",
            { clusters: [eks], gatekeeper: { mode: "deny" } },
            'config key "kubernetes.gatekeeper.mode" has value "deny"; expected no such key; allowed keys under "kubernetes.gatekeeper": enabled, chartVersion, enforcement, excludedNamespaces, wildcardRoleExemptions',
        ],
        [
            "a Gatekeeper flag that is not a boolean",
            { clusters: [eks], gatekeeper: { enabled: 1 } },
            'config key "kubernetes.gatekeeper.enabled" has value 1; expected true or false',
        ],
        [
            "an unknown enforcement action",
            { clusters: [eks], gatekeeper: { enforcement: "block" } },
            'config key "kubernetes.gatekeeper.enforcement" has value "block"; expected one of dryrun, warn, deny',
        ],
        [
            "excluded namespaces that are not a list",
            { clusters: [eks], gatekeeper: { excludedNamespaces: "gatekeeper-system" } },
            'config key "kubernetes.gatekeeper.excludedNamespaces" has value "gatekeeper-system"; expected a list of namespace names',
        ],
        [
            "an excluded namespace that is not a DNS label",
            { clusters: [eks], gatekeeper: { excludedNamespaces: ["gatekeeper-system", "Kube_System"] } },
            'config key "kubernetes.gatekeeper.excludedNamespaces[1]" has value "Kube_System"; expected a namespace name: 1 to 63 lower-case letters, digits and \'-\', starting and ending alphanumeric',
        ],
        [
            "an excluded namespace listed twice",
            { clusters: [eks], gatekeeper: { excludedNamespaces: ["gatekeeper-system", "gatekeeper-system"] } },
            'config key "kubernetes.gatekeeper.excludedNamespaces[1]" has value "gatekeeper-system"; expected each namespace listed once; it is already listed at kubernetes.gatekeeper.excludedNamespaces[0]',
        ],
        [
            "an excluded namespace list without kube-system, where the sensor's collector runs",
            {
                clusters: [eks],
                sensor: { enabled: true, chartVersion: "0.9.2" },
                gatekeeper: { excludedNamespaces: ["gatekeeper-system", "mdc"] },
            },
            'config key "kubernetes.gatekeeper.excludedNamespaces" has value ["gatekeeper-system","mdc"]; expected a list that includes "kube-system": the sensor\'s workloads run there and add SYS_ADMIN, SYS_RESOURCE and SYS_PTRACE, which the capabilities constraint denies',
        ],
        [
            "an empty wildcard role name",
            { clusters: [eks], gatekeeper: { wildcardRoleExemptions: [""] } },
            'config key "kubernetes.gatekeeper.wildcardRoleExemptions[0]" is missing; expected an exact ClusterRole or Role name such as "cluster-admin": no "*", "/" or whitespace (a prefix would exempt any role given that name)',
        ],
        // Simulation.
        [
            "an unknown simulation key",
            { clusters: [eks], simulation: { image: "x" } },
            'config key "kubernetes.simulation.image" has value "x"; expected no such key; allowed keys under "kubernetes.simulation": enabled, scenario, images',
        ],
        [
            "a simulation flag that is not a boolean",
            { clusters: [eks], simulation: { enabled: "no" } },
            'config key "kubernetes.simulation.enabled" has value "no"; expected true or false',
        ],
        [
            "an unknown image key",
            { clusters: [eks], simulation: { images: { ...images, target: "x" } } },
            'config key "kubernetes.simulation.images.target" has value "x"; expected no such key; allowed keys under "kubernetes.simulation.images": attacker, victim',
        ],
        [
            "the simulation without its victim image",
            { clusters: [eks], simulation: { enabled: true, images: { attacker: images.attacker } } },
            'config key "kubernetes.simulation.images.victim" is missing; expected an image reference pinned by tag or digest, such as registry.example.com/sim/attacker:1.4.2 or ...@sha256:<64 hex> (not :latest without a digest, not untagged)',
        ],
        [
            "an untagged image while the simulation is off",
            { clusters: [eks], simulation: { images: { victim: "registry.example.com/sim/victim" } } },
            'config key "kubernetes.simulation.images.victim" has value "registry.example.com/sim/victim"; expected an image reference pinned by tag or digest, such as registry.example.com/sim/attacker:1.4.2 or ...@sha256:<64 hex> (not :latest without a digest, not untagged)',
        ],
        // Isolation.
        ...[
            "registry.example.com/sim/victim:latest",
            "registry.example.com/sim/victim:",
            `registry.example.com/sim/victim@sha256:${"0f".repeat(31)}`,
            `registry.example.com/sim/victim:1.0@sha256:${"0F".repeat(32)}`,
            `registry.example.com/sim/victim:1.0@sha512:${"0f".repeat(32)}`,
            "Registry.example.com/sim/victim:1.0",
            `r.io/v:${"t".repeat(129)}`,
            "registry.example.com/sim/victim:.1",
        ].map((v): [string, unknown, string] => [
            `the image ${v}`,
            { clusters: [eks], simulation: { images: { victim: v } } },
            `config key "kubernetes.simulation.images.victim" has value ${JSON.stringify(v)}; expected an image reference pinned by tag or digest, such as registry.example.com/sim/attacker:1.4.2 or ...@sha256:<64 hex> (not :latest without a digest, not untagged)`,
        ]),
        [
            "an unknown isolation key",
            { clusters: [eks], isolation: { namespace: "payments" } },
            'config key "kubernetes.isolation.namespace" has value "payments"; expected no such key; allowed keys under "kubernetes.isolation": enabled, namespaces, label',
        ],
        [
            "an isolation flag that is not a boolean",
            { clusters: [eks], isolation: { enabled: "y" } },
            'config key "kubernetes.isolation.enabled" has value "y"; expected true or false',
        ],
        [
            "isolation enabled without namespaces",
            { clusters: [eks], isolation: { enabled: true } },
            'config key "kubernetes.isolation.namespaces" has value []; expected a list of at least one namespace to place the quarantine NetworkPolicy in',
        ],
        [
            "isolation enabled with an empty namespace list",
            { clusters: [eks], isolation: { enabled: true, namespaces: [] } },
            'config key "kubernetes.isolation.namespaces" has value []; expected a list of at least one namespace to place the quarantine NetworkPolicy in',
        ],
        [
            "an isolation namespace that is not a DNS label",
            { clusters: [eks], isolation: { namespaces: ["Payments"] } },
            'config key "kubernetes.isolation.namespaces[0]" has value "Payments"; expected a namespace name: 1 to 63 lower-case letters, digits and \'-\', starting and ending alphanumeric',
        ],
        ...["gatekeeper-system", "mdc", "mdc-simulation"].map((ns): [string, unknown, string] => [
            `isolation in ${ns}, even while isolation is off`,
            { clusters: [eks], isolation: { namespaces: ["payments", ns] } },
            `config key "kubernetes.isolation.namespaces[1]" has value "${ns}"; expected a workload namespace; not kube-system, gatekeeper-system, mdc or mdc-simulation`,
        ]),
        [
            "an unknown label key",
            { clusters: [eks], isolation: { label: { name: "x" } } },
            'config key "kubernetes.isolation.label.name" has value "x"; expected no such key; allowed keys under "kubernetes.isolation.label": key, value',
        ],
        [
            "a label key with an upper-case prefix",
            { clusters: [eks], isolation: { label: { key: "Example.com/quarantine" } } },
            `config key "kubernetes.isolation.label.key" has value "Example.com/quarantine"; expected a label key: an optional DNS-subdomain prefix and '/', then 1 to 63 letters, digits, '-', '_' or '.', starting and ending alphanumeric`,
        ],
        [
            "a label key whose prefix is longer than a DNS subdomain's 253 characters",
            { clusters: [eks], isolation: { label: { key: `${"a".repeat(254)}/quarantine` } } },
            `config key "kubernetes.isolation.label.key" has value "${"a".repeat(156)}...; expected a label key: an optional DNS-subdomain prefix and '/', then 1 to 63 letters, digits, '-', '_' or '.', starting and ending alphanumeric`,
        ],
        [
            "a label key whose name is longer than 63 characters",
            { clusters: [eks], isolation: { label: { key: `example.com/${"q".repeat(64)}` } } },
            `config key "kubernetes.isolation.label.key" has value "example.com/${"q".repeat(64)}"; expected a label key: an optional DNS-subdomain prefix and '/', then 1 to 63 letters, digits, '-', '_' or '.', starting and ending alphanumeric`,
        ],
        [
            "a label value with a space",
            { clusters: [eks], isolation: { label: { value: "cut off" } } },
            `config key "kubernetes.isolation.label.value" has value "cut off"; expected a label value: 1 to 63 letters, digits, '-', '_' or '.', starting and ending alphanumeric`,
        ],
    ];
    for (const [what, block, expected] of refused) {
        it(`refuses ${what}`, () =>
            assert.equal(
                message(() => load(block)),
                expected,
            ));
    }

    it("normalises the identifiers of each kind, with the cluster name as the default EKS and GKE name", () => {
        const k = load({
            clusters: [
                aks,
                { ...arc, region: "francecentral" },
                { ...eks, region: "us-gov-west-1", sensor: "false" },
                { ...eks, name: "eks-b", clusterName: `E${"k_-".repeat(33)}`, access: { context: "b" } },
                gke,
                { ...gke, name: "gke-b", clusterName: `g${"a-".repeat(19)}z`, location: "europe-west1-b" },
                { ...gke, name: "gke-c", clusterName: "g", location: "us-central1" },
            ],
        })!;
        assert.deepEqual(
            k.clusters.map((c) => [c.name, c.kind, c.sensor, c.identifiers]),
            [
                [
                    "aks-app",
                    "aks",
                    true,
                    {
                        cloud: "Azure",
                        subscriptionId: SUB,
                        resourceGroupName: "rg-app",
                        clusterName: "aks-app",
                        region: "westeurope",
                        resourceId: AKS_ID,
                    },
                ],
                [
                    "arc-lab",
                    "arc",
                    true,
                    {
                        cloud: "Azure",
                        subscriptionId: SUB,
                        resourceGroupName: "rg-lab",
                        clusterName: "arc-lab",
                        region: "francecentral",
                        resourceId: ARC_ID,
                    },
                ],
                [
                    "eks-a",
                    "eks",
                    false,
                    { cloud: "AWS", accountId: "123456789012", region: "us-gov-west-1", clusterName: "eks-a" },
                ],
                [
                    "eks-b",
                    "eks",
                    true,
                    {
                        cloud: "AWS",
                        accountId: "123456789012",
                        region: "eu-west-1",
                        clusterName: `E${"k_-".repeat(33)}`,
                    },
                ],
                [
                    "gke-a",
                    "gke",
                    true,
                    { cloud: "GCP", projectId: "lab-project-42", location: "europe-west1", clusterName: "gke-a" },
                ],
                [
                    "gke-b",
                    "gke",
                    true,
                    {
                        cloud: "GCP",
                        projectId: "lab-project-42",
                        location: "europe-west1-b",
                        clusterName: `g${"a-".repeat(19)}z`,
                    },
                ],
                [
                    "gke-c",
                    "gke",
                    true,
                    { cloud: "GCP", projectId: "lab-project-42", location: "us-central1", clusterName: "g" },
                ],
            ],
        );
    });

    it("reads both access modes", () => {
        const k = load({
            clusters: [
                { ...eks, access: { context: "eks-a", kubeconfig: "/k/eks", cloudCredentials: "false" } },
                {
                    ...gke,
                    access: { cloudCredentials: true, endpoint: "https://34.1.2.3:443/", certificateAuthority: CA },
                },
                {
                    ...gke,
                    name: "gke-b",
                    clusterName: "gke-b",
                    access: {
                        cloudCredentials: true,
                        endpoint: "https://[2600:1900:4000::1]",
                        certificateAuthority: CA,
                    },
                },
                {
                    ...eks,
                    name: "eks-b",
                    clusterName: "eks-b",
                    access: {
                        cloudCredentials: true,
                        endpoint: "https://0A1B2C3D.gr7.eu-west-1.eks.amazonaws.com",
                        certificateAuthority: CA,
                    },
                },
            ],
        })!;
        assert.deepEqual(
            k.clusters.map((c) => c.access),
            [
                { mode: "kubeconfig", context: "eks-a", kubeconfig: "/k/eks" },
                { mode: "cloud", endpoint: "https://34.1.2.3:443/", certificateAuthority: CA },
                { mode: "cloud", endpoint: "https://[2600:1900:4000::1]", certificateAuthority: CA },
                {
                    mode: "cloud",
                    endpoint: "https://0A1B2C3D.gr7.eu-west-1.eks.amazonaws.com",
                    certificateAuthority: CA,
                },
            ],
        );
    });

    it("tells apart clusters of the same name in other projects, locations or accounts", () => {
        const k = load({
            clusters: [
                { ...gke, clusterName: "lab" },
                { ...gke, name: "gke-b", clusterName: "lab", projectId: "other-project" },
                { ...gke, name: "gke-c", clusterName: "lab", location: "europe-west4" },
                { ...eks, name: "eks-b", clusterName: "eks-a", accountId: "210987654321", access: { context: "b" } },
            ],
        })!;
        assert.deepEqual(
            k.clusters.map((c) => c.name),
            ["gke-a", "gke-b", "gke-c", "eks-b"],
        );
    });

    it("reads exact chart versions, trimmed, whether or not the chart is enabled", () => {
        const k = load({
            clusters: [eks],
            sensor: { enabled: true, chartVersion: " 0.9.2 " },
            gatekeeper: { chartVersion: "3.18.2-rc.1+build.5\n", enforcement: "deny" },
        })!;
        assert.deepEqual(k.sensor, { enabled: true, chartVersion: "0.9.2" });
        assert.equal(k.gatekeeper.chartVersion, "3.18.2-rc.1+build.5");
        assert.equal(k.gatekeeper.enabled, false);
        assert.equal(k.gatekeeper.enforcement, "deny");
        assert.deepEqual(load({ clusters: [eks], sensor: { chartVersion: "1.0.0" } })!.sensor, {
            enabled: false,
            chartVersion: "1.0.0",
        });
    });

    it("excludes Gatekeeper's, kube-system's and the sensor's namespaces by default, and accepts an own list", () => {
        const on = { enabled: true, chartVersion: "0.9.2" };
        assert.deepEqual(load({ clusters: [eks], sensor: on })!.gatekeeper.excludedNamespaces, [
            "gatekeeper-system",
            "kube-system",
            "mdc",
        ]);
        assert.deepEqual(
            load({
                clusters: [eks],
                sensor: on,
                gatekeeper: { excludedNamespaces: ["mdc", "gatekeeper-system", "kube-system", "ops"] },
            })!.gatekeeper.excludedNamespaces,
            ["mdc", "gatekeeper-system", "kube-system", "ops"],
        );
        assert.deepEqual(
            load({ clusters: [eks], gatekeeper: { wildcardRoleExemptions: [] } })!.gatekeeper.wildcardRoleExemptions,
            [],
        );
    });

    it("reads the simulation's images and scenario, and its images when off", () => {
        const digest = `registry.example.com:5000/sim/victim@sha256:${"ab".repeat(32)}`;
        assert.deepEqual(
            load({
                clusters: [eks],
                simulation: { enabled: "true", scenario: "crypto", images: { ...images, victim: digest } },
            })!.simulation,
            { enabled: true, scenario: "crypto", images: { attacker: images.attacker, victim: digest } },
        );
        assert.deepEqual(load({ clusters: [eks], simulation: { images: { attacker: images.attacker } } })!.simulation, {
            enabled: false,
            scenario: "all",
            images: { attacker: images.attacker, victim: undefined },
        });
        // A tag with a digest is pinned by the digest, whatever the tag.
        const tagged = `quay.io/sim/victim:latest@sha256:${"0f".repeat(32)}`;
        assert.equal(
            load({ clusters: [eks], simulation: { images: { victim: tagged } } })!.simulation.images.victim,
            tagged,
        );
        // Off on a production stack is fine.
        assert.equal(load({ clusters: [eks], simulation: { enabled: false } }, true)!.simulation.enabled, false);
    });

    it("reads label keys up to the longest prefix and name", () => {
        const prefix = ["a".repeat(63), "b".repeat(63), "c".repeat(63), "d".repeat(61)].join(".");
        const key = `${prefix}/${"q".repeat(63)}`;
        assert.equal(prefix.length, 253);
        assert.equal(load({ clusters: [eks], isolation: { label: { key } } })!.isolation.label.key, key);
    });

    it("reads isolation's namespaces and its own label", () => {
        assert.deepEqual(
            load({
                clusters: [eks],
                isolation: {
                    enabled: true,
                    namespaces: ["payments", "shop"],
                    label: { key: "security.example.com/quarantined", value: "Yes_1.0" },
                },
            })!.isolation,
            {
                enabled: true,
                namespaces: ["payments", "shop"],
                label: { key: "security.example.com/quarantined", value: "Yes_1.0" },
            },
        );
    });
});

describe("kubernetes sensor route against the Azure block", () => {
    const sensor = { enabled: true, chartVersion: "0.9.2" };
    const workspace = `/subscriptions/${SUB}/resourceGroups/rg-sec/providers/Microsoft.OperationalInsights/workspaces/law-lab`;
    function stack(kubernetes: unknown, azure: Record<string, unknown> = {}) {
        return loadStackConfig("t", {
            cloud: "azure",
            azure: {
                subscriptionId: SUB,
                location: "westeurope",
                atScale: { defenderProfile: false, arcDefender: false },
                arcExtensions: { defender: false },
                ...azure,
            },
            kubernetes,
        });
    }
    const atScale = (defenderProfile: boolean, arcDefender: boolean) => ({ atScale: { defenderProfile, arcDefender } });

    it("lets the Azure block provision what the sensor route leaves alone", () => {
        // The sensor off: nothing to compare.
        assert.equal(stack({ clusters: [aks, arc] }, atScale(true, true)).kubernetes!.sensor.enabled, false);
        // Clusters of another subscription, or opted out, are not the Azure block's.
        const otherAks = { ...aks, name: "aks-other", resourceId: AKS_ID.replace(SUB, OTHER_SUB) };
        const otherArc = { ...arc, name: "arc-other", resourceId: ARC_ID.replace(SUB, OTHER_SUB) };
        assert.deepEqual(
            stack(
                {
                    clusters: [
                        { ...otherAks, sensor: false },
                        { ...otherArc, sensor: false },
                        { ...aks, sensor: false },
                        { ...arc, sensor: false },
                    ],
                    sensor,
                },
                atScale(false, true),
            ).kubernetes!.clusters.map((c) => c.sensor),
            [false, false, false, false],
        );
        assert.equal(stack({ clusters: [otherArc], sensor }, atScale(false, true)).kubernetes!.clusters.length, 1);
        // An AKS cluster with Helm while only the Arc policy is on.
        assert.equal(stack({ clusters: [aks], sensor }, atScale(false, true)).kubernetes!.clusters[0].sensor, true);
        // An AKS cluster of another subscription while the AKS policy is on.
        assert.equal(
            stack({ clusters: [{ ...otherAks, sensor: false }], sensor }, atScale(true, false)).kubernetes!.clusters[0]
                .sensor,
            false,
        );
    });

    it("names the first cluster that installs the sensor with Helm when policy 64def556 is on", () => {
        assert.equal(
            message(() =>
                stack(
                    {
                        clusters: [
                            { ...aks, sensor: false },
                            { ...eks, sensor: false, name: "eks-x", access: { context: "x" } },
                            eks,
                        ],
                        sensor,
                    },
                    atScale(true, false),
                ),
            ),
            'config key "azure.atScale.defenderProfile" has value true; expected false while kubernetes.clusters[2] installs the sensor with Helm (kubernetes.sensor): Microsoft\'s Helm route requires policy 64def556 (Configure AKS clusters to enable Defender profile) to be removed first',
        );
    });

    it("refuses Helm on an Arc cluster whether or not the Arc extension lists it", () => {
        const helmOnArc =
            'config key "kubernetes.clusters[0].sensor" has value true; expected false for an Arc-enabled cluster: the sensor\'s Helm route is for AKS, EKS and GKE; list the cluster in azure.arcClusters and use azure.arcExtensions.defender';
        const otherArcId = ARC_ID.replace("arc-lab", "arc-other");
        // The AKS policy on changes nothing for an Arc cluster.
        assert.equal(
            message(() => stack({ clusters: [arc], sensor }, atScale(true, false))),
            helmOnArc,
        );
        // The extension on, but for another Arc cluster only.
        assert.equal(
            message(() =>
                stack(
                    { clusters: [arc], sensor },
                    {
                        arcClusters: [otherArcId],
                        arcExtensions: { defender: true },
                        logAnalyticsWorkspaceId: workspace,
                    },
                ),
            ),
            helmOnArc,
        );
        // The extension on with no list covers every Arc cluster, this one too.
        assert.equal(
            message(() =>
                stack(
                    { clusters: [arc], sensor },
                    { arcExtensions: { defender: true }, logAnalyticsWorkspaceId: workspace },
                ),
            ),
            `config key "kubernetes.clusters[0].resourceId" has value "${ARC_ID}"; expected a cluster not covered by azure.arcExtensions.defender, which installs the Defender extension on the clusters of azure.arcClusters; set kubernetes.clusters[0].sensor to false, or switch off azure.arcExtensions.defender`,
        );
        // Listed in another letter case is still listed.
        assert.equal(
            message(() =>
                stack(
                    { clusters: [arc], sensor },
                    {
                        arcClusters: [
                            otherArcId,
                            ARC_ID.toUpperCase()
                                .replace("SUBSCRIPTIONS", "subscriptions")
                                .replace(SUB.toUpperCase(), SUB),
                        ],
                        arcExtensions: { defender: true },
                        logAnalyticsWorkspaceId: workspace,
                    },
                ),
            ).startsWith('config key "kubernetes.clusters[0].resourceId"'),
            true,
        );
    });

    it("takes a GKE location whose region number has two digits, as the GCP config does", () => {
        for (const location of ["europe-west10", "europe-west10-b", "me-central2-a"]) {
            const k = load({ clusters: [{ ...gke, location }] })!;
            assert.equal((k.clusters[0].identifiers as { location: string }).location, location, location);
        }
    });
});
