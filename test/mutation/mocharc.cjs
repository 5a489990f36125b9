"use strict";
// Mocha's options for mutation testing (stryker.config.mjs). Only tests that run the code in the
// test's own process can kill a mutant: Stryker switches mutants on inside that process, and a test
// that runs the compiled CLI (dist/) in a child process runs the unmutated build. Those files are
// left out, which keeps Stryker's first full run short. The engine suite and the fuzzer are not
// mocha unit tests.
const fs = require("fs");
const path = require("path");

const CHILD_PROCESS = /helpers\/(cli|deployedProvider|packedPackage)|["'`]dist\/|child_process/;

function testFiles(dir) {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) return e.name === "engines" || e.name === "fuzz" ? [] : testFiles(p);
        return e.name.endsWith(".test.ts") ? [p] : [];
    });
}

module.exports = {
    spec: testFiles("test")
        .filter((f) => !CHILD_PROCESS.test(fs.readFileSync(f, "utf8")))
        .sort(),
    timeout: 60000,
};
