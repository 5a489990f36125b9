import { strict as assert } from "assert";
import {
    compareVersions,
    isolationSupport,
    NETWORK_POLICY_PLUGINS,
    parseServerVersion,
    PLUGIN_LABEL_SELECTOR,
    QUARANTINE_LABEL,
    quarantinePolicyManifest,
    versionFromImage,
} from "../../../domain/kubernetes/isolationFacts";

describe("isolationFacts", () => {
    it("holds the plug-ins of docs/sources.md (response actions) and minimum versions", () => {
        assert.deepEqual(
            NETWORK_POLICY_PLUGINS.map((p) => [p.app, p.minVersion]),
            [
                ["azure-npm", "1.5.34"],
                ["calico-node", "3.24.1"],
                ["cilium", "1.13.1"],
                ["aws-node", "1.15.1"],
            ],
        );
        assert.equal(PLUGIN_LABEL_SELECTOR, "k8s-app in (azure-npm,calico-node,cilium,aws-node)");
    });

    it("reads server versions as /version and kubectl report them", () => {
        assert.deepEqual(parseServerVersion("v1.27.3-eks-2f008fe"), { major: 1, minor: 27 });
        assert.deepEqual(parseServerVersion({ major: "1", minor: "28+", gitVersion: "v1.28.5-gke.1217000" }), {
            major: 1,
            minor: 28,
        });
        assert.deepEqual(parseServerVersion({ major: "", minor: "", gitVersion: "v1.29.0" }), { major: 1, minor: 29 });
        assert.equal(parseServerVersion("unknown"), null);
    });

    it("reads plug-in versions from image tags", () => {
        assert.equal(versionFromImage("mcr.microsoft.com/containernetworking/azure-npm:v1.5.34"), "1.5.34");
        assert.equal(
            versionFromImage("602401143452.dkr.ecr.us-west-2.amazonaws.com/amazon-k8s-cni:v1.15.1-eksbuild.1"),
            "1.15.1",
        );
        assert.equal(
            versionFromImage(
                "quay.io/cilium/cilium:v1.14.2@sha256:6263f3a3d5d63b267b538298dbeb5ae87da3efacf09a2c620446c873ba807d35",
            ),
            "1.14.2",
        );
        assert.equal(versionFromImage("localhost:5000/calico/node:3.26.1"), "3.26.1");
        assert.equal(versionFromImage("localhost:5000/calico/node"), undefined);
        assert.equal(versionFromImage("docker.io/calico/node:latest"), undefined);
    });

    it("compares versions numerically, not as text", () => {
        assert.equal(compareVersions("1.5.34", "1.5.4"), 1);
        assert.equal(compareVersions("1.15", "1.15.1"), -1);
        assert.equal(compareVersions("v3.24.1", "3.24.1"), 0);
    });

    it("supports isolation from Kubernetes 1.27 with a plug-in at its minimum version", () => {
        assert.deepEqual(isolationSupport("v1.27.0", [{ app: "azure-npm", version: "1.5.34" }]), {
            supported: true,
            reason: "Kubernetes 1.27 with Azure-NPM enforcing network policy",
            enforcing: ["azure-npm"],
        });
        assert.equal(
            isolationSupport({ major: "1", minor: "30+" }, [
                { app: "aws-node", version: "1.15.1" },
                { app: "kube-proxy", version: "1.0" },
            ]).supported,
            true,
        );
    });

    it("refuses Kubernetes older than 1.27", () => {
        assert.deepEqual(isolationSupport("v1.26.9", [{ app: "cilium", version: "1.15.0" }]), {
            supported: false,
            reason: "Kubernetes 1.26 is older than 1.27, the first version isolation supports",
            enforcing: [],
        });
    });

    it("refuses a cluster without a known plug-in, or with plug-ins below their minimum", () => {
        assert.equal(
            isolationSupport("1.29", [{ app: "kube-proxy", version: "1.29.0" }]).reason,
            "no network-policy plug-in found (pods labelled k8s-app in (azure-npm,calico-node,cilium,aws-node)); without one the quarantine policy is not enforced",
        );
        assert.deepEqual(isolationSupport("1.29", [{ app: "calico-node", version: "3.24.0" }, { app: "aws-node" }]), {
            supported: false,
            reason: "no network-policy plug-in at a supported version: Calico 3.24.0 (needs 3.24.1), AWS VPC CNI (aws-node) (version unknown, needs 1.15.1)",
            enforcing: [],
        });
    });

    it("counts the lowest version of a plug-in seen in several versions", () => {
        const r = isolationSupport("1.28", [
            { app: "cilium", version: "1.14.0" },
            { app: "cilium", version: "1.13.0" },
            { app: "cilium", version: "1.15.0" },
        ]);
        assert.equal(r.supported, false);
        assert.match(r.reason, /Cilium 1\.13\.0 \(needs 1\.13\.1\)/);
    });

    it("refuses aws-node together with both Calico and Cilium, but not with one of them", () => {
        const all = [
            { app: "aws-node", version: "1.16.0" },
            { app: "calico-node", version: "3.27.0" },
            { app: "cilium", version: "1.15.0" },
        ];
        assert.deepEqual(isolationSupport("1.29", all), {
            supported: false,
            reason: "aws-node runs together with both Calico and Cilium; with aws-node, Calico and Cilium must not both enforce network policy",
            enforcing: [],
        });
        assert.deepEqual(isolationSupport("1.29", all.slice(0, 2)).enforcing, ["calico-node", "aws-node"]);
        assert.deepEqual(isolationSupport("1.29", all.slice(1)).enforcing, ["calico-node", "cilium"]);
    });

    it("builds a policy that selects the label and denies both directions with no rules", () => {
        const m = quarantinePolicyManifest("payments");
        assert.equal(m.metadata.namespace, "payments");
        assert.deepEqual(m.spec.podSelector, { matchLabels: { [QUARANTINE_LABEL.key]: QUARANTINE_LABEL.value } });
        assert.deepEqual(m.spec.policyTypes, ["Ingress", "Egress"]);
        assert.equal("ingress" in m.spec, false);
        assert.equal("egress" in m.spec, false);
    });
});
