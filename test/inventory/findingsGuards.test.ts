import { strict as assert } from "assert";
import { FindingsBuilder } from "../../inventory/findings";
import { KINDS } from "../../inventory/kinds";
import { normalise } from "../../inventory/normalise";
import { generateCluster } from "../fixtures/clusterGenerator";

const VERSION = { major: "1", minor: "29", gitVersion: "v1.29.3", platform: "linux/amd64" };

/** Findings of the given raw objects alone, as the collector feeds them. */
function findingsOf(...objects: [string, Record<string, unknown>][]) {
    const b = new FindingsBuilder();
    for (const [kind, raw] of objects) b.add(normalise(kind, raw));
    return b.finish(VERSION, true).findings.filter((f) => f.subject.kind !== "Cluster");
}

const privilegedPod = (ownerReferences: object[]) => ({
    metadata: { name: "kube-proxy-node-1", namespace: "kube-system", ownerReferences },
    spec: {
        nodeName: "node-1",
        containers: [{ name: "proxy", image: "proxy:1", securityContext: { privileged: true } }],
    },
    status: { phase: "Running" },
});

describe("findings: what the guards must not let through", () => {
    it("raises privileged-container for a static pod, whose owner is its Node", () => {
        const found = findingsOf([
            "Pod",
            privilegedPod([{ apiVersion: "v1", kind: "Node", name: "node-1", controller: true, uid: "n1" }]),
        ]);
        assert.deepEqual(found, [
            {
                id: "privileged-container:Pod/kube-system/kube-proxy-node-1",
                rule: "privileged-container",
                severity: "high",
                subject: { kind: "Pod", namespace: "kube-system", name: "kube-proxy-node-1" },
                message: "Pod kube-system/kube-proxy-node-1 runs privileged container(s) proxy (proxy:1)",
                image: "proxy:1",
            },
        ]);
    });

    it("judges a pod of a ReplicaSet through its template, not itself", () => {
        const found = findingsOf([
            "Pod",
            privilegedPod([{ apiVersion: "apps/v1", kind: "ReplicaSet", name: "rs", controller: true, uid: "r1" }]),
        ]);
        assert.deepEqual(found, []);
    });

    it("counts a LoadBalancer open to ::/0 as public, like 0.0.0.0/0", () => {
        for (const range of ["::/0", "0.0.0.0/0"]) {
            const found = findingsOf([
                "Service",
                {
                    metadata: { name: "web", namespace: "shop" },
                    spec: {
                        type: "LoadBalancer",
                        ports: [{ port: 443 }],
                        loadBalancerSourceRanges: ["203.0.113.0/24", range],
                    },
                },
            ]);
            assert.deepEqual(
                found.map((f) => [f.id, f.message]),
                [
                    [
                        "public-service:Service/shop/web",
                        "Service shop/web is a public LoadBalancer on port(s) 443 with an open source range",
                    ],
                ],
                range,
            );
        }
        assert.deepEqual(
            findingsOf([
                "Service",
                {
                    metadata: { name: "web", namespace: "shop" },
                    spec: { type: "LoadBalancer", ports: [{ port: 443 }], loadBalancerSourceRanges: ["2001:db8::/32"] },
                },
            ]),
            [],
        );
    });

    it("raises wildcard-role for wildcard verbs alone, for wildcard resources alone, and for both", () => {
        const role = (name: string, verbs: string[], resources: string[]) =>
            ["ClusterRole", { metadata: { name }, rules: [{ apiGroups: [""], resources, verbs }] }] as [
                string,
                Record<string, unknown>,
            ];
        assert.deepEqual(
            findingsOf(
                role("verbs", ["*"], ["secrets"]),
                role("resources", ["get"], ["*"]),
                role("both", ["*"], ["*"]),
                role("neither", ["get", "list"], ["pods"]),
            ).map((f) => f.message),
            [
                "ClusterRole both grants wildcard verbs and resources",
                "ClusterRole resources grants wildcard resources",
                "ClusterRole verbs grants wildcard verbs",
            ],
        );
    });

    it("says the sensor is unknown when only the Deployments could not be read", () => {
        const state = generateCluster({ pods: 10 });
        for (const unread of [["Deployment"], ["DaemonSet"], ["Deployment", "DaemonSet"]]) {
            const b = new FindingsBuilder();
            for (const k of KINDS)
                if (!unread.includes(k.kind)) for (const o of state.objects[k.kind] ?? []) b.add(normalise(k.kind, o));
            const r = b.finish(state.version, state.objects.ConstraintTemplate !== undefined, new Set(unread));
            assert.deepEqual(
                r.posture.sensor,
                { state: "unknown", workloads: [], reason: `${unread.join(" and ")} could not be read` },
                unread.join(),
            );
            assert.deepEqual(
                r.findings.filter((f) => f.rule === "sensor-absent" || f.rule === "sensor-unhealthy"),
                [],
            );
            assert.deepEqual(
                r.unknown.filter((u) => u.rule.startsWith("sensor")).map((u) => u.id),
                ["sensor-absent:Cluster/cluster", "sensor-unhealthy:Cluster/cluster"],
            );
        }
    });
});
