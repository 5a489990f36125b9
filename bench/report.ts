import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { startKubeApiServer } from "../test/fixtures/kubeApiServer";
import { generateCluster } from "../test/fixtures/clusterGenerator";
import { writeKubeconfig } from "../test/fixtures/kubeconfig";
import { stampOf } from "../inventory/store/types";

/**
 * `npm run bench -- report` (issue 22, item 6): `snapshot report --html --markdown` and a findings
 * listing (bench/listFindings.js) over a store of 20 to 200 clusters with 30 stored runs each.
 * Two real snapshots of a generated cluster (BENCH_REPORT_PODS pods, a privileged pod added between
 * them) are made by the compiled CLI; each bench cluster's latest two snapshots are those texts under
 * its own identity, its 28 older ones hard links of the earlier (the report reads only the latest two
 * and the run records), and each of the 30 run records names every cluster with its counts.
 */
const ROOT = path.join(__dirname, "..");
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const PODS = Number(process.env.BENCH_REPORT_PODS ?? 100);
const STORED_RUNS = 30;
const SIZES = (process.env.BENCH_REPORT_CLUSTERS ?? "20,50,100,200").split(",").map(Number);
const CLI = [process.execPath, "--expose-gc", path.join(ROOT, "scripts", "cli.js")];

function timed(cmd: string, args: string[]): { seconds: number; peakMiB: number } {
    const r = spawnSync("/usr/bin/time", ["-f", "BENCH %e %M", cmd, ...args], {
        cwd: ROOT,
        encoding: "utf8",
        maxBuffer: 1 << 30,
        stdio: ["ignore", "ignore", "pipe"],
    });
    const m = /BENCH ([\d.]+) (\d+)/.exec(r.stderr);
    if (r.status !== 0 || !m)
        throw new Error(`${cmd} ${args.join(" ")} failed (${r.status}): ${r.stderr.slice(-2000)}`);
    return { seconds: Number(m[1]), peakMiB: Math.round(Number(m[2]) / 1024) };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Two snapshot texts of one generated cluster, and the last run record's entry for it. */
async function templates(): Promise<{ texts: [string, string]; entry: Record<string, unknown> }> {
    const server = await startKubeApiServer(generateCluster({ pods: PODS }), { record: false });
    try {
        const { file } = writeKubeconfig({ t: { url: server.url } });
        const out = fs.mkdtempSync(path.join(os.tmpdir(), "bench-report-tpl-"));
        // Asynchronous: the fixture server answers from this process's event loop.
        const snap = () =>
            new Promise<void>((resolve, reject) =>
                spawn(CLI[0], [...CLI.slice(1), "snapshot", "--kubeconfig", file, "--out", out], {
                    stdio: "ignore",
                }).on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`snapshot exited ${code}`)))),
            );
        await snap();
        const pods = server.state.objects.Pod;
        pods.push({
            metadata: { name: "debug-root", namespace: "default", uid: "debug-root-uid" },
            spec: { containers: [{ name: "sh", image: "busybox:1.36", securityContext: { privileged: true } }] },
        });
        await snap();
        const dir = path.join(
            out,
            fs.readdirSync(out).find((d) => d.startsWith("kube-t-"))!,
        );
        const names = fs
            .readdirSync(dir)
            .filter((f) => /^\d.*\.json$/.test(f))
            .sort();
        const texts = names.map((n) => fs.readFileSync(path.join(dir, n), "utf8")) as [string, string];
        const runs = fs.readdirSync(path.join(out, "runs")).sort();
        const entry = JSON.parse(fs.readFileSync(path.join(out, "runs", runs[runs.length - 1]), "utf8")).clusters[0];
        fs.rmSync(out, { recursive: true, force: true });
        return { texts, entry };
    } finally {
        await server.close();
    }
}

/** The same snapshot text under another cluster's identity and start time (its first line is the header). */
function retitle(text: string, cluster: Record<string, unknown>, startedAt: string): string {
    const nl = text.indexOf("\n");
    const header = JSON.parse(text.slice(0, nl - 1) + "}");
    header.cluster = cluster;
    header.startedAt = startedAt;
    const line = JSON.stringify(header);
    return `${line.slice(0, -1)},${text.slice(nl)}`;
}

