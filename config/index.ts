import { checkListedRegions, loadUnlistedRegions, UNLISTED_REGIONS_KEY } from "./regions";
import { ConfigError } from "../lib/errors";
import { bool, GUID_RULE, isPlainObject, oneOf, optionalString } from "./read";
import { AzureConfig, loadAzureConfig } from "./azure";
import { GcpConfig, loadGcpConfig } from "./gcp";
import { checkSensorCoverage, KubernetesConfig, loadKubernetesConfig } from "./kubernetes";
import { AwsConfig, loadAwsConfig, loadAzureTenantId } from "./aws";
import { loadAcknowledgedWiderGrants } from "./widerGrants";

export const PROJECT = "agentless-discovery";
export const CLOUDS = ["azure", "aws", "gcp"] as const;
export type Cloud = (typeof CLOUDS)[number];

/** The whole stack's configuration, validated once before any resource is declared. */
export interface StackConfig {
    stack: string;
    cloud: Cloud;
    /** A production stack refuses what must never run in production (the attack simulation). */
    production: boolean;
    azure?: AzureConfig;
    aws?: AwsConfig;
    /**
     * The customer's Entra tenant (lower case). An identifier, not a credential: Microsoft serves it
     * to anyone in each tenant's public OpenID configuration document (docs/sources.md), so the plan
     * prints it, and the values derived from it (session names, the GCP pool id), as they are.
     */
    azureTenantId?: string;
    gcp?: GcpConfig;
    /** Cluster add-ons managed through each cluster's Kubernetes API, for any cloud. */
    kubernetes?: KubernetesConfig;
    /**
     * Grants wider than discovery needs that the stack chooses all the same (`<kind>:<subject>`, as
     * the gate names them): the gate passes them in production and the plan shows them.
     */
    acknowledgedWiderGrants: string[];
}

/**
 * Every top-level key this project reads, so that a typo such as `agentless-discovery:azrue` is
 * an error instead of a silently ignored block.
 */
export const TOP_LEVEL_KEYS = [
    "cloud",
    "production",
    "azure",
    "aws",
    "gcp",
    "azureTenantId",
    "kubernetes",
    "acknowledgedWiderGrants",
    UNLISTED_REGIONS_KEY,
] as const;

/**
 * Reads the project's config keys (without the `agentless-discovery:` prefix), each already parsed
 * from the JSON or string that Pulumi stores, and validates the lot into a StackConfig.
 */
export function loadStackConfig(stack: string, values: Record<string, unknown>): StackConfig {
    for (const key of Object.keys(values)) {
        if (!(TOP_LEVEL_KEYS as readonly string[]).includes(key)) {
            throw new ConfigError(
                `${PROJECT}:${key}`,
                values[key],
                `no such key; this project reads ${TOP_LEVEL_KEYS.map((k) => `${PROJECT}:${k}`).join(", ")}`,
            );
        }
    }
    const cloud = oneOf<Cloud>(values.cloud, "cloud", CLOUDS);
    const cfg: StackConfig = {
        stack,
        cloud,
        production: bool(values.production, "production", false),
        acknowledgedWiderGrants: loadAcknowledgedWiderGrants(values.acknowledgedWiderGrants, cloud),
    };
    const azureTenantId = optionalString(values.azureTenantId, "azureTenantId", {
        ...GUID_RULE,
        expected: "the customer's Azure (Entra) tenant id, a GUID such as 00000000-0000-0000-0000-000000000000",
    })?.toLowerCase();
    if (azureTenantId !== undefined) cfg.azureTenantId = azureTenantId;
    switch (cloud) {
        case "azure":
            cfg.azure = loadAzureConfig(values.azure);
            break;
        case "aws":
            cfg.aws = loadAwsConfig(values.aws);
            cfg.azureTenantId = loadAzureTenantId(values.azureTenantId);
            break;
        case "gcp":
            cfg.gcp = loadGcpConfig(values.gcp, "gcp", { azureTenantId });
            break;
        default:
            throw new ConfigError("cloud", cloud, `a cloud this version onboards: ${CLOUDS.join(", ")}`);
    }
    // After the cloud's block: the add-ons are checked against what that block already provisions.
    cfg.kubernetes = loadKubernetesConfig(values.kubernetes, cfg.production);
    if (cfg.kubernetes) checkSensorCoverage(cfg.kubernetes, cfg.azure);
    checkListedRegions(cfg, values.aws, loadUnlistedRegions(values[UNLISTED_REGIONS_KEY]));
    return cfg;
}

/** Parses a raw Pulumi config string: objects and lists are stored as JSON, the rest as text. */
export function parseConfigValue(raw: string): unknown {
    const t = raw.trim();
    if (t.startsWith("{") || t.startsWith("[")) {
        try {
            const parsed: unknown = JSON.parse(t);
            if (isPlainObject(parsed) || Array.isArray(parsed)) return parsed;
        } catch {
            // Not JSON after all: keep the text, validation will say what was expected.
        }
    }
    return raw;
}
