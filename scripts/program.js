"use strict";
// The Pulumi program's entry (Pulumi.yaml `main`): the compiled program, rebuilt first if a source
// changed since the last build, so `pulumi up` never deploys an older build than the sources it sits beside.
require("./build").ensureBuilt();
module.exports = require("../dist/index.js");
