import { strict as assert } from "assert";
import { FindingsBuilder } from "../../inventory/findings";
import { normalise } from "../../inventory/normalise";
import { sensorHealth } from "../../inventory/sensorHealth";
import { generateCluster } from "../fixtures/clusterGenerator";

// Each finding's exact id, severity, message and image for hand-written objects, and the sensor's
// health for workloads that drift from the footprint in one way each.
const V = { major: "1", minor: "29", gitVersion: "v1.29.3" };
const spec = (containers: object[], extra: object = {}) => ({ containers, ...extra });
const objs: [string, Record<string, unknown>][] = [
    [
        "Deployment",
        {
            metadata: { name: "d", namespace: "shop" },
            spec: {
                replicas: 1,
                template: {
                    spec: spec([{ name: "a", image: "img:1" }, { name: "b", image: "img:1" }, { name: "c" }], {
                        hostNetwork: true,
                        hostPID: true,
                        hostIPC: true,
                        volumes: [
                            { name: "v", hostPath: { path: "/var/run" } },
                            { name: "w", hostPath: { path: "/etc" } },
                        ],
                    }),
                },
            },
        },
    ],
    [
        "CronJob",
        {
            metadata: { name: "cj", namespace: "shop" },
            spec: {
                jobTemplate: {
                    spec: {
                        template: { spec: spec([{ name: "p", image: "", securityContext: { privileged: true } }]) },
                    },
                },
            },
        },
    ],
    [
        "Job",
        {
            metadata: {
                name: "cj-1",
                namespace: "shop",
                ownerReferences: [{ kind: "CronJob", name: "cj", controller: true }],
            },
            spec: { template: { spec: spec([{ name: "p", securityContext: { privileged: true } }]) } },
        },
    ],
    [
        "Job",
        {
            metadata: { name: "j", namespace: "shop" },
            spec: { template: { spec: spec([{ name: "p", image: "j:1", securityContext: { privileged: true } }]) } },
        },
    ],
    [
        "StatefulSet",
        {
            metadata: { name: "ss", namespace: "shop" },
            spec: {
                template: {
                    spec: spec([
                        { name: "p", image: "s:1", securityContext: { privileged: true } },
                        { name: "q", image: "s:2", securityContext: { privileged: true } },
                    ]),
                },
            },
        },
    ],
    [
        "Pod",
        {
            metadata: { name: "bare", namespace: "shop" },
            spec: spec([{ name: "x", image: "x:1" }], { hostNetwork: true }),
            status: { phase: "Running" },
        },
    ],
    [
        "Service",
        {
            metadata: { name: "np", namespace: "shop" },
            spec: {
                type: "NodePort",
                ports: [{ port: 80, nodePort: 30080 }, { port: 81 }, { port: 82, nodePort: 30082 }],
            },
        },
    ],
    [
        "Service",
        {
            metadata: { name: "lb", namespace: "shop" },
            spec: { type: "LoadBalancer", ports: [{ port: 80 }, { port: 443 }] },
        },
    ],
    [
        "Service",
        {
            metadata: { name: "lb2", namespace: "shop" },
            spec: { type: "LoadBalancer", ports: [{ port: 80 }], loadBalancerSourceRanges: ["10.0.0.0/8"] },
        },
    ],
    ["Service", { metadata: { name: "ci", namespace: "shop" }, spec: { type: "ClusterIP", ports: [{ port: 80 }] } }],
    [
        "ClusterRoleBinding",
        {
            metadata: { name: "crb" },
            roleRef: { kind: "ClusterRole", name: "cluster-admin" },
            subjects: [
                { kind: "ServiceAccount", name: "sa", namespace: "ns1" },
                { kind: "User", name: "u" },
                { kind: "ServiceAccount", name: "sb", namespace: "ns2" },
            ],
        },
    ],
    [
        "RoleBinding",
        {
            metadata: { name: "rb", namespace: "shop" },
            roleRef: { kind: "ClusterRole", name: "cluster-admin" },
            subjects: [{ kind: "ServiceAccount", name: "sa" }],
        },
    ],
    [
        "RoleBinding",
        {
            metadata: { name: "rb-user", namespace: "shop" },
            roleRef: { kind: "ClusterRole", name: "cluster-admin" },
            subjects: [{ kind: "User", name: "u" }],
        },
    ],
    [
        "RoleBinding",
        {
            metadata: { name: "rb-role", namespace: "shop" },
            roleRef: { kind: "Role", name: "cluster-admin" },
            subjects: [{ kind: "ServiceAccount", name: "sa" }],
        },
    ],
    [
        "RoleBinding",
        {
            metadata: { name: "rb-edit", namespace: "shop" },
            roleRef: { kind: "ClusterRole", name: "edit" },
            subjects: [{ kind: "ServiceAccount", name: "sa" }],
        },
    ],
    [
        "Role",
        {
            metadata: { name: "r", namespace: "shop" },
            rules: [
                { verbs: ["*"], resources: ["pods"] },
                { verbs: ["get"], resources: ["*"] },
                { verbs: ["*"], resources: ["*"] },
            ],
        },
    ],
    [
        "ClusterRole",
        {
            metadata: { name: "admin", labels: { "kubernetes.io/bootstrapping": "rbac-defaults" } },
            rules: [{ verbs: ["*"], resources: ["*"] }],
        },
    ],
    [
        "ClusterRole",
        {
            metadata: { name: "agg" },
            aggregationRule: { clusterRoleSelectors: [{}] },
            rules: [{ verbs: ["*"], resources: ["*"] }],
        },
    ],
    ["ClusterRole", { metadata: { name: "nores" }, rules: [{ verbs: ["get"], nonResourceURLs: ["/x"] }] }],
];