function makeStore(n: number, texts: [string, string], entry: Record<string, unknown>): string {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), `bench-report-${n}-`));
    const t0 = Date.UTC(2026, 10, 1);
    const stamps = Array.from({ length: STORED_RUNS }, (_, r) => new Date(t0 + r * 6 * 3600_000));
    const clouds = ["aws", "azure", "gcp"] as const;
    const records = stamps.map((d) => ({
        schemaVersion: 1,
        startedAt: d.toISOString(),
        finishedAt: d.toISOString(),
        clusters: [] as unknown[],
        discoveryFailures: [],
    }));
    for (let i = 0; i < n; i++) {
        const key = `${clouds[i % 3]}-bench-${i}`;
        const dir = path.join(out, key);
        fs.mkdirSync(dir);
        const cluster = {
            name: `cluster-${i}`,
            key,
            server: `https://10.0.${i >> 8}.${i & 255}:443`,
            source: clouds[i % 3],
        };
        let older = "";
        for (let r = 0; r < STORED_RUNS; r++) {
            const file = path.join(dir, `${stampOf(stamps[r])}.json`);
            if (r === STORED_RUNS - 1) fs.writeFileSync(file, retitle(texts[1], cluster, stamps[r].toISOString()));
            else if (!older) {
                fs.writeFileSync(file, retitle(texts[0], cluster, stamps[r].toISOString()));
                older = file;
            } else fs.linkSync(older, file);
            records[r].clusters.push({ ...entry, cluster: cluster.name, key, source: cluster.source, snapshot: file });
        }
        fs.writeFileSync(path.join(dir, "latest"), `${stampOf(stamps[STORED_RUNS - 1])}.json\n`);
    }
    fs.mkdirSync(path.join(out, "runs"));
    records.forEach((rec, r) =>
        fs.writeFileSync(path.join(out, "runs", `${stampOf(stamps[r])}.json`), JSON.stringify(rec, null, 2)),
    );
    return out;
}

async function main() {
    const { texts, entry } = await templates();
    const lines = [
        `clusters of ${PODS} pods (snapshot ${(texts[1].length / 1024).toFixed(0)} KiB), ${STORED_RUNS} stored runs each, runs ${RUNS}, machine ${os.cpus().length} CPU, node ${process.version}, load average ${os
            .loadavg()
            .map((l) => l.toFixed(1))
            .join(" ")}`,
    ];
    for (const n of SIZES) {
        const store = makeStore(n, texts, entry);
        const html = path.join(store, "..", `bench-report-${n}.html`);
        const md = path.join(store, "..", `bench-report-${n}.md`);
        const report = Array.from({ length: RUNS }, () =>
            timed(CLI[0], [...CLI.slice(1), "snapshot", "report", "--out", store, "--html", html, "--markdown", md]),
        );
        const listing = Array.from({ length: RUNS }, () =>
            timed(process.execPath, [path.join(__dirname, "listFindings.js"), store]),
        );
        lines.push(
            `${String(n).padStart(3)} clusters: report median ${median(report.map((x) => x.seconds))} s, peak ${median(report.map((x) => x.peakMiB))} MiB (HTML ${(fs.statSync(html).size / 1024).toFixed(0)} KiB, markdown ${(fs.statSync(md).size / 1024).toFixed(0)} KiB); findings listing median ${median(listing.map((x) => x.seconds))} s, peak ${median(listing.map((x) => x.peakMiB))} MiB`,
        );
        process.stdout.write(lines[lines.length - 1] + "\n");
        fs.rmSync(store, { recursive: true, force: true });
        fs.rmSync(html, { force: true });
        fs.rmSync(md, { force: true });
    }
    process.stdout.write("\n" + lines.join("\n") + "\n");
}

main().catch((e) => {
    process.stderr.write(`${(e as Error).stack ?? e}\n`);
    process.exit(1);
});
