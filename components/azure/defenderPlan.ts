import * as pulumi from "@pulumi/pulumi";
import * as security from "@pulumi/azure-native/security";
import { CONTAINERS_PRICING, CSPM_PRICING } from "../../domain/azure/facts";
import { ExistingPricing } from "../../lookup/azure/port";
import { mapString, requirePlain } from "../shared/input";

export interface DefenderPlanArgs {
    /** The subscription whose plans are set; may be an output (`authorization.getClientConfigOutput()`). */
    subscriptionId: pulumi.Input<string>;
    /**
     * Extension name → on/off for the Containers plan. Every listed extension is sent, off ones as
     * "False". Plain: an adopted plan must be declared with the switches it has (`extensionDrift`).
     */
    containersExtensions: Readonly<Record<string, boolean>>;
    /** The CSPM (CloudPosture) plan, when the stack manages it too. Plain: it decides whether that plan exists. */
    cspm?: { extensions: Readonly<Record<string, boolean>> };
    /** The plans as they are before this run (ARM answers every plan; Free when off). Plain: imported by id. */
    existing?: { containers?: ExistingPricing; cspm?: ExistingPricing };
}

/** Why each plain argument of DefenderPlan cannot be an output (docs/library.md). */
const PLAIN_ARGS = {
    containersExtensions: "an adopted plan is imported, and an import must declare the switches the plan has",
    cspm: "it decides whether the CSPM plan exists",
    existing: "an existing plan is imported by its id",
} as const;

/**
 * A plan that is already on (Standard) was turned on by someone else: it is imported by its id
 * rather than created. Every plan is kept on destroy: ARM does not delete a subscription's plan
 * (a DELETE answers 400 InvalidUrlConfiguration; only a PUT to Free turns it off), and turning
 * Defender off for a whole subscription is not a side effect a stack's destroy should have.
 */
export function pricingOptions(existing: ExistingPricing | undefined): pulumi.CustomResourceOptions {
    return existing?.pricingTier === "Standard"
        ? { import: existing.id, retainOnDelete: true }
        : { retainOnDelete: true };
}

/**
 * The extensions whose switch differs between an existing plan and the config. Pulumi imports only
 * an object whose declared inputs match it, so these must match for the adopting run.
 */
export function extensionDrift(
    existing: ExistingPricing | undefined,
    wanted: Readonly<Record<string, boolean>>,
): string[] {
    if (existing?.pricingTier !== "Standard") return [];
    return Object.entries(wanted)
        .filter(([n, on]) => (existing.extensions[n] ?? false) !== on)
        .map(([n, on]) => `${n} (${on ? "off" : "on"} in the cloud, ${on ? "on" : "off"} in config)`);
}

export interface PricingExtension {
    name: string;
    isEnabled: "True" | "False";
    additionalExtensionProperties?: Record<string, unknown>;
}

/**
 * The pricing API takes `isEnabled` as the strings "True" and "False", not booleans. An extension
 * the plan already has with `additionalExtensionProperties` (such as `ExclusionTags`) is sent with
 * them as they are: a PUT without them would drop them, and an import declared without them would
 * not match the plan.
 */
export function pricingExtensions(
    switches: Readonly<Record<string, boolean>>,
    existing?: Readonly<Record<string, Readonly<Record<string, unknown>>>>,
): PricingExtension[] {
    return Object.entries(switches).map(([name, on]) => {
        const ext: PricingExtension = { name, isEnabled: on ? "True" : "False" };
        const more = existing?.[name];
        if (more) ext.additionalExtensionProperties = { ...more };
        return ext;
    });
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
        requirePlain("DefenderPlan", name, args, PLAIN_ARGS);
        const scopeId = mapString(args.subscriptionId, pricingScope);
        this.containers = new security.Pricing(
            `${name}-containers`,
            {
                pricingName: CONTAINERS_PRICING,
                pricingTier: "Standard",
                scopeId,
                extensions: pricingExtensions(
                    args.containersExtensions,
                    args.existing?.containers?.extensionProperties,
                ),
            },
            { parent: this, ...pricingOptions(args.existing?.containers) },
        );
        if (args.cspm) {
            this.cspm = new security.Pricing(
                `${name}-cspm`,
                {
                    pricingName: CSPM_PRICING,
                    pricingTier: "Standard",
                    scopeId,
                    extensions: pricingExtensions(args.cspm.extensions, args.existing?.cspm?.extensionProperties),
                },
                { parent: this, ...pricingOptions(args.existing?.cspm) },
            );
        }
        this.registerOutputs({ containers: this.containers.id, cspm: this.cspm?.id });
    }
}
