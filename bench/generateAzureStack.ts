import * as fs from "fs";
import * as path from "path";
import { stringify } from "yaml";

const SUB = "3f2a9c1e-7b4d-4e8a-9c62-1d5e8f0a7b34";

/**
 * A stack file and its cloud state: `count` AKS clusters (every tenth excluded by tag) and
 * `count / 50` Arc clusters, discovered from the state as a real run discovers them from ARM.
 */
export function writeAzureStack(dir: string, name: string, count: number): string {
    const aksClusters = Array.from({ length: count }, (_, i) => ({
        id: `/subscriptions/${SUB}/resourceGroups/rg-team-${i % 40}/providers/Microsoft.ContainerService/managedClusters/aks-${String(i).padStart(4, "0")}`,
        location: "westeurope",
        ...(i % 10 === 9 ? { tags: { ms_defender_container_exclude_agentless: "true" } } : {}),
    }));
    const arcClusters = Array.from({ length: Math.max(1, Math.floor(count / 50)) }, (_, i) => ({
        id: `/subscriptions/${SUB}/resourceGroups/rg-edge/providers/Microsoft.Kubernetes/connectedClusters/arc-${i}`,
        location: "westeurope",
    }));
    fs.writeFileSync(
        path.join(dir, `${name}.cloud.yaml`),
        stringify({ azure: { subscriptionId: SUB, aksClusters, arcClusters } }),
    );
    const doc = {
        config: {
            "agentless-discovery:cloud": "azure",
            "agentless-discovery:azure": {
                subscriptionId: SUB,
                location: "westeurope",
                logAnalyticsWorkspaceId: `/subscriptions/${SUB}/resourceGroups/rg-security/providers/Microsoft.OperationalInsights/workspaces/law-defender`,
                atScale: { podSecurityBaseline: "Audit" },
            },
        },
    };
    const file = path.join(dir, `Pulumi.${name}.yaml`);
    fs.writeFileSync(file, stringify(doc));
    return file;
}
