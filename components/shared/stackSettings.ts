import * as pulumi from "@pulumi/pulumi";

export interface StackSettingsArgs {
    stack: string;
    cloud: string;
    production: boolean;
}

/**
 * Records the stack's cloud and production flag as a resource, so that stack-level policies
 * (the offline gate and the CrossGuard pack alike) can read them from the resource list.
 */
export class StackSettings extends pulumi.ComponentResource {
    constructor(name: string, args: StackSettingsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("agentless:stack:Settings", name, { ...args }, opts);
        this.registerOutputs({});
    }
}
