"use strict";
// `node -r bench/recordImports.js ...`: records every package module (a bare specifier such as
// "@pulumi/aws/iam") that the compiled program in dist/ requires, into the file RECORD_IMPORTS names.
// bench/startup.ts then imports exactly those, bare, as the baseline of the program's start-up.
const fs = require("fs");
const Module = require("module");
const path = require("path");

const dist = path.join(__dirname, "..", "dist") + path.sep;
const seen = new Set();
const load = Module._load;
Module._load = function (request, parent, ...rest) {
    if (
        parent &&
        parent.filename &&
        parent.filename.startsWith(dist) &&
        !request.startsWith(".") &&
        !path.isAbsolute(request) &&
        !Module.isBuiltin(request)
    )
        seen.add(request);
    return load.call(this, request, parent, ...rest);
};
process.on("exit", () => fs.writeFileSync(process.env.RECORD_IMPORTS, JSON.stringify([...seen].sort())));
