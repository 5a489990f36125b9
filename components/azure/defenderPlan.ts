import * as pulumi from "@pulumi/pulumi";
import * as security from "@pulumi/azure-native/security";
import { CONTAINERS_PRICING, CSPM_PRICING } from "./facts";

export interface DefenderPlanArgs {
    subscriptionId: string;
    /** Extension name → on/off for the Containers plan. Every listed extension is sent, off ones as "False". */
    containersExtensions: Readonly<Record<string, boolean>>;
    /** The CSPM (CloudPosture) plan, when the stack manages it too. */
    cspm?: { extensions: Readonly<Record<string, boolean>> };
}

export interface PricingExtension {
    name: string;
    isEnabled: "True" | "False";
}

/** The pricing API takes `isEnabled` as the strings "True" and "False", not booleans. */
export function pricingExtensions(switches: Readonly<Record<string, boolean>>): PricingExtension[] {
    return Object.entries(switches).map(([name, on]) => ({ name, isEnabled: on ? "True" : "False" }));
}

/** `scopeId` of a subscription-level pricing: no leading slash. */
export function pricingScope(subscriptionId: string): string {
    return `subscriptions/${subscriptionId}`;
}

/** The subscription's Defender for Containers plan at Standard, and optionally Defender CSPM. */
export class DefenderPlan extends pulumi.ComponentResource {
    readonly containers: security.Pricing;
    readonly cspm?: security.Pricing;

    constructor(name: string, args: DefenderPlanArgs, opts?: pulumi.ComponentResourceOptions) {
        super("agentless:azure:DefenderPlan", name, {}, opts);
        const scopeId = pricingScope(args.subscriptionId);
        this.containers = new security.Pricing(`${name}-containers`, {
            pricingName: CONTAINERS_PRICING,
            pricingTier: "Standard",
            scopeId,
            extensions: pricingExtensions(args.containersExtensions),
        }, { parent: this });
        if (args.cspm) {
            this.cspm = new security.Pricing(`${name}-cspm`, {
                pricingName: CSPM_PRICING,
                pricingTier: "Standard",
                scopeId,
                extensions: pricingExtensions(args.cspm.extensions),
            }, { parent: this });
        }
        this.registerOutputs({ containers: this.containers.id, cspm: this.cspm?.id });
    }
}
