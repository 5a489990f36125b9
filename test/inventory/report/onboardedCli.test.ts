import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runCli } from "../../helpers/cli";
import { FixtureServer } from "../../fixtures/kubeApiServer";
import { makeOnboardedStore, writePlans } from "./fleetStore";

const NEVER = [
    "eu-central-1/eks-internal",
    "eu-central-1/eks-legacy",
    "eu-central-1/eks-shop",
    "rg-catalog/aks-catalog-neu",
    "rg-edge/arc-plant-porto (Arc)",
];

describe("snapshot report --markdown and findings with --plan: the onboarded clusters against the store", function () {
    this.timeout(180_000);
    let servers: FixtureServer[] = [];
    let out: string;
    let dir: string;
    let plans: string[];
    const planArgs = () => plans.flatMap((p) => ["--plan", p]);
    before(async () => {
        ({ out, servers } = await makeOnboardedStore());
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "onboarded-cli-"));
        plans = await writePlans(dir);
    });
    after(async () => {
        await Promise.all(servers.map((s) => s.close()));
        fs.rmSync(dir, { recursive: true, force: true });
    });

    it("the markdown summary lists every onboarded cluster, worst first, and the snapshots no stack onboarded", async () => {
        const r = await runCli(["snapshot", "report", "--out", out, "--markdown", "-", ...planArgs()]);
        assert.strictEqual(r.code, 0, r.stderr);
        const lines = r.stdout.split("\n");
        const at = lines.indexOf("### Onboarded clusters and Defender's access");
        assert.ok(at > 0, r.stdout);
        assert.strictEqual(
            lines[at + 2],
            "7 cluster(s) onboarded by aws\\-brownfield, azure\\-brownfield: **1** granted, **1** missing, **0** unknown, **5** never inventoried; 2 snapshot(s) of clusters no stack onboarded.",
        );
        assert.strictEqual(lines[at + 4], "| Cluster | Where | Onboarded by | Snapshot | Defender access |");
        // Cluster, snapshot state, access state: what a reader of the job summary sees first in each row.
        const rows = lines.slice(at + 6, at + 13).map((l) => {
            const cells = l.split(/(?<!\\)\|/).map((c) => c.trim());
            return [cells[1], /^\*\*(.+?)\*\*/.exec(cells[4])![1], /^\*\*(.+?)\*\*/.exec(cells[5])![1]];
        });
        const unescape = (t: string) => t.replace(/\\(.)/g, "$1");
        assert.deepStrictEqual(
            rows.map((r) => r.map(unescape)),
            [
                ...NEVER.map((n) => [n, "never inventoried", "never checked"]),
                ["rg-orders/aks-orders-weu", "present", "missing"],
                ["eu-west-1/eks-shop", "present", "granted"],
            ],
        );
        assert.strictEqual(lines[at + 13], "");
        assert.strictEqual(lines[at + 14], "Snapshots of clusters no stack onboarded:");
        assert.deepStrictEqual(
            lines.slice(at + 18, at + 20).map((l) => unescape(l.split(/(?<!\\)\|/)[1].trim())),
            ["arn:aws:eks:eu-west-1:999999999999:cluster/eks-shop", "kind-lab"],
        );
        // Without --plan the summary has no such section.
        const plain = await runCli(["snapshot", "report", "--out", out, "--markdown", "-"]);
        assert.ok(!plain.stdout.includes("Onboarded clusters"));
    });

    it("findings lists each onboarded cluster never inventoried as a high finding, and --fail-on high fails on it", async () => {
        const r = await runCli([
            "snapshot",
            "findings",
            "--out",
            out,
            "--format",
            "json",
            "--fail-on",
            "high",
            ...planArgs(),
        ]);
        assert.strictEqual(r.code, 5, r.stderr);
        const never = (JSON.parse(r.stdout) as { rule: string; cluster: string; status: string }[]).filter(
            (f) => f.rule === "onboarded-not-inventoried",
        );
        assert.deepStrictEqual(
            never.map((f) => [f.cluster, f.status]),
            NEVER.map((n) => [n, "open"]),
        );
        // --cluster selects one onboarded cluster by its label, and the rest of the store is still matched.
        const one = await runCli([
            "snapshot",
            "findings",
            "--out",
            out,
            "--format",
            "json",
            "--cluster",
            "rg-catalog/aks-catalog-neu",
            ...planArgs(),
        ]);
        assert.strictEqual(one.code, 0, one.stderr);
        assert.deepStrictEqual(
            JSON.parse(one.stdout).map((f: { cluster: string; rule: string; message: string }) => [
                f.cluster,
                f.rule,
                f.message,
            ]),
            [
                [
                    "rg-catalog/aks-catalog-neu",
                    "onboarded-not-inventoried",
                    "onboarded by stack azure-brownfield (trusted access role binding defender-containers (created)) in subscription 6d0f3b2a-8c4e-4f1a-9b7d-3e2c1a0f9e8d, but the store holds no snapshot of it: it has never been inventoried and Defender's access to it is not known",
                ],
            ],
        );
    });

    it("an accepted entry can name the finding (a cluster known to be unreachable), and it then counts toward nothing", async () => {
        const accepted = path.join(dir, "accepted.yaml");
        fs.writeFileSync(
            accepted,
            `accepted:\n  - rule: onboarded-not-inventoried\n    cluster: "eu-central-1/*"\n    subject: Cluster/cluster\n    reason: the eu-central-1 snapshot job is being set up\n    by: platform-team@example.com\n    expires: 2099-12-31\n`,
        );
        const r = await runCli([
            "snapshot",
            "findings",
            "--out",
            out,
            "--format",
            "json",
            "--accepted",
            accepted,
            ...planArgs(),
        ]);
        assert.strictEqual(r.code, 0, r.stderr);
        assert.deepStrictEqual(
            (JSON.parse(r.stdout) as { rule: string; cluster: string; status: string }[])
                .filter((f) => f.rule === "onboarded-not-inventoried")
                .map((f) => [f.cluster, f.status]),
            NEVER.map((n) => [n, n.startsWith("eu-central-1/") ? "accepted" : "open"]),
        );
    });

    it("a bad plan file stops report and findings with exit 2 and one line naming it, before anything is written", async () => {
        const notJson = path.join(dir, "stack.cloud.yaml");
        fs.writeFileSync(notJson, "azure:\n  subscriptionId: x\n");
        const notPlan = path.join(dir, "report.json");
        fs.writeFileSync(notPlan, JSON.stringify({ clusters: [] }));
        const html = path.join(dir, "never.html");
        const cases: [string[], string][] = [
            [["--plan", path.join(dir, "none.json")], `error: --plan ${path.join(dir, "none.json")} does not exist\n`],
            [
                ["--plan", notJson],
                `error: --plan ${notJson}: not valid JSON (Unexpected token 'a', "azure:\\n  s"... is not valid JSON); write it with npm run plan -- --stack S --format json\n`,
            ],
            [
                ["--plan", notPlan],
                `error: --plan ${notPlan}: not a plan document (expected {"stack", "resources": [...], "notes": [...]}, as \`npm run plan -- --stack S --format json\` writes)\n`,
            ],
            [
                ["--plan", plans[0], "--plan", plans[0]],
                `error: --plan ${plans[0]}: stack aws-brownfield is already given by --plan ${plans[0]}\n`,
            ],
        ];
        for (const [args, stderr] of cases) {
            const report = await runCli(["snapshot", "report", "--out", out, "--html", html, ...args]);
            assert.deepStrictEqual([report.code, report.stderr, report.stdout], [2, stderr, ""], args.join(" "));
            assert.ok(!fs.existsSync(html));
            const findings = await runCli(["snapshot", "findings", "--out", out, ...args]);
            assert.deepStrictEqual([findings.code, findings.stderr, findings.stdout], [2, stderr, ""], args.join(" "));
        }
    });
});
