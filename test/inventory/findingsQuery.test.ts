import { strict as assert } from "assert";
import { judge } from "../../inventory/accepted";
import { finding } from "../../inventory/findings";
import {
    countBySeverity,
    findingJson,
    markdownCell,
    reachesFailOn,
    renderCounts,
    renderFindingsMarkdown,
    renderFindingsTable,
    sortJudged,
} from "../../inventory/findingsQuery";

const hostile = "x|`<img src=x onerror=alert(1)>`*\n✓ fake";
const findings = [
    finding(
        "wildcard-role",
        { kind: "Role", namespace: "team-0", name: hostile },
        `Role team-0/${hostile} grants wildcard verbs`,
    ),
    finding(
        "host-namespace",
        { kind: "DaemonSet", namespace: "kube-system", name: "calico-node" },
        "DaemonSet kube-system/calico-node shares the node's namespaces: hostNetwork",
        "docker.io/calico/node:v3.26.1",
    ),
    finding("gatekeeper-absent", { kind: "Cluster", name: "cluster" }, "Gatekeeper is not installed"),
];
const entries = [
    {
        where: "accepted[0]",
        rule: "host-namespace" as const,
        subject: "DaemonSet/kube-system/calico-node",
        reason: "CNI",
        by: "ops",
        expires: "2027-01-01",
    },
];

describe("findings listing", () => {
    it("counts open findings by severity, apart from accepted ones, which never reach --fail-on", () => {
        const judged = sortJudged(judge(findings, { name: "prod" }, entries, new Date("2026-12-01T00:00:00Z")));
        const counts = countBySeverity(judged);
        assert.deepEqual(counts, { open: { high: 0, medium: 1, low: 1, info: 0 }, accepted: 1 });
        assert.equal(renderCounts(counts), "high 0, medium 1, low 1, info 0; 1 accepted");
        assert.deepEqual(
            ["high", "medium", "low", "info", undefined].map((s) => reachesFailOn(judged, s as never)),
            [false, true, true, true, false],
        );
        const lapsed = judge(findings, { name: "prod" }, entries, new Date("2027-01-02T00:00:00Z"));
        assert.equal(reachesFailOn(lapsed, "high"), true);
        assert.deepEqual(findingJson(sortJudged(judged)[0]), {
            cluster: "prod",
            rule: "host-namespace",
            severity: "high",
            subject: "DaemonSet/kube-system/calico-node",
            message: "DaemonSet kube-system/calico-node shares the node's namespaces: hostNetwork",
            image: "docker.io/calico/node:v3.26.1",
            status: "accepted",
            accepted: { by: "ops", reason: "CNI", expires: "2027-01-01" },
            id: "host-namespace:DaemonSet/kube-system/calico-node",
        });
    });

    it("keeps a hostile name on one line in the table and inert in markdown", () => {
        const judged = sortJudged(judge(findings, { name: "prod|<b>" }, [], new Date("2026-12-01T00:00:00Z")));
        const table = renderFindingsTable(judged);
        assert.equal(table.split("\n").length, 5, table);
        assert.ok(table.includes("x|`<img src=x onerror=alert(1)>`*\\n✓ fake"), table);
        const md = renderFindingsMarkdown(judged);
        const rows = md.trimEnd().split("\n");
        assert.equal(rows.length, 5);
        // Every row has exactly the 8 unescaped pipes of 7 cells.
        for (const r of rows) assert.equal(r.replace(/\\\|/g, "").split("|").length - 1, 8, r);
        assert.ok(!/<img|<b>/.test(md), md);
        assert.equal(markdownCell(hostile), "x\\|\\`&lt;img src=x onerror=alert(1)&gt;\\`\\*\\\\n✓ fake");
    });
});
