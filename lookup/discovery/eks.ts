import {
    EKSClient,
    ListClustersCommand,
    DescribeClusterCommand,
    Cluster,
    ListAccessEntriesCommand,
    DescribeAccessEntryCommand,
    ListAssociatedAccessPoliciesCommand,
} from "@aws-sdk/client-eks";
import { isExcluded } from "../../domain/shared/exclusion";
import { ACCESS_ENTRY_MODES, AuthenticationMode, DEFAULT_ROLE_NAME, isRoleArn } from "../../domain/aws/facts";
import { cloudReason } from "../../lib/errors";
import { DiscoveredCluster, DiscoveryResult } from "./types";

/** What inventory keeps of DescribeCluster: endpoint exposure, logging and authentication mode. */
export function eksDetails(c: Cluster): Record<string, unknown> {
    const vpc = c.resourcesVpcConfig ?? {};
    const enabledLogs = (c.logging?.clusterLogging ?? []).filter((l) => l.enabled).flatMap((l) => l.types ?? []);
    return {
        status: c.status,
        platformVersion: c.platformVersion,
        endpointPublicAccess: vpc.endpointPublicAccess ?? null,
        endpointPrivateAccess: vpc.endpointPrivateAccess ?? null,
        publicAccessCidrs: vpc.publicAccessCidrs ?? [],
        loggingTypes: [...new Set(enabledLogs)].sort(),
        authenticationMode: c.accessConfig?.authenticationMode ?? null,
    };
}

/**
 * The access entries of Defender's discovery role on one cluster, with their Kubernetes groups and
 * access policies (eks:ListAccessEntries, eks:DescribeAccessEntry, eks:ListAssociatedAccessPolicies).
 */
export async function defenderAccessEntries(
    eks: EKSClient,
    clusterName: string,
    roleName: string,
): Promise<
    { principalArn: string; kubernetesGroups: string[]; policies: { policyArn: string; accessScope: string }[] }[]
> {
    const principals: string[] = [];
    let nextToken: string | undefined;
    do {
        const page = await eks.send(new ListAccessEntriesCommand({ clusterName, nextToken }));
        principals.push(...(page.accessEntries ?? []));
        nextToken = page.nextToken;
    } while (nextToken);
    const out = [];
    for (const principalArn of principals.filter((p) => isRoleArn(p, roleName))) {
        const entry = (await eks.send(new DescribeAccessEntryCommand({ clusterName, principalArn }))).accessEntry;
        const policies: { policyArn: string; accessScope: string }[] = [];
        let token: string | undefined;
        do {
            const page = await eks.send(
                new ListAssociatedAccessPoliciesCommand({ clusterName, principalArn, nextToken: token }),
            );
            for (const p of page.associatedAccessPolicies ?? [])
                policies.push({ policyArn: p.policyArn ?? "", accessScope: p.accessScope?.type ?? "" });
            token = page.nextToken;
        } while (token);
        out.push({ principalArn, kubernetesGroups: entry?.kubernetesGroups ?? [], policies });
    }
    return out;
}

/**
 * Lists and describes the EKS clusters of each region with the caller's credentials (the default
 * AWS chain; AWS_ENDPOINT_URL points it elsewhere). A region that fails is reported, not fatal.
 */
export async function discoverEks(
    regions: string[],
    clientFor: (region: string) => EKSClient = (region) => new EKSClient({ region }),
    roleName: string = DEFAULT_ROLE_NAME,
): Promise<DiscoveryResult> {
    const out: DiscoveryResult = { clusters: [], failures: [] };
    for (const region of regions) {
        const eks = clientFor(region);
        try {
            const names: string[] = [];
            let nextToken: string | undefined;
            do {
                const page = await eks.send(new ListClustersCommand({ maxResults: 100, nextToken }));
                names.push(...(page.clusters ?? []));
                nextToken = page.nextToken;
            } while (nextToken);
            for (const name of names.sort()) {
                const c = (await eks.send(new DescribeClusterCommand({ name }))).cluster;
                if (!c) continue;
                const tags = c.tags ?? {};
                const found: DiscoveredCluster = {
                    cloud: "aws",
                    name,
                    id: c.arn ?? name,
                    location: region,
                    version: c.version,
                    server: c.endpoint,
                    tags,
                    excluded: isExcluded(tags),
                    details: eksDetails(c),
                };
                // Defender's access entries, for the snapshot's verdict on its access (inventory/defenderAccess.ts).
                if (ACCESS_ENTRY_MODES.includes(c.accessConfig?.authenticationMode as AuthenticationMode)) {
                    try {
                        found.details.defenderAccessEntries = await defenderAccessEntries(eks, name, roleName);
                    } catch (e) {
                        found.details.accessEntriesError = cloudReason(e);
                    }
                }
                if (c.endpoint) {
                    const endpoint = c.endpoint;
                    const ca = c.certificateAuthority?.data;
                    found.access = async () => ({
                        name,
                        server: endpoint,
                        ca: ca ? Buffer.from(ca, "base64").toString("utf8") : undefined,
                        insecureSkipTlsVerify: false,
                        // The same plug-in `aws eks update-kubeconfig` writes.
                        exec: {
                            apiVersion: "client.authentication.k8s.io/v1beta1",
                            command: "aws",
                            args: ["eks", "get-token", "--cluster-name", name, "--region", region, "--output", "json"],
                            env: [],
                        },
                    });
                }
                out.clusters.push(found);
            }
        } catch (e) {
            out.failures.push({ cloud: "aws", scope: region, message: (e as Error).message });
        } finally {
            eks.destroy();
        }
    }
    return out;
}
