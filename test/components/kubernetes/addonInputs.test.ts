import { strict as assert } from "assert";
import { AttackSimulation } from "../../../components/kubernetes/attackSimulation";
import { Gatekeeper } from "../../../components/kubernetes/gatekeeper";
import { PodQuarantine } from "../../../components/kubernetes/podQuarantine";
import { DefenderSensor } from "../../../components/kubernetes/sensor";
import { later } from "../../helpers/outputs";
import { byType, one, registered } from "../../helpers/pulumi";

// later(v): an output of a user's own resource (its cluster, its registry), known only once it
// resolves: what the add-ons take wherever docs/library.md says "pulumi.Input".
const CHART = "kubernetes:helm.sh/v4:Chart";
const images = { attacker: "registry.example.com/sim/attacker:1.0.0", victim: "registry.example.com/sim/victim:1.0.0" };

describe("Kubernetes add-on arguments a user's program fills with outputs (docs/library.md)", () => {
    it("DefenderSensor: renders each cloud's identifiers given as outputs into the chart values", async () => {
        const rs = await registered(() => {
            new DefenderSensor("in-sensor-eks", {
                clusterName: later("apps"),
                chartVersion: "0.9.2",
                identifiers: {
                    cloud: "AWS",
                    accountId: later("111122223333"),
                    region: later("eu-west-1"),
                    clusterName: later("apps"),
                },
            });
            new DefenderSensor("in-sensor-aks", {
                clusterName: later("aks-apps"),
                chartVersion: "0.9.2",
                identifiers: {
                    cloud: "Azure",
                    subscriptionId: later("6b1e0f3a-2c4d-4e5f-8a9b-0c1d2e3f4a5b"),
                    resourceGroupName: later("rg-apps"),
                    clusterName: later("aks-apps"),
                    region: "westeurope",
                    resourceId: later(
                        "/subscriptions/6b1e0f3a-2c4d-4e5f-8a9b-0c1d2e3f4a5b/resourceGroups/rg-apps/providers/Microsoft.ContainerService/managedClusters/aks-apps",
                    ),
                },
            });
        });
        assert.deepEqual(one(rs, CHART, "in-sensor-eks").inputs.values, {
            global: {
                cloudIdentifiers: { AWS: { accountId: "111122223333", region: "eu-west-1", clusterName: "apps" } },
            },
        });
        assert.deepEqual(one(rs, CHART, "in-sensor-aks").inputs.values, {
            global: {
                cloudIdentifiers: {
                    Azure: {
                        subscriptionId: "6b1e0f3a-2c4d-4e5f-8a9b-0c1d2e3f4a5b",
                        resourceGroupName: "rg-apps",
                        clusterName: "aks-apps",
                        region: "westeurope",
                    },
                },
            },
        });
        assert.equal(one(rs, "agentless:kubernetes:DefenderSensor", "in-sensor-eks").inputs.cluster, "apps");
        assert.equal(one(rs, CHART, "in-sensor-eks").inputs.version, "0.9.2");
    });

    it("Gatekeeper: takes an output cluster name; its constraints keep the plain enforcement and exclusions", async () => {
        const rs = await registered(() => {
            new Gatekeeper("in-gk", {
                clusterName: later("apps"),
                chartVersion: "3.18.2",
                enforcement: "dryrun",
                excludedNamespaces: ["kube-system"],
            });
        });
        assert.equal(one(rs, "agentless:kubernetes:Gatekeeper", "in-gk").inputs.cluster, "apps");
        const constraints = rs.filter((r) => r.type.startsWith("kubernetes:constraints.gatekeeper.sh/v1beta1:"));
        assert.equal(constraints.length, 8);
        for (const c of constraints) {
            const spec = c.inputs.spec as { enforcementAction: string; match: { excludedNamespaces: string[] } };
            assert.equal(spec.enforcementAction, "dryrun");
            assert.deepEqual(spec.match.excludedNamespaces, ["kube-system"]);
        }
    });

    it("PodQuarantine: takes an output cluster name; one policy per plain namespace", async () => {
        const rs = await registered(() => {
            new PodQuarantine("in-q", { clusterName: later("apps"), namespaces: ["payments"] });
        });
        assert.equal(one(rs, "agentless:kubernetes:PodQuarantine", "in-q").inputs.cluster, "apps");
        assert.deepEqual(
            byType(rs, "kubernetes:networking.k8s.io/v1:NetworkPolicy").map((p) => [
                p.name,
                (p.inputs.metadata as { namespace: string }).namespace,
            ]),
            [["in-q-payments", "payments"]],
        );
    });

    it("AttackSimulation: runs the images given as outputs, in a cluster named by an output", async () => {
        const rs = await registered(() => {
            new AttackSimulation("in-sim", {
                clusterName: later("apps"),
                scenario: "recon",
                production: false,
                images: { attacker: later(images.attacker), victim: later(images.victim) },
            });
        });
        const sim = one(rs, "agentless:kubernetes:AttackSimulation", "in-sim");
        assert.deepEqual([sim.inputs.cluster, sim.inputs.images], ["apps", images]);
        assert.deepEqual(
            byType(rs, "kubernetes:core/v1:Pod")
                .map((p) => [p.name, (p.inputs.spec as { containers: { image: string }[] }).containers[0].image])
                .sort(),
            [
                ["in-sim-attacker", images.attacker],
                ["in-sim-victim", images.victim],
            ],
        );
    });

    it("stops on an output where a plain value is required, naming the argument and the component", () => {
        const cases: [() => unknown, string][] = [
            [
                () =>
                    new DefenderSensor("in-bad-1", {
                        clusterName: "c",
                        chartVersion: later("0.9.2") as unknown as string,
                        identifiers: { cloud: "AWS", accountId: "1", region: "r", clusterName: "c" },
                    }),
                "in-bad-1 (DefenderSensor): chartVersion must be a plain value, not an output: it pins the chart, which the plan and the policy rules read",
            ],
            [
                () =>
                    new Gatekeeper("in-bad-2", {
                        clusterName: "c",
                        chartVersion: "3.18.2",
                        enforcement: later("deny") as unknown as "deny",
                        excludedNamespaces: [],
                    }),
                "in-bad-2 (Gatekeeper): enforcement must be a plain value, not an output: it goes into the constraints, which the plan and the policy rules read",
            ],
            [
                () =>
                    new Gatekeeper("in-bad-3", {
                        clusterName: "c",
                        chartVersion: "3.18.2",
                        enforcement: "deny",
                        excludedNamespaces: [later("kube-system") as unknown as string],
                    }),
                "in-bad-3 (Gatekeeper): excludedNamespaces[0] must be a plain value, not an output: it goes into the constraints, which the plan and the policy rules read",
            ],
            [
                () =>
                    new PodQuarantine("in-bad-4", {
                        clusterName: "c",
                        namespaces: later(["web"]) as unknown as string[],
                    }),
                "in-bad-4 (PodQuarantine): namespaces must be a plain value, not an output: it decides which policies exist and names them",
            ],
            [
                () =>
                    new PodQuarantine("in-bad-5", {
                        clusterName: "c",
                        namespaces: ["web"],
                        label: { key: "q", value: later("yes") as unknown as string },
                    }),
                "in-bad-5 (PodQuarantine): label.value must be a plain value, not an output: it is the component's label output, which isolating a pod needs",
            ],
            [
                () =>
                    new AttackSimulation("in-bad-6", {
                        clusterName: "c",
                        scenario: later("recon") as unknown as "recon",
                        production: false,
                        images,
                    }),
                "in-bad-6 (AttackSimulation): scenario must be a plain value, not an output: it decides the alerts to expect",
            ],
            [
                () =>
                    new AttackSimulation("in-bad-7", {
                        clusterName: later("apps"),
                        scenario: "recon",
                        production: true,
                        images,
                    }),
                "the attack simulation must not run on a production stack (AttackSimulation in-bad-7)",
            ],
        ];
        for (const [declare, message] of cases) assert.throws(declare, { message });
    });
});
