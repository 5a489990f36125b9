import * as assert from "assert";
import { FindingsBuilder } from "../../inventory/findings";
import { KINDS } from "../../inventory/kinds";
import { normalise } from "../../inventory/normalise";
import { diffIndexes, renderDiff } from "../../inventory/diff";
import { indexOfTexts, SnapshotIndex } from "../../inventory/snapshotIndex";
import { generateCluster, GenerateOptions } from "../fixtures/clusterGenerator";
import { ClusterState } from "../fixtures/kubeApiServer";

function evaluate(state: ClusterState) {
    const b = new FindingsBuilder();
    for (const k of KINDS) for (const o of state.objects[k.kind] ?? []) b.add(normalise(k.kind, o));
    return b.finish(state.version, state.objects.ConstraintTemplate !== undefined);
}

function run(opts: GenerateOptions) {
    return evaluate(generateCluster(opts));
}

/** As the collector does when some kinds answered 403: their objects never reach the builder. */
function evaluateUnread(state: ClusterState, unread: string[]) {
    const b = new FindingsBuilder();
    for (const k of KINDS)
        if (!unread.includes(k.kind)) for (const o of state.objects[k.kind] ?? []) b.add(normalise(k.kind, o));
    return b.finish(
        state.version,
        state.objects.ConstraintTemplate !== undefined && !unread.includes("ConstraintTemplate"),
        new Set(unread),
    );
}

describe("normalise", () => {
    it("keeps identity, images, security context, exposure and RBAC edges, and drops the rest", () => {
        const pod = normalise("Pod", {
            metadata: {
                name: "p",
                namespace: "n",
                uid: "u",
                labels: { b: "2", a: "1" },
                annotations: { secret: "x" },
                managedFields: [{}],
                ownerReferences: [{ kind: "ReplicaSet", name: "rs", controller: true }],
            },
            spec: {
                nodeName: "node",
                serviceAccountName: "sa",
                hostPID: true,
                securityContext: { runAsNonRoot: true },
                volumes: [
                    { name: "h", hostPath: { path: "/etc" } },
                    { name: "e", emptyDir: {} },
                ],
                initContainers: [{ name: "i", image: "init:1" }],
                containers: [
                    {
                        name: "c",
                        image: "img:2",
                        env: [{ name: "PASSWORD", value: "hunter2" }],
                        securityContext: { privileged: true, capabilities: { add: ["NET_ADMIN", "CHOWN"] } },
                        resources: { limits: { memory: "1Gi", cpu: "1" } },
                    },
                ],
            },
            status: { phase: "Running", podIP: "10.0.0.1" },
        });
        assert.deepStrictEqual(pod, {
            kind: "Pod",
            namespace: "n",
            name: "p",
            uid: "u",
            labels: { a: "1", b: "2" },
            owner: { kind: "ReplicaSet", name: "rs" },
            phase: "Running",
            node: "node",
            serviceAccount: "sa",
            hostPID: true,
            hostPaths: ["/etc"],
            containers: [
                { name: "i", image: "init:1", init: true, runAsNonRoot: true },
                {
                    name: "c",
                    image: "img:2",
                    privileged: true,
                    runAsNonRoot: true,
                    capabilitiesAdd: ["CHOWN", "NET_ADMIN"],
                    limits: { cpu: "1", memory: "1Gi" },
                },
            ],
        });
        assert.ok(!JSON.stringify(pod).includes("hunter2"), "environment values never reach a snapshot");
        assert.deepStrictEqual(
            normalise("ClusterRoleBinding", {
                metadata: { name: "b" },
                roleRef: { kind: "ClusterRole", name: "cluster-admin", apiGroup: "rbac.authorization.k8s.io" },
                subjects: [{ kind: "ServiceAccount", name: "s", namespace: "n" }],
            }),
            {
                kind: "ClusterRoleBinding",
                name: "b",
                roleRef: { kind: "ClusterRole", name: "cluster-admin" },
                subjects: [{ kind: "ServiceAccount", name: "s", namespace: "n" }],
            },
        );
    });
});

