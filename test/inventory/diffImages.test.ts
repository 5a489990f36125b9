import { strict as assert } from "assert";
import { diffIndexes, renderDiff } from "../../inventory/diff";
import { indexOfTexts, SnapshotIndex } from "../../inventory/snapshotIndex";
import { finding } from "../../inventory/findings";

const idx = (objects: Record<string, unknown>): SnapshotIndex =>
    indexOfTexts(
        Object.entries(objects).map(([k, v]) => [k, JSON.stringify(v)]),
        {
            erroredKinds: new Set(),
            findings: new Map(),
            unknownFindings: new Set(),
        },
    );

const deployment = (image: string, extra: Record<string, unknown> = {}, sidecar?: string) => ({
    kind: "Deployment",
    namespace: "team-4",
    name: "app-4",
    replicas: 2,
    template: {
        serviceAccount: "sa",
        containers: [
            { name: "app", image, runAsNonRoot: true },
            ...(sidecar ? [{ name: "proxy", image: sidecar }] : []),
        ],
        ...extra,
    },
});

describe("diff: image changes", () => {
    it("says which container's image went from what to what, instead of only (template)", () => {
        const d = diffIndexes(
            idx({ "Deployment/team-4/app-4": deployment("repo/app:1.4.0") }),
            idx({ "Deployment/team-4/app-4": deployment("repo/app:2.0.0") }),
        );
        assert.deepEqual(d.changed, [
            {
                key: "Deployment/team-4/app-4",
                fields: [],
                images: [{ container: "app", from: "repo/app:1.4.0", to: "repo/app:2.0.0" }],
            },
        ]);
        assert.match(
            renderDiff(d),
            /\n {4}~ Deployment\/team-4\/app-4 image app: repo\/app:1\.4\.0 -> repo\/app:2\.0\.0\n/,
        );
    });

    it("keeps (template) when more than the images changed, and names containers added or removed", () => {
        const d = diffIndexes(
            idx({
                "Deployment/team-4/app-4": deployment("repo/app:1.4.0"),
                "Pod/team-4/debug": {
                    kind: "Pod",
                    namespace: "team-4",
                    name: "debug",
                    containers: [{ name: "sh", image: "busybox:1.36" }],
                },
            }),
            idx({
                "Deployment/team-4/app-4": deployment("repo/app:2.0.0", { hostNetwork: true }, "envoy:1.30"),
                "Pod/team-4/debug": {
                    kind: "Pod",
                    namespace: "team-4",
                    name: "debug",
                    containers: [{ name: "sh", image: "busybox:1.37" }],
                },
            }),
        );
        assert.deepEqual(
            renderDiff(d)
                .split("\n")
                .filter((l) => l.includes("~ ")),
            [
                "    ~ Deployment/team-4/app-4 image app: repo/app:1.4.0 -> repo/app:2.0.0, image proxy: (none) -> envoy:1.30 (template)",
                "    ~ Pod/team-4/debug image sh: busybox:1.36 -> busybox:1.37",
            ],
        );
    });

    it("leaves other changes as they were: fields only", () => {
        const before = deployment("repo/app:1.4.0");
        const d = diffIndexes(
            idx({ "Deployment/team-4/app-4": before }),
            idx({ "Deployment/team-4/app-4": { ...before, replicas: 3 } }),
        );
        assert.deepEqual(d.changed, [{ key: "Deployment/team-4/app-4", fields: ["replicas"] }]);
    });

    it("names a finding's image when its message does not", () => {
        const f = finding(
            "host-namespace",
            { kind: "DaemonSet", namespace: "kube-system", name: "aws-node" },
            "DaemonSet kube-system/aws-node shares the node's namespaces: hostNetwork",
            "602401143452.dkr.ecr.us-west-2.amazonaws.com/amazon-k8s-cni:v1.15.1",
        );
        const d = diffIndexes({ ...idx({}), findings: new Map() }, { ...idx({}), findings: new Map([[f.id, f]]) });
        assert.match(
            renderDiff(d),
            /! \[high\] host-namespace: DaemonSet kube-system\/aws-node shares the node's namespaces: hostNetwork \[image 602401143452\.dkr\.ecr\.us-west-2\.amazonaws\.com\/amazon-k8s-cni:v1\.15\.1\]\n/,
        );
    });
});
