/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// The page functions below run in Chromium, where the DOM is the global scope.
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { chromium, BrowserContext, Page } from "playwright-core";
import { runCli, ROOT } from "../../helpers/cli";
import { FixtureServer } from "../../fixtures/kubeApiServer";
import { HOSTILE_CONTEXT, HOSTILE_ROLE, makeFleetStore, makeOnboardedStore, writePlans } from "./fleetStore";
import { escapeControl } from "../../../lib/escape";

const CHROMIUM = "/usr/bin/chromium";
const CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
];
/** The screenshot docs/inventory.md shows; rewritten when missing or when UPDATE_SCREENSHOTS=1. */
const SCREENSHOT = path.join(ROOT, "docs", "images", "fleet-report.png");

describe("snapshot report --html, rendered in headless Chromium", function () {
    this.timeout(180_000);
    let servers: FixtureServer[] = [];
    let out: string;
    let runs: number;
    let html: string;
    let context: BrowserContext;
    let page: Page;
    const requests: string[] = [];
    const dialogs: string[] = [];

    before(async () => {
        ({ out, servers, runs } = await makeFleetStore());
        html = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "report-")), "fleet.html");
        const r = await runCli(["snapshot", "report", "--out", out, "--html", html]);
        assert.strictEqual(r.code, 0, r.stderr);
        assert.strictEqual(r.stderr, `fleet report of 3 cluster(s): ${html}\n`);
        context = await chromium.launchPersistentContext(fs.mkdtempSync(path.join(os.tmpdir(), "chromium-")), {
            executablePath: CHROMIUM,
            args: CHROMIUM_ARGS,
            headless: true,
            viewport: { width: 1280, height: 900 },
        });
        page = context.pages()[0] ?? (await context.newPage());
        page.on("request", (q) => requests.push(q.url()));
        page.on("dialog", (d) => {
            dialogs.push(d.message());
            void d.dismiss();
        });
        await page.goto(`file://${html}`);
    });
    after(async () => {
        await context?.close();
        await Promise.all(servers.map((s) => s.close()));
    });

    it("is one file that loads nothing else: no request but the file itself, no script", async () => {
        assert.deepStrictEqual(requests, [`file://${html}`]);
        assert.strictEqual(await page.locator("script").count(), 0);
        assert.strictEqual((fs.statSync(html).mode & 0o777).toString(8), "600");
    });

    it("shows the clusters by cloud, one row each, with their posture and findings by severity", async () => {
        const rows = await page.$$eval("table.fleet", (tables) =>
            tables.map((t) => ({
                cloud: t.getAttribute("data-cloud"),
                caption: t.querySelector("caption")!.textContent,
                rows: [...t.querySelectorAll("tbody tr")].map((tr) =>
                    [...tr.querySelectorAll("th, td")].map((c) => (c.firstChild?.textContent ?? "").trim()),
                ),
            })),
        );
        assert.deepStrictEqual(
            rows.map((t) => [t.cloud, t.caption]),
            [
                ["aws", "AWS (EKS): 1 cluster(s)"],
                ["azure", "Azure (AKS): 1 cluster(s)"],
                ["unknown", "Cloud not known: 1 cluster(s)"],
            ],
        );
        // Cluster, snapshot (its time), sensor, Gatekeeper, isolation, Defender access, high, medium, low, info.
        const [eks, aks, odd] = rows.map((t) => t.rows[0]);
        assert.deepStrictEqual([eks[0], ...eks.slice(2, 6)], ["eks-shop", "healthy", "absent", "supported", "granted"]);
        assert.deepStrictEqual(
            [aks[0], ...aks.slice(2, 6)],
            ["aks-payments", "healthy", "absent", "supported", "missing"],
        );
        assert.deepStrictEqual(odd[0], escapeControl(HOSTILE_CONTEXT));
        assert.strictEqual(odd[5], "unknown");
        // AKS: the generated risky objects, the privileged pod added after the first run, and the missing access.
        const doc = JSON.parse(
            fs.readFileSync(path.join(out, "runs", fs.readdirSync(path.join(out, "runs")).sort().pop()!), "utf8"),
        );
        const aksCounts = doc.clusters.find((c: { cluster: string }) => c.cluster === "aks-payments").severities;
        assert.deepStrictEqual(aks.slice(6).map(Number), [
            aksCounts.high,
            aksCounts.medium,
            aksCounts.low,
            aksCounts.info,
        ]);
        assert.ok(aksCounts.high >= 3, `AKS has its high findings: ${JSON.stringify(aksCounts)}`);
    });

    it("draws the trend chart with one point per stored run and severity, the high line going up with the new privileged pod", async () => {
        const chart = page.locator("#trend-chart");
        assert.ok(await chart.isVisible());
        const box = await chart.boundingBox();
        assert.ok(box && box.width > 300 && box.height > 100, JSON.stringify(box));
        for (const s of ["high", "medium", "low", "info"])
            assert.strictEqual(await page.locator(`#trend-chart circle.point[data-severity="${s}"]`).count(), runs, s);
        const highs = await page.$$eval('#trend-chart circle.point[data-severity="high"]', (cs) =>
            cs.map((c) => Number(c.getAttribute("cy"))),
        );
        // SVG y grows downwards: more findings, a smaller y.
        assert.ok(highs[1] < highs[0], `high findings rose at the second run: ${highs.join(", ")}`);
        assert.strictEqual(highs[2], highs[1]);
        const titles = await page.$$eval('#trend-chart circle.point[data-severity="high"] title', (ts) =>
            ts.map((t) => t.textContent),
        );
        assert.match(titles[0], /^\d{4}-\d\d-\d\dT.*Z: \d+ high$/);
    });

    it("links each row to the cluster's page, which lists its open findings and its latest diff, and back", async () => {
        await page.getByRole("link", { name: "aks-payments", exact: true }).first().click();
        const hash = await page.evaluate(() => location.hash);
        assert.match(hash, /^#c-\d+$/);
        const section = page.locator(hash);
        const heading = section.locator("h2");
        assert.strictEqual(await heading.textContent(), "aks-payments");
        const top = await heading.evaluate((e) => e.getBoundingClientRect().top);
        assert.ok(top >= 0 && top < 900, `the page scrolled to the cluster (top ${top})`);
        const findings = await section.locator("table.findings tbody tr").allTextContents();
        assert.ok(findings.some((t) => t.includes("defender-access-missing")));
        assert.ok(findings.some((t) => t.includes("privileged-container") && t.includes("debug-root")));
        // The latest diff is run 2 -> run 3: nothing changed; the page says so with its counts.
        assert.match(
            (await section.locator(".diff-summary").textContent())!,
            /^Since \d{4}-.*Z: \+0 added, -0 removed, ~\d+ changed; findings 0 opened, 0 closed\.$/,
        );
        await section.getByRole("link", { name: "Back to the fleet" }).click();
        assert.strictEqual(await page.evaluate(() => location.hash), "#fleet");
    });

    it("shows hostile names as text: no element, no script, no dialog made of them", async () => {
        assert.strictEqual(await page.locator("img").count(), 0);
        assert.deepStrictEqual(dialogs, []);
        const text = await page.locator("body").innerText();
        assert.ok(text.includes(HOSTILE_ROLE), "the Role's name is shown as written");
        assert.ok(text.includes("<img src=x onerror=alert(1)>"), "the context's name is shown as written");
        assert.strictEqual(await page.locator("table.findings").count(), 3, "the Role's name closed no table");
    });

    it("is usable with the keyboard: a skip link first, a visible focus ring, Enter follows links", async () => {
        await page.goto(`file://${html}`);
        await page.keyboard.press("Tab");
        const first = await page.evaluate(() => {
            const a = document.activeElement as HTMLElement;
            const s = getComputedStyle(a);
            const r = a.getBoundingClientRect();
            return {
                text: a.textContent,
                outline: `${s.outlineStyle} ${s.outlineWidth}`,
                visible: r.left >= 0 && r.width > 0,
            };
        });
        assert.deepStrictEqual(first, { text: "Skip to the clusters", outline: "solid 3px", visible: true });
        await page.keyboard.press("Enter");
        assert.strictEqual(await page.evaluate(() => location.hash), "#fleet");
        // Tab from the fleet table's start reaches the first cluster's link; Enter opens its page.
        let active = "";
        for (let i = 0; i < 10 && active !== "eks-shop"; i++) {
            await page.keyboard.press("Tab");
            active = await page.evaluate(() => document.activeElement?.textContent ?? "");
        }
        assert.strictEqual(active, "eks-shop");
        const ring = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle);
        assert.strictEqual(ring, "solid");
        await page.keyboard.press("Enter");
        const hash = await page.evaluate(() => location.hash);
        assert.strictEqual(await page.locator(`${hash} h2`).textContent(), "eks-shop");
        // The chart's figures open from the keyboard too.
        await page.locator("#trend summary").focus();
        await page.keyboard.press("Enter");
        assert.strictEqual(await page.locator("#trend details").evaluate((d) => (d as HTMLDetailsElement).open), true);
        assert.strictEqual(await page.locator("#trend table.trend tbody tr").count(), runs);
    });

    it("saves a screenshot for docs/inventory.md", async () => {
        await page.goto(`file://${html}`);
        const shot = await page.screenshot({ fullPage: false });
        assert.deepStrictEqual([...shot.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
        if (!fs.existsSync(SCREENSHOT) || process.env.UPDATE_SCREENSHOTS === "1") fs.writeFileSync(SCREENSHOT, shot);
        assert.ok(fs.statSync(SCREENSHOT).size > 10_000);
    });
});

