// The layer rule (CONTRIBUTING.md, "The layer rule"): each top-level folder is a layer, and a
// file may import only files of its own layer or of the layers below it; nothing imports in a circle.
// `npm run lint` runs `depcruise` with this file over the source, test/, bench/ and scripts/.
// Type-only imports count like any other: an upward `import type` couples the layers all the same.
"use strict";

// Bottom-up, as docs/architecture.md lays them out. lib/ and policies/ are leaves: they import nothing of the
// project (policies/ is a self-contained package: the CrossGuard pack).
const LAYERS = [
    "lib",
    "policies",
    "domain",
    "config",
    "lookup",
    "components",
    "stack",
    "plan",
    "inventory",
    "respond",
    "cli",
    "index.ts",
];

/** A path pattern for a layer: its folder, or the one file (index.ts). */
const pattern = (layer) => (layer.endsWith(".ts") ? `^${layer.replace(".", "\\.")}$` : `^${layer}/`);
const anyOf = (layers) => `(${layers.map(pattern).join("|")})`;

// Outside the layers: they may import anything, and no source file may import them.
const OUTSIDE = ["^test/", "^bench/", "^scripts/"];

/** What a layer must not import: the layers above it (for a leaf, every other layer) and test/, bench/, scripts/. */
function forbiddenFor(layer, i) {
    const leaf = layer === "lib" || layer === "policies";
    const others = leaf ? LAYERS.filter((l) => l !== layer) : LAYERS.slice(i + 1);
    return [...(others.length ? [anyOf(others)] : []), ...OUTSIDE];
}

const layerRules = LAYERS.map((layer, i) => ({
    name: `layer-${layer.replace(".ts", "")}`,
    severity: "error",
    comment:
        layer === "lib" || layer === "policies"
            ? `${layer}/ imports nothing of the project`
            : `${pattern(layer)} imports only the layers below it (${LAYERS.slice(0, i).join(", ")})`,
    from: { path: pattern(layer) },
    to: { path: forbiddenFor(layer, i) },
}));

module.exports = {
    forbidden: [
        ...layerRules,
        {
            name: "domain-no-runtime-io",
            severity: "error",
            comment:
                "domain/ holds facts and pure rules: `import type` from @pulumi/* is fine, but no runtime import of " +
                "Pulumi, the file system, the network, child processes or a cloud SDK",
            from: { path: "^domain/" },
            to: {
                dependencyTypesNot: ["type-only", "type-import"],
                path: [
                    "^node_modules/@pulumi/",
                    "^node_modules/(@aws-sdk|@azure|@google-cloud|@smithy)/",
                    "^node_modules/google-auth-library/",
                    "^(node:)?(fs|fs/promises|http|https|http2|net|tls|dgram|dns|child_process)$",
                ],
            },
        },
        {
            name: "no-circular",
            severity: "error",
            comment: "no file imports, directly or through others, a file that imports it",
            from: {},
            to: { circular: true },
        },
        {
            name: "not-to-unresolvable",
            severity: "error",
            comment: "an import that resolves to nothing would hide an edge from the rules above",
            from: {},
            // scripts/ and bench/ load the build's output, which a fresh clone has not made yet.
            to: { couldNotResolve: true, pathNot: "(^|/)dist/" },
        },
    ],
    options: {
        doNotFollow: { path: "node_modules" },
        exclude: { path: "^dist/" },
        // Type-only imports are seen (and checked) as such.
        tsPreCompilationDeps: true,
        tsConfig: { fileName: "tsconfig.json" },
        // The package's own entries (`exports`) and the `types` of @types packages.
        enhancedResolveOptions: {
            exportsFields: ["exports"],
            conditionNames: ["import", "require", "node", "default", "types"],
            mainFields: ["main", "types", "typings"],
        },
        reporterOptions: { text: { highlightFocused: true } },
    },
};