const EXPECTED = [
    [
        "cluster-admin-binding:ClusterRoleBinding/crb",
        "high",
        "ClusterRoleBinding crb gives cluster-admin over the whole cluster to service account(s) ns1/sa, ns2/sb",
        null,
    ],
    [
        "cluster-admin-binding:RoleBinding/shop/rb",
        "high",
        "RoleBinding shop/rb gives cluster-admin over namespace shop to service account(s) shop/sa",
        null,
    ],
    [
        "gatekeeper-absent:Cluster/cluster",
        "low",
        "Gatekeeper (or Azure Policy for Kubernetes) is not installed: no ConstraintTemplate API",
        null,
    ],
    [
        "host-namespace:Deployment/shop/d",
        "high",
        "Deployment shop/d shares the node's namespaces: hostNetwork, hostPID, hostIPC",
        "img:1",
    ],
    ["host-namespace:Pod/shop/bare", "high", "Pod shop/bare shares the node's namespaces: hostNetwork", "x:1"],
    ["host-path:Deployment/shop/d", "medium", "Deployment shop/d mounts host path(s) /etc, /var/run", "img:1"],
    [
        "isolation-unsupported:Cluster/cluster",
        "info",
        "pod isolation is not available: no network-policy plug-in found (pods labelled k8s-app in (azure-npm,calico-node,cilium,aws-node)); without one the quarantine policy is not enforced",
        null,
    ],
    [
        "nodeport-service:Service/shop/np",
        "medium",
        "Service shop/np opens node port(s) 30080, 30082 on every node",
        null,
    ],
    ["privileged-container:CronJob/shop/cj", "high", "CronJob shop/cj runs privileged container(s) p (no image)", null],
    ["privileged-container:Job/shop/j", "high", "Job shop/j runs privileged container(s) p (j:1)", "j:1"],
    [
        "privileged-container:StatefulSet/shop/ss",
        "high",
        "StatefulSet shop/ss runs privileged container(s) p (s:1), q (s:2)",
        "s:1, s:2",
    ],
    [
        "public-service:Service/shop/lb",
        "high",
        "Service shop/lb is a public LoadBalancer on port(s) 80, 443 with no loadBalancerSourceRanges",
        null,
    ],
    [
        "sensor-absent:Cluster/cluster",
        "high",
        "the Defender sensor is not installed (no microsoft-defender-* workloads in kube-system or mdc)",
        null,
    ],
    ["wildcard-role:Role/shop/r", "medium", "Role shop/r grants wildcard verbs and resources", null],
];

describe("findings: each rule's exact finding", () => {
    it("names the objects, the containers, the images, the ports and the service accounts", () => {
        const b = new FindingsBuilder();
        for (const [k, raw] of objs) b.add(normalise(k, raw));
        const r = b.finish(V, false);
        assert.deepEqual(
            r.findings.map((f) => [f.id, f.severity, f.message, f.image ?? null]),
            EXPECTED,
        );
        assert.deepEqual(r.posture.gatekeeper, { present: false, constraintTemplates: 0 });
    });

    it("keeps a plug-in seen in two versions once per version, and each once, sorted", () => {
        const b = new FindingsBuilder();
        const pod = (name: string, app: string, image: string, phase = "Running") =>
            normalise("Pod", {
                metadata: { name, namespace: "kube-system", labels: { "k8s-app": app } },
                spec: { containers: [{ name: "c", image }] },
                status: { phase },
            });
        b.add(pod("c1", "calico-node", "calico/node:v3.26.1"));
        b.add(pod("c2", "calico-node", "calico/node:v3.26.1"));
        b.add(pod("c3", "calico-node", "calico/node:v3.25.0"));
        b.add(pod("a1", "azure-npm", "mcr.microsoft.com/containernetworking/azure-npm"));
        b.add(pod("x", "cilium", "cilium:v1.14.0", "Pending"));
        assert.deepEqual(b.finish(V, true).posture.isolation, {
            supported: true,
            reason: "Kubernetes 1.29 with Calico enforcing network policy",
            enforcing: ["calico-node"],
            plugins: [
                { app: "azure-npm", version: undefined },
                { app: "calico-node", version: "3.25.0" },
                { app: "calico-node", version: "3.26.1" },
            ],
        });
    });
});

