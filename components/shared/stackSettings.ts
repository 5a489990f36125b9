import * as pulumi from "@pulumi/pulumi";
import { judgedOutputs } from "./judgedProps";

export interface StackSettingsArgs {
    stack: string;
    cloud: string;
    production: boolean;
    /** `agentless-discovery:acknowledgedWiderGrants`: the wider grants the gate then reports as advisory. */
    acknowledgedWiderGrants?: string[];
}

/**
 * Records the stack's cloud and production flag as a resource, for readers of the plan. The policy
 * pack does not trust its production flag (the program under review writes it): production comes
 * from the pack's config (docs/policies.md). It reads the acknowledged wider grants from it: a
 * program that left them out would only make the gate stricter.
 */
export class StackSettings extends pulumi.ComponentResource {
    constructor(name: string, args: StackSettingsArgs, opts?: pulumi.ComponentResourceOptions) {
        const props = { ...args };
        super("agentless:stack:Settings", name, props, opts);
        this.registerOutputs(judgedOutputs(props));
    }
}
