import * as fs from "fs";
import * as path from "path";
import { stringify } from "yaml";

/**
 * A stack file and its cloud state: `count` EKS clusters in two regions, discovered from the state
 * as a real run discovers them (eks:ListClusters, eks:DescribeCluster). Every clusters uses access
 * entries (authentication mode API) with its audit logs already on; every tenth is excluded by tag.
 */
export function writeAwsStack(dir: string, name: string, count: number): string {
    const regions = ["eu-west-1", "us-east-1"];
    const clusters = Array.from({ length: count }, (_, i) => ({
        name: `eks-${String(i).padStart(4, "0")}`,
        region: regions[i % regions.length],
        authenticationMode: "API",
        endpoint: { publicAccess: true, privateAccess: true },
        enabledLogTypes: ["api", "audit", "authenticator"],
        ...(i % 10 === 9 ? { tags: { ms_defender_container_exclude_agentless: "true" } } : {}),
    }));
    fs.writeFileSync(path.join(dir, `${name}.cloud.yaml`), stringify({ aws: { clusters } }));
    const doc = {
        config: {
            "agentless-discovery:cloud": "aws",
            "agentless-discovery:production": false,
            "agentless-discovery:azureTenantId": "7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f",
            "agentless-discovery:aws": {
                accountId: "123456789012",
                region: "eu-west-1",
                regions,
                roleName: "MDCContainersAgentlessDiscoveryK8sRole",
                accessMode: "least-privilege",
            },
        },
    };
    const file = path.join(dir, `Pulumi.${name}.yaml`);
    fs.writeFileSync(file, stringify(doc));
    return file;
}
