"use strict";
/**
 * The floor of `snapshot diff` (issue 24): read both snapshot files and `JSON.parse` each, nothing
 * else. Plain JavaScript run by plain `node`, so its start-up is Node's alone.
 *   node bench/diffFloor.js A.json B.json    prints the number of object kinds in each
 */
const fs = require("fs");

const counts = process.argv.slice(2).map((f) => Object.keys(JSON.parse(fs.readFileSync(f, "utf8")).objects).length);
process.stdout.write(`${counts.join(" ")} kinds\n`);
