import { CreateClusterCommand, EKSClient, LogType } from "@aws-sdk/client-eks";
import * as fs from "fs";
import { parse } from "yaml";

interface StateCluster {
    name: string;
    region: string;
    endpoint?: { publicAccess?: boolean; privateAccess?: boolean; publicAccessCidrs?: string[] };
    enabledLogTypes?: string[];
}

/**
 * Makes in moto every EKS cluster a stack's cloud-state file describes, with its endpoint access
 * and control-plane logging: what the stack's dynamic providers (EKS logging, endpoint access)
 * describe and update during `pulumi up` and `destroy`, through the AWS SDK at moto's endpoint.
 */
export async function seedMotoClusters(url: string, stateFile: string): Promise<void> {
    const state = parse(fs.readFileSync(stateFile, "utf8")) as { aws?: { clusters?: StateCluster[] } };
    for (const c of state.aws?.clusters ?? []) {
        const eks = new EKSClient({
            region: c.region,
            endpoint: url,
            credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
        });
        const types = (c.enabledLogTypes ?? []) as LogType[];
        await eks.send(
            new CreateClusterCommand({
                name: c.name,
                roleArn: "arn:aws:iam::123456789012:role/eks",
                resourcesVpcConfig: {
                    subnetIds: ["subnet-1", "subnet-2"],
                    endpointPublicAccess: c.endpoint?.publicAccess ?? true,
                    endpointPrivateAccess: c.endpoint?.privateAccess ?? false,
                    publicAccessCidrs: c.endpoint?.publicAccessCidrs ?? ["0.0.0.0/0"],
                },
                ...(types.length ? { logging: { clusterLogging: [{ types, enabled: true }] } } : {}),
            }),
        );
        eks.destroy();
    }
}
