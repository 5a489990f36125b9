import * as os from "os";
import { startMoto } from "../test/fixtures/motoServer";
import { createEksClusters, readThroughProxy, startEksProxy } from "../test/fixtures/eksProxy";

/**
 * `npm run bench -- lookups`: the AWS stack's lookups (`readAws` with the live lookup: ListClusters,
 * DescribeCluster per cluster, the discovery role and OIDC provider, and the access entries of each
 * cluster) of BENCH_CLUSTERS clusters (default 60) in three regions, made in moto_server and read
 * through the loopback proxy of test/fixtures/eksProxy.ts, which delays every call by
 * BENCH_LOOKUP_DELAY_MS (default 40: an AWS API answer seen from a nearby region). Wall time of
 * each limit (aws.lookupConcurrency), the limits taking turns within each run, median of BENCH_RUNS
 * (default 5). Limit 1 is one call at a time per region, the regions side by side; the code
 * before bounded concurrency was slower still, as it read the access entries one cluster at a time
 * across all regions (docs/benchmarks.md). Then, at limit 8, the SDK's retry modes `standard` (the
 * default, which the stack keeps) and `adaptive` when the first one or three EKS calls of a run are
 * throttled (min(BENCH_RUNS, 3) runs each).
 */
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const CLUSTERS = Number(process.env.BENCH_CLUSTERS ?? 60);
const DELAY = Number(process.env.BENCH_LOOKUP_DELAY_MS ?? 40);
const LIMITS = [1, 4, 8, 16];
const REGIONS = ["eu-west-1", "us-east-1", "ap-south-1"];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const load = () =>
    os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(" ");

async function main() {
    const moto = await startMoto();
    try {
        const entries = await createEksClusters(moto.url, REGIONS, Math.ceil(CLUSTERS / REGIONS.length));
        const proxy = await startEksProxy({
            upstream: moto.url,
            delayMs: DELAY,
            authenticationMode: "API_AND_CONFIG_MAP",
            accessEntries: entries,
        });
        const lines = [
            `${Object.keys(entries).length} clusters in ${REGIONS.join(", ")}, ${DELAY} ms a call, runs ${RUNS}, machine ${os.cpus().length} CPU, node ${process.version}, load average at start ${load()}`,
        ];
        try {
            const seconds = new Map<number, number[]>(LIMITS.map((l) => [l, []]));
            const shape = new Map<number, string>();
            let first: string | undefined;
            for (let run = 0; run < RUNS; run++) {
                for (const limit of LIMITS) {
                    proxy.reset();
                    const t0 = process.hrtime.bigint();
                    const found = await readThroughProxy(proxy.url, REGIONS, limit);
                    seconds.get(limit)!.push(Number(process.hrtime.bigint() - t0) / 1e9);
                    shape.set(
                        limit,
                        `${proxy.calls()} calls, at most ${Math.max(...REGIONS.map((r) => proxy.maxInFlight(r)))} in flight per region`,
                    );
                    // Every limit must find the same: the benchmark is void otherwise.
                    const text = JSON.stringify(found);
                    if (first === undefined) first = text;
                    else if (text !== first)
                        throw new Error(`limit ${limit} found something else than limit ${LIMITS[0]}`);
                }
                process.stdout.write(
                    `run ${run + 1}: ${LIMITS.map((l) => `limit ${l} ${seconds.get(l)![run].toFixed(2)} s`).join(", ")}\n`,
                );
            }
            const base = median(seconds.get(1)!);
            for (const l of LIMITS) {
                const m = median(seconds.get(l)!);
                lines.push(
                    `aws.lookupConcurrency ${l}: median ${m.toFixed(2)} s (${(base / m).toFixed(1)}x limit 1), ${shape.get(l)}`,
                );
            }
            // The SDK's retry modes when EKS throttles: the first calls of a run answer ThrottlingException.
            const saved = process.env.AWS_RETRY_MODE;
            try {
                for (const mode of ["standard", "adaptive"]) {
                    process.env.AWS_RETRY_MODE = mode;
                    for (const throttled of [1, 3]) {
                        const times: number[] = [];
                        for (let run = 0; run < Math.min(RUNS, 3); run++) {
                            proxy.reset();
                            proxy.throttleNext(throttled);
                            const t0 = process.hrtime.bigint();
                            await readThroughProxy(proxy.url, REGIONS, 8);
                            times.push(Number(process.hrtime.bigint() - t0) / 1e9);
                        }
                        lines.push(
                            `retry mode ${mode}, first ${throttled} EKS call(s) throttled, limit 8: median ${median(times).toFixed(2)} s (${times.map((t) => t.toFixed(2)).join(", ")})`,
                        );
                    }
                }
            } finally {
                if (saved === undefined) delete process.env.AWS_RETRY_MODE;
                else process.env.AWS_RETRY_MODE = saved;
            }
            lines.push(`load average at end ${load()}`);
        } finally {
            await proxy.close();
        }
        process.stdout.write("\n" + lines.join("\n") + "\n");
    } finally {
        await moto.stop();
    }
}

main().catch((e) => {
    process.stderr.write(`${(e as Error).stack ?? e}\n`);
    process.exit(1);
});
