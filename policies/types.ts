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

export interface StackContext {
    production: boolean;
    cloud?: string;
}

export interface ResourceRule {
    kind: "resource";
    name: string;
    description: string;
    enforcementLevel: Level;
    /** Messages for what is wrong with this resource; empty when it complies or the rule does not apply. */
    validate(resource: ResourceView): string[];
}

export interface StackFinding {
    /** Name of the resource at fault; "" for the stack as a whole. */
    resource: string;
    message: string;
}

export interface StackRule {
    kind: "stack";
    name: string;
    description: string;
    enforcementLevel: Level;
    validateStack(resources: readonly ResourceView[], ctx: StackContext): StackFinding[];
}

export type Rule = ResourceRule | StackRule;

/** The stack's settings, read from the `agentless:stack:Settings` resource the program registers. */
export function stackContext(resources: readonly ResourceView[]): StackContext {
    const settings = resources.find((r) => r.type === "agentless:stack:Settings");
    const production = settings?.inputs.production;
    return {
        production: production === true || production === "true",
        cloud: typeof settings?.inputs.cloud === "string" ? settings.inputs.cloud : undefined,
    };
}
