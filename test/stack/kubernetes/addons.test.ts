import { strict as assert } from "assert";
import { loadStackConfig } from "../../../config";
import { deployClusterAddons } from "../../../stack/kubernetes/addons";
import { AttackSimulation } from "../../../components/kubernetes/attackSimulation";
import { aksKubeconfig, ClusterProviders, gkeKubeconfig } from "../../../components/kubernetes/clusterProvider";
import { Gatekeeper } from "../../../components/kubernetes/gatekeeper";
import { PodQuarantine } from "../../../components/kubernetes/podQuarantine";
import { DefenderSensor, sensorValues } from "../../../components/kubernetes/sensor";
import { SENSOR_FOOTPRINT } from "../../../domain/kubernetes/sensorFootprint";
import { byType, one, registered, takeNotes } from "../../helpers/pulumi";

const SUB = "9b1c4e2a-5d3f-4a6b-8c7d-2e1f0a9b8c7d";
const CHART = "kubernetes:helm.sh/v4:Chart";

/** The parts of the Kubernetes objects' inputs that these tests read. */
interface Metadata {
    name: string;
    namespace?: string;
}
interface TemplateSpec {
    targets: { code: { engine: string }[] }[];
    crd: { spec: { names: { kind: string } } };
}
interface ConstraintSpec {
    enforcementAction: string;
    match: { excludedNamespaces: string[] };
    parameters?: unknown;
}
interface PodSpec {
    serviceAccountName?: string;
    containers: { env: unknown }[];
}
interface ServiceSpec {
    clusterIP: string;
}

describe("DefenderSensor", () => {
    it("installs the pinned chart as release defender-k8s in mdc with each cloud's identifiers", async () => {
        const rs = await registered(() => {
            new DefenderSensor("s-aws", {
                clusterName: "c1",
                chartVersion: "0.9.2",
                identifiers: { cloud: "AWS", accountId: "123456789012", region: "eu-west-1", clusterName: "lab" },
            });
            new DefenderSensor("s-gcp", {
                clusterName: "c2",
                chartVersion: "0.9.2",
                identifiers: {
                    cloud: "GCP",
                    projectId: "lab-project-42",
                    location: "europe-west1",
                    clusterName: "lab",
                },
            });
            new DefenderSensor("s-az", {
                clusterName: "c3",
                chartVersion: "0.9.2",
                identifiers: {
                    cloud: "Azure",
                    subscriptionId: SUB,
                    resourceGroupName: "rg-lab",
                    clusterName: "arc-lab",
                    region: "francecentral",
                    resourceId: "x",
                },
            });
        });
        const charts = byType(rs, CHART);
        for (const c of charts) {
            assert.equal(c.inputs.chart, "oci://mcr.microsoft.com/azuredefender/microsoft-defender-for-containers");
            assert.equal(c.inputs.version, "0.9.2");
            assert.equal(c.inputs.name, "defender-k8s");
            assert.equal(c.inputs.namespace, "mdc");
        }
        assert.deepEqual(one(rs, CHART, "s-aws").inputs.values, {
            global: {
                cloudIdentifiers: { AWS: { accountId: "123456789012", region: "eu-west-1", clusterName: "lab" } },
            },
        });
        assert.deepEqual(one(rs, CHART, "s-gcp").inputs.values, {
            global: {
                cloudIdentifiers: {
                    GCP: { projectId: "lab-project-42", location: "europe-west1", clusterName: "lab" },
                },
            },
        });
        assert.deepEqual(one(rs, CHART, "s-az").inputs.values, {
            global: {
                cloudIdentifiers: {
                    Azure: {
                        subscriptionId: SUB,
                        resourceGroupName: "rg-lab",
                        clusterName: "arc-lab",
                        region: "francecentral",
                    },
                },
            },
        });
        assert.equal(
            one(rs, "kubernetes:core/v1:Namespace", "s-aws-ns").inputs.metadata &&
                (one(rs, "kubernetes:core/v1:Namespace", "s-aws-ns").inputs.metadata as Metadata).name,
            "mdc",
        );
        assert.deepEqual(one(rs, "agentless:kubernetes:DefenderSensor", "s-aws").inputs, {
            cluster: "c1",
            chart: "oci://mcr.microsoft.com/azuredefender/microsoft-defender-for-containers",
            chartVersion: "0.9.2",
            release: "defender-k8s",
            namespace: "mdc",
            cloud: "AWS",
        });
    });

    it("expects the sensor footprint (docs/sources.md): two DaemonSets and a Deployment, only the collector DaemonSet with capabilities", () => {
        assert.deepEqual(
            SENSOR_FOOTPRINT.map((w) => [w.namePrefix, w.kind, w.capabilities.join(",")]),
            [
                ["microsoft-defender-collector-ds", "DaemonSet", "SYS_ADMIN,SYS_RESOURCE,SYS_PTRACE"],
                ["microsoft-defender-collector-misc", "Deployment", ""],
                ["microsoft-defender-publisher-ds", "DaemonSet", ""],
            ],
        );
        // Only the publisher talks to the outside, on 443.
        assert.deepEqual(
            SENSOR_FOOTPRINT.flatMap((w) => w.egress.map((e) => `${w.namePrefix}:${e.port}`)),
            ["microsoft-defender-publisher-ds:443"],
        );
        assert.deepEqual(
            Object.keys(sensorValues({ cloud: "AWS", accountId: "1", region: "r", clusterName: "c" }).global as object),
            ["cloudIdentifiers"],
        );
    });
});

