/**
 * The live AWS lookup: the AWS SDK with the deployer's credentials (the default chain), before any
 * resource is declared. The SDK rather than `@pulumi/aws` invokes: `aws.iam.getRole` fails the same
 * way for a missing role and a denied call, the provider has no invoke for EKS access entries or
 * for listing clusters with their auth mode and tags, and an SDK call can be tested against
 * moto_server. Loaded with `require` by the AWS program only (the SDK costs start-up time).
 */
import {
    DescribeAccessEntryCommand,
    DescribeClusterCommand,
    EKSClient,
    ListAccessEntriesCommand,
    ListAssociatedAccessPoliciesCommand,
    ListClustersCommand,
} from "@aws-sdk/client-eks";
import {
    GetOpenIDConnectProviderCommand,
    GetPolicyCommand,
    GetPolicyVersionCommand,
    GetRoleCommand,
    GetRolePolicyCommand,
    IAMClient,
    ListAttachedRolePoliciesCommand,
    ListOpenIDConnectProvidersCommand,
    ListRolePoliciesCommand,
} from "@aws-sdk/client-iam";
import { cloudReason, LookupError } from "../../lib/errors";
import { DEFAULT_LOOKUP_CONCURRENCY, mapLimit } from "../../lib/mapLimit";
import { eksDetails } from "../discovery/eks";
import { AwsCloudLookup, DiscoveredEksCluster } from "./port";
import type { ArmReadOptions } from "../connectors/live";
import {
    AUTHENTICATION_MODES,
    AuthenticationMode,
    CONTROL_PLANE_LOG_TYPES,
    ControlPlaneLogType,
    MICROSOFT_ISSUER_HOST_PATH,
    partitionOf,
} from "../../domain/aws/facts";

export interface LiveLookupOptions {
    /** The stack's account: an answer from another account (a stale profile) is refused. */
    accountId: string;
    /** The stack's region, for the IAM client's partition. */
    region: string;
    /** API endpoint override (moto_server in tests); AWS_ENDPOINT_URL works too. */
    endpoint?: string;
    /** Explicit credentials (tests); the default chain otherwise. */
    credentials?: { accessKeyId: string; secretAccessKey: string };
    /** The connector lookup's ARM settings (tenant, credential; a loopback endpoint in tests). */
    azure?: ArmReadOptions;
    /** eks:DescribeCluster calls in flight at once per region (aws.lookupConcurrency); default 8. */
    concurrency?: number;
}

const IAM_REGION: Record<string, string> = { aws: "us-east-1", "aws-cn": "cn-north-1", "aws-us-gov": "us-gov-west-1" };

/** Runs one SDK call; any failure becomes a LookupError naming the call, the scope and AWS's reason. */
async function call<T>(name: string, scope: string, run: () => Promise<T>): Promise<T> {
    try {
        return await run();
    } catch (e) {
        throw new LookupError(name, scope, cloudReason(e));
    }
}

/**
 * A policy document as IAM answers it (URL-encoded), as compact JSON: the same text whatever
 * whitespace its author used, and the text a cloud-state file's document gives (lookup/aws/stateFile.ts),
 * so that a plan from an exported file shows what a preview shows. Kept as decoded if it is not JSON.
 */
export function documentText(encoded: string | undefined): string {
    const text = decodeURIComponent(encoded ?? "");
    try {
        return JSON.stringify(JSON.parse(text));
    } catch {
        return text;
    }
}

const isNotFound = (e: unknown, names: string[]) => names.includes((e as { name?: string }).name ?? "");

/** A DescribeCluster answer as the stack's facts. Clusters older than access entries report no mode: CONFIG_MAP. */
export function clusterFacts(
    region: string,
    name: string,
    c: NonNullable<Parameters<typeof eksDetails>[0]>,
): DiscoveredEksCluster {
    const d = eksDetails(c);
    const mode = (AUTHENTICATION_MODES as readonly string[]).includes(String(d.authenticationMode))
        ? (d.authenticationMode as AuthenticationMode)
        : "CONFIG_MAP";
    const cidrs = d.publicAccessCidrs as string[];
    return {
        name,
        region,
        arn: c.arn ?? "",
        authenticationMode: mode,
        endpoint: {
            publicAccess: d.endpointPublicAccess !== false,
            privateAccess: d.endpointPrivateAccess === true,
            publicAccessCidrs: cidrs.length > 0 ? [...cidrs] : ["0.0.0.0/0"],
        },
        enabledLogTypes: (d.loggingTypes as string[]).filter((t): t is ControlPlaneLogType =>
            (CONTROL_PLANE_LOG_TYPES as readonly string[]).includes(t),
        ),
        tags: { ...(c.tags ?? {}) },
    };
}

