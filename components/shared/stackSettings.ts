import * as pulumi from "@pulumi/pulumi";

export interface StackSettingsArgs {
    stack: string;
    cloud: string;
    production: boolean;
}

/**
 * Records the stack's cloud and production flag as a resource, for readers of the plan. The policy
 * pack does not trust it (the program under review writes it): production comes from the pack's
 * config (docs/policies.md).
 */
export class StackSettings extends pulumi.ComponentResource {
    constructor(name: string, args: StackSettingsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("agentless:stack:Settings", name, { ...args }, opts);
        this.registerOutputs({});
    }
}
