import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { KubeClient } from "../../lib/kube/client";
import { collectCluster } from "../../inventory/collectKube";
import { diffIndexes } from "../../inventory/diff";
import { indexFromText, indexOfTexts, SnapshotIndex } from "../../inventory/snapshotIndex";
import { BufferedFileWriter } from "../../inventory/jsonWriter";
import { SnapshotFormatError } from "../../inventory/schema";
import { startKubeApiServer } from "../fixtures/kubeApiServer";
import { generateCluster } from "../fixtures/clusterGenerator";

/** An index whose findings are given by id (the subject kind is read from the id). */
function idx(
    objects: Record<string, unknown>,
    opts: { findings?: string[]; errored?: string[]; unknown?: string[] } = {},
): SnapshotIndex {
    return indexOfTexts(
        Object.entries(objects).map(([k, v]) => [k, JSON.stringify(v)]),
        {
            erroredKinds: new Set(opts.errored ?? []),
            findings: new Map(
                (opts.findings ?? []).map((id) => [
                    id,
                    {
                        id,
                        rule: "sensor-absent" as const,
                        severity: "high" as const,
                        subject: { kind: id.split(":")[1].split("/")[0], name: "x" },
                        message: `m ${id}`,
                    },
                ]),
            ),
            unknownFindings: new Set(opts.unknown ?? []),
        },
    );
}
const SENSOR = "sensor-absent:Cluster/cluster";
const ROLE_FINDING = "wildcard-role:Role/n/r";

describe("snapshot diff: what one side did not know", () => {
    it("neither opens nor closes a finding that was unknown in the previous run", () => {
        const d = diffIndexes(idx({}, { unknown: [SENSOR] }), idx({}, { findings: [SENSOR] }));
        assert.deepEqual([d.opened, d.closed], [[], []]);
    });

    it("neither opens nor closes a finding that is unknown in this run", () => {
        const d = diffIndexes(idx({}, { findings: [SENSOR] }), idx({}, { unknown: [SENSOR] }));
        assert.deepEqual([d.opened, d.closed], [[], []]);
    });

    it("opens and closes a finding that both runs judged", () => {
        assert.deepEqual(
            diffIndexes(idx({}), idx({}, { findings: [SENSOR] })).opened.map((f) => f.id),
            [SENSOR],
        );
        assert.deepEqual(
            diffIndexes(idx({}, { findings: [SENSOR] }), idx({})).closed.map((f) => f.id),
            [SENSOR],
        );
    });

    it("does not call objects and findings of a kind that failed in the previous run added or opened", () => {
        const before = idx({ "Pod/n/a": {} }, { errored: ["Role"] });
        const after = idx({ "Pod/n/a": {}, "Role/n/r": { rules: [] } }, { findings: [ROLE_FINDING] });
        const d = diffIndexes(before, after);
        assert.deepEqual(
            [d.added, d.removed, d.changed, d.opened, d.closed, d.skippedKinds],
            [[], [], [], [], [], ["Role"]],
        );
    });
});

describe("snapshot index: a snapshot cut short", () => {
    let text: string;

    before(async function () {
        this.timeout(30_000);
        const server = await startKubeApiServer(generateCluster({ pods: 6, nodes: 1 }), { lifetimeMs: 20_000 });
        const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "cut-")), "s.json");
        const fd = fs.openSync(file, "w");
        const client = new KubeClient({ name: "t", server: server.url, insecureSkipTlsVerify: false });
        try {
            await collectCluster(
                client,
                { name: "t", server: server.url, source: "kubeconfig" },
                new BufferedFileWriter(fd),
            );
        } finally {
            fs.closeSync(fd);
            client.close();
            await server.close();
        }
        text = fs.readFileSync(file, "utf8");
    });

    it("reads the whole snapshot", () => {
        assert.ok(indexFromText(text, "s.json").index.objects.size > 0);
    });

    it("refuses the snapshot cut at any line end before its end, never calling it complete", () => {
        const lines = text.split("\n");
        const last = lines.findIndex((l) => l.startsWith('"finishedAt":'));
        assert.ok(last > 0, "the writer puts finishedAt on a line of its own");
        for (let n = 1; n <= last; n++) {
            const cut = lines.slice(0, n).join("\n") + "\n";
            assert.throws(
                () => indexFromText(cut, "cut.json"),
                (e: Error) =>
                    e instanceof SnapshotFormatError && /^cut\.json is not a complete snapshot/.test(e.message),
                `cut after ${n} line(s): ${lines[n - 1].slice(0, 40)}`,
            );
        }
    });
});
