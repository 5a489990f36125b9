import { withoutApiVersion } from "./resourceType";
import { Level, ResourceView, Rule, StackContext } from "./types";

export interface Violation {
    policy: string;
    level: Level;
    resource: string;
    message: string;
}

/**
 * Pulumi's policy-pack config: `{ "<rule>": "advisory" | "mandatory" | "disabled" | { enforcementLevel, ...properties } }`.
 * The one property is `production` (boolean), on the rules that take it.
 */
export type PolicyConfig = Record<string, string | { enforcementLevel?: string; production?: unknown }>;

const LEVELS = ["advisory", "mandatory", "disabled"];

/** Applies enforcement overrides; unknown rule names and levels are errors, not ignored. */
export function withEnforcement(rules: readonly Rule[], config: PolicyConfig = {}): { rule: Rule; level: Level }[] {
    const names = rules.map((r) => r.name);
    for (const [name, value] of Object.entries(config)) {
        // "all" sets every rule's level and nothing else: it is checked as strictly as a rule's own
        // entry, since a typo in it would otherwise turn every mandatory violation into a pass.
        if (name !== "all" && !names.includes(name))
            throw new Error(`policy config names unknown rule "${name}"; rules: ${names.join(", ")}, or all`);
        if (typeof value !== "string" && (typeof value !== "object" || value === null || Array.isArray(value))) {
            throw new Error(
                `policy config for "${name}" has ${JSON.stringify(value)}; expected an enforcement level (${LEVELS.join(", ")}) or an object with enforcementLevel`,
            );
        }
        const level = typeof value === "string" ? value : value.enforcementLevel;
        if (typeof value === "object") {
            const rule = rules.find((r) => r.name === name);
            const allowed = [
                "enforcementLevel",
                ...(rule?.kind === "stack" && rule.takesProduction ? ["production"] : []),
            ];
            for (const key of Object.keys(value)) {
                if (!allowed.includes(key))
                    throw new Error(
                        `policy config for "${name}" has property "${key}"; allowed: ${allowed.join(", ")}`,
                    );
            }
            if (value.production !== undefined && typeof value.production !== "boolean") {
                throw new Error(
                    `policy config for "${name}" has production ${JSON.stringify(value.production)}; expected true or false`,
                );
            }
        }
        if (level !== undefined && !LEVELS.includes(level)) {
            throw new Error(
                `policy config for "${name}" has enforcement level ${JSON.stringify(level)}; expected one of ${LEVELS.join(", ")}`,
            );
        }
    }
    const levelOf = (v: PolicyConfig[string] | undefined) => (typeof v === "string" ? v : v?.enforcementLevel);
    const all = levelOf(config.all);
    return rules
        .map((rule) => ({
            rule,
            level: (levelOf(config[rule.name]) ?? all ?? rule.enforcementLevel) as Level | "disabled",
        }))
        .filter((x): x is { rule: Rule; level: Level } => x.level !== "disabled");
}

/** Runs every rule over a stack's resources: the offline gate and `plan` use exactly this. */
export function evaluatePolicies(
    given: readonly ResourceView[],
    rules: readonly Rule[],
    config?: PolicyConfig,
): Violation[] {
    const resources = given.map((r) => {
        const type = withoutApiVersion(r.type);
        return type === r.type ? r : { ...r, type };
    });
    const out: Violation[] = [];
    for (const { rule, level } of withEnforcement(rules, config)) {
        if (rule.kind === "resource") {
            for (const r of resources) {
                for (const message of rule.validate(r))
                    out.push({ policy: rule.name, level, resource: r.name, message });
            }
        } else {
            for (const f of rule.validateStack(resources, stackContextOf(rule.name, config)))
                out.push({
                    policy: rule.name,
                    level: f.advisory ? "advisory" : level,
                    resource: f.resource,
                    message: f.message,
                });
        }
    }
    return out;
}

/** A stack rule's context from its policy config: production only when the config says so. */
export function stackContextOf(ruleName: string, config: PolicyConfig = {}): StackContext {
    const v = config[ruleName];
    return { production: typeof v === "object" && v !== null && v.production === true };
}
