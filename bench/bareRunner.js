"use strict";
// Runs a baseline program of the plan bench through the same (compiled) mock evaluation as `plan`,
// and prints the count: bench/bareProgram.js by default (imports only), or the program named as the
// first argument (bench/sdkFloorProgram.js: the plan's resources declared again, nothing else).
const path = require("path");
const { evaluateStack } = require("../dist/plan/evaluate.js");

const program = process.argv[2] ? path.resolve(process.argv[2]) : path.join(__dirname, "bareProgram.js");
evaluateStack(
    { stack: "bare", config: {}, secretKeys: [], cloudStateFile: "bare.cloud.yaml" }, // never read: neither program looks anything up
    program,
).then(
    (e) => {
        process.stdout.write(`${e.resources.length} resources\n`);
        process.exit(0);
    },
    (err) => {
        process.stderr.write(`${err}\n`);
        process.exit(1);
    },
);
