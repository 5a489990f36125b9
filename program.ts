import { StackConfig } from "./config";
import { StackSettings } from "./components/shared/stackSettings";
import { onboardAzure } from "./components/azure/onboarding";
import { onboardAws } from "./components/aws/onboarding";

/** Declares the stack's resources from its validated config and returns the stack outputs. */
export function buildProgram(cfg: StackConfig): Record<string, unknown> {
    new StackSettings("settings", { stack: cfg.stack, cloud: cfg.cloud, production: cfg.production });
    switch (cfg.cloud) {
        case "azure":
            return { cloud: cfg.cloud, ...onboardAzure(cfg.azure!) };
        case "aws":
            return { cloud: cfg.cloud, ...onboardAws(cfg.aws!, cfg.azureTenantId!) };
        default:
            throw new Error(`cloud ${cfg.cloud} has no program`);
    }
}
