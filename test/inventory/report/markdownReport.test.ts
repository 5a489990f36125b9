import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runCli } from "../../helpers/cli";
import { FixtureServer } from "../../fixtures/kubeApiServer";
import { makeFleetStore } from "./fleetStore";
import { escapeMarkdown } from "../../../inventory/report/markdown";
import { escapeHtml } from "../../../inventory/report/html";

/** Cell separators of a table row: pipes that no backslash escapes. */
function separators(row: string): number {
    return (row.match(/(?<!\\)\|/g) ?? []).length;
}

describe("snapshot report --markdown (the job summary)", function () {
    this.timeout(120_000);
    let servers: FixtureServer[] = [];
    let out: string;
    after(() => Promise.all(servers.map((s) => s.close())));

    it("escapes every markdown and HTML character of a name, and control characters visibly", () => {
        assert.strictEqual(
            escapeMarkdown("<img src=x>|**b**\n[a](http://e.x) `c` www.x"),
            "\\<img src\\=x\\>\\|\\*\\*b\\*\\*\\\\n\\[a\\]\\(http\\:\\/\\/e\\.x\\) \\`c\\` www\\.x",
        );
        assert.strictEqual(
            escapeHtml(`<a href="x" title='y'>&amp;\u001b[31m`),
            "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;\\x1b[31m",
        );
    });

    it("prints the fleet by cloud, the trend of the runs and the clusters' high findings and access, hostile names escaped", async () => {
        ({ out, servers } = await makeFleetStore());
        const r = await runCli(["snapshot", "report", "--out", out, "--markdown", "-"]);
        assert.strictEqual(r.code, 0, r.stderr);
        const md = r.stdout;
        const lines = md.split("\n");
        assert.strictEqual(lines[0], "## Fleet report");
        assert.deepStrictEqual(
            lines.filter((l) => l.startsWith("### ")),
            [
                "### AWS (EKS)",
                "### Azure (AKS)",
                "### Cloud not known",
                "### Open findings over the last 3 of 3 stored run(s)",
                "### Clusters",
            ],
        );
        const header =
            "| Cluster | Snapshot | Sensor | Gatekeeper | Isolation | Defender access | high | medium | low | info |";
        assert.strictEqual(lines.filter((l) => l === header).length, 3);
        const rows = lines.filter((l) => l.startsWith("| ") && !l.startsWith("| Cluster") && !l.startsWith("| Run"));
        assert.strictEqual(rows.length, 3 + 3, "three clusters and three runs");
        for (const row of rows.slice(0, 3)) assert.strictEqual(separators(row), 11, row);
        assert.match(
            rows[1],
            /^\| aks\\-payments \| .* complete \| healthy \| absent \| supported \| missing \| \d+ \| \d+ \| \d+ \| 0 \|$/,
        );
        assert.ok(
            rows[2].startsWith(
                "| \\<img src\\=x onerror\\=alert\\(1\\)\\>\\|\\*\\*x\\*\\*\\\\n\\[a\\]\\(http\\:\\/\\/evil\\.example\\) |",
            ),
            rows[2],
        );
        assert.ok(!/(?<!\\)<(img|script)|(?<!\\)\]\(/.test(md), "no markup survives from the cluster");
        assert.ok(
            lines.includes(
                "- Defender access: **missing**: " +
                    escapeMarkdown(
                        "no ClusterRoleBinding to aks:trustedaccessrole:defender-containers:microsoft-defender-operator or aks:trustedaccessrole:defender-cloudposture:microsoft-defender-operator; create the trusted access role binding with role Microsoft.Security/pricings/microsoft-defender-operator: turn on the AgentlessDiscoveryForKubernetes extension of the Defender plan, or run `pulumi up` for the stack that onboards this subscription",
                    ),
            ),
        );
        assert.ok(
            lines.includes(
                "- high `privileged-container`: Pod kube\\-system\\/debug\\-root runs privileged container\\(s\\) sh \\(busybox\\:1\\.36\\)",
            ),
            md,
        );
    });

    it("writes the files it is asked for, owner-only, and refuses what it cannot do with one clear line", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "report-out-"));
        const md = path.join(dir, "summary.md");
        const ok = await runCli(["snapshot", "report", "--out", out, "--markdown", md]);
        assert.strictEqual(ok.code, 0, ok.stderr);
        assert.strictEqual(ok.stderr, `fleet report of 3 cluster(s): ${md}\n`);
        assert.strictEqual((fs.statSync(md).mode & 0o777).toString(8), "600");
        const none = await runCli(["snapshot", "report", "--out", out]);
        assert.strictEqual(none.code, 2);
        assert.match(none.stderr, /snapshot report needs --html FILE or --markdown FILE \(or both\)/);
        const gs = await runCli(["snapshot", "report", "--out", "gs://bucket/p", "--html", path.join(dir, "x.html")]);
        assert.strictEqual(gs.code, 2);
        assert.match(
            gs.stderr,
            /--out "gs:\/\/bucket\/p": gs:\/\/ is not a store; expected a local directory or s3:\/\/BUCKET\[\/PREFIX\]/,
        );
        assert.ok(!fs.existsSync(path.join(dir, "x.html")));
        const missing = await runCli([
            "snapshot",
            "report",
            "--out",
            path.join(dir, "nope"),
            "--html",
            path.join(dir, "x.html"),
        ]);
        assert.strictEqual(missing.code, 2);
        assert.match(missing.stderr, /no snapshot store there \(ENOENT\)/);
    });
});
