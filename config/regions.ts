import { ConfigError } from "../lib/errors";
import { AWS_REGIONS, unlistedAwsRegion } from "../domain/aws/regions";
import { AZURE_LOCATIONS, unlistedAzureLocation } from "../domain/azure/locations";
import { join, list, requiredString } from "./read";
import type { AwsConfig } from "./aws";
import type { AzureConfig } from "./azure";
import type { GcpConfig } from "./gcp";
import type { KubernetesConfig } from "./kubernetes";

/** The part of StackConfig (config/index.ts) that names regions and locations. */
interface Located {
    aws?: AwsConfig;
    azure?: AzureConfig;
    gcp?: GcpConfig;
    kubernetes?: KubernetesConfig;
}

/**
 * The escape hatch for a region or location the shipped lists lack (a region opened after this
 * release, or an Azure location the provider's list never had): named there, it is accepted as
 * written. The plan shows the config like any other key, so a reviewer sees it.
 */
export const UNLISTED_REGIONS_KEY = "unlistedRegions";
const HATCH = `agentless-discovery:${UNLISTED_REGIONS_KEY}`;

export function loadUnlistedRegions(v: unknown, path = UNLISTED_REGIONS_KEY): string[] {
    return list(v, path, "region or location names").map((r, i) => {
        const name = requiredString(r, join(path, i), {
            expected: "an AWS region or Azure location name, lower case (eu-west-9, westus3)",
            pattern: /^[a-z][a-z0-9-]{2,30}$/,
        });
        if (AWS_REGIONS.includes(name) || AZURE_LOCATIONS.includes(name))
            throw new ConfigError(join(path, i), name, "a name the lists lack; this one is listed already, remove it");
        return name;
    });
}

/**
 * Regions and locations are checked by shape as each block is read; here, once the config is
 * whole, against the lists the SDKs and providers ship (domain/aws/regions.ts,
 * domain/azure/locations.ts), so that `us-easst-2` or `westeurop` stops the plan with the nearest
 * names instead of planning green and failing at `up`.
 */
export function checkListedRegions(cfg: Located, rawAws: unknown, unlisted: readonly string[]): void {
    const aws = (region: string, path: string) => {
        const problem = unlisted.includes(region) ? undefined : unlistedAwsRegion(region, HATCH);
        if (problem) throw new ConfigError(path, region, problem);
    };
    const azure = (location: string, path: string) => {
        const problem = unlisted.includes(location) ? undefined : unlistedAzureLocation(location, HATCH);
        if (problem) throw new ConfigError(path, location, problem);
    };
    if (cfg.aws) {
        aws(cfg.aws.region, "aws.region");
        const given = (rawAws as { regions?: unknown } | undefined)?.regions;
        if (given !== undefined) cfg.aws.regions.forEach((r, i) => aws(r, `aws.regions[${i}]`));
        if (cfg.aws.connector) azure(cfg.aws.connector.location, "aws.connector.location");
    }
    if (cfg.azure) azure(cfg.azure.location, "azure.location");
    if (cfg.gcp?.connector) azure(cfg.gcp.connector.location, "gcp.connector.location");
    cfg.kubernetes?.clusters.forEach((c, i) => {
        const path = `kubernetes.clusters[${i}].region`;
        if (c.identifiers.cloud === "AWS") aws(c.identifiers.region, path);
        if (c.identifiers.cloud === "Azure") azure(c.identifiers.region, path);
    });
}
