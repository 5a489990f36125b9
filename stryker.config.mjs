// Mutation testing of the modules that guard access (test/mutation/modules.json), run by
// `npm run test:mutation` (scripts/test-mutation.sh) on Node 22: Stryker 10 needs it
// (docs/dependencies.md). docs/verification.md, "Mutation testing", says how to read the scores.
import { readFileSync } from "node:fs";

const modules = JSON.parse(readFileSync("test/mutation/modules.json", "utf8"));

// scripts/test-mutation.sh runs one module at a time: its files (MUTATE) and its report (MUTATION_REPORT).
const only = process.env.MUTATE ? process.env.MUTATE.split(",") : undefined;

export default {
    testRunner: "mocha",
    plugins: ["@stryker-mutator/mocha-runner"],
    coverageAnalysis: "perTest",
    mutate: only ?? Object.values(modules).flatMap((m) => m.mutate),
    mochaOptions: { config: "test/mutation/mocharc.cjs", "no-package": true },
    testRunnerNodeArgs: ["--require=./test/mutation/mochaCliPaths.cjs", "--import=tsx"],
    incremental: true,
    // The committed results are one file per module, which the script names (test/mutation/incremental/);
    // a run that names none writes here, never over them.
    incrementalFile: ".stryker-tmp/incremental.json",
    reporters: ["clear-text", "progress-append-only", "json"],
    jsonReporter: { fileName: process.env.MUTATION_REPORT ?? ".stryker-tmp/mutation.json" },
    clearTextReporter: { reportTests: false, reportMutants: false, reportScoreTable: false },
    tempDirName: ".stryker-tmp",
    cleanTempDir: "always",
    concurrency: 2,
    timeoutMS: 10000,
    // The first run of every in-process test, with coverage, takes minutes on two loaded cores.
    dryRunTimeoutMinutes: 30,
    // A static mutant (a module-level constant) is live from the module's load, so Stryker would run
    // every test file once per static mutant: hours here. They are left out and counted apart by
    // scripts/mutation-scores.js, never as detected.
    ignoreStatic: true,
    ignorePatterns: ["dist", ".bench", "snapshots", "bin", "reports"],
    thresholds: { high: 90, low: 85, break: null },
};
