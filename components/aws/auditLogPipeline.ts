/**
 * The roles of Defender's EKS audit-log pipeline (CloudWatch Logs → Firehose → S3 → SQS, read by
 * Defender). With `enableAuditLogsAutoProvisioning` on, the connector's offering must carry their
 * ARNs: auto-provisioning without them provisions nothing.
 *
 * Role names and which role does what: Microsoft's containers-permissions article. Resources and
 * trust: Microsoft's own AWS onboarding template (Azure/Microsoft-Defender-for-Cloud
 * `MultiCloud/AWS/AwsOnboarding.tf`, last version 20917cec, removed from the repository in March
 * 2024) grants `firehose:*`, `sqs:*`, `s3:*` on streams, queues and buckets named
 * `azuredefender-*` / `ms-defender-*` of the account, the logs actions on every log group, and the
 * EKS actions on every cluster. Here the names keep Microsoft's prefixes (configurable), the log
 * groups and clusters are the stack's own, and the wildcard actions become the calls such a
 * pipeline makes: those action lists are *inferred* (docs/sources.md); `extraActions` widens a
 * role without editing code.
 */
import * as pulumi from "@pulumi/pulumi";
import { Role } from "@pulumi/aws/iam/role";
import { RolePolicy } from "@pulumi/aws/iam/rolePolicy";
import { partitionOf } from "../../domain/aws/facts";
import { trustPolicy } from "../../domain/aws/policyDocuments";
import { AUDIT_LOG_ROLE_KEYS, AUDIT_LOG_ROLE_TAGS, AuditLogRoleKey } from "../../domain/aws/auditLogFacts";

export {
    AUDIT_LOG_ROLE_KEYS,
    AuditLogRoleKey,
    DEFAULT_AUDIT_LOG_RESOURCE_PREFIXES,
    DEFAULT_AUDIT_LOG_ROLE_NAMES,
} from "../../domain/aws/auditLogFacts";

interface Statement {
    Sid: string;
    Effect: "Allow";
    Action: string | string[];
    Resource?: string[];
    Principal?: Record<string, string>;
    Condition?: Record<string, Record<string, string | string[]>>;
}
export interface AuditLogDocument {
    Version: "2012-10-17";
    Statement: Statement[];
}

export interface AuditLogPipelineInput {
    accountId: string;
    region: string;
    clusterArns: readonly string[];
    roleNames: Record<AuditLogRoleKey, string>;
    /** Name prefixes of Defender's stream, queue and bucket (DEFAULT_AUDIT_LOG_RESOURCE_PREFIXES). */
    resourcePrefixes: readonly string[];
    /** Added to a role's actions, on the resources the role already reaches (never "*"); never wildcards. */
    extraActions?: Partial<Record<AuditLogRoleKey, readonly string[]>>;
}

function doc(...statements: Statement[]): AuditLogDocument {
    return { Version: "2012-10-17", Statement: statements };
}

/** Trust of each role: Defender's web identity for the two it assumes, AWS services for the two that carry logs. */
export function auditLogTrustPolicies(
    input: AuditLogPipelineInput,
    oidcProviderArn: string,
    azureTenantId: string,
): Record<AuditLogRoleKey, AuditLogDocument> {
    const p = partitionOf(input.region);
    const defender = (sid: string): AuditLogDocument => {
        const t = trustPolicy(oidcProviderArn, azureTenantId);
        return doc(...t.Statement.map((s) => ({ ...s, Sid: sid })));
    };
    return {
        kubernetesService: defender("DefenderAuditLogProvisioning"),
        kubernetesDataCollection: defender("DefenderAuditLogReading"),
        // CloudWatch Logs assumes the subscription filter's role; only for this account's log groups.
        cloudWatchToKinesis: doc({
            Sid: "CloudWatchLogsSubscription",
            Effect: "Allow",
            Principal: { Service: "logs.amazonaws.com" },
            Action: "sts:AssumeRole",
            Condition: { StringLike: { "aws:SourceArn": `arn:${p}:logs:*:${input.accountId}:*` } },
        }),
        // Firehose assumes the delivery role; the external id is the account, as AWS documents.
        kinesisToS3: doc({
            Sid: "FirehoseDelivery",
            Effect: "Allow",
            Principal: { Service: "firehose.amazonaws.com" },
            Action: "sts:AssumeRole",
            Condition: { StringEquals: { "sts:ExternalId": input.accountId } },
        }),
    };
}

