import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { respondCli } from "../helpers/cli";
import { FixtureServer, startKubeApiServer } from "../fixtures/kubeApiServer";
import { generateCluster } from "../fixtures/clusterGenerator";
import { writeKubeconfig } from "../fixtures/kubeconfig";
import { QUARANTINE_LABEL, QUARANTINE_POLICY_NAME } from "../../domain/kubernetes/isolationFacts";
import { SNAPSHOT_FILE } from "../../inventory/store/types";

const POD = "team-0/app-0-7d9f8c6b5-xxxx0";

function audits(out: string): Record<string, unknown>[] {
    const dir = path.join(out, "audit");
    if (!fs.existsSync(dir)) return [];
    const names = fs.readdirSync(dir).sort();
    assert.ok(
        names.every((n) => SNAPSHOT_FILE.test(n)),
        `only stamped records: ${names.join(", ")}`,
    );
    return names.map((n) => JSON.parse(fs.readFileSync(path.join(dir, n), "utf8")));
}

describe("npm run respond: the audit record in the store", function () {
    this.timeout(30_000);
    let server: FixtureServer;
    let kubeconfig: string;
    let out: string;
    beforeEach(async () => {
        const state = generateCluster({ pods: 20 });
        state.objects.NetworkPolicy.push({
            metadata: { name: QUARANTINE_POLICY_NAME, namespace: "team-0" },
            spec: {
                podSelector: { matchLabels: { [QUARANTINE_LABEL.key]: QUARANTINE_LABEL.value } },
                policyTypes: ["Ingress", "Egress"],
            },
        });
        server = await startKubeApiServer(state, { token: "ops" });
        kubeconfig = writeKubeconfig({ prod: { url: server.url, token: "ops" } }).file;
        out = fs.mkdtempSync(path.join(os.tmpdir(), "audit-"));
    });
    afterEach(() => server?.close());

    it("records an action done, one refused and one failed: action, pod, cluster, when, as whom, result", async () => {
        const done = await respondCli(["respond", "isolate", "--pod", POD, "--kubeconfig", kubeconfig, "--out", out]);
        assert.equal(done.code, 0, done.stderr);
        const refused = await respondCli([
            "respond",
            "terminate",
            "--pod",
            "team-0/nope",
            "--kubeconfig",
            kubeconfig,
            "--out",
            out,
        ]);
        assert.deepEqual([refused.code, refused.stderr], [1, "refused: pod team-0/nope does not exist\n"]);
        server.faults.push({
            path: `/api/v1/namespaces/team-0/pods/app-0-7d9f8c6b5-xxxx0`,
            method: "DELETE",
            status: 403,
            message: "pods is forbidden",
        });
        const failed = await respondCli([
            "respond",
            "terminate",
            "--pod",
            POD,
            "--kubeconfig",
            kubeconfig,
            "--out",
            out,
        ]);
        assert.equal(failed.code, 1, failed.stderr);

        const records = audits(out);
        assert.equal(records.length, 3);
        const user = os.userInfo().username;
        for (const r of records) {
            assert.match(r.startedAt as string, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
            assert.ok((r.finishedAt as string) >= (r.startedAt as string));
            assert.deepEqual(r.cluster, { context: "prod", server: server.url });
            assert.deepEqual(r.actor, { localUser: user, kubeconfigUser: "prod-user" });
        }
        assert.deepEqual(
            records.map((r) => [r.record, r.action, r.pod, r.namespace, r.name, r.result]),
            [
                ["respond", "isolate", POD, "team-0", "app-0-7d9f8c6b5-xxxx0", "done"],
                ["respond", "terminate", "team-0/nope", "team-0", "nope", "refused"],
                ["respond", "terminate", POD, "team-0", "app-0-7d9f8c6b5-xxxx0", "failed"],
            ],
        );
        assert.match(records[0].message as string, /^isolated pod team-0\/app-0-7d9f8c6b5-xxxx0: added label /);
        assert.equal(records[1].message, "pod team-0/nope does not exist");
        assert.match(records[2].message as string, /403/);
        assert.equal(failed.stderr, `error: ${records[2].message}\n`, "the record holds what was printed");
    });

    it("refuses to act when the audit record could not be kept, before the cluster is asked anything", async () => {
        const file = path.join(out, "a-file");
        fs.writeFileSync(file, "");
        const r = await respondCli([
            "respond",
            "terminate",
            "--pod",
            POD,
            "--kubeconfig",
            kubeconfig,
            "--out",
            path.join(file, "store"),
        ]);
        assert.deepEqual(
            [r.code, r.stderr],
            [
                2,
                `error: snapshot store ${path.join(file, "store")} is not writable (ENOTDIR); choose another with --out DIR (respond keeps its audit records there)\n`,
            ],
        );
        assert.deepEqual(server.requests, []);
    });
});
