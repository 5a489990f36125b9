"use strict";
/**
 * A findings listing over a store (issue 22, item 6): every cluster's latest snapshot read, its open
 * findings printed as JSON lines, one cluster at a time. Plain `node` over the compiled modules.
 *   node bench/listFindings.js STORE    prints one line per finding
 */
const path = require("path");
const { latestFindings } = require(path.join(__dirname, "..", "dist", "inventory", "report", "model.js"));

const out = [];
let n = 0;
for (const { cluster, findings } of latestFindings(process.argv[2])) {
    for (const f of findings) {
        out.push(
            JSON.stringify({ cluster, rule: f.rule, severity: f.severity, subject: f.subject, message: f.message }),
        );
        n++;
    }
    if (out.length > 1000) process.stdout.write(out.splice(0).join("\n") + "\n");
}
process.stdout.write(out.join("\n") + (out.length ? "\n" : ""));
process.stderr.write(`${n} findings\n`);