/** `/aws/eks/<cluster>/cluster` in the cluster's region: where EKS sends control-plane logs (AWS EKS user guide, control-plane-logs). */
export function eksLogGroupArn(clusterArn: string): string {
    const m = /^arn:([\w-]+):eks:([a-z0-9-]+):(\d{12}):cluster\/(.+)$/.exec(clusterArn);
    if (!m) throw new Error(`eksLogGroupArn: ${clusterArn} is not an EKS cluster ARN`);
    return `arn:${m[1]}:logs:${m[2]}:${m[3]}:log-group:/aws/eks/${m[4]}/cluster`;
}

/** The ARN patterns of the resources Defender creates, one per name prefix. */
export function auditLogResourceArns(input: Pick<AuditLogPipelineInput, "accountId" | "region" | "resourcePrefixes">) {
    const p = partitionOf(input.region);
    const a = input.accountId;
    if (input.resourcePrefixes.length === 0) throw new Error("auditLogResourceArns needs at least one name prefix");
    // The region stays open: Defender picks where it creates the stream and the queue (Microsoft's
    // template grants every region too). The name is what confines the grant: a prefix Defender's names start with.
    return {
        streams: input.resourcePrefixes.map((x) => `arn:${p}:firehose:*:${a}:deliverystream/${x}*`),
        queues: input.resourcePrefixes.map((x) => `arn:${p}:sqs:*:${a}:${x}*`),
        // Bucket names are global: another account's bucket with such a name still needs its own bucket policy to let us in.
        buckets: input.resourcePrefixes.map((x) => `arn:${p}:s3:::${x}*`),
        objects: input.resourcePrefixes.map((x) => `arn:${p}:s3:::${x}*/*`),
    };
}

/**
 * Permissions of each role: no wildcard action; resources are the stack's clusters and their log
 * groups by exact name, Defender's streams, queues and buckets by name prefix, and the two service
 * roles by ARN. The one exception is DescribeLogGroups, which only exists on "*".
 */
export function auditLogPermissionPolicies(
    input: AuditLogPipelineInput,
    roleArns: Record<AuditLogRoleKey, string>,
): Record<AuditLogRoleKey, AuditLogDocument> {
    const { streams, queues, buckets, objects } = auditLogResourceArns(input);
    const clusters = [...input.clusterArns].sort();
    const logGroups = clusters.flatMap((c) => [eksLogGroupArn(c), `${eksLogGroupArn(c)}:*`]);
    const docs: Record<AuditLogRoleKey, AuditLogDocument> = {
        kubernetesService: doc(
            ...(clusters.length > 0
                ? [
                      {
                          Sid: "SubscribeEksLogGroups",
                          Effect: "Allow" as const,
                          Resource: logGroups,
                          Action: [
                              "logs:PutSubscriptionFilter",
                              "logs:DescribeSubscriptionFilters",
                              "logs:PutRetentionPolicy",
                          ],
                      },
                  ]
                : []),
            // The service authorization reference lists no resource type for DescribeLogGroups: it can
            // only be granted on "*" (a log-group ARN here would grant nothing). It reads names only.
            { Sid: "DescribeLogGroups", Effect: "Allow", Resource: ["*"], Action: ["logs:DescribeLogGroups"] },
            {
                Sid: "PassPipelineRoles",
                Effect: "Allow",
                Resource: [roleArns.cloudWatchToKinesis, roleArns.kinesisToS3],
                Action: ["iam:PassRole"],
                Condition: {
                    StringEquals: { "iam:PassedToService": ["logs.amazonaws.com", "firehose.amazonaws.com"] },
                },
            },
            {
                Sid: "DeliveryStreams",
                Effect: "Allow",
                Resource: streams,
                Action: [
                    "firehose:CreateDeliveryStream",
                    "firehose:DeleteDeliveryStream",
                    "firehose:DescribeDeliveryStream",
                    "firehose:UpdateDestination",
                    "firehose:TagDeliveryStream",
                ],
            },
            {
                Sid: "Queues",
                Effect: "Allow",
                Resource: queues,
                Action: [
                    "sqs:CreateQueue",
                    "sqs:DeleteQueue",
                    "sqs:GetQueueAttributes",
                    "sqs:GetQueueUrl",
                    "sqs:SetQueueAttributes",
                    "sqs:TagQueue",
                ],
            },
            {
                Sid: "Buckets",
                Effect: "Allow",
                Resource: buckets,
                Action: [
                    "s3:CreateBucket",
                    "s3:DeleteBucket",
                    "s3:GetBucketLocation",
                    "s3:PutBucketNotification",
                    "s3:PutBucketPolicy",
                    "s3:PutBucketPublicAccessBlock",
                    "s3:PutEncryptionConfiguration",
                    "s3:PutLifecycleConfiguration",
                    "s3:PutBucketTagging",
                ],
            },
            ...(clusters.length > 0
                ? [
                      {
                          Sid: "ClusterLogging",
                          Effect: "Allow" as const,
                          Resource: clusters,
                          Action: ["eks:DescribeCluster", "eks:UpdateClusterConfig"],
                      },
                  ]
                : []),
        ),
        kubernetesDataCollection: doc(
            {
                Sid: "ReadQueues",
                Effect: "Allow",
                Resource: queues,
                Action: ["sqs:ReceiveMessage", "sqs:DeleteMessage"],
            },
            { Sid: "ReadObjects", Effect: "Allow", Resource: objects, Action: ["s3:GetObject"] },
            { Sid: "LocateBuckets", Effect: "Allow", Resource: buckets, Action: ["s3:GetBucketLocation"] },
        ),
        cloudWatchToKinesis: doc({
            Sid: "PutToDeliveryStreams",
            Effect: "Allow",
            Resource: streams,
            Action: ["firehose:PutRecord", "firehose:PutRecordBatch"],
        }),
        kinesisToS3: doc({
            Sid: "DeliverToBuckets",
            Effect: "Allow",
            Resource: [...buckets, ...objects],
            Action: [
                "s3:AbortMultipartUpload",
                "s3:GetBucketLocation",
                "s3:GetObject",
                "s3:ListBucket",
                "s3:ListBucketMultipartUploads",
                "s3:PutObject",
            ],
        }),
    };
    for (const key of AUDIT_LOG_ROLE_KEYS) {
        const extra = input.extraActions?.[key] ?? [];
        if (extra.length === 0) continue;
        // Extra actions reach what the role already reaches, never "*".
        const resources = [
            ...new Set(
                docs[key].Statement.flatMap((s) => s.Resource ?? []).filter(
                    (r) => r !== "*" && !r.startsWith(`arn:${partitionOf(input.region)}:iam::`),
                ),
            ),
        ];
        docs[key].Statement.push({ Sid: "ExtraActions", Effect: "Allow", Resource: resources, Action: [...extra] });
    }
    return docs;
}