describe("findings", () => {
    it("finds exactly the known risky objects of the generated cluster, judging pods through their controllers", () => {
        const { findings } = run({ pods: 60 });
        assert.deepStrictEqual(
            findings.map((f) => [f.id, f.severity]),
            [
                ["cluster-admin-binding:ClusterRoleBinding/ci-deployer-admin", "high"],
                ["gatekeeper-absent:Cluster/cluster", "low"],
                ["host-namespace:DaemonSet/kube-system/calico-node", "high"],
                ["host-namespace:DaemonSet/team-0/log-shipper", "high"],
                ["host-path:DaemonSet/team-0/log-shipper", "medium"],
                ["privileged-container:Pod/team-0/debug-privileged", "high"],
                ["public-service:Service/team-0/public-web", "high"],
                ["wildcard-role:Role/team-0/everything", "medium"],
            ],
        );
        const sa = findings.find((f) => f.rule === "cluster-admin-binding")!;
        assert.strictEqual(
            sa.message,
            "ClusterRoleBinding ci-deployer-admin gives cluster-admin over the whole cluster to service account(s) team-0/ci-deployer",
        );
    });

    it("treats a restricted or internal LoadBalancer as private and a NodePort as exposed", () => {
        const state = generateCluster({ pods: 10, risky: false });
        state.objects.Service.push(
            {
                metadata: { name: "ranged", namespace: "a" },
                spec: { type: "LoadBalancer", loadBalancerSourceRanges: ["198.51.100.0/24"], ports: [{ port: 443 }] },
            },
            {
                metadata: { name: "open-range", namespace: "a" },
                spec: { type: "LoadBalancer", loadBalancerSourceRanges: ["0.0.0.0/0"], ports: [{ port: 80 }] },
            },
            {
                metadata: {
                    name: "gke-internal",
                    namespace: "a",
                    annotations: { "networking.gke.io/load-balancer-type": "Internal" },
                },
                spec: { type: "LoadBalancer", ports: [{ port: 80 }] },
            },
            {
                metadata: { name: "np", namespace: "a" },
                spec: { type: "NodePort", ports: [{ port: 80, nodePort: 30080 }] },
            },
        );
        const ids = evaluate(state)
            .findings.map((f) => f.id)
            .filter((id) => id.includes("Service/"));
        assert.deepStrictEqual(ids, ["nodeport-service:Service/a/np", "public-service:Service/a/open-range"]);
    });

    it("checks the sensor against the footprint: healthy, not ready, absent, drifted capabilities", () => {
        assert.strictEqual(run({ pods: 10 }).posture.sensor.state, "healthy");
        const unready = run({ pods: 10, sensor: "unready" });
        assert.strictEqual(unready.posture.sensor.state, "degraded");
        assert.deepStrictEqual(
            unready.findings.filter((f) => f.rule === "sensor-unhealthy").map((f) => f.message),
            [
                "the Defender sensor is degraded: microsoft-defender-collector-ds has 0 of 3 ready; microsoft-defender-collector-misc has 0 of 1 ready; microsoft-defender-publisher-ds has 0 of 3 ready",
            ],
        );
        const absent = run({ pods: 10, sensor: "absent" });
        assert.strictEqual(absent.posture.sensor.state, "absent");
        assert.ok(absent.findings.some((f) => f.id === "sensor-absent:Cluster/cluster" && f.severity === "high"));

        const state = generateCluster({ pods: 10 });
        const ds = state.objects.DaemonSet.find(
            (d) => d.metadata.name === "microsoft-defender-collector-ds",
        )! as unknown as { spec: { template: { spec: { containers: { securityContext: unknown }[] } } } };
        ds.spec.template.spec.containers[0].securityContext = { capabilities: { add: ["SYS_ADMIN", "NET_RAW"] } };
        const drift = evaluate(state).posture.sensor.workloads[0];
        assert.deepStrictEqual(drift.problems, [
            "microsoft-defender-collector-ds adds capabilities [NET_RAW, SYS_ADMIN], the footprint says [SYS_ADMIN, SYS_RESOURCE, SYS_PTRACE]",
        ]);
    });

    it("reports Gatekeeper when its ConstraintTemplate API is served", () => {
        const r = run({ pods: 10, gatekeeper: true });
        assert.deepStrictEqual(r.posture.gatekeeper, { present: true, constraintTemplates: 1 });
        assert.ok(!r.findings.some((f) => f.rule === "gatekeeper-absent"));
    });

    it("judges response readiness from the version and the plug-in pods (docs/sources.md: response actions)", () => {
        assert.deepStrictEqual(run({ pods: 10 }).posture.isolation, {
            supported: true,
            reason: "Kubernetes 1.29 with Calico enforcing network policy",
            enforcing: ["calico-node"],
            plugins: [{ app: "calico-node", version: "3.26.1" }],
        });
        const old = run({ pods: 10, version: "1.26.9" });
        assert.strictEqual(old.posture.isolation.supported, false);
        assert.strictEqual(
            old.findings.find((f) => f.rule === "isolation-unsupported")!.message,
            "pod isolation is not available: Kubernetes 1.26 is older than 1.27, the first version isolation supports",
        );
        const cilium = run({ pods: 10, networkPlugins: ["cilium@v1.12.0"] });
        assert.strictEqual(
            cilium.posture.isolation.reason,
            "no network-policy plug-in at a supported version: Cilium 1.12.0 (needs 1.13.1)",
        );
        assert.strictEqual(run({ pods: 10, networkPlugins: ["aws-node@v1.15.1"] }).posture.isolation.supported, true);
        assert.strictEqual(run({ pods: 10, networkPlugins: [] }).posture.isolation.supported, false);
    });

    it("says unknown, with the reason, for a posture part whose kinds could not be read, instead of inventing one", () => {
        const r = evaluateUnread(generateCluster({ pods: 10 }), ["DaemonSet", "Pod", "ConstraintTemplate"]);
        assert.deepStrictEqual(r.posture.sensor, {
            state: "unknown",
            workloads: [],
            reason: "DaemonSet could not be read",
        });
        assert.deepStrictEqual(r.posture.isolation, {
            supported: "unknown",
            reason: "Pod could not be read",
            enforcing: [],
            plugins: [],
        });
        // The namespaces were read and hold no gatekeeper-system: absent is still not known without the template API.
        assert.deepStrictEqual(r.posture.gatekeeper, {
            present: "unknown",
            constraintTemplates: null,
            reason: "ConstraintTemplate could not be read",
        });
        assert.deepStrictEqual(
            r.findings.filter((f) => f.subject.kind === "Cluster"),
            [],
        );
        assert.deepStrictEqual(r.unknown.map((u) => u.rule).sort(), [
            "gatekeeper-absent",
            "isolation-unsupported",
            "sensor-absent",
            "sensor-unhealthy",
        ]);

        const withNamespace = evaluateUnread(generateCluster({ pods: 10, gatekeeper: true }), ["ConstraintTemplate"]);
        assert.deepStrictEqual(withNamespace.posture.gatekeeper, {
            present: true,
            constraintTemplates: null,
            reason: "ConstraintTemplate could not be read",
        });
    });

    it("still knows isolation is unsupported from the server version when the pods could not be read", () => {
        const r = evaluateUnread(generateCluster({ pods: 10, version: "1.26.9" }), ["Pod"]);
        assert.strictEqual(r.posture.isolation.supported, false);
        assert.deepStrictEqual(
            r.findings.filter((f) => f.rule === "isolation-unsupported").map((f) => f.message),
            [
                "pod isolation is not available: Kubernetes 1.26 is older than 1.27, the first version isolation supports",
            ],
        );
        assert.ok(!r.unknown.some((u) => u.rule === "isolation-unsupported"));
    });
});

