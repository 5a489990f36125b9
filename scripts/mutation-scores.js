#!/usr/bin/env node
"use strict";
/**
 * Prints the mutation score of each module of test/mutation/modules.json from Stryker's JSON reports
 * (one per module run, or one of an ad-hoc run),
 * lists the mutants disabled in the source as equivalent (a `// Stryker disable` comment with its
 * reason), and exits 1 when a module scores under the threshold. Score: mutants detected (killed or
 * timed out) over all valid mutants, as Stryker counts it: a mutant no test covers counts as
 * undetected, a disabled one not at all. Static mutants (module-level constants), which the config
 * does not run (stryker.config.mjs, `ignoreStatic`), are counted in a column of their own: neither
 * detected nor equivalent, only not judged.
 */
const fs = require("fs");
const path = require("path");

const THRESHOLD = 85;
const ROOT = path.join(__dirname, "..");
const MODULES_FILE = "test/mutation/modules.json";

/** modules.json: module name -> { mutate: file patterns, tests: test folders or files that judge it }. */
function readModules() {
    return JSON.parse(fs.readFileSync(path.join(ROOT, MODULES_FILE), "utf8"));
}

/** The file name of a module's report and committed incremental results: "policy pack" -> "policy-pack". */
function slug(name) {
    return name
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, "-")
        .replace(/^-|-$/g, "");
}

/**
 * `--list [NAMES]`: one line per module to run, `slug TAB files TAB tests` (comma-separated), for
 * scripts/test-mutation.sh; NAMES (comma-separated) picks some, and a name that is not a module is
 * an error naming the ones there are.
 */
function list(names) {
    const modules = readModules();
    const wanted = names ? names.split(",").map((n) => n.trim()) : Object.keys(modules);
    const unknown = wanted.filter((n) => !(n in modules));
    if (unknown.length > 0) {
        process.stderr.write(
            `error: MUTATION_MODULES names ${unknown.map((n) => JSON.stringify(n)).join(", ")}, not a module of ${MODULES_FILE}; the modules are: ${Object.keys(modules).join(", ")}\n`,
        );
        return 2;
    }
    for (const n of wanted) {
        const m = modules[n];
        process.stdout.write(`${slug(n)}\t${m.mutate.join(",")}\t${m.tests.join(",")}\n`);
    }
    return 0;
}

/** "dir/*.ts" patterns: `*` matches within one folder. */
function matcher(pattern) {
    const re = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]*");
    return new RegExp(`^${re}$`);
}

function main(reportFiles) {
    const modules = readModules();
    const files = reportFiles.flatMap((reportFile) =>
        Object.entries(JSON.parse(fs.readFileSync(reportFile, "utf8")).files).map(([name, f]) => [
            path.relative(ROOT, path.resolve(ROOT, name)).split(path.sep).join("/"),
            f.mutants,
        ]),
    );
    const rows = [];
    const equivalent = [];
    let failed = false;
    for (const [name, { mutate }] of Object.entries(modules)) {
        const res = mutate.map(matcher);
        const count = { detected: 0, undetected: 0, ignored: 0, static: 0 };
        for (const [file, mutants] of files) {
            if (!res.some((r) => r.test(file))) continue;
            for (const m of mutants) {
                if (m.status === "Killed" || m.status === "Timeout") count.detected++;
                else if (m.status === "Survived" || m.status === "NoCoverage") count.undetected++;
                else if (m.status === "Ignored" && /ignoreStatic/.test(m.statusReason ?? "")) count.static++;
                else if (m.status === "Ignored") {
                    count.ignored++;
                    equivalent.push(
                        `${file}:${m.location.start.line} ${m.mutatorName}${m.replacement ? ` -> ${JSON.stringify(m.replacement)}` : ""}: ${m.statusReason ?? "no reason given"}`,
                    );
                }
            }
        }
        const total = count.detected + count.undetected;
        if (total === 0) {
            // A run of some files or modules leaves the other modules out; a full run must hold every module.
            const partial = Boolean(process.env.MUTATE || process.env.MUTATION_MODULES);
            rows.push([
                name,
                "-",
                "0",
                "0",
                String(count.ignored),
                String(count.static),
                partial ? "not in this run" : "no mutant: is the module list stale?",
            ]);
            if (!partial) failed = true;
            continue;
        }
        const score = (100 * count.detected) / total;
        const ok = score >= THRESHOLD;
        if (!ok) failed = true;
        rows.push([
            name,
            score.toFixed(1),
            String(count.detected),
            String(count.undetected),
            String(count.ignored),
            String(count.static),
            ok ? "ok" : `under ${THRESHOLD}%`,
        ]);
    }
    const head = ["module", "score %", "detected", "undetected", "equivalent", "static, not run", ""];
    const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    for (const r of [head, ...rows])
        process.stdout.write(
            r
                .map((c, i) => c.padEnd(widths[i]))
                .join("  ")
                .trimEnd() + "\n",
        );
    if (equivalent.length > 0) {
        process.stdout.write(`\nequivalent mutants, disabled in the source (${equivalent.length}):\n`);
        for (const e of equivalent) process.stdout.write(`  ${e}\n`);
    }
    return failed ? 1 : 0;
}

const args = process.argv.slice(2);
if (args[0] === "--list") process.exit(list(args[1]));
if (args.length === 0) {
    process.stderr.write("usage: mutation-scores.js REPORT.json... | --list [MODULE,...]\n");
    process.exit(2);
}
process.exit(main(args));
