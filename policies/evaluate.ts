import { Level, ResourceView, Rule, stackContext } from "./types";

export interface Violation {
    policy: string;
    level: Level;
    resource: string;
    message: string;
}

/** Pulumi's policy-pack config: `{ "<rule>": "advisory" | "mandatory" | "disabled" | { enforcementLevel } }`. */
export type PolicyConfig = Record<string, string | { enforcementLevel?: string }>;

const LEVELS = ["advisory", "mandatory", "disabled"];

/** Applies enforcement overrides; unknown rule names and levels are errors, not ignored. */
export function withEnforcement(rules: readonly Rule[], config: PolicyConfig = {}): { rule: Rule; level: Level }[] {
    const names = rules.map((r) => r.name);
    for (const [name, value] of Object.entries(config)) {
        if (name === "all") continue;
        if (!names.includes(name)) throw new Error(`policy config names unknown rule "${name}"; rules: ${names.join(", ")}`);
        const level = typeof value === "string" ? value : value?.enforcementLevel;
        if (level !== undefined && !LEVELS.includes(level)) {
            throw new Error(`policy config for "${name}" has enforcement level "${level}"; expected one of ${LEVELS.join(", ")}`);
        }
    }
    const levelOf = (v: PolicyConfig[string] | undefined) => (typeof v === "string" ? v : v?.enforcementLevel);
    const all = levelOf(config.all);
    return rules
        .map((rule) => ({ rule, level: (levelOf(config[rule.name]) ?? all ?? rule.enforcementLevel) as Level | "disabled" }))
        .filter((x): x is { rule: Rule; level: Level } => x.level !== "disabled");
}

/** Runs every rule over a stack's resources: the offline gate and `plan` use exactly this. */
export function evaluatePolicies(resources: readonly ResourceView[], rules: readonly Rule[], config?: PolicyConfig): Violation[] {
    const ctx = stackContext(resources);
    const out: Violation[] = [];
    for (const { rule, level } of withEnforcement(rules, config)) {
        if (rule.kind === "resource") {
            for (const r of resources) {
                for (const message of rule.validate(r)) out.push({ policy: rule.name, level, resource: r.name, message });
            }
        } else {
            for (const f of rule.validateStack(resources, ctx)) out.push({ policy: rule.name, level, resource: f.resource, message: f.message });
        }
    }
    return out;
}