describe("snapshot report --html --plan: the clusters the stacks onboard against the snapshots, in headless Chromium", function () {
    this.timeout(180_000);
    let servers: FixtureServer[] = [];
    let html: string;
    let context: BrowserContext;
    let page: Page;

    before(async () => {
        let out: string;
        ({ out, servers } = await makeOnboardedStore());
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "report-plan-"));
        const plans = await writePlans(dir);
        html = path.join(dir, "fleet.html");
        const r = await runCli([
            "snapshot",
            "report",
            "--out",
            out,
            "--html",
            html,
            ...plans.flatMap((p) => ["--plan", p]),
        ]);
        assert.strictEqual(r.code, 0, r.stderr);
        context = await chromium.launchPersistentContext(fs.mkdtempSync(path.join(os.tmpdir(), "chromium-")), {
            executablePath: CHROMIUM,
            args: CHROMIUM_ARGS,
            headless: true,
            viewport: { width: 1280, height: 900 },
        });
        page = context.pages()[0] ?? (await context.newPage());
        await page.goto(`file://${html}`);
    });
    after(async () => {
        await context?.close();
        await Promise.all(servers.map((s) => s.close()));
    });

    /** Each row as a person reads it: the cluster, where, by which stack, the snapshot's state, the access verdict. */
    const coverageRows = () =>
        page.$$eval("table.coverage tbody tr", (trs) =>
            trs.map((tr) => {
                const [cluster, by, snapshot, access] = [...tr.querySelectorAll("th, td")] as HTMLElement[];
                return [
                    cluster.firstChild!.textContent!,
                    cluster.querySelector(".detail")!.textContent,
                    by.innerText.split(":")[0],
                    snapshot.querySelector(".tone")!.textContent,
                    access.querySelector(".tone")!.textContent,
                ];
            }),
        );

    it("lists every onboarded cluster, worst first: never inventoried, access missing, granted", async () => {
        assert.deepStrictEqual(await coverageRows(), [
            [
                "eu-central-1/eks-internal",
                "account 111122223333",
                "aws-brownfield",
                "never inventoried",
                "never checked",
            ],
            ["eu-central-1/eks-legacy", "account 111122223333", "aws-brownfield", "never inventoried", "never checked"],
            ["eu-central-1/eks-shop", "account 111122223333", "aws-brownfield", "never inventoried", "never checked"],
            [
                "rg-catalog/aks-catalog-neu",
                "subscription 6d0f3b2a-8c4e-4f1a-9b7d-3e2c1a0f9e8d",
                "azure-brownfield",
                "never inventoried",
                "never checked",
            ],
            [
                "rg-edge/arc-plant-porto (Arc)",
                "subscription 6d0f3b2a-8c4e-4f1a-9b7d-3e2c1a0f9e8d",
                "azure-brownfield",
                "never inventoried",
                "never checked",
            ],
            [
                "rg-orders/aks-orders-weu",
                "subscription 6d0f3b2a-8c4e-4f1a-9b7d-3e2c1a0f9e8d",
                "azure-brownfield",
                "present",
                "missing",
            ],
            ["eu-west-1/eks-shop", "account 111122223333", "aws-brownfield", "present", "granted"],
        ]);
        assert.strictEqual(
            await page.locator(".coverage-summary").innerText(),
            "7 cluster(s) onboarded by aws-brownfield, azure-brownfield: 1 granted, 1 missing, 0 unknown, 5 never inventoried; 2 snapshot(s) of clusters no stack onboarded.",
        );
    });

    it("never shows a cluster without a snapshot as fine: its state is red, its access never checked", async () => {
        const never = page.locator('table.coverage tr[data-state="never-inventoried"]');
        assert.strictEqual(await never.count(), 5);
        const colours = await never.evaluateAll((trs) =>
            trs.map((tr) => [...tr.querySelectorAll(".tone")].map((t) => getComputedStyle(t).color)),
        );
        for (const c of colours) assert.deepStrictEqual(c, ["rgb(180, 35, 24)", "rgb(180, 35, 24)"]);
        assert.strictEqual(await never.locator("a").count(), 0, "no link to a page that does not exist");
    });

    it("says how each snapshot was matched and shows the evidence of the verdict", async () => {
        const granted = page.locator('table.coverage tr[data-state="granted"]');
        const text = await granted.innerText();
        assert.match(text, /matched by kubeconfig context \(EKS ARN\)/);
        assert.match(
            text,
            /aws-auth maps arn:aws:iam::111122223333:role\/MDCContainersAgentlessDiscoveryK8sRole to group\(s\) system:masters/,
        );
        assert.match(
            await page.locator('table.coverage tr[data-state="missing"]').innerText(),
            /matched by kubeconfig context = cluster name only/,
        );
    });

    it("lists the snapshots no stack onboarded, the same EKS name in another account among them", async () => {
        const rows = await page.$$eval("table.not-onboarded tbody tr", (trs) =>
            trs.map((tr) => [...tr.querySelectorAll("th, td")].map((c) => (c.firstChild?.textContent ?? "").trim())),
        );
        assert.deepStrictEqual(
            rows.map((r) => [r[0], r[1], r[3], r[4]]),
            [
                [
                    "arn:aws:eks:eu-west-1:999999999999:cluster/eks-shop",
                    "kubeconfig",
                    "granted",
                    "no plan given onboards it",
                ],
                ["kind-lab", "kubeconfig", "unknown", "no plan given onboards it"],
            ],
        );
    });

    it("links a covered row to its cluster's page, from the keyboard too", async () => {
        let active = "";
        for (let i = 0; i < 15 && active !== "eu-west-1/eks-shop"; i++) {
            await page.keyboard.press("Tab");
            active = await page.evaluate(() => document.activeElement?.textContent ?? "");
        }
        assert.strictEqual(active, "eu-west-1/eks-shop");
        await page.keyboard.press("Enter");
        const hash = await page.evaluate(() => location.hash);
        assert.match(hash, /^#c-\d+$/);
        assert.strictEqual(
            await page.locator(`${hash} h2`).textContent(),
            "arn:aws:eks:eu-west-1:111122223333:cluster/eks-shop",
        );
    });

    it("saves a screenshot of the onboarded clusters for docs/inventory.md", async () => {
        await page.goto(`file://${html}#onboarded`);
        const shot = await page.locator("#onboarded").screenshot();
        const file = path.join(ROOT, "docs", "images", "fleet-onboarded.png");
        if (!fs.existsSync(file) || process.env.UPDATE_SCREENSHOTS === "1") fs.writeFileSync(file, shot);
        assert.ok(fs.statSync(file).size > 10_000);
    });
});
