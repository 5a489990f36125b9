import { strict as assert } from "assert";
import { KubeApiError, KubeClient } from "../../lib/kube/client";
import { parsePodRef, Refusal, respond, RESPONSE_ACTIONS, ResponseAction } from "../../respond/actions";
import { FaultRule, FixtureServer, KubeObject, startKubeApiServer } from "../fixtures/kubeApiServer";
import { generateCluster, GenerateOptions } from "../fixtures/clusterGenerator";
import { QUARANTINE_LABEL, QUARANTINE_POLICY_NAME, QuarantineLabel } from "../../domain/kubernetes/isolationFacts";

// The respond actions called in this process (test/respond/respond.test.ts runs the same through the
// CLI): what each action answers, refuses and writes, read from the fixture API server.
const POD = { namespace: "team-0", name: "app-0-7d9f8c6b5-xxxx0" };
const WHAT = `pod ${POD.namespace}/${POD.name}`;
const POD_PATH = `/api/v1/namespaces/${POD.namespace}/pods/${POD.name}`;
const TERMINATE_INSTEAD = `; its isolation cannot be shown, so it is not labelled: terminate it instead (npm run respond -- terminate --pod ${POD.namespace}/${POD.name})`;
const QUARANTINE_SPEC = {
    podSelector: { matchLabels: { [QUARANTINE_LABEL.key]: QUARANTINE_LABEL.value } },
    policyTypes: ["Ingress", "Egress"],
};
const ISOLATED = `isolated ${WHAT}: added label ${QUARANTINE_LABEL.key}=${QUARANTINE_LABEL.value}; NetworkPolicy team-0/${QUARANTINE_POLICY_NAME} now denies its ingress and egress, except traffic with its own node, which NetworkPolicy never blocks (Kubernetes 1.29 with Calico enforcing network policy)`;
const NO_POLICY = `cannot isolate ${WHAT}: namespace team-0 has no NetworkPolicy ${QUARANTINE_POLICY_NAME}, so the label would not cut its traffic; deploy the pod-isolation component for this namespace first`;