describe("sensor health against the footprint", () => {
    const healthy = () => {
        const o = generateCluster({ pods: 2, nodes: 2 }).objects;
        return [...o.DaemonSet, ...o.Deployment]
            .filter((w) => w.metadata.name.startsWith("microsoft-defender"))
            .map((w) => normalise(w.metadata.name.endsWith("misc") ? "Deployment" : "DaemonSet", w));
    };
    const problems = (ws: ReturnType<typeof healthy>) => {
        const h = sensorHealth(ws);
        return [h.state, h.workloads.map((w) => [w.found, w.ready ?? null, w.problems])];
    };
    const edit = (name: string, change: (w: Record<string, unknown>) => void) =>
        healthy().map((w) => {
            if (w.name === name) change(w);
            return w;
        });
    const tmpl = (w: Record<string, unknown>) => w.template as { containers: Record<string, unknown>[] };

    it("is healthy when every workload matches: ready, capabilities exactly, limits of one container", () => {
        assert.deepEqual(problems(healthy()), [
            "healthy",
            [
                ["kube-system/microsoft-defender-collector-ds", "2/2", []],
                ["kube-system/microsoft-defender-collector-misc", "1/1", []],
                ["kube-system/microsoft-defender-publisher-ds", "2/2", []],
            ],
        ]);
    });

    it("names each drift: not ready, none desired, capabilities added or missing, limits of another size", () => {
        const ds = "microsoft-defender-collector-ds";
        const cases: [ReturnType<typeof healthy>, string][] = [
            [edit(ds, (w) => (w.ready = 1)), `${ds} has 1 of 2 ready`],
            [edit(ds, (w) => ((w.desired = 0), (w.ready = 0))), `${ds} has 0 of 0 ready`],
            [
                edit(ds, (w) => (tmpl(w).containers[0].capabilitiesAdd = ["SYS_ADMIN", "SYS_PTRACE"])),
                `${ds} adds capabilities [SYS_ADMIN, SYS_PTRACE], the footprint says [SYS_ADMIN, SYS_RESOURCE, SYS_PTRACE]`,
            ],
            [
                edit(
                    ds,
                    (w) =>
                        (tmpl(w).containers[0].capabilitiesAdd = [
                            "SYS_PTRACE",
                            "SYS_ADMIN",
                            "SYS_RESOURCE",
                            "NET_ADMIN",
                        ]),
                ),
                `${ds} adds capabilities [NET_ADMIN, SYS_ADMIN, SYS_PTRACE, SYS_RESOURCE], the footprint says [SYS_ADMIN, SYS_RESOURCE, SYS_PTRACE]`,
            ],
            [
                edit(ds, (w) => (tmpl(w).containers[0].limits = { memory: "296Mi", cpu: "1" })),
                `${ds} has no container with the footprint's limits (memory 296Mi, cpu 360m)`,
            ],
            [
                edit(ds, (w) => (tmpl(w).containers[0].limits = { memory: "1Gi", cpu: "360m" })),
                `${ds} has no container with the footprint's limits (memory 296Mi, cpu 360m)`,
            ],
            [
                edit(ds, (w) => delete tmpl(w).containers[0].limits),
                `${ds} has no container with the footprint's limits (memory 296Mi, cpu 360m)`,
            ],
        ];
        for (const [ws, problem] of cases) {
            const h = sensorHealth(ws);
            assert.equal(h.state, "degraded", problem);
            assert.deepEqual(h.workloads[0].problems, [problem]);
            assert.deepEqual(
                h.workloads.slice(1).map((w) => w.problems),
                [[], []],
            );
        }
    });

    it("takes the limits of any one container, and an init container's capabilities not at all", () => {
        const ws = edit("microsoft-defender-collector-ds", (w) => {
            const c = tmpl(w).containers;
            c.unshift({ name: "side", image: "s", limits: { memory: "1Mi", cpu: "1m" }, capabilitiesAdd: [] });
            c.push({ name: "init", image: "i", init: true, capabilitiesAdd: ["NET_ADMIN"] });
        });
        assert.equal(sensorHealth(ws).state, "healthy");
    });

    it("finds a workload by kind and name prefix in kube-system or mdc only", () => {
        const moved = (ns: string) => edit("microsoft-defender-collector-misc", (w) => (w.namespace = ns));
        assert.equal(sensorHealth(moved("mdc")).state, "healthy");
        assert.deepEqual(problems(moved("default"))[1], [
            ["kube-system/microsoft-defender-collector-ds", "2/2", []],
            [null, null, ["Deployment microsoft-defender-collector-misc is missing"]],
            ["kube-system/microsoft-defender-publisher-ds", "2/2", []],
        ]);
        const renamed = edit(
            "microsoft-defender-collector-misc",
            (w) => (w.name = "x-microsoft-defender-collector-misc"),
        );
        assert.equal(sensorHealth(renamed).state, "degraded");
        const asDaemonSet = edit("microsoft-defender-collector-misc", (w) => (w.kind = "DaemonSet"));
        assert.equal(sensorHealth(asDaemonSet).workloads[1].found, null);
        assert.equal(sensorHealth([]).state, "absent");
        assert.equal(sensorHealth(healthy().slice(0, 1)).state, "degraded");
    });
});
