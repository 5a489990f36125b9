import { ConfigError } from "./errors";
import { bool, isPlainObject, oneOf } from "./read";
import { AzureConfig, loadAzureConfig } from "./azure";
import { AwsConfig, loadAwsConfig, loadAzureTenantId } from "./aws";

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
    /** The customer's Azure tenant id (AWS and GCP stacks): treat as a secret when used. */
    azureTenantId?: string;
}

/**
 * Every top-level key this project reads, so that a typo such as `agentless-discovery:azrue` is
 * an error instead of a silently ignored block.
 */
export const TOP_LEVEL_KEYS = ["cloud", "production", "azure", "aws", "azureTenantId"] as const;

/**
 * Reads the project's config keys (without the `agentless-discovery:` prefix), each already parsed
 * from the JSON or string that Pulumi stores, and validates the lot into a StackConfig.
 */
export function loadStackConfig(stack: string, values: Record<string, unknown>): StackConfig {
    for (const key of Object.keys(values)) {
        if (!(TOP_LEVEL_KEYS as readonly string[]).includes(key)) {
            throw new ConfigError(`${PROJECT}:${key}`, values[key], `no such key; this project reads ${TOP_LEVEL_KEYS.map((k) => `${PROJECT}:${k}`).join(", ")}`);
        }
    }
    const cloud = oneOf<Cloud>(values.cloud, "cloud", CLOUDS);
    const cfg: StackConfig = { stack, cloud, production: bool(values.production, "production", false) };
    switch (cloud) {
        case "azure":
            cfg.azure = loadAzureConfig(values.azure);
            break;
        case "aws":
            cfg.aws = loadAwsConfig(values.aws);
            cfg.azureTenantId = loadAzureTenantId(values.azureTenantId);
            break;
        default:
            throw new ConfigError("cloud", cloud, `a cloud this version onboards: azure, aws`);
    }
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
