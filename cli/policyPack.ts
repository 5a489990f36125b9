import * as fs from "fs";
import * as path from "path";
import { evaluatePolicies as ownEvaluate, PolicyConfig } from "../policies/evaluate";
import { RULES as OWN_RULES } from "../policies/rules";
import { ResourceView, Rule } from "../policies/types";
import { UsageError } from "../lib/errors";

/** A policy pack as the gate uses it: its rules and its own evaluation of them. */
export interface LoadedPack {
    rules: readonly Rule[];
    evaluate(
        resources: readonly ResourceView[],
        rules: readonly Rule[],
        config?: PolicyConfig,
    ): ReturnType<typeof ownEvaluate>;
}

export const OWN_PACK: LoadedPack = { rules: OWN_RULES, evaluate: ownEvaluate };

/**
 * Loads the pack in DIR (`rules/index.ts` exporting RULES, `evaluate.ts` exporting evaluatePolicies):
 * CI points it at the base branch's policies/, so a pull request is judged by rules it cannot edit.
 */
export function loadPolicyPack(dir: string | undefined): LoadedPack {
    if (!dir) return OWN_PACK;
    const root = path.resolve(dir);
    const expected =
        "a policy pack folder holding rules/index.ts (exporting RULES) and evaluate.ts (exporting evaluatePolicies)";
    if (!fs.existsSync(path.join(root, "rules", "index.ts")) || !fs.existsSync(path.join(root, "evaluate.ts"))) {
        throw new UsageError(`--policy-pack ${dir}: expected ${expected}`);
    }
    const load = typeScriptRequire(dir);
    const rules = load(path.join(root, "rules", "index.ts")).RULES as readonly Rule[] | undefined;
    const evaluate = load(path.join(root, "evaluate.ts")).evaluatePolicies as LoadedPack["evaluate"] | undefined;
    if (!Array.isArray(rules) || typeof evaluate !== "function")
        throw new UsageError(`--policy-pack ${dir}: expected ${expected}`);
    return { rules, evaluate };
}

/**
 * The CLI runs compiled, but another checkout's pack is TypeScript source: it is loaded through
 * tsx's require API (a dev dependency, as the CI job that judges pull requests installs them).
 */
function typeScriptRequire(dir: string): (file: string) => Record<string, unknown> {
    let api: { require(id: string, from: string): Record<string, unknown> };
    try {
        api = require("tsx/cjs/api");
    } catch {
        throw new UsageError(
            `--policy-pack ${dir}: loading a TypeScript policy pack needs tsx, a dev dependency: install with \`npm ci\`, not \`npm ci --omit=dev\``,
        );
    }
    return (file) => api.require(file, __filename);
}
