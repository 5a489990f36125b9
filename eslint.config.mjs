// ESLint over every TypeScript and JavaScript file of the project (CONTRIBUTING.md, "Lint, format and
// the layer rule"). Which folder may import which is dependency-cruiser's (.dependency-cruiser.cjs);
// the layout of the code is Prettier's, so eslint-config-prettier comes last and turns off every rule
// that would fight it. Every exception to a rule is listed here, with its reason: inline
// `eslint-disable` comments are not honoured (noInlineConfig) and make the lint fail.
import js from "@eslint/js";
import prettier from "eslint-config-prettier";
import { defineConfig } from "eslint/config";
import globals from "globals";
import tseslint from "typescript-eslint";

export default defineConfig(
    {
        // Build output, installed packages and what the commands write (.gitignore).
        ignores: [
            "dist/**",
            "**/node_modules/**",
            "examples/eks-program/bin/**",
            "bin/**",
            // Stryker's sandboxes: copies of the tree with mutants in them (stryker.config.mjs).
            ".stryker-tmp/**",
            "snapshots/**",
            ".bench/**",
        ],
    },
    {
        linterOptions: {
            noInlineConfig: true,
            reportUnusedDisableDirectives: "error",
            reportUnusedInlineConfigs: "error",
        },
    },
    js.configs.recommended,
    tseslint.configs.recommended,
    {
        files: ["**/*.ts"],
        languageOptions: {
            globals: globals.node,
            // The programs the type-aware rules below read: the root's (which also covers policies/),
            // and the example program's. Named rather than found per file (projectService): policies/
            // would be a second program, and the lint took 40% more CPU. A .ts file that none of them
            // includes fails the lint, so a new folder is added to tsconfig.json, and type-checked.
            parserOptions: {
                project: ["./tsconfig.json", "./examples/eks-program/tsconfig.json"],
                tsconfigRootDir: import.meta.dirname,
            },
        },
        rules: {
            // Of typescript-eslint's type-aware rules, the ones that find bugs in this code: a promise
            // nobody awaits or catches, a promise where a callback's result is ignored, an await of
            // something that is not a promise, and casts or union members that say nothing. The rest of
            // `recommendedTypeChecked` stays off: its no-unsafe-* rules flag each use of a JSON.parse
            // result and of the SDKs' untyped answers (some 550 places, most in tests reading plan JSON),
            // which is a typing change of its own, not a lint fix. Measured: the type information takes
            // ESLint from about 7 s to about 28 s of CPU over the tree, within the lint's minute.
            "@typescript-eslint/await-thenable": "error",
            "@typescript-eslint/no-floating-promises": "error",
            "@typescript-eslint/no-misused-promises": "error",
            "@typescript-eslint/no-redundant-type-constituents": "error",
            "@typescript-eslint/no-unnecessary-type-assertion": "error",
            "@typescript-eslint/unbound-method": "error",
            // `{ dropped: _d, ...kept } = x` is how the code drops properties from a copy.
            "@typescript-eslint/no-unused-vars": ["error", { ignoreRestSiblings: true }],
        },
    },
    {
        // The plain JavaScript (scripts/, bench/, test/fixtures/): CommonJS run by node itself, before
        // or without anything compiled, so require() is how it loads a module.
        files: ["**/*.js", "**/*.cjs"],
        languageOptions: { sourceType: "commonjs", globals: globals.node },
        rules: { "@typescript-eslint/no-require-imports": "off" },
    },
    {
        files: ["**/*.mjs"],
        languageOptions: { sourceType: "module", globals: globals.node },
    },
    {
        files: ["**/*.js", "**/*.cjs", "**/*.mjs"],
        extends: [tseslint.configs.disableTypeChecked],
    },

    // ---- Exceptions, each with its reason ----
    {
        // Modules loaded when needed, not at start-up (`require(...) as typeof import(...)`): a stack
        // loads only its own cloud's program, lookups and SDK, since start-up time is part of every
        // `pulumi preview` (docs/benchmarks.md), and the AWS SDK's S3 client only for an s3:// store.
        files: [
            "cli/cloudState.ts",
            "cli/snapshot.ts",
            "cli/store.ts",
            "lookup/identity.ts",
            "stack/cloudState.ts",
            "lookup/aws/live.ts",
            "lookup/azure/live.ts",
            "lookup/connectors/live.ts",
            "lookup/gcp/live.ts",
            "stack/program.ts",
            "stack/aws/onboarding.ts",
            "stack/azure/onboarding.ts",
            "stack/gcp/cloudRead.ts",
        ],
        rules: { "@typescript-eslint/no-require-imports": "off" },
    },
    {
        // Dynamic providers: Pulumi serializes these functions into the state, and the deployed
        // provider loads the AWS SDK from the deployer's node_modules when it runs
        // (components/shared/dynamicResource.ts), so the require() stays inside the function.
        files: ["components/aws/controlPlaneLogging.ts", "components/aws/defenderEndpoint.ts"],
        rules: { "@typescript-eslint/no-require-imports": "off" },
    },
    {
        // The offline plan hands the SDK's log module an engine by replacing an export of its
        // settings module (docs/dependencies.md): an import namespace is read-only, a required
        // module object is not.
        files: ["plan/mockEngine.ts"],
        rules: { "@typescript-eslint/no-require-imports": "off" },
    },
    {
        // A module whose path or presence is known only at run time: the user's program
        // (plan/evaluate.ts), tsx's loader, a dev dependency that may be absent (cli/policyPack.ts),
        // the SDK's internal waitForRPCs, which its declarations leave out (plan/mockRuntime.ts),
        // require-from-string from the SDK's own dependencies (test/helpers/deployedProvider.ts), each
        // entry of the packed package (test/library/package.test.ts), and scripts/build.js, plain
        // JavaScript without declarations (test/helpers/ensureBuilt.ts, bench/run.ts).
        files: [
            "plan/evaluate.ts",
            "plan/mockRuntime.ts",
            "cli/policyPack.ts",
            "test/helpers/deployedProvider.ts",
            "test/helpers/ensureBuilt.ts",
            "test/library/package.test.ts",
            "bench/run.ts",
        ],
        rules: { "@typescript-eslint/no-require-imports": "off" },
    },
    {
        // Raw Kubernetes API objects of every kind and version, read field by field with fallbacks:
        // `type Raw = any` is that file's one declared untyped shape.
        files: ["inventory/normalise.ts"],
        rules: { "@typescript-eslint/no-explicit-any": "off" },
    },
    {
        // ResourceView.inputs is the public rule API (the `./policies` entry, docs/library.md): the
        // inputs of any resource type, each rule reading them by its provider's schema. Narrowing it to
        // `unknown` would break every user's own rule.
        files: ["policies/types.ts"],
        rules: { "@typescript-eslint/no-explicit-any": "off" },
    },
    {
        // Control characters are the subject here: escaping them for a terminal (lib/escape.ts), and
        // the tests that look for them, or for the terminal's own escape sequences, in output.
        files: ["lib/escape.ts", "test/inventory/partialSnapshot.test.ts", "test/inventory/progress.test.ts"],
        rules: { "no-control-regex": "off" },
    },

    prettier,
);