export function liveAwsLookup(opts: LiveLookupOptions): AwsCloudLookup {
    const endpoint = {
        ...(opts.endpoint ? { endpoint: opts.endpoint } : {}),
        ...(opts.credentials ? { credentials: opts.credentials } : {}),
    };
    const eksClients = new Map<string, EKSClient>();
    // The SDK's own retry settings (standard mode, 3 attempts, or AWS_RETRY_MODE / AWS_MAX_ATTEMPTS
    // and the profile's): adaptive mode was measured to turn one throttled call into seconds of
    // client-side slowing for the rest of the lookups (docs/cloud-state.md).
    const eks = (region: string) =>
        eksClients.get(region) ?? eksClients.set(region, new EKSClient({ region, ...endpoint })).get(region)!;
    const concurrency = opts.concurrency ?? DEFAULT_LOOKUP_CONCURRENCY;
    const iam = new IAMClient({ region: IAM_REGION[partitionOf(opts.region)], ...endpoint });
    const account = `account ${opts.accountId}`;

    return {
        description: "the cloud",

        async listClusters(region) {
            const client = eks(region);
            const names: string[] = [];
            let nextToken: string | undefined;
            do {
                const page = await call("eks:ListClusters", region, () =>
                    client.send(new ListClustersCommand({ maxResults: 100, nextToken })),
                );
                names.push(...(page.clusters ?? []));
                nextToken = page.nextToken;
            } while (nextToken);
            const described = await mapLimit(names.sort(), concurrency, async (name) => {
                const scope = `${region}/${name}`;
                const c = (
                    await call("eks:DescribeCluster", scope, () => client.send(new DescribeClusterCommand({ name })))
                ).cluster;
                if (!c) return undefined;
                const facts = clusterFacts(region, name, c);
                const arnAccount = facts.arn.split(":")[4];
                if (arnAccount !== opts.accountId) {
                    throw new LookupError(
                        "eks:DescribeCluster",
                        scope,
                        `the credentials reach account ${arnAccount}, not aws.accountId ${opts.accountId}`,
                    );
                }
                return facts;
            });
            return described.filter((c): c is DiscoveredEksCluster => c !== undefined);
        },

        async findRole(name) {
            try {
                const r = (await iam.send(new GetRoleCommand({ RoleName: name }))).Role;
                if (!r?.Arn) return undefined;
                return {
                    name,
                    arn: r.Arn,
                    tags: Object.fromEntries((r.Tags ?? []).map((t) => [t.Key ?? "", t.Value ?? ""])),
                    ...(r.AssumeRolePolicyDocument ? { trustPolicy: documentText(r.AssumeRolePolicyDocument) } : {}),
                };
            } catch (e) {
                if (isNotFound(e, ["NoSuchEntityException", "NoSuchEntity"])) return undefined;
                throw new LookupError("iam:GetRole", `${account}, role ${name}`, cloudReason(e));
            }
        },

        async rolePolicies(name) {
            const scope = `${account}, role ${name}`;
            const inlineNames: string[] = [];
            let marker: string | undefined;
            do {
                const page = await call("iam:ListRolePolicies", scope, () =>
                    iam.send(new ListRolePoliciesCommand({ RoleName: name, Marker: marker })),
                );
                inlineNames.push(...(page.PolicyNames ?? []));
                marker = page.IsTruncated ? page.Marker : undefined;
            } while (marker);
            const attachedArns: string[] = [];
            do {
                const page = await call("iam:ListAttachedRolePolicies", scope, () =>
                    iam.send(new ListAttachedRolePoliciesCommand({ RoleName: name, Marker: marker })),
                );
                attachedArns.push(...(page.AttachedPolicies ?? []).map((p) => p.PolicyArn ?? ""));
                marker = page.IsTruncated ? page.Marker : undefined;
            } while (marker);
            // IAM returns every document URL-encoded.
            const inline = await mapLimit(inlineNames, concurrency, async (policyName) => {
                const r = await call("iam:GetRolePolicy", `${scope}, policy ${policyName}`, () =>
                    iam.send(new GetRolePolicyCommand({ RoleName: name, PolicyName: policyName })),
                );
                return { name: policyName, document: documentText(r.PolicyDocument) };
            });
            const attached = await mapLimit(attachedArns, concurrency, async (arn) => {
                const policy = await call("iam:GetPolicy", `${scope}, policy ${arn}`, () =>
                    iam.send(new GetPolicyCommand({ PolicyArn: arn })),
                );
                const version = await call("iam:GetPolicyVersion", `${scope}, policy ${arn}`, () =>
                    iam.send(
                        new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: policy.Policy?.DefaultVersionId }),
                    ),
                );
                return { arn, document: documentText(version.PolicyVersion?.Document) };
            });
            return { inline, attached };
        },

        async findOidcProvider() {
            const list = await call("iam:ListOpenIDConnectProviders", account, () =>
                iam.send(new ListOpenIDConnectProvidersCommand({})),
            );
            const arn = (list.OpenIDConnectProviderList ?? [])
                .map((p) => p.Arn ?? "")
                .find((a) => a.split(":oidc-provider/")[1]?.replace(/\/?$/, "/") === MICROSOFT_ISSUER_HOST_PATH);
            if (!arn) return undefined;
            const p = await call("iam:GetOpenIDConnectProvider", account, () =>
                iam.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn: arn })),
            );
            return {
                arn,
                clientIds: p.ClientIDList ?? [],
                tags: Object.fromEntries((p.Tags ?? []).map((t) => [t.Key ?? "", t.Value ?? ""])),
            };
        },

        async findAccessEntry(cluster, principalArn) {
            const client = eks(cluster.region);
            const scope = `${cluster.region}/${cluster.name}`;
            const principals: string[] = [];
            let nextToken: string | undefined;
            do {
                const page = await call("eks:ListAccessEntries", scope, () =>
                    client.send(new ListAccessEntriesCommand({ clusterName: cluster.name, nextToken })),
                );
                principals.push(...(page.accessEntries ?? []));
                nextToken = page.nextToken;
            } while (nextToken);
            if (!principals.includes(principalArn)) return undefined;
            let entry;
            try {
                entry = (await client.send(new DescribeAccessEntryCommand({ clusterName: cluster.name, principalArn })))
                    .accessEntry;
            } catch (e) {
                // Deleted between the two calls: it does not exist.
                if (isNotFound(e, ["ResourceNotFoundException"])) return undefined;
                throw new LookupError("eks:DescribeAccessEntry", scope, cloudReason(e));
            }
            const policies: string[] = [];
            nextToken = undefined;
            do {
                const page = await call("eks:ListAssociatedAccessPolicies", scope, () =>
                    client.send(
                        new ListAssociatedAccessPoliciesCommand({ clusterName: cluster.name, principalArn, nextToken }),
                    ),
                );
                for (const a of page.associatedAccessPolicies ?? [])
                    if (a.accessScope?.type === "cluster" && a.policyArn) policies.push(a.policyArn);
                nextToken = page.nextToken;
            } while (nextToken);
            return {
                principalArn,
                type: entry?.type ?? "STANDARD",
                kubernetesGroups: entry?.kubernetesGroups ?? [],
                tags: { ...(entry?.tags ?? {}) },
                clusterScopePolicyArns: policies,
            };
        },

        // Loaded on use: the Azure pipeline costs start-up time that a stack without a connector does not pay.
        securityConnectors: (subscriptionId) =>
            (require("../connectors/live") as typeof import("../connectors/live")).listSecurityConnectors(
                subscriptionId,
                opts.azure,
            ),

        close() {
            for (const c of eksClients.values()) c.destroy();
            iam.destroy();
        },
    };
}
