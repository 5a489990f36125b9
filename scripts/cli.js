#!/usr/bin/env node
"use strict";
// `npm run plan|gate|snapshot|respond`: the compiled CLI, rebuilt first if a source changed since
// the last build (see scripts/build.js).
require("./build").ensureBuilt();
require("../dist/cli/main.js");
