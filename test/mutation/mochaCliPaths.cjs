"use strict";
// Stryker's mocha runner (10.1.1) requires Mocha's cli internals without an extension, and Mocha 12
// renamed them to .cjs, so the plugin fails to load ("Cannot find module .../lib/cli/run-helpers").
// Upstream's fix is stryker-mutator/stryker-js#6205 (open when this was written): until a release
// carries it, this preload, given to Stryker and its workers, resolves those three names to the .cjs
// files. Nothing else is rewritten.
const Module = require("module");

const CLI_INTERNAL = /[\\/]mocha[\\/]lib[\\/]cli[\\/](run-helpers|options|collect-files)$/;
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
    return resolve.call(this, CLI_INTERNAL.test(request) ? `${request}.cjs` : request, ...rest);
};
