"use strict";
/**
 * Run by scripts/build.js after tsc, in its own process: serializes every dynamic provider of the
 * package from the compiled modules in dist/, with the call `pulumi.dynamic.Resource` makes at run
 * time, and writes the texts where components/shared/dynamicResource.ts looks for them
 * (docs/runtime.md, "Dynamic providers"). A provider that captures a secret is refused: its text
 * would sit in dist/ in the clear.
 */
const fs = require("fs");
const path = require("path");

const DIST = path.join(__dirname, "..", "dist");

async function main() {
    const { version } = require("@pulumi/pulumi/version");
    const lib = require(path.join(DIST, "components", "shared", "dynamicResource.js"));
    const out = { sdk: version, providers: {} };
    for (const p of lib.SERIALIZED_PROVIDERS) {
        const provider = require(path.join(DIST, "components", p.module))[p.exportName];
        if (!provider || typeof provider !== "object") {
            throw new Error(
                `SERIALIZED_PROVIDERS names ${lib.providerKey(p)}, but dist/components/${p.module}.js exports no provider object by that name`,
            );
        }
        const sf = await lib.serializeProvider(provider);
        if (sf.containsSecrets)
            throw new Error(
                `${lib.providerKey(p)}: the provider captures a secret; it cannot be serialized into dist/`,
            );
        out.providers[lib.providerKey(p)] = sf.text;
    }
    fs.writeFileSync(lib.SERIALIZED_PROVIDERS_FILE, JSON.stringify(out) + "\n");
}

main().then(
    () => process.exit(0),
    (e) => {
        process.stderr.write(`error: serializing the dynamic providers: ${e && e.stack ? e.stack : e}\n`);
        process.exit(1);
    },
);