describe("respond actions, in process: what each one answers, refuses and writes", function () {
    this.timeout(30_000);
    let server: FixtureServer;
    afterEach(() => server?.close());

    /** A cluster with the quarantine policy in team-0 (given spec; none when null), the target pod changed by `pod`. */
    async function cluster(
        opts: GenerateOptions & {
            policy?: Record<string, unknown> | null;
            pod?: (p: KubeObject) => void;
            faults?: FaultRule[];
        } = {},
    ) {
        const state = generateCluster({ pods: 20, ...opts });
        if (opts.policy !== null)
            state.objects.NetworkPolicy.push({
                metadata: { name: QUARANTINE_POLICY_NAME, namespace: "team-0" },
                spec: opts.policy ?? QUARANTINE_SPEC,
            });
        opts.pod?.(target(state.objects.Pod)!);
        server = await startKubeApiServer(state, { token: "ops", faults: opts.faults });
    }
    const target = (pods: KubeObject[]) =>
        pods.find((p) => p.metadata.namespace === POD.namespace && p.metadata.name === POD.name);
    const labels = () => target(server.state.objects.Pod)?.metadata.labels;
    const writes = () => server.requests.filter((r) => r.method !== "GET").map((w) => [w.method, w.path, w.body]);

    /** The action's lines, or `refused: <message>` for a Refusal; any other error is thrown. */
    async function run(
        action: ResponseAction,
        ref = POD,
        label: QuarantineLabel = QUARANTINE_LABEL,
        policyName?: string,
    ): Promise<string[] | string> {
        const client = new KubeClient({ name: "prod", server: server.url, insecureSkipTlsVerify: false, token: "ops" });
        try {
            return await respond(client, action, ref, label, policyName);
        } catch (e) {
            if (e instanceof Refusal) return `refused${e.name === "Refusal" ? "" : ` (${e.name})`}: ${e.message}`;
            throw e;
        }
    }

    it("isolates a running pod with one merge patch of its labels, keeping the others", async () => {
        await cluster();
        assert.deepEqual(await run("isolate"), [ISOLATED]);
        const patch = server.requests.filter((r) => r.method === "PATCH");
        assert.deepEqual(
            patch.map((p) => [p.path, p.contentType, JSON.parse(p.body!)]),
            [
                [
                    POD_PATH,
                    "application/merge-patch+json",
                    { metadata: { labels: { [QUARANTINE_LABEL.key]: QUARANTINE_LABEL.value } } },
                ],
            ],
        );
        assert.equal(
            server.requests.find((q) => q.path === "/api/v1/pods")!.query.labelSelector,
            "k8s-app in (azure-npm,calico-node,cilium,aws-node)",
        );
        assert.equal(labels()![QUARANTINE_LABEL.key], QUARANTINE_LABEL.value);
        assert.equal(labels()!.app, "app-0");
    });

    it("isolates under another label and policy name when the policy of that name selects that label", async () => {
        const label = { key: "sec/quarantine", value: "yes" };
        await cluster({ policy: null });
        server.state.objects.NetworkPolicy.push({
            metadata: { name: "lockdown", namespace: "team-0" },
            spec: { podSelector: { matchLabels: { "sec/quarantine": "yes" } }, policyTypes: ["Ingress", "Egress"] },
        });
        assert.deepEqual(await run("isolate", POD, label, "lockdown"), [
            `isolated ${WHAT}: added label sec/quarantine=yes; NetworkPolicy team-0/lockdown now denies its ingress and egress, except traffic with its own node, which NetworkPolicy never blocks (Kubernetes 1.29 with Calico enforcing network policy)`,
        ]);
        assert.ok(
            server.requests.some(
                (q) => q.path === "/apis/networking.k8s.io/v1/namespaces/team-0/networkpolicies/lockdown",
            ),
        );
        assert.equal(labels()!["sec/quarantine"], "yes");
    });

    it("answers already isolated, writing nothing, only once the quarantine policy is shown to cut its traffic", async () => {
        const labelled = (p: KubeObject) => {
            p.metadata.labels = { ...p.metadata.labels, [QUARANTINE_LABEL.key]: QUARANTINE_LABEL.value };
        };
        await cluster({ pod: labelled });
        assert.deepEqual(await run("isolate"), [
            `${WHAT} is already isolated (${QUARANTINE_LABEL.key}=${QUARANTINE_LABEL.value})`,
        ]);
        assert.deepEqual(writes(), []);
        await server.close();

        await cluster({ pod: labelled, policy: null });
        assert.equal(await run("isolate"), `refused: ${NO_POLICY}`);
        await server.close();

        await cluster({ pod: labelled, policy: { ...QUARANTINE_SPEC, ingress: [{}] } });
        assert.equal(
            await run("isolate"),
            `refused: cannot isolate ${WHAT}: NetworkPolicy team-0/${QUARANTINE_POLICY_NAME} would not cut its traffic: it has 1 ingress rule(s) that allow traffic in`,
        );
        await server.close();

        await cluster({ pod: labelled });
        server.state.objects.NetworkPolicy.push({
            metadata: { name: "web", namespace: "team-0" },
            spec: { podSelector: {}, ingress: [{}] },
        });
        assert.equal(
            await run("isolate"),
            `refused: cannot isolate ${WHAT}: policies add up, and NetworkPolicy team-0/web also selects it and allows ingress (1 rule(s))${TERMINATE_INSTEAD}`,
        );
        assert.deepEqual(writes(), []);
    });

    it("judges the policies against the pod's own labels, and names every other policy that allows traffic", async () => {
        // The quarantine policy selects the pod by its app label and the quarantine label together.
        await cluster({
            policy: {
                ...QUARANTINE_SPEC,
                podSelector: { matchLabels: { ...QUARANTINE_SPEC.podSelector.matchLabels, app: "app-0" } },
            },
        });
        server.state.objects.NetworkPolicy.push(
            {
                metadata: { name: "web", namespace: "team-0" },
                spec: { podSelector: { matchLabels: { app: "app-0" } }, ingress: [{}, {}] },
            },
            { metadata: { name: "out", namespace: "team-0" }, spec: { podSelector: {}, egress: [{}] } },
            {
                metadata: { name: "db", namespace: "team-0" },
                spec: { podSelector: { matchLabels: { app: "db" } }, ingress: [{}] },
            },
        );
        assert.equal(
            await run("isolate"),
            `refused: cannot isolate ${WHAT}: policies add up, and NetworkPolicy team-0/web also selects it and allows ingress (2 rule(s)); NetworkPolicy team-0/out also selects it and allows egress (1 rule(s))${TERMINATE_INSTEAD}`,
        );
        server.state.objects.NetworkPolicy = server.state.objects.NetworkPolicy.filter(
            (p) => p.metadata.name !== "web" && p.metadata.name !== "out",
        );
        assert.deepEqual(await run("isolate"), [ISOLATED]);
    });

    it("ignores plug-in pods without a status, a spec or containers, and refuses a target pod without a spec", async () => {
        await cluster();
        const plugin = (name: string, extra: Record<string, unknown>): KubeObject => ({
            metadata: { name, namespace: "kube-system", labels: { "k8s-app": "cilium" } },
            ...extra,
        });
        server.state.objects.Pod.push(
            plugin("no-status", { spec: { nodeName: "node-0", containers: [{ name: "c", image: "cilium:v1.0.0" }] } }),
            plugin("no-spec", { status: { phase: "Running" } }),
            plugin("no-containers", { spec: {}, status: { phase: "Running" } }),
        );
        assert.deepEqual(await run("isolate"), [ISOLATED.replace("with Calico enforcing", "with Calico enforcing")]);
        await server.close();
        await cluster({ pod: (p) => delete p.spec });
        assert.equal(
            await run("isolate"),
            `refused: cannot isolate ${WHAT}: it is not bound to a node, so the plug-in that would enforce its policy is unknown${TERMINATE_INSTEAD}`,
        );
    });

    it("names what the quarantine policy lacks, and writes nothing", async () => {
        await cluster({ policy: { podSelector: { matchLabels: { tier: "db" } }, egress: [{}] } });
        assert.equal(
            await run("isolate"),
            `refused: cannot isolate ${WHAT}: NetworkPolicy team-0/${QUARANTINE_POLICY_NAME} would not cut its traffic: its podSelector does not select the pod labelled ${QUARANTINE_LABEL.key}=${QUARANTINE_LABEL.value}; policyTypes lacks Ingress; policyTypes lacks Egress; it has 1 egress rule(s) that allow traffic out`,
        );
        assert.deepEqual(writes(), []);
    });

    it("refuses isolation on an old Kubernetes, an old plug-in or none, writing nothing", async () => {
        const cases: [GenerateOptions, string][] = [
            [{ version: "1.26.4" }, "Kubernetes 1.26 is older than 1.27, the first version isolation supports"],
            [
                { networkPlugins: ["azure-npm@v1.5.33"] },
                "no network-policy plug-in at a supported version: Azure-NPM 1.5.33 (needs 1.5.34)",
            ],
            [
                { networkPlugins: [] },
                "no network-policy plug-in found (pods labelled k8s-app in (azure-npm,calico-node,cilium,aws-node)); without one the quarantine policy is not enforced",
            ],
        ];
        for (const [opts, reason] of cases) {
            await cluster(opts);
            assert.equal(await run("isolate"), `refused: cannot isolate ${WHAT}: ${reason}`, reason);
            assert.deepEqual(writes(), []);
            await server.close();
        }
    });

    it("refuses a pod on a node without an enforcing plug-in agent, pointing to terminate", async () => {
        await cluster();
        const node = (target(server.state.objects.Pod)!.spec as { nodeName: string }).nodeName;
        server.state.objects.Pod = server.state.objects.Pod.filter(
            (p) =>
                !(
                    p.metadata.labels?.["k8s-app"] === "calico-node" &&
                    (p.spec as { nodeName?: string }).nodeName === node
                ),
        );
        assert.equal(
            await run("isolate"),
            `refused: cannot isolate ${WHAT}: on its node ${node}, no network-policy plug-in found (pods labelled k8s-app in (azure-npm,calico-node,cilium,aws-node)); without one the quarantine policy is not enforced${TERMINATE_INSTEAD}`,
        );
        assert.deepEqual(writes(), []);
    });

    it("refuses a hostNetwork pod before reading anything else; terminate still deletes it", async () => {
        await cluster({ pod: (p) => ((p.spec as { hostNetwork?: boolean }).hostNetwork = true) });
        assert.equal(
            await run("isolate"),
            `refused: cannot isolate ${WHAT}: it runs in its node's network namespace (hostNetwork: true), to which a NetworkPolicy does not apply${TERMINATE_INSTEAD}`,
        );
        assert.deepEqual(
            server.requests.map((q) => [q.method, q.path]),
            [["GET", POD_PATH]],
        );
        assert.deepEqual(await run("terminate"), [
            `terminated ${WHAT} (deleted; its controller, if any, may start a replacement)`,
        ]);
        assert.deepEqual(
            writes().map(([m, p]) => [m, p]),
            [["DELETE", POD_PATH]],
        );
        assert.equal(target(server.state.objects.Pod), undefined);
    });

    it("releases by removing the label, and says so when there is nothing to release", async () => {
        await cluster({
            pod: (p) => {
                p.metadata.labels = { ...p.metadata.labels, [QUARANTINE_LABEL.key]: "other-value" };
            },
        });
        assert.deepEqual(await run("release"), [`released ${WHAT}: removed label ${QUARANTINE_LABEL.key}`]);
        assert.deepEqual(
            writes().map(([m, p, b]) => [m, p, JSON.parse(b!)]),
            [["PATCH", POD_PATH, { metadata: { labels: { [QUARANTINE_LABEL.key]: null } } }]],
        );
        assert.ok(!(QUARANTINE_LABEL.key in labels()!));
        server.requests.length = 0;
        assert.deepEqual(await run("release"), [
            `${WHAT} is not isolated (no ${QUARANTINE_LABEL.key} label); nothing to release`,
        ]);
        assert.deepEqual(writes(), []);
    });

    it("says nothing to release for a pod without labels", async () => {
        await cluster({ pod: (p) => delete p.metadata.labels });
        assert.deepEqual(await run("release"), [
            `${WHAT} is not isolated (no ${QUARANTINE_LABEL.key} label); nothing to release`,
        ]);
    });

    it("refuses every action on a pod that is not running or does not exist", async () => {
        await cluster({ pod: (p) => ((p.status as { phase: string }).phase = "Succeeded") });
        for (const action of ["isolate", "release", "terminate"] as const)
            assert.equal(
                await run(action),
                `refused: ${WHAT} is Succeeded, not Running; ${action} acts on running pods only`,
            );
        assert.equal(
            await run("terminate", { namespace: "team-0", name: "nope" }),
            "refused: pod team-0/nope does not exist",
        );
        assert.deepEqual(writes(), []);
        await server.close();
        await cluster({ pod: (p) => delete p.status });
        assert.equal(
            await run("terminate"),
            `refused: ${WHAT} is Unknown, not Running; terminate acts on running pods only`,
        );
    });

    it("passes on an API error other than 404, for the pod and for the quarantine policy", async () => {
        await cluster({ faults: [{ path: POD_PATH, status: 403, message: "forbidden" }] });
        await assert.rejects(run("isolate"), (e: unknown) => e instanceof KubeApiError && e.status === 403);
        await server.close();
        await cluster({
            faults: [
                {
                    path: `/apis/networking.k8s.io/v1/namespaces/team-0/networkpolicies/${QUARANTINE_POLICY_NAME}`,
                    status: 403,
                    message: "forbidden",
                },
            ],
        });
        await assert.rejects(run("isolate"), (e: unknown) => e instanceof KubeApiError && e.status === 403);
        assert.deepEqual(writes(), []);
    });
});

describe("respond: the actions and the --pod reference", () => {
    it("offers isolate, release and terminate", () => {
        assert.deepEqual(RESPONSE_ACTIONS, ["isolate", "release", "terminate"]);
    });

    it("reads NAMESPACE/NAME of lower-case DNS names", () => {
        assert.deepEqual(parsePodRef("team-0/app-0.x"), { namespace: "team-0", name: "app-0.x" });
        assert.deepEqual(parsePodRef("a/b"), { namespace: "a", name: "b" });
    });

    it("refuses a bare name, a third part and names that are not lower-case DNS names", () => {
        assert.equal(parsePodRef("web-1"), '--pod "web-1" has no namespace; write it as NAMESPACE/NAME');
        for (const text of [
            "a/b/c",
            "Team/web",
            "team/Web",
            "-a/web",
            "a/web-",
            "/web",
            "team/",
            "te am/web",
            "a/.b",
            "a/b.",
        ])
            assert.equal(
                parsePodRef(text),
                `--pod ${JSON.stringify(text)} is not NAMESPACE/NAME (lower-case DNS names)`,
                text,
            );
    });
});
