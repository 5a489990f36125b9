"use strict";
// Runs the bare program through the same (compiled) mock evaluation as `plan`, and prints the count.
const path = require("path");
const { evaluateStack } = require("../dist/plan/evaluate.js");

evaluateStack(
    { stack: "bare", config: {}, secretKeys: [], cloudStateFile: "bare.cloud.yaml" }, // never read: the bare program looks nothing up
    path.join(__dirname, "bareProgram.js"),
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
