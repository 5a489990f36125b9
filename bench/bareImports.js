"use strict";
// The baseline of the program's start-up: `node bench/bareImports.js LIST.json` requires the package
// modules the program requires (recorded by bench/recordImports.js), and declares nothing.
const fs = require("fs");
const path = require("path");

const root = path.join(__dirname, "..");
for (const m of JSON.parse(fs.readFileSync(process.argv[2], "utf8"))) require(require.resolve(m, { paths: [root] }));
