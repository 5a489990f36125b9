/**
 * One implementation of every rule, shared by the offline gate, `plan`, and the CrossGuard pack:
 * rules are plain objects over a minimal view of a resource (type, name, inputs), so they run the
 * same against the mock runtime's registrations, a saved plan file, or the engine's resources.
 */

export type Level = "mandatory" | "advisory";

export interface ResourceView {
    type: string;
    name: string;
    inputs: Record<string, any>;
}

/**
 * What a stack rule knows beyond the resources: whether the stack is production. It comes from the
 * policy pack's config (`{ "<rule>": { "production": true } }`, given to `npm run gate --
 * --policy-config` or `pulumi preview --policy-pack-config`), never from a resource the program
 * registers about itself, which the program under review could simply leave out.
 */
export interface StackContext {
    production: boolean;
}

export interface ResourceRule {
    kind: "resource";
    name: string;
    description: string;
    enforcementLevel: Level;
    /** Messages for what is wrong with this resource; empty when it complies or the rule does not apply. */
    validate(resource: ResourceView): string[];
}

/** What a stack rule says is wrong, about one resource or the whole stack; evaluatePolicies makes a Violation of it. */
export interface StackRuleMessage {
    /** Name of the resource at fault; "" for the stack as a whole. */
    resource: string;
    message: string;
    /**
     * Reported as advisory whatever the rule's level: a wider grant outside production, or one the
     * stack acknowledges. CrossGuard sets levels per policy only, so the pack leaves these out there
     * (the plan's notes and the offline gate show them).
     */
    advisory?: true;
}

export interface StackRule {
    kind: "stack";
    name: string;
    description: string;
    enforcementLevel: Level;
    /** The rule reads `production` from its policy config. */
    takesProduction?: boolean;
    validateStack(resources: readonly ResourceView[], ctx: StackContext): StackRuleMessage[];
}

export type Rule = ResourceRule | StackRule;
