import { spawnSync } from "child_process";
import * as path from "path";

/**
 * `npm run bench`: every measurement, one after the other so they do not compete for the two cores.
 * `npm run bench -- plan`, `-- snapshot`, `-- lookups` or `-- report` runs one. BENCH_RUNS sets the number of runs (default 5).
 */
const BENCHES: Record<string, string> = {
    startup: "startup.ts",
    plan: "plan.ts",
    snapshot: "snapshot.ts",
    memory: "memory.ts",
    lookups: "lookups.ts",
    report: "report.ts",
};
const chosen = process.argv.slice(2);
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
    const r = spawnSync(process.execPath, ["--import", "tsx", path.join(__dirname, BENCHES[name])], {
        stdio: "inherit",
    });
    if (r.status !== 0) process.exit(r.status ?? 1);
}