describe("Gatekeeper component", () => {
    it("installs the chart from its repository, then templates, then one constraint per template", async () => {
        const rs = await registered(() => {
            new Gatekeeper("gk1", {
                clusterName: "c1",
                chartVersion: "3.18.2",
                enforcement: "warn",
                excludedNamespaces: ["gatekeeper-system", "kube-system", "mdc"],
            });
        });
        const chart = one(rs, CHART, "gk1");
        assert.deepEqual(
            {
                chart: chart.inputs.chart,
                version: chart.inputs.version,
                name: chart.inputs.name,
                namespace: chart.inputs.namespace,
                repositoryOpts: chart.inputs.repositoryOpts,
                values: chart.inputs.values,
            },
            {
                chart: "gatekeeper",
                version: "3.18.2",
                name: "gatekeeper",
                namespace: "gatekeeper-system",
                repositoryOpts: { repo: "https://open-policy-agent.github.io/gatekeeper/charts" },
                values: undefined,
            },
        );
        // No chart-level exemptNamespaces (it only permits the ignore label, and audit still reports):
        // the namespaces are excluded by every constraint, below.
        const templates = rs.filter((r) => r.type === "kubernetes:templates.gatekeeper.sh/v1:ConstraintTemplate");
        assert.equal(templates.length, 8);
        for (const t of templates) {
            const spec = t.inputs.spec as TemplateSpec;
            assert.equal(spec.targets[0].code[0].engine, "K8sNativeValidation");
            assert.equal((t.inputs.metadata as Metadata).name, spec.crd.spec.names.kind.toLowerCase());
        }
        const constraints = rs.filter((r) => r.type.startsWith("kubernetes:constraints.gatekeeper.sh/v1beta1:"));
        assert.deepEqual(constraints.map((c) => c.type.split(":")[2]).sort(), [
            "K8sClusterAdminBinding",
            "K8sPSPCapabilities",
            "K8sPSPHostFilesystem",
            "K8sPSPHostNamespace",
            "K8sPSPHostNetworkingPorts",
            "K8sPSPPrivilegedContainer",
            "K8sPublicService",
            "K8sWildcardRole",
        ]);
        for (const c of constraints) {
            assert.equal((c.inputs.spec as ConstraintSpec).enforcementAction, "warn");
            assert.deepEqual((c.inputs.spec as ConstraintSpec).match.excludedNamespaces, [
                "gatekeeper-system",
                "kube-system",
                "mdc",
            ]);
            assert.equal(c.parent, "gk1");
        }
        assert.deepEqual(
            (
                one(rs, "kubernetes:constraints.gatekeeper.sh/v1beta1:K8sClusterAdminBinding").inputs
                    .spec as ConstraintSpec
            ).parameters,
            { roles: ["cluster-admin"] },
        );
    });
});

