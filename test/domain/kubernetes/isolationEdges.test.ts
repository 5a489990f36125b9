import { strict as assert } from "assert";
import {
    compareVersions,
    isolationSupport,
    isVersion,
    parseServerVersion,
    pluginOfPod,
    podIsolationProblem,
    QUARANTINE_POLICY_NAME,
    quarantinePolicyManifest,
    versionFromImage,
} from "../../../domain/kubernetes/isolationFacts";

// The edges of the isolation facts: which pods stand for a plug-in, how versions are read and
// compared, and what a pod's node and network decide.
const CALICO = { app: "calico-node", version: "3.26.1", node: "n1" };

describe("isolation facts at their edges", () => {
    it("takes a running pod labelled with a known plug-in for that plug-in, versioned by its image", () => {
        const app = (v: string) => ({ "k8s-app": v });
        assert.deepEqual(pluginOfPod(app("cilium"), "Running", "quay.io/cilium/cilium:v1.14.2"), {
            app: "cilium",
            version: "1.14.2",
        });
        assert.deepEqual(pluginOfPod(app("cilium"), "Running", undefined), { app: "cilium", version: undefined });
        for (const [labels, phase] of [
            [app("cilium"), "Pending"],
            [app("cilium"), undefined],
            [app("kube-proxy"), "Running"],
            [app(""), "Running"],
            [{ app: "cilium" }, "Running"],
            [undefined, "Running"],
        ] as const)
            assert.equal(pluginOfPod(labels, phase, "cilium:v1.14.2"), undefined, JSON.stringify([labels, phase]));
    });

    it("reads server versions only from their start, with numbers of several digits", () => {
        assert.deepEqual(parseServerVersion(" v10.123.4 "), { major: 10, minor: 123 });
        assert.equal(parseServerVersion("release-1.29"), null);
        assert.equal(parseServerVersion("x1.29"), null);
        assert.deepEqual(parseServerVersion({ major: "12", minor: "345+" }), { major: 12, minor: 345 });
        assert.deepEqual(parseServerVersion({ major: "v1", minor: "29", gitVersion: "v1.30.0" }), {
            major: 1,
            minor: 30,
        });
        assert.deepEqual(parseServerVersion({ major: "1", minor: "x29", gitVersion: "v1.31.0" }), {
            major: 1,
            minor: 31,
        });
        assert.equal(parseServerVersion({ major: "1", minor: "" }), null);
    });

    it("reads an image's version from its tag only, with numbers of several digits", () => {
        assert.equal(versionFromImage("registry:5000/calico/node"), undefined);
        assert.equal(versionFromImage("registry:5000/node:v10.22"), "10.22");
        assert.equal(versionFromImage("node:build-1.2.3"), undefined);
        assert.equal(versionFromImage("node:1"), undefined);
        assert.equal(versionFromImage("node:v1.2.3.4"), "1.2.3");
        assert.equal(versionFromImage("node@sha256:1.2.3"), undefined);
        assert.equal(versionFromImage("a:1.2/node"), undefined);
    });

    it("compares versions with several digits, a leading v, spaces, and missing or unreadable parts", () => {
        assert.deepEqual(
            [
                ["10.0", "9.9"],
                ["1.10", "1.9"],
                ["1.9", "1.10"],
                [" v1.2 ", "1.2.0"],
                ["1.2.1", "1.2"],
                ["x", "0"],
                ["1.2-rc1", "1.2"],
                ["v", "0.0"],
            ].map(([a, b]) => compareVersions(a, b)),
            [1, 1, -1, 0, 1, 0, 0, 0],
        );
    });

    it("counts as a version only dotted numbers, with an optional v and a -/+ suffix", () => {
        assert.deepEqual(
            ["1", "v1.2.3", "10.20", " 1.2 ", "1.2-rc.1", "1.2+build", "1.2rc", "x1.2", "1.2.", "v", "1.2-"].map(
                isVersion,
            ),
            [true, true, true, true, true, true, false, false, false, false, true],
        );
    });

    it("says which server version could not be read, from the text or the fields", () => {
        const no = (v: Parameters<typeof isolationSupport>[0]) => isolationSupport(v, [CALICO]).reason;
        assert.equal(no("latest"), 'the Kubernetes version "latest" could not be read; isolation needs 1.27 or later');
        assert.equal(
            no({ major: "", minor: "", gitVersion: "dev" }),
            'the Kubernetes version "dev" could not be read; isolation needs 1.27 or later',
        );
        assert.equal(
            no({ major: "one", minor: "x" }),
            'the Kubernetes version "one.x" could not be read; isolation needs 1.27 or later',
        );
        assert.deepEqual(isolationSupport("latest", [CALICO]).enforcing, []);
        assert.equal(isolationSupport("latest", [CALICO]).supported, false);
    });

    it("counts the lowest version of a plug-in, and an unknown version as lowest", () => {
        const s = (versions: (string | undefined)[]) =>
            isolationSupport(
                "1.29",
                versions.map((version) => ({ app: "calico-node", version })),
            ).reason;
        assert.equal(
            s(["3.26.1", "3.24.0"]),
            "no network-policy plug-in at a supported version: Calico 3.24.0 (needs 3.24.1)",
        );
        assert.equal(
            s(["3.24.0", "3.26.1"]),
            "no network-policy plug-in at a supported version: Calico 3.24.0 (needs 3.24.1)",
        );
        assert.equal(
            s(["3.26.1", undefined, "3.27"]),
            "no network-policy plug-in at a supported version: Calico (version unknown, needs 3.24.1)",
        );
        assert.equal(s(["3.26.1", "3.26.1"]), "Kubernetes 1.29 with Calico enforcing network policy");
        assert.equal(
            s(["latest"]),
            "no network-policy plug-in at a supported version: Calico (version unknown, needs 3.24.1)",
        );
        assert.deepEqual(
            isolationSupport("1.29", [
                { app: "cilium", version: "1.13.1" },
                { app: "azure-npm", version: "1.5.34" },
                { app: "weave", version: "9" },
            ]),
            {
                supported: true,
                reason: "Kubernetes 1.29 with Azure-NPM, Cilium enforcing network policy",
                enforcing: ["azure-npm", "cilium"],
            },
        );
    });

    it("judges a pod by its own node's plug-in agent, and refuses one not bound to a node", () => {
        assert.equal(podIsolationProblem({ nodeName: "n1" }, "1.29", [CALICO]), undefined);
        assert.equal(
            podIsolationProblem({ nodeName: "n2" }, "1.29", [CALICO]),
            "on its node n2, no network-policy plug-in found (pods labelled k8s-app in (azure-npm,calico-node,cilium,aws-node)); without one the quarantine policy is not enforced",
        );
        assert.equal(
            podIsolationProblem({}, "1.29", [CALICO]),
            "it is not bound to a node, so the plug-in that would enforce its policy is unknown",
        );
        assert.equal(
            podIsolationProblem({ nodeName: "" }, "1.29", [CALICO]),
            "it is not bound to a node, so the plug-in that would enforce its policy is unknown",
        );
        assert.equal(
            podIsolationProblem({ hostNetwork: true, nodeName: "n1" }, "1.29", [CALICO]),
            "it runs in its node's network namespace (hostNetwork: true), to which a NetworkPolicy does not apply",
        );
        assert.equal(podIsolationProblem({ hostNetwork: false, nodeName: "n1" }, "1.29", [CALICO]), undefined);
    });

    it("builds the quarantine policy under its name, managed by this tool", () => {
        assert.deepEqual(quarantinePolicyManifest("shop").metadata, {
            name: QUARANTINE_POLICY_NAME,
            namespace: "shop",
            labels: { "app.kubernetes.io/managed-by": "agentless-discovery" },
        });
        assert.deepEqual(quarantinePolicyManifest("shop", { key: "k", value: "v" }, "lock"), {
            apiVersion: "networking.k8s.io/v1",
            kind: "NetworkPolicy",
            metadata: {
                name: "lock",
                namespace: "shop",
                labels: { "app.kubernetes.io/managed-by": "agentless-discovery" },
            },
            spec: { podSelector: { matchLabels: { k: "v" } }, policyTypes: ["Ingress", "Egress"] },
        });
    });
});
