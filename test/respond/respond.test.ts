import * as assert from "assert";
import { respondCli } from "../helpers/cli";
import { FixtureServer, startKubeApiServer } from "../fixtures/kubeApiServer";
import { generateCluster, GenerateOptions } from "../fixtures/clusterGenerator";
import { writeKubeconfig } from "../fixtures/kubeconfig";
import { QUARANTINE_LABEL, QUARANTINE_POLICY_NAME } from "../../domain/kubernetes/isolationFacts";

const POD = "team-0/app-0-7d9f8c6b5-xxxx0";
const POD_PATH = "/api/v1/namespaces/team-0/pods/app-0-7d9f8c6b5-xxxx0";

describe("npm run respond", function () {
    this.timeout(30_000);
    let server: FixtureServer;
    let kubeconfig: string;

    async function cluster(opts: GenerateOptions, policy = true) {
        const state = generateCluster({ pods: 20, ...opts });
        if (policy)
            state.objects.NetworkPolicy.push({
                metadata: { name: QUARANTINE_POLICY_NAME, namespace: "team-0" },
                spec: {
                    podSelector: { matchLabels: { [QUARANTINE_LABEL.key]: QUARANTINE_LABEL.value } },
                    policyTypes: ["Ingress", "Egress"],
                },
            });
        server = await startKubeApiServer(state, { token: "ops" });
        kubeconfig = writeKubeconfig({ prod: { url: server.url, token: "ops" } }).file;
    }
    const pod = () => server.state.objects.Pod.find((p) => `${p.metadata.namespace}/${p.metadata.name}` === POD);
    const writes = () => server.requests.filter((r) => r.method !== "GET");
    afterEach(() => server?.close());

    it("isolates a running pod with a merge patch of its labels, then releases it", async () => {
        await cluster({});
        const r = await respondCli(["respond", "isolate", "--pod", POD, "--kubeconfig", kubeconfig]);
        assert.strictEqual(r.code, 0, r.stderr);
        assert.strictEqual(
            r.stdout,
            `isolated pod ${POD}: added label ${QUARANTINE_LABEL.key}=${QUARANTINE_LABEL.value}; NetworkPolicy team-0/${QUARANTINE_POLICY_NAME} now denies its ingress and egress, except traffic with its own node, which NetworkPolicy never blocks (Kubernetes 1.29 with Calico enforcing network policy)\n`,
        );
        assert.deepStrictEqual(
            writes().map((w) => [w.method, w.path, w.contentType, JSON.parse(w.body!)]),
            [
                [
                    "PATCH",
                    POD_PATH,
                    "application/merge-patch+json",
                    { metadata: { labels: { [QUARANTINE_LABEL.key]: QUARANTINE_LABEL.value } } },
                ],
            ],
        );
        const pluginQuery = server.requests.find((q) => q.path === "/api/v1/pods");
        assert.strictEqual(pluginQuery!.query.labelSelector, "k8s-app in (azure-npm,calico-node,cilium,aws-node)");
        assert.strictEqual(pod()!.metadata.labels![QUARANTINE_LABEL.key], QUARANTINE_LABEL.value);
        assert.strictEqual(pod()!.metadata.labels!.app, "app-0", "other labels kept");

        server.requests.length = 0;
        const rel = await respondCli(["respond", "release", "--pod", POD, "--kubeconfig", kubeconfig]);
        assert.strictEqual(rel.code, 0, rel.stderr);
        assert.strictEqual(rel.stdout, `released pod ${POD}: removed label ${QUARANTINE_LABEL.key}\n`);
        assert.deepStrictEqual(
            writes().map((w) => [w.method, JSON.parse(w.body!)]),
            [["PATCH", { metadata: { labels: { [QUARANTINE_LABEL.key]: null } } }]],
        );
        assert.ok(!(QUARANTINE_LABEL.key in pod()!.metadata.labels!));
    });

    it("terminates a pod with a DELETE", async () => {
        await cluster({});
        const r = await respondCli([
            "respond",
            "terminate",
            "--pod",
            POD,
            "--kubeconfig",
            kubeconfig,
            "--context",
            "prod",
        ]);
        assert.strictEqual(r.code, 0, r.stderr);
        assert.strictEqual(
            r.stdout,
            `terminated pod ${POD} (deleted; its controller, if any, may start a replacement)\n`,
        );
        assert.deepStrictEqual(
            writes().map((w) => [w.method, w.path]),
            [["DELETE", POD_PATH]],
        );
        assert.strictEqual(pod(), undefined);
    });

    const refusals: [string, GenerateOptions, string][] = [
        [
            "Kubernetes older than 1.27",
            { version: "1.26.4" },
            `refused: cannot isolate pod ${POD}: Kubernetes 1.26 is older than 1.27, the first version isolation supports\n`,
        ],
        [
            "a plug-in below its minimum version",
            { networkPlugins: ["azure-npm@v1.5.33"] },
            `refused: cannot isolate pod ${POD}: no network-policy plug-in at a supported version: Azure-NPM 1.5.33 (needs 1.5.34)\n`,
        ],
        [
            "no plug-in",
            { networkPlugins: [] },
            `refused: cannot isolate pod ${POD}: no network-policy plug-in found (pods labelled k8s-app in (azure-npm,calico-node,cilium,aws-node)); without one the quarantine policy is not enforced\n`,
        ],
    ];
    for (const [what, opts, message] of refusals) {
        it(`refuses isolation on ${what}, writing nothing`, async () => {
            await cluster(opts);
            const r = await respondCli(["respond", "isolate", "--pod", POD, "--kubeconfig", kubeconfig]);
            assert.strictEqual(r.code, 1);
            assert.strictEqual(r.stderr, message);
            assert.deepStrictEqual(writes(), []);
        });
    }

    it("refuses a pod that is not running, a namespace without the quarantine policy, and a missing pod", async () => {
        await cluster({}, false);
        let r = await respondCli(["respond", "isolate", "--pod", POD, "--kubeconfig", kubeconfig]);
        assert.strictEqual(
            r.stderr,
            `refused: cannot isolate pod ${POD}: namespace team-0 has no NetworkPolicy ${QUARANTINE_POLICY_NAME}, so the label would not cut its traffic; deploy the pod-isolation component for this namespace first\n`,
        );
        (pod()!.status as { phase: string }).phase = "Succeeded";
        r = await respondCli(["respond", "terminate", "--pod", POD, "--kubeconfig", kubeconfig]);
        assert.strictEqual(r.code, 1);
        assert.strictEqual(
            r.stderr,
            `refused: pod ${POD} is Succeeded, not Running; terminate acts on running pods only\n`,
        );
        r = await respondCli(["respond", "terminate", "--pod", "team-0/nope", "--kubeconfig", kubeconfig]);
        assert.strictEqual(r.stderr, "refused: pod team-0/nope does not exist\n");
        assert.deepStrictEqual(writes(), []);
    });

    it("refuses isolation when the quarantine NetworkPolicy would not cut the pod's traffic, naming what it lacks", async () => {
        const policyPath = `NetworkPolicy team-0/${QUARANTINE_POLICY_NAME} would not cut its traffic`;
        const cases: [string, Record<string, unknown>, string[], string][] = [
            [
                "--label other than the policy's selector",
                {
                    podSelector: { matchLabels: { [QUARANTINE_LABEL.key]: QUARANTINE_LABEL.value } },
                    policyTypes: ["Ingress", "Egress"],
                },
                ["--label", "sec/quarantine=yes"],
                "its podSelector does not select the pod labelled sec/quarantine=yes",
            ],
            [
                "Ingress only",
                {
                    podSelector: { matchLabels: { [QUARANTINE_LABEL.key]: QUARANTINE_LABEL.value } },
                    policyTypes: ["Ingress"],
                },
                [],
                "policyTypes lacks Egress",
            ],
            [
                "an allow-all egress rule",
                {
                    podSelector: { matchLabels: { [QUARANTINE_LABEL.key]: QUARANTINE_LABEL.value } },
                    policyTypes: ["Ingress", "Egress"],
                    egress: [{}],
                },
                [],
                "it has 1 egress rule(s) that allow traffic out",
            ],
            [
                "a selector of another label and no policy types",
                { podSelector: { matchLabels: { tier: "db" } } },
                [],
                "its podSelector does not select the pod labelled agentless-discovery/quarantine=isolated; policyTypes lacks Ingress; policyTypes lacks Egress",
            ],
        ];
        await cluster({}, false);
        for (const [what, spec, extra, lack] of cases) {
            server.state.objects.NetworkPolicy = [
                { metadata: { name: QUARANTINE_POLICY_NAME, namespace: "team-0" }, spec },
            ];
            const r = await respondCli(["respond", "isolate", "--pod", POD, "--kubeconfig", kubeconfig, ...extra]);
            assert.deepStrictEqual(
                [r.code, r.stderr],
                [1, `refused: cannot isolate pod ${POD}: ${policyPath}: ${lack}\n`],
                what,
            );
        }
        assert.deepStrictEqual(writes(), []);
        // The policy selecting the --label actually applied is accepted.
        server.state.objects.NetworkPolicy = [
            {
                metadata: { name: QUARANTINE_POLICY_NAME, namespace: "team-0" },
                spec: {
                    podSelector: { matchExpressions: [{ key: "sec/quarantine", operator: "In", values: ["yes"] }] },
                    policyTypes: ["Egress", "Ingress"],
                },
            },
        ];
        const ok = await respondCli([
            "respond",
            "isolate",
            "--pod",
            POD,
            "--kubeconfig",
            kubeconfig,
            "--label",
            "sec/quarantine=yes",
        ]);
        assert.strictEqual(ok.code, 0, ok.stderr);
        assert.strictEqual(pod()!.metadata.labels!["sec/quarantine"], "yes");
    });

    const terminateInstead = `; its isolation cannot be shown, so it is not labelled: terminate it instead (npm run respond -- terminate --pod ${POD})`;

    it("refuses a hostNetwork pod, pointing to terminate, before reading anything else and writing nothing", async () => {
        await cluster({});
        (pod()!.spec as { hostNetwork?: boolean }).hostNetwork = true;
        const r = await respondCli(["respond", "isolate", "--pod", POD, "--kubeconfig", kubeconfig]);
        assert.deepStrictEqual(
            [r.code, r.stdout, r.stderr],
            [
                1,
                "",
                `refused: cannot isolate pod ${POD}: it runs in its node's network namespace (hostNetwork: true), to which a NetworkPolicy does not apply${terminateInstead}\n`,
            ],
        );
        assert.deepStrictEqual(
            server.requests.map((q) => [q.method, q.path]),
            [["GET", POD_PATH]],
        );
        assert.ok(!(QUARANTINE_LABEL.key in pod()!.metadata.labels!));
        // terminate still works on it.
        const t = await respondCli(["respond", "terminate", "--pod", POD, "--kubeconfig", kubeconfig]);
        assert.strictEqual(t.code, 0, t.stderr);
    });

    it("refuses a pod on a node where no plug-in enforces policy, although other nodes enforce it", async () => {
        await cluster({});
        const node = (pod()!.spec as { nodeName: string }).nodeName;
        const onNode = (p: { metadata: { labels?: Record<string, string> }; spec?: unknown }) =>
            p.metadata.labels?.["k8s-app"] === "calico-node" && (p.spec as { nodeName?: string }).nodeName === node;
        // (An older agent on that node is refused already: the cluster's lowest version counts.)
        server.state.objects.Pod = server.state.objects.Pod.filter((p) => !onNode(p));
        const r = await respondCli(["respond", "isolate", "--pod", POD, "--kubeconfig", kubeconfig]);
        assert.deepStrictEqual(
            [r.code, r.stderr],
            [
                1,
                `refused: cannot isolate pod ${POD}: on its node ${node}, no network-policy plug-in found (pods labelled k8s-app in (azure-npm,calico-node,cilium,aws-node)); without one the quarantine policy is not enforced${terminateInstead}\n`,
            ],
        );
        assert.deepStrictEqual(writes(), []);
    });

    it("refuses when another NetworkPolicy of the namespace still allows the pod's traffic (policies add up)", async () => {
        await cluster({});
        const others = [
            // Selects other pods only: no effect on this one.
            {
                metadata: { name: "db", namespace: "team-0" },
                spec: { podSelector: { matchLabels: { tier: "db" } }, ingress: [{}] },
            },
            // Ingress rules under policyTypes [Egress] are not in force.
            {
                metadata: { name: "egress-only", namespace: "team-0" },
                spec: { podSelector: {}, policyTypes: ["Egress"], ingress: [{}] },
            },
        ];
        server.state.objects.NetworkPolicy.push(...others);
        const ok = await respondCli(["respond", "isolate", "--pod", POD, "--kubeconfig", kubeconfig]);
        assert.strictEqual(ok.code, 0, ok.stderr);
        await respondCli(["respond", "release", "--pod", POD, "--kubeconfig", kubeconfig]);
        server.requests.length = 0;
        server.state.objects.NetworkPolicy.push(
            {
                metadata: { name: "web", namespace: "team-0" },
                spec: { podSelector: { matchLabels: { app: "app-0" } }, ingress: [{}, {}] },
            },
            { metadata: { name: "out", namespace: "team-0" }, spec: { podSelector: {}, egress: [{}] } },
        );
        const r = await respondCli(["respond", "isolate", "--pod", POD, "--kubeconfig", kubeconfig]);
        assert.deepStrictEqual(
            [r.code, r.stderr],
            [
                1,
                `refused: cannot isolate pod ${POD}: policies add up, and NetworkPolicy team-0/web also selects it and allows ingress (2 rule(s)); NetworkPolicy team-0/out also selects it and allows egress (1 rule(s))${terminateInstead}\n`,
            ],
        );
        assert.deepStrictEqual(writes(), []);
    });

    it("rejects a pod reference without a namespace and an unknown action (exit 2)", async () => {
        await cluster({});
        const cases: [string[], string][] = [
            [["isolate", "--pod", "web-1"], 'error: --pod "web-1" has no namespace; write it as NAMESPACE/NAME\n'],
            [
                ["quarantine", "--pod", POD],
                'error: unknown action "quarantine"; use one of isolate, release, terminate\n',
            ],
            [["isolate"], "error: --pod NAMESPACE/NAME is required\n"],
            [
                ["isolate", "--pod", POD, "--context", "staging"],
                `error: context "staging" is not in kubeconfig ${kubeconfig}; known contexts: prod\n`,
            ],
        ];
        for (const [args, message] of cases) {
            const r = await respondCli(["respond", ...args, "--kubeconfig", kubeconfig]);
            assert.deepStrictEqual([r.code, r.stderr], [2, message]);
        }
        assert.deepStrictEqual(server.requests, []);
    });
});