export interface AuditLogPipelineArgs extends AuditLogPipelineInput {
    oidcProviderArn: pulumi.Input<string>;
    azureTenantId: pulumi.Input<string>;
    /**
     * Roles that exist and were not made by this stack (Microsoft's template makes them), by key,
     * with their ARNs: read, never managed; their permissions stay their maker's.
     */
    adopted?: Partial<Record<AuditLogRoleKey, string>>;
}

/** The four roles, each with its trust and one inline policy. */
export class AuditLogPipelineRoles extends pulumi.ComponentResource {
    readonly arns: Record<AuditLogRoleKey, pulumi.Output<string>>;

    constructor(name: string, args: AuditLogPipelineArgs, opts?: pulumi.ComponentResourceOptions) {
        super(
            "agentless:aws:AuditLogPipelineRoles",
            name,
            { roleNames: args.roleNames, adopted: Object.keys(args.adopted ?? {}).sort() },
            opts,
        );
        const p = partitionOf(args.region);
        // ARNs are known from the names: the permission documents need them before the roles exist.
        const arnOf = (key: AuditLogRoleKey) => `arn:${p}:iam::${args.accountId}:role/${args.roleNames[key]}`;
        const roleArns = Object.fromEntries(AUDIT_LOG_ROLE_KEYS.map((k) => [k, arnOf(k)])) as Record<
            AuditLogRoleKey,
            string
        >;
        const permissions = auditLogPermissionPolicies(args, roleArns);
        const trust = pulumi
            .all([args.oidcProviderArn, args.azureTenantId])
            .apply(([arn, tenant]) => auditLogTrustPolicies(args, arn, tenant));
        const arns = {} as Record<AuditLogRoleKey, pulumi.Output<string>>;
        for (const key of AUDIT_LOG_ROLE_KEYS) {
            const adoptedArn = args.adopted?.[key];
            if (adoptedArn) {
                Role.get(`${name}-${key}`, args.roleNames[key], undefined, { parent: this });
                arns[key] = pulumi.output(adoptedArn);
                continue;
            }
            const role = new Role(
                `${name}-${key}`,
                {
                    name: args.roleNames[key],
                    description: `Microsoft Defender for Containers audit-log pipeline: ${key}`,
                    assumeRolePolicy: trust.apply((t) => JSON.stringify(t[key])),
                    maxSessionDuration: 3600,
                    tags: { ...AUDIT_LOG_ROLE_TAGS },
                },
                { parent: this },
            );
            new RolePolicy(
                `${name}-${key}-permissions`,
                {
                    role: role.name,
                    name: `${args.roleNames[key]}-audit-logs`.slice(0, 128),
                    policy: JSON.stringify(permissions[key]),
                },
                { parent: this },
            );
            arns[key] = role.arn;
        }
        this.arns = arns;
        this.registerOutputs({ arns });
    }
}
