import { StackConfig } from "../config";
import { StackSettings } from "../components/shared/stackSettings";
import { note } from "./notes";
import { LookupSource } from "../lookup/source";
import { ClusterProviders } from "../components/kubernetes/clusterProvider";

// Each cloud's module (and its provider SDK) is loaded only by the stacks that use it: a stack's
// start-up is part of every preview, and the AWS module alone costs about 100 ms to load.
type AzureModule = typeof import("./azure/onboarding");
type AwsModule = typeof import("./aws/onboarding");
type GcpModule = typeof import("./gcp/onboarding");
type AddonsModule = typeof import("./kubernetes/addons");

/**
 * Declares the stack's resources from its validated config and returns the stack outputs: the
 * cloud's onboarding, then the cluster add-ons of `agentless-discovery:kubernetes` (any cloud).
 * The cloud is read first (clusters, objects Defender made), through `source`: a failed lookup
 * rejects before any resource is declared. The run's Kubernetes providers (one per cluster, shared
 * by aws-auth and the add-ons) live in this call, not in a module: two runs share nothing.
 */
export async function buildProgram(cfg: StackConfig, source: LookupSource): Promise<Record<string, unknown>> {
    const kube = new ClusterProviders();
    const outputs = await buildCloud(cfg, source, kube);
    if (!cfg.kubernetes) return outputs;
    const { deployClusterAddons } = require("./kubernetes/addons") as AddonsModule;
    const addons = deployClusterAddons(cfg, kube);
    return addons ? { ...outputs, clusterAddons: addons } : outputs;
}

async function buildCloud(
    cfg: StackConfig,
    source: LookupSource,
    kube: ClusterProviders,
): Promise<Record<string, unknown>> {
    const acks = cfg.acknowledgedWiderGrants;
    new StackSettings("settings", {
        stack: cfg.stack,
        cloud: cfg.cloud,
        production: cfg.production,
        ...(acks.length > 0 ? { acknowledgedWiderGrants: [...acks] } : {}),
    });
    if (acks.length > 0) {
        note(
            "info",
            cfg.stack,
            `wider grants acknowledged (agentless-discovery:acknowledgedWiderGrants): ${acks.join(", ")}; ` +
                "the gate reports each as advisory instead of failing a production stack",
        );
    }
    switch (cfg.cloud) {
        case "azure": {
            const { onboardAzure } = require("./azure/onboarding") as AzureModule;
            return { cloud: cfg.cloud, ...(await onboardAzure(cfg.azure!, source)) };
        }
        case "aws": {
            const { onboardAws } = require("./aws/onboarding") as AwsModule;
            return { cloud: cfg.cloud, ...(await onboardAws(cfg.aws!, cfg.azureTenantId!, source, kube)) };
        }
        case "gcp": {
            const { onboardGcp } = require("./gcp/onboarding") as GcpModule;
            return { cloud: cfg.cloud, ...(await onboardGcp(cfg.gcp!, { azureTenantId: cfg.azureTenantId }, source)) };
        }
        default:
            throw new Error(`cloud ${cfg.cloud} has no program`);
    }
}
