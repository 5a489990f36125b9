import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { KubeClient } from "../../lib/kube/client";
import { CarriedState, collectCluster } from "../../inventory/collectKube";
import { diffIndexes, renderDiff } from "../../inventory/diff";
import { indexFromText } from "../../inventory/snapshotIndex";
import { BufferedFileWriter } from "../../inventory/jsonWriter";
import { SnapshotFormatError } from "../../inventory/schema";
import { ClusterState, FaultRule, startKubeApiServer } from "../fixtures/kubeApiServer";
import { generateCluster } from "../fixtures/clusterGenerator";

// Two snapshots written by the collector, the second after changes to the cluster and with one kind
// unreadable (carried from the first): the diff of each as written and of each reformatted by hand
// (read by a full parse) is the same, exact diff.

async function snapshot(state: ClusterState, faults: FaultRule[] = [], carry?: CarriedState): Promise<string> {
    const server = await startKubeApiServer(state, { faults, lifetimeMs: 20_000 });
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "diffsnap-")), "s.json");
    const fd = fs.openSync(file, "w");
    const client = new KubeClient({ name: "t", server: server.url, insecureSkipTlsVerify: false });
    try {
        await collectCluster(
            client,
            { name: "t", server: server.url, source: "kubeconfig" },
            new BufferedFileWriter(fd),
            {
                carry: carry ? async () => carry : undefined,
            },
        );
    } finally {
        fs.closeSync(fd);
        client.close();
        await server.close();
    }
    return fs.readFileSync(file, "utf8");
}

/** The same document laid out another way: the index must come from a full parse. */
const reformatted = (text: string) => JSON.stringify(JSON.parse(text), null, 1);

describe("snapshot diff of two collected snapshots", function () {
    this.timeout(60_000);
    let older: string;
    let newer: string;

    before(async () => {
        const state = generateCluster({ pods: 4, nodes: 1 });
        older = await snapshot(state);
        const ns = (o: { metadata: { namespace?: string } }) => o.metadata.namespace;
        // Changes: an image, a label, a service gone, a pod added, the cluster-admin binding gone.
        const dep = state.objects.Deployment.find((d) => ns(d) === "team-0")!;
        const c0 = (dep.spec as { template: { spec: { containers: { image: string }[] } } }).template.spec
            .containers[0];
        c0.image = "registry.example/app:2.0.0";
        const pod = state.objects.Pod.find((p) => ns(p) === "team-0")!;
        pod.metadata.labels = { ...pod.metadata.labels, tier: "front" };
        state.objects.Service = state.objects.Service.filter((s) => s.metadata.name !== "public-web");
        state.objects.Pod.push({
            metadata: { name: "debug", namespace: "team-0", uid: "u-debug" },
            spec: {
                nodeName: "node-0",
                containers: [{ name: "sh", image: "busybox:1", securityContext: { privileged: true } }],
            },
            status: { phase: "Running" },
        });
        state.objects.ClusterRoleBinding = state.objects.ClusterRoleBinding.filter(
            (b) => b.metadata.name !== "ci-deployer-admin",
        );
        // Roles unreadable now: carried from the first snapshot, so neither removed nor closed.
        const lines = older.split("\n").map((l) => l.replace(/,$/, ""));
        const roleLines = lines.filter((l) => l.startsWith('{"kind":"Role"'));
        const roleFindings = lines
            .filter((l) => l.startsWith('{"id":'))
            .map((l) => JSON.parse(l))
            .filter((f) => f.subject.kind === "Role");
        assert.ok(roleLines.length > 0 && roleFindings.length > 0);
        newer = await snapshot(state, [{ path: /\/roles$/, status: 403, message: "forbidden" }], {
            from: "before.json",
            kinds: ["Role"],
            objects: roleLines,
            findings: roleFindings,
            knownFindingIds: [],
        });
    });

    const diffOf = (a: string, b: string) => diffIndexes(indexFromText(a, "a").index, indexFromText(b, "b").index);

    it("names what changed, as written and as reformatted", () => {
        const d = diffOf(older, newer);
        const text = renderDiff(d);
        assert.equal(text, EXPECTED);
        for (const [a, b] of [
            [reformatted(older), reformatted(newer)],
            [older, reformatted(newer)],
            [reformatted(older), newer],
        ])
            assert.deepEqual(diffOf(a, b), d);
    });

    it("is empty between a snapshot and itself, written or reformatted", () => {
        const empty = "objects: +0 added, -0 removed, ~0 changed; findings: 0 opened, 0 closed\n";
        assert.equal(renderDiff(diffOf(newer, newer)), empty);
        assert.equal(renderDiff(diffOf(newer, reformatted(newer))), empty);
        assert.equal(renderDiff(diffOf(reformatted(older), older)), empty);
    });

    it("reads the header of a snapshot written or reformatted", () => {
        const h = indexFromText(older, "a").header;
        assert.deepEqual(indexFromText(reformatted(older), "a").header, h);
        assert.deepEqual(Object.keys(h), ["cluster", "startedAt"]);
        assert.equal(h.cluster.name, "t");
    });

    it("names what is wrong in a line that is not a snapshot's, and a snapshot that ends early", () => {
        const lines = older.split("\n");
        const replaced = (starts: string, line: string) => {
            const at = lines.findIndex((l) => l.startsWith(starts));
            return [...lines.slice(0, at), line, ...lines.slice(at + 1)].join("\n");
        };
        const cases: [string, string][] = [
            [replaced('{"kind":', '{"kind":"Pod"},'), 'an object must be an object with "kind" and "name" strings'],
            [
                replaced('{"id":', '{"id":"x"},'),
                'a finding must be an object with an "id" string and a "subject" with a "kind"',
            ],
            [replaced('"kinds":', '"kinds":{"Pod":5},'), '"kinds.Pod" must be an object'],
            [older.replace('"startedAt":"', '"startedAt":5,"was":"'), '"startedAt" must be a string'],
            [older.replace(/\n"finishedAt".*\n$/, "}\n"), "it ends early"],
            [older.replace(/\n"kinds".*\n/, "\n"), "it ends early"],
        ];
        for (const [text, problem] of cases)
            assert.throws(
                () => indexFromText(text, "s.json"),
                (e: Error) =>
                    e instanceof SnapshotFormatError && e.message === `s.json is not a complete snapshot (${problem})`,
                problem,
            );
    });
});

