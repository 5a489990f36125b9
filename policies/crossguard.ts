import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { withoutApiVersion } from "./resourceType";
import { ResourceView, Rule } from "./types";

/**
 * The same rule objects as CrossGuard policies. The engine passes `props` where the offline gate
 * has `inputs`; nothing else differs, so a rule is never written twice.
 */
export function toCrossGuard(rule: Rule): ResourceValidationPolicy | StackValidationPolicy {
    if (rule.kind === "resource") {
        return {
            name: rule.name,
            description: rule.description,
            enforcementLevel: rule.enforcementLevel,
            validateResource: (args, reportViolation) => {
                for (const message of rule.validate({
                    type: withoutApiVersion(args.type),
                    name: args.name,
                    inputs: args.props,
                }))
                    reportViolation(message);
            },
        };
    }
    return {
        name: rule.name,
        description: rule.description,
        enforcementLevel: rule.enforcementLevel,
        // `pulumi preview --policy-pack-config` sets it: { "<rule>": { "production": true } }.
        ...(rule.takesProduction
            ? { configSchema: { properties: { production: { type: "boolean", default: false } } } }
            : {}),
        validateStack: (args, reportViolation) => {
            const production = rule.takesProduction
                ? args.getConfig<{ production?: boolean }>().production === true
                : false;
            const views: ResourceView[] = args.resources.map((r) => ({
                type: withoutApiVersion(r.type),
                name: r.name,
                inputs: r.props,
            }));
            const byName = new Map(args.resources.map((r) => [r.name, r.urn]));
            for (const f of rule.validateStack(views, { production })) {
                if (!f.advisory) reportViolation(f.message, byName.get(f.resource));
            }
        },
    };
}