describe("PodQuarantine", () => {
    it("puts one deny-all policy selecting the label in each namespace, with no rules", async () => {
        const rs = await registered(() => {
            new PodQuarantine("q1", {
                clusterName: "c1",
                namespaces: ["payments", "web"],
                label: { key: "security.example.com/quarantine", value: "true" },
            });
        });
        const policies = byType(rs, "kubernetes:networking.k8s.io/v1:NetworkPolicy");
        assert.deepEqual(
            policies.map((p) => (p.inputs.metadata as Metadata).namespace),
            ["payments", "web"],
        );
        for (const p of policies) {
            assert.equal((p.inputs.metadata as Metadata).name, "agentless-discovery-quarantine");
            assert.deepEqual(p.inputs.spec, {
                podSelector: { matchLabels: { "security.example.com/quarantine": "true" } },
                policyTypes: ["Ingress", "Egress"],
            });
        }
        assert.deepEqual(
            one(rs, "agentless:kubernetes:PodQuarantine").inputs.labelKey,
            "security.example.com/quarantine",
        );
    });
});

describe("AttackSimulation", () => {
    const images = {
        attacker: "registry.example.com/sim/attacker:1.0.0",
        victim: "registry.example.com/sim/victim:1.0.0",
    };

    it("deploys attacker and victim with headless services and the victim's service account in mdc-simulation", async () => {
        const rs = await registered(() => {
            new AttackSimulation("sim1", { clusterName: "c1", scenario: "secrets", production: false, images });
        });
        assert.deepEqual(
            (one(rs, "kubernetes:core/v1:Namespace", "sim1-ns").inputs.metadata as Metadata).name,
            "mdc-simulation",
        );
        const pods = byType(rs, "kubernetes:core/v1:Pod");
        assert.deepEqual(pods.map((p) => (p.inputs.metadata as Metadata).name).sort(), [
            "mdc-simulation-attacker",
            "mdc-simulation-victim",
        ]);
        const services = byType(rs, "kubernetes:core/v1:Service");
        assert.deepEqual(
            services
                .map((s) => [(s.inputs.metadata as Metadata).name, (s.inputs.spec as ServiceSpec).clusterIP])
                .sort(),
            [
                ["mdc-simulation-attacker", "None"],
                ["mdc-simulation-victim", "None"],
            ],
        );
        assert.equal(
            (one(rs, "kubernetes:core/v1:ServiceAccount").inputs.metadata as Metadata).name,
            "mdc-simulation-victim",
        );
        const victim = pods.find((p) => (p.inputs.metadata as Metadata).name === "mdc-simulation-victim")!;
        assert.equal((victim.inputs.spec as PodSpec).serviceAccountName, "mdc-simulation-victim");
        const attacker = pods.find((p) => (p.inputs.metadata as Metadata).name === "mdc-simulation-attacker")!;
        assert.deepEqual((attacker.inputs.spec as PodSpec).containers[0].env, [
            { name: "SCENARIO", value: "secrets" },
            { name: "VICTIM_ADDRESS", value: "mdc-simulation-victim.mdc-simulation.svc.cluster.local" },
        ]);
        assert.deepEqual(one(rs, "agentless:kubernetes:AttackSimulation").inputs.scenario, "secrets");
        assert.equal(one(rs, "agentless:kubernetes:AttackSimulation").inputs.production, false);
    });

    it("refuses production even when called directly", () => {
        assert.throws(
            () => new AttackSimulation("sim-prod", { clusterName: "c1", scenario: "recon", production: true, images }),
            /must not run on a production stack/,
        );
    });
});

