import { strict as assert } from "assert";
import { respondCli } from "../helpers/cli";
import { FixtureServer, startKubeApiServer } from "../fixtures/kubeApiServer";
import { generateCluster } from "../fixtures/clusterGenerator";
import { writeKubeconfig } from "../fixtures/kubeconfig";
import { QUARANTINE_LABEL, QUARANTINE_POLICY_NAME } from "../../domain/kubernetes/isolationFacts";

const POD = "team-0/app-0-7d9f8c6b5-xxxx0";

describe("npm run respond isolate: a pod that already bears the quarantine label", function () {
    this.timeout(30_000);
    let server: FixtureServer;
    afterEach(() => server?.close());

    /** A cluster whose pod already has the label, with the given quarantine policy spec (none when undefined). */
    async function isolate(spec: Record<string, unknown> | undefined) {
        const state = generateCluster({ pods: 20 });
        const pod = state.objects.Pod.find((p) => `${p.metadata.namespace}/${p.metadata.name}` === POD)!;
        pod.metadata.labels = { ...(pod.metadata.labels ?? {}), [QUARANTINE_LABEL.key]: QUARANTINE_LABEL.value };
        if (spec)
            state.objects.NetworkPolicy.push({ metadata: { name: QUARANTINE_POLICY_NAME, namespace: "team-0" }, spec });
        server = await startKubeApiServer(state, { token: "ops" });
        const kubeconfig = writeKubeconfig({ prod: { url: server.url, token: "ops" } }).file;
        const r = await respondCli(["respond", "isolate", "--pod", POD, "--kubeconfig", kubeconfig]);
        return {
            code: r.code,
            stdout: r.stdout,
            stderr: r.stderr,
            writes: server.requests.filter((q) => q.method !== "GET"),
        };
    }

    it("is refused, not reported isolated, when its namespace has no quarantine policy", async () => {
        const r = await isolate(undefined);
        assert.deepEqual(
            [r.code, r.stderr, r.writes],
            [
                1,
                `refused: cannot isolate pod ${POD}: namespace team-0 has no NetworkPolicy ${QUARANTINE_POLICY_NAME}, so the label would not cut its traffic; deploy the pod-isolation component for this namespace first\n`,
                [],
            ],
        );
    });

    it("is refused, not reported isolated, when the quarantine policy lets traffic in", async () => {
        const r = await isolate({
            podSelector: { matchLabels: { [QUARANTINE_LABEL.key]: QUARANTINE_LABEL.value } },
            policyTypes: ["Ingress", "Egress"],
            ingress: [{}],
        });
        assert.deepEqual(
            [r.code, r.stderr, r.writes],
            [
                1,
                `refused: cannot isolate pod ${POD}: NetworkPolicy team-0/${QUARANTINE_POLICY_NAME} would not cut its traffic: it has 1 ingress rule(s) that allow traffic in\n`,
                [],
            ],
        );
    });

    it("is reported already isolated, writing nothing, when the policy cuts its traffic", async () => {
        const r = await isolate({
            podSelector: { matchLabels: { [QUARANTINE_LABEL.key]: QUARANTINE_LABEL.value } },
            policyTypes: ["Ingress", "Egress"],
        });
        assert.deepEqual(
            [r.code, r.stdout, r.stderr, r.writes],
            [0, `pod ${POD} is already isolated (${QUARANTINE_LABEL.key}=${QUARANTINE_LABEL.value})\n`, "", []],
        );
    });
});