const EXPECTED = [
    "objects: +1 added, -2 removed, ~2 changed; findings: 1 opened, 2 closed",
    "  added:",
    "    + Pod/team-0/debug",
    "  removed:",
    "    - ClusterRoleBinding/ci-deployer-admin",
    "    - Service/team-0/public-web",
    "  changed:",
    "    ~ Deployment/team-0/app-0 image main: registry.example.com/team/app-0:1.0.0 -> registry.example/app:2.0.0",
    "    ~ Pod/team-0/app-0-7d9f8c6b5-xxxx0 (labels)",
    "  findings opened:",
    "    ! [high] privileged-container: Pod team-0/debug runs privileged container(s) sh (busybox:1)",
    "  findings closed:",
    "    ✓ [high] cluster-admin-binding: ClusterRoleBinding ci-deployer-admin gives cluster-admin over the whole cluster to service account(s) team-0/ci-deployer",
    "    ✓ [high] public-service: Service team-0/public-web is a public LoadBalancer on port(s) 443 with no loadBalancerSourceRanges",
    "",
].join("\n");

describe("snapshot diff as text", () => {
    const finding = (id: string, message: string, image?: string) => ({
        id,
        rule: "privileged-container" as const,
        severity: "high" as const,
        subject: { kind: "Pod", namespace: "n", name: id },
        message,
        ...(image ? { image } : {}),
    });

    it("shows up to the limit per section, then how many more, escapes control characters, and names skipped kinds", () => {
        const d = {
            added: ["Pod/n/a", "Pod/n/b", "Pod/n/c\u001b[31m"],
            removed: ["Pod/n/r"],
            changed: [
                { key: "Pod/n/x", fields: ["labels", "spec"] },
                {
                    key: "Pod/n/y",
                    fields: [],
                    images: [
                        { container: "c", to: "i:2" },
                        { container: "d", from: "j:1" },
                    ],
                },
                { key: "Pod/n/z", fields: ["labels"], images: [{ container: "c", from: "i:1", to: "i:2" }] },
            ],
            skippedKinds: ["Role", "Secret\u0007"],
            opened: [finding("o", "runs o (img:1)", "img:1"), finding("p", "runs p", "img:2")],
            closed: [finding("q", "runs q")],
        };
        assert.equal(
            renderDiff(d, 2),
            [
                "objects: +3 added, -1 removed, ~3 changed; findings: 2 opened, 1 closed",
                "  added:",
                "    + Pod/n/a",
                "    + Pod/n/b",
                "    ... and 1 more",
                "  removed:",
                "    - Pod/n/r",
                "  changed:",
                "    ~ Pod/n/x (labels, spec)",
                "    ~ Pod/n/y image c: (none) -> i:2, image d: j:1 -> (none)",
                "    ... and 1 more",
                "  findings opened:",
                "    ! [high] privileged-container: runs o (img:1)",
                "    ! [high] privileged-container: runs p [image img:2]",
                "  findings closed:",
                "    ✓ [high] privileged-container: runs q",
                "  not compared (a snapshot could not read them): Role, Secret\\x07",
                "",
            ].join("\n"),
        );
        assert.equal(renderDiff(d).split("\n")[4], "    + Pod/n/c\\x1b[31m");
        assert.equal(renderDiff(d).split("\n")[10], "    ~ Pod/n/z image c: i:1 -> i:2 (labels)");
    });
});