describe("deployClusterAddons", () => {
    it("declares one provider per cluster and every enabled add-on, and notes the alerts to expect", async () => {
        const cfg = loadStackConfig("t", {
            cloud: "azure",
            azure: {
                subscriptionId: SUB,
                location: "westeurope",
                atScale: { arcDefender: false, defenderProfile: false },
            },
            kubernetes: {
                clusters: [
                    {
                        name: "dca-eks",
                        kind: "eks",
                        accountId: "123456789012",
                        region: "eu-west-1",
                        access: {
                            cloudCredentials: true,
                            endpoint: "https://ABC.gr7.eu-west-1.eks.amazonaws.com",
                            certificateAuthority: "LS0tLS1CRUdJTiBDRVJU",
                        },
                    },
                    {
                        name: "dca-arc",
                        kind: "arc",
                        resourceId: `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Kubernetes/connectedClusters/arc1`,
                        region: "westeurope",
                        access: { context: "arc1" },
                        sensor: false,
                    },
                ],
                sensor: { enabled: true, chartVersion: "0.9.2" },
                gatekeeper: { enabled: true, chartVersion: "3.18.2" },
                simulation: {
                    enabled: true,
                    scenario: "lateral-mov",
                    images: { attacker: "r.example.com/a:1", victim: "r.example.com/v:1" },
                },
                isolation: { enabled: true, namespaces: ["payments"] },
            },
        });
        await takeNotes();
        let out: ReturnType<typeof deployClusterAddons>;
        const rs = await registered(() => {
            out = deployClusterAddons(cfg, new ClusterProviders());
        });
        const providers = byType(rs, "pulumi:providers:kubernetes");
        assert.deepEqual(providers.map((p) => p.name).sort(), ["dca-arc", "dca-eks"]);
        const eksKubeconfig = JSON.parse(String(one(rs, "pulumi:providers:kubernetes", "dca-eks").inputs.kubeconfig));
        assert.equal(eksKubeconfig.users[0].user.exec.command, "aws");
        assert.equal(one(rs, "pulumi:providers:kubernetes", "dca-arc").inputs.context, "arc1");
        assert.deepEqual(out!.clusters, [
            { name: "dca-eks", kind: "eks", addons: ["sensor", "gatekeeper", "simulation", "quarantine"] },
            { name: "dca-arc", kind: "arc", addons: ["gatekeeper", "simulation", "quarantine"] },
        ]);
        assert.deepEqual(
            byType(rs, "agentless:kubernetes:DefenderSensor").map((r) => r.name),
            ["dca-eks-sensor"],
        );
        const notes = await takeNotes();
        assert.deepEqual(
            notes.filter((n) => n.kind === "expected-alerts").map((n) => `${n.subject}: ${n.message}`),
            [
                "dca-eks: lateral movement (lateral-mov): web shell activity; access to cloud metadata service (some within an hour)",
                "dca-arc: lateral movement (lateral-mov): web shell activity; access to cloud metadata service (some within an hour)",
            ],
        );
        assert.equal(notes.filter((n) => n.kind === "manual-step" && n.subject === "dca-arc").length, 1);
    });
});

describe("deployClusterAddons with kubernetes.gatekeeper.wildcardRoleExemptions", () => {
    it("gives the wildcard-roles constraint exactly the configured names", async () => {
        const cfg = loadStackConfig("t", {
            cloud: "azure",
            azure: {
                subscriptionId: SUB,
                location: "westeurope",
                atScale: { arcDefender: false, defenderProfile: false },
            },
            kubernetes: {
                clusters: [
                    {
                        name: "wre-eks",
                        kind: "eks",
                        accountId: "123456789012",
                        region: "eu-west-1",
                        access: { context: "wre-eks" },
                    },
                ],
                gatekeeper: {
                    enabled: true,
                    chartVersion: "3.18.2",
                    wildcardRoleExemptions: ["cluster-admin", "eks:addon-manager"],
                },
            },
        });
        const rs = await registered(() => {
            deployClusterAddons(cfg, new ClusterProviders());
        });
        const [c] = byType(rs, "kubernetes:constraints.gatekeeper.sh/v1beta1:K8sWildcardRole");
        assert.deepEqual((c.inputs.spec as ConstraintSpec).parameters, {
            exemptRoleNames: ["cluster-admin", "eks:addon-manager"],
        });
    });
});

describe("cluster credentials plug-ins", () => {
    it("GKE uses gke-gcloud-auth-plugin and AKS uses kubelogin with the AKS server id", () => {
        const gke = JSON.parse(gkeKubeconfig("g", "https://34.1.2.3", "Q0E="));
        assert.deepEqual(gke.users[0].user.exec.command, "gke-gcloud-auth-plugin");
        assert.equal(gke.users[0].user.exec.provideClusterInfo, true);
        assert.equal(gke.clusters[0].cluster.server, "https://34.1.2.3");
        const aks = JSON.parse(aksKubeconfig("a", "https://a.hcp.westeurope.azmk8s.io:443", "Q0E="));
        assert.deepEqual(
            [aks.users[0].user.exec.command, ...aks.users[0].user.exec.args],
            ["kubelogin", "get-token", "--login", "azurecli", "--server-id", "6dae42f8-4368-4678-94ff-3960e28e3630"],
        );
    });
});
