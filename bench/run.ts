import { spawnSync } from "child_process";
import * as path from "path";

/**
 * `npm run bench`: every measurement, one after the other so they do not compete for the two cores.
 * `npm run bench -- plan`, `-- snapshot`, `-- fleet`, `-- lookups` or `-- report` runs one, and `big` adds
 * the long cases. BENCH_RUNS sets the number of runs or interleaved rounds (default 5).
 */
const BENCHES: Record<string, string> = {
    startup: "startup.ts",
    plan: "plan.ts",
    snapshot: "snapshot.ts",
    fleet: "fleet.ts",
    memory: "memory.ts",
    lookups: "lookups.ts",
    report: "report.ts",
};
// `big` adds the long cases (200,000 pods, 200 clusters, 5,000 AKS and 1,000 EKS clusters) to each bench run.
const big = process.argv.includes("big");
const chosen = process.argv.slice(2).filter((a) => a !== "big");
for (const name of chosen) {
    if (!BENCHES[name]) {
        process.stderr.write(`unknown benchmark ${JSON.stringify(name)}; known: ${Object.keys(BENCHES).join(", ")}\n`);
        process.exit(2);
    }
}
// Every benchmark runs the compiled program and CLI, as `pulumi preview` and `npm run <command>` do.
(require("../scripts/build.js") as { ensureBuilt: () => void }).ensureBuilt();
for (const name of chosen.length ? chosen : Object.keys(BENCHES)) {
    process.stdout.write(`\n== ${name}\n`);
    const r = spawnSync(
        process.execPath,
        ["--import", "tsx", path.join(__dirname, BENCHES[name]), ...(big ? ["big"] : [])],
        {
            stdio: "inherit",
        },
    );
    if (r.status !== 0) process.exit(r.status ?? 1);
}
