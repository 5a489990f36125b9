"use strict";
// Mocha's options for mutation testing (stryker.config.mjs). Only tests that run the code in the
// test's own process can kill a mutant: Stryker switches mutants on inside that process, and a test
// that runs the compiled CLI (dist/) in a child process runs the unmutated build. Those files are
// left out, which keeps Stryker's first full run short. The engine suite and the fuzzer are not
// mocha unit tests.
const fs = require("fs");
const path = require("path");

const CHILD_PROCESS = /helpers\/(cli|deployedProvider|packedPackage)|["'`]dist\/|child_process/;
const BUILT_CLI = /helpers\/(cli|deployedProvider|packedPackage)|["'`]dist\//;

/**
 * A test file that runs the built CLI itself or through a fixture of the test tree it imports (the
 * golden snapshots run `dist/` through test/fixtures/goldenSnapshots.ts). Only the file itself is
 * asked about child_process: fixtures that start moto or a fixture server in a child process serve
 * tests that run the code in-process.
 */
function runsBuiltCode(file, seen = new Set()) {
    if (seen.has(file)) return false;
    seen.add(file);
    const text = fs.readFileSync(file, "utf8");
    if ((seen.size === 1 ? CHILD_PROCESS : BUILT_CLI).test(text)) return true;
    for (const m of text.matchAll(/from "(\.\.?\/[^"]+)"/g)) {
        const dep = path.resolve(path.dirname(file), m[1]) + ".ts";
        if (dep.startsWith(path.resolve("test")) && fs.existsSync(dep) && runsBuiltCode(dep, seen)) return true;
    }
    return false;
}

function testFiles(dir) {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) return e.name === "engines" || e.name === "fuzz" ? [] : testFiles(p);
        return e.name.endsWith(".test.ts") ? [p] : [];
    });
}

// MUTATION_SPEC (comma-separated folders or files of test/) narrows the tests to those: a module
// whose code every stack test runs (config validation, the policy pack) is judged by its own unit
// tests in minutes, not by hundreds of stack tests per mutant in hours. Its score is then a lower
// bound: a mutant only a stack test would kill counts as survived.
const only = process.env.MUTATION_SPEC ? process.env.MUTATION_SPEC.split(",").map((p) => path.normalize(p)) : undefined;

module.exports = {
    spec: testFiles("test")
        .filter((f) => !only || only.some((p) => f === p || f.startsWith(p.endsWith(path.sep) ? p : p + path.sep)))
        .filter((f) => !runsBuiltCode(path.resolve(f)))
        .sort(),
    timeout: 60000,
};
