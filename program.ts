import { StackConfig } from "./config";
import { StackSettings } from "./components/shared/stackSettings";
import { onboardAzure } from "./components/azure/onboarding";
import { onboardAws } from "./components/aws/onboarding";
import { onboardGcp } from "./components/gcp/onboarding";
import { deployClusterAddons } from "./components/kubernetes/addons";

/**
 * Declares the stack's resources from its validated config and returns the stack outputs: the
 * cloud's onboarding, then the cluster add-ons of `agentless-discovery:kubernetes` (any cloud).
 */
export function buildProgram(cfg: StackConfig): Record<string, unknown> {
    const outputs = buildCloud(cfg);
    const addons = deployClusterAddons(cfg);
    return addons ? { ...outputs, clusterAddons: addons } : outputs;
}

function buildCloud(cfg: StackConfig): Record<string, unknown> {
    new StackSettings("settings", { stack: cfg.stack, cloud: cfg.cloud, production: cfg.production });
    switch (cfg.cloud) {
        case "azure":
            return { cloud: cfg.cloud, ...onboardAzure(cfg.azure!) };
        case "aws":
            return { cloud: cfg.cloud, ...onboardAws(cfg.aws!, cfg.azureTenantId!) };
        case "gcp":
            return { cloud: cfg.cloud, ...onboardGcp(cfg.gcp!, { azureTenantId: cfg.azureTenantId }) };
        default:
            throw new Error(`cloud ${cfg.cloud} has no program`);
    }
}