describe("diff", () => {
    const idx = (objects: Record<string, unknown>, findings: string[] = [], errored: string[] = []): SnapshotIndex =>
        indexOfTexts(
            Object.entries(objects).map(([k, v]) => [k, JSON.stringify(v)]),
            {
                erroredKinds: new Set(errored),
                findings: new Map(
                    findings.map((id) => [
                        id,
                        {
                            id,
                            rule: "wildcard-role" as const,
                            severity: "medium" as const,
                            subject: { kind: id.split(":")[1].split("/")[0], name: "x" },
                            message: `m ${id}`,
                        },
                    ]),
                ),
                unknownFindings: new Set(),
            },
        );

    it("lists added, removed and changed objects with the fields that changed, and findings opened and closed", () => {
        const a = idx({ "Pod/n/a": { image: "1", phase: "Running" }, "Pod/n/b": { x: 1 }, "Role/n/r": { rules: [] } }, [
            "wildcard-role:Role/n/r",
            "wildcard-role:Role/n/s",
        ]);
        const b = idx({ "Pod/n/a": { image: "2", phase: "Running" }, "Pod/n/c": { x: 1 }, "Role/n/r": { rules: [] } }, [
            "wildcard-role:Role/n/r",
            "wildcard-role:Role/n/t",
        ]);
        const d = diffIndexes(a, b);
        assert.deepStrictEqual(d.added, ["Pod/n/c"]);
        assert.deepStrictEqual(d.removed, ["Pod/n/b"]);
        assert.deepStrictEqual(d.changed, [{ key: "Pod/n/a", fields: ["image"] }]);
        assert.deepStrictEqual(
            d.opened.map((f) => f.id),
            ["wildcard-role:Role/n/t"],
        );
        assert.deepStrictEqual(
            d.closed.map((f) => f.id),
            ["wildcard-role:Role/n/s"],
        );
        assert.strictEqual(
            renderDiff(d),
            [
                "objects: +1 added, -1 removed, ~1 changed; findings: 1 opened, 1 closed",
                "  added:",
                "    + Pod/n/c",
                "  removed:",
                "    - Pod/n/b",
                "  changed:",
                "    ~ Pod/n/a (image)",
                "  findings opened:",
                "    ! [medium] wildcard-role: m wildcard-role:Role/n/t",
                "  findings closed:",
                "    ✓ [medium] wildcard-role: m wildcard-role:Role/n/s",
            ].join("\n") + "\n",
        );
    });

    it("does not call objects of a kind that could not be read removed", () => {
        const a = idx({ "Role/n/r": {}, "Pod/n/a": {} }, ["wildcard-role:Role/n/r"]);
        const b = idx({ "Pod/n/a": {} }, [], ["Role"]);
        const d = diffIndexes(a, b);
        assert.deepStrictEqual([d.removed, d.closed, d.skippedKinds], [[], [], ["Role"]]);
    });
});
