import { strict as assert } from "assert";
import { loadAwsConfig } from "../../../config/aws";
import { ConfigError } from "../../../lib/errors";
import {
    AUDIT_LOG_ROLE_KEYS,
    auditLogPermissionPolicies,
    AuditLogPipelineRoles,
    auditLogTrustPolicies,
    DEFAULT_AUDIT_LOG_RESOURCE_PREFIXES,
    DEFAULT_AUDIT_LOG_ROLE_NAMES,
    eksLogGroupArn,
} from "../../../components/aws/auditLogPipeline";
import { evaluate } from "../../helpers/iamEvaluator";
import { referenceProblems } from "../../helpers/iamReference";
import { noAccountWideIamResources } from "../../../policies/rules/noAccountWideIamResources";
import { noWildcardIamActions } from "../../../policies/rules/noWildcardIamActions";
import { DefenderConnector } from "../../../components/aws/defenderConnector";
import { byType, one, registered } from "../../helpers/pulumi";

const ACCOUNT = "210987654321";
const TENANT = "7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f";
const OIDC = `arn:aws:iam::${ACCOUNT}:oidc-provider/sts.windows.net/33e01921-4d64-4f8c-a055-5bdaffd5e33d/`;
const CLUSTER = `arn:aws:eks:eu-west-1:${ACCOUNT}:cluster/a`;
const CLUSTER_B = `arn:aws:eks:us-east-1:${ACCOUNT}:cluster/b`;
const INPUT = {
    accountId: ACCOUNT,
    region: "eu-west-1",
    clusterArns: [CLUSTER_B, CLUSTER],
    roleNames: { ...DEFAULT_AUDIT_LOG_ROLE_NAMES },
    resourcePrefixes: DEFAULT_AUDIT_LOG_RESOURCE_PREFIXES,
};
const ARNS = Object.fromEntries(
    AUDIT_LOG_ROLE_KEYS.map((k) => [k, `arn:aws:iam::${ACCOUNT}:role/${DEFAULT_AUDIT_LOG_ROLE_NAMES[k]}`]),
) as Record<(typeof AUDIT_LOG_ROLE_KEYS)[number], string>;

function actions(d: { Statement: { Action: string | string[] }[] }): string[] {
    return d.Statement.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])).sort();
}

describe("audit-log pipeline roles", () => {
    it("uses Microsoft's four role names, keyed by the offering field each ARN goes into", () => {
        assert.deepEqual(DEFAULT_AUDIT_LOG_ROLE_NAMES, {
            kubernetesService: "MDCContainersK8sRole",
            kubernetesDataCollection: "MDCContainersK8sDataCollectionRole",
            cloudWatchToKinesis: "MDCContainersK8sCloudWatchToKinesisRole",
            kinesisToS3: "MDCContainersK8sKinesisToS3Role",
        });
    });

    it("trusts Defender's web identity for the two roles it assumes and the AWS services for the two that carry logs", () => {
        const t = auditLogTrustPolicies(INPUT, OIDC, TENANT);
        for (const k of ["kubernetesService", "kubernetesDataCollection"] as const) {
            assert.deepEqual(t[k].Statement[0].Principal, { Federated: OIDC });
            assert.equal(t[k].Statement[0].Action, "sts:AssumeRoleWithWebIdentity");
            assert.deepEqual(t[k].Statement[0].Condition, {
                StringEquals: {
                    "sts.windows.net/33e01921-4d64-4f8c-a055-5bdaffd5e33d/:aud":
                        "api://6610e979-c931-41ec-adc7-b9920c9d52f1",
                    "sts:RoleSessionName": `MicrosoftDefenderForClouds_${TENANT}`,
                },
            });
        }
        assert.deepEqual(t.cloudWatchToKinesis.Statement, [
            {
                Sid: "CloudWatchLogsSubscription",
                Effect: "Allow",
                Principal: { Service: "logs.amazonaws.com" },
                Action: "sts:AssumeRole",
                Condition: { StringLike: { "aws:SourceArn": `arn:aws:logs:*:${ACCOUNT}:*` } },
            },
        ]);
        assert.deepEqual(t.kinesisToS3.Statement, [
            {
                Sid: "FirehoseDelivery",
                Effect: "Allow",
                Principal: { Service: "firehose.amazonaws.com" },
                Action: "sts:AssumeRole",
                Condition: { StringEquals: { "sts:ExternalId": ACCOUNT } },
            },
        ]);
    });

    it("grants exact actions, never a wildcard, on the stack's clusters and log groups and on Microsoft's name prefixes only", () => {
        const p = auditLogPermissionPolicies(INPUT, ARNS);
        assert.deepEqual(actions(p.cloudWatchToKinesis), ["firehose:PutRecord", "firehose:PutRecordBatch"]);
        assert.deepEqual(actions(p.kubernetesDataCollection), [
            "s3:GetBucketLocation",
            "s3:GetObject",
            "sqs:DeleteMessage",
            "sqs:ReceiveMessage",
        ]);
        assert.deepEqual(actions(p.kinesisToS3), [
            "s3:AbortMultipartUpload",
            "s3:GetBucketLocation",
            "s3:GetObject",
            "s3:ListBucket",
            "s3:ListBucketMultipartUploads",
            "s3:PutObject",
        ]);
        for (const k of AUDIT_LOG_ROLE_KEYS) for (const a of actions(p[k])) assert.doesNotMatch(a, /\*/, `${k}: ${a}`);
        const streams = [
            `arn:aws:firehose:*:${ACCOUNT}:deliverystream/azuredefender-*`,
            `arn:aws:firehose:*:${ACCOUNT}:deliverystream/ms-defender-*`,
        ];
        const queues = [`arn:aws:sqs:*:${ACCOUNT}:azuredefender-*`, `arn:aws:sqs:*:${ACCOUNT}:ms-defender-*`];
        const buckets = ["arn:aws:s3:::azuredefender-*", "arn:aws:s3:::ms-defender-*"];
        const objects = ["arn:aws:s3:::azuredefender-*/*", "arn:aws:s3:::ms-defender-*/*"];
        const resources = (k: (typeof AUDIT_LOG_ROLE_KEYS)[number]) =>
            Object.fromEntries(p[k].Statement.map((s) => [s.Sid, s.Resource]));
        assert.deepEqual(resources("kubernetesService"), {
            SubscribeEksLogGroups: [
                `arn:aws:logs:eu-west-1:${ACCOUNT}:log-group:/aws/eks/a/cluster`,
                `arn:aws:logs:eu-west-1:${ACCOUNT}:log-group:/aws/eks/a/cluster:*`,
                `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/eks/b/cluster`,
                `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/eks/b/cluster:*`,
            ],
            DescribeLogGroups: ["*"],
            PassPipelineRoles: [ARNS.cloudWatchToKinesis, ARNS.kinesisToS3],
            DeliveryStreams: streams,
            Queues: queues,
            Buckets: buckets,
            ClusterLogging: [CLUSTER, CLUSTER_B],
        });
        assert.deepEqual(resources("kubernetesDataCollection"), {
            ReadQueues: queues,
            ReadObjects: objects,
            LocateBuckets: buckets,
        });
        assert.deepEqual(resources("cloudWatchToKinesis"), { PutToDeliveryStreams: streams });
        assert.deepEqual(resources("kinesisToS3"), { DeliverToBuckets: [...buckets, ...objects] });
        assert.deepEqual(p.kubernetesService.Statement.find((s) => s.Sid === "PassPipelineRoles")?.Condition, {
            StringEquals: { "iam:PassedToService": ["logs.amazonaws.com", "firehose.amazonaws.com"] },
        });
        assert.deepEqual(p.kubernetesService.Statement.find((s) => s.Sid === "SubscribeEksLogGroups")?.Action, [
            "logs:PutSubscriptionFilter",
            "logs:DescribeSubscriptionFilters",
            "logs:PutRetentionPolicy",
        ]);
    });

    it("reaches Defender's resources but not another bucket, queue, stream, log group or cluster of the same account", () => {
        const p = auditLogPermissionPolicies(INPUT, ARNS);
        const can = (k: (typeof AUDIT_LOG_ROLE_KEYS)[number], action: string, resource: string) =>
            evaluate([p[k]], { action, resource });
        assert.equal(
            can("kubernetesDataCollection", "s3:GetObject", "arn:aws:s3:::ms-defender-eks-a/audit/1.gz"),
            "Allow",
        );
        assert.equal(
            can("kubernetesDataCollection", "s3:GetObject", "arn:aws:s3:::payroll-exports/2026/01.csv"),
            "ImplicitDeny",
        );
        assert.equal(
            can("kubernetesDataCollection", "sqs:ReceiveMessage", `arn:aws:sqs:eu-west-1:${ACCOUNT}:azuredefender-a`),
            "Allow",
        );
        assert.equal(
            can("kubernetesDataCollection", "sqs:ReceiveMessage", `arn:aws:sqs:eu-west-1:${ACCOUNT}:orders`),
            "ImplicitDeny",
        );
        assert.equal(
            can("kubernetesDataCollection", "sqs:ReceiveMessage", `arn:aws:sqs:eu-west-1:111122223333:ms-defender-a`),
            "ImplicitDeny",
        );
        assert.equal(can("kinesisToS3", "s3:PutObject", "arn:aws:s3:::azuredefender-a/x"), "Allow");
        assert.equal(can("kinesisToS3", "s3:PutObject", "arn:aws:s3:::website-assets/index.html"), "ImplicitDeny");
        assert.equal(
            can(
                "cloudWatchToKinesis",
                "firehose:PutRecordBatch",
                `arn:aws:firehose:eu-west-1:${ACCOUNT}:deliverystream/ms-defender-a`,
            ),
            "Allow",
        );
        assert.equal(
            can(
                "cloudWatchToKinesis",
                "firehose:PutRecordBatch",
                `arn:aws:firehose:eu-west-1:${ACCOUNT}:deliverystream/clickstream`,
            ),
            "ImplicitDeny",
        );
        assert.equal(can("kubernetesService", "s3:PutBucketPolicy", "arn:aws:s3:::ms-defender-a"), "Allow");
        assert.equal(can("kubernetesService", "s3:PutBucketPolicy", "arn:aws:s3:::payroll-exports"), "ImplicitDeny");
        assert.equal(
            can("kubernetesService", "sqs:DeleteQueue", `arn:aws:sqs:eu-west-1:${ACCOUNT}:orders`),
            "ImplicitDeny",
        );
        assert.equal(can("kubernetesService", "logs:PutSubscriptionFilter", `${eksLogGroupArn(CLUSTER)}:*`), "Allow");
        assert.equal(
            can(
                "kubernetesService",
                "logs:PutSubscriptionFilter",
                `arn:aws:logs:eu-west-1:${ACCOUNT}:log-group:/aws/lambda/billing:*`,
            ),
            "ImplicitDeny",
        );
        assert.equal(
            can(
                "kubernetesService",
                "logs:PutSubscriptionFilter",
                `arn:aws:logs:eu-west-1:${ACCOUNT}:log-group:/aws/eks/other/cluster:*`,
            ),
            "ImplicitDeny",
        );
        assert.equal(
            can("kubernetesService", "eks:UpdateClusterConfig", `arn:aws:eks:eu-west-1:${ACCOUNT}:cluster/other`),
            "ImplicitDeny",
        );
    });

    it("uses the configured name prefixes instead of Microsoft's, and leaves out the log-group and cluster statements without clusters", () => {
        const p = auditLogPermissionPolicies({ ...INPUT, clusterArns: [], resourcePrefixes: ["acme-mdc-"] }, ARNS);
        assert.deepEqual(p.kinesisToS3.Statement[0].Resource, ["arn:aws:s3:::acme-mdc-*", "arn:aws:s3:::acme-mdc-*/*"]);
        assert.deepEqual(
            p.kubernetesService.Statement.map((s) => s.Sid),
            ["DescribeLogGroups", "PassPipelineRoles", "DeliveryStreams", "Queues", "Buckets"],
        );
        assert.equal(
            evaluate([p.kinesisToS3], { action: "s3:PutObject", resource: "arn:aws:s3:::ms-defender-a/x" }),
            "ImplicitDeny",
        );
        assert.equal(
            eksLogGroupArn("arn:aws-cn:eks:cn-north-1:123456789012:cluster/x"),
            "arn:aws-cn:logs:cn-north-1:123456789012:log-group:/aws/eks/x/cluster",
        );
    });

    it("passes AWS's service authorization reference and the gate's IAM rules, role by role", async () => {
        const p = auditLogPermissionPolicies(INPUT, ARNS);
        for (const k of AUDIT_LOG_ROLE_KEYS) {
            assert.deepEqual(await referenceProblems(p[k]), [], k);
            const view = { type: "aws:iam/rolePolicy:RolePolicy", name: k, inputs: { policy: JSON.stringify(p[k]) } };
            assert.deepEqual(
                [...noWildcardIamActions.validate(view), ...noAccountWideIamResources.validate(view)],
                [],
                k,
            );
        }
    });

    it("adds configured extra actions to a role", () => {
        const p = auditLogPermissionPolicies(
            { ...INPUT, extraActions: { cloudWatchToKinesis: ["firehose:DescribeDeliveryStream"] } },
            ARNS,
        );
        assert.deepEqual(actions(p.cloudWatchToKinesis), [
            "firehose:DescribeDeliveryStream",
            "firehose:PutRecord",
            "firehose:PutRecordBatch",
        ]);
        // Extra actions reach what the role reaches already: never "*" (DescribeLogGroups) or the passed roles.
        const k = auditLogPermissionPolicies(
            { ...INPUT, extraActions: { kubernetesService: ["sqs:ListQueueTags"] } },
            ARNS,
        ).kubernetesService.Statement;
        const extra = k.find((s) => s.Sid === "ExtraActions")!.Resource!;
        assert.ok(!extra.includes("*") && !extra.some((r) => r.includes(":iam::")), extra.join(", "));
        assert.ok(extra.includes(`arn:aws:sqs:*:${ACCOUNT}:ms-defender-*`));
    });

    it("creates the four roles and passes their ARNs into the connector's offering", async () => {
        const rs = await registered(
            () => {
                const roles = new AuditLogPipelineRoles("alp1", {
                    ...INPUT,
                    oidcProviderArn: OIDC,
                    azureTenantId: TENANT,
                });
                new DefenderConnector("alp1-conn", {
                    accountId: ACCOUNT,
                    connectorName: "c",
                    resourceGroupName: "rg",
                    location: "westeurope",
                    discoveryRoleArn: `arn:aws:iam::${ACCOUNT}:role/MDCContainersAgentlessDiscoveryK8sRole`,
                    auditLogRoleArns: roles.arns,
                });
            },
            { awsAccountId: ACCOUNT },
        );
        assert.deepEqual(
            byType(rs, "aws:iam/role:Role")
                .map((r) => r.inputs.name)
                .sort(),
            Object.values(DEFAULT_AUDIT_LOG_ROLE_NAMES).sort(),
        );
        assert.deepEqual(
            JSON.parse(one(rs, "aws:iam/role:Role", "alp1-kubernetesService").inputs.assumeRolePolicy as string),
            auditLogTrustPolicies(INPUT, OIDC, TENANT).kubernetesService,
        );
        assert.equal(byType(rs, "aws:iam/rolePolicy:RolePolicy").length, 4);
        const offering = (
            one(rs, "azure-native:security:SecurityConnector").inputs.offerings as Record<string, unknown>[]
        )[0];
        assert.equal(offering.enableAuditLogsAutoProvisioning, true);
        for (const k of AUDIT_LOG_ROLE_KEYS) assert.deepEqual(offering[k], { cloudRoleArn: ARNS[k] });
    });

    it("turns auto-provisioning off, with no role ARN, when the stack has no pipeline roles", async () => {
        const rs = await registered(() => {
            new DefenderConnector("alp2-conn", {
                accountId: ACCOUNT,
                connectorName: "c2",
                resourceGroupName: "rg",
                location: "westeurope",
                discoveryRoleArn: "arn:aws:iam::210987654321:role/x",
            });
        });
        const offering = (
            one(rs, "azure-native:security:SecurityConnector").inputs.offerings as Record<string, unknown>[]
        )[0];
        assert.equal(offering.enableAuditLogsAutoProvisioning, false);
        for (const k of AUDIT_LOG_ROLE_KEYS) assert.equal(offering[k], undefined);
    });

    it("validates role names and refuses wildcard extra actions, naming the key", () => {
        const base = {
            accountId: ACCOUNT,
            region: "eu-west-1",
            connector: {
                subscriptionId: "3f2a9c1e-7b4d-4e8a-9c62-1d5e8f0a7b34",
                resourceGroupName: "rg",
                location: "westeurope",
            },
        };
        const cfg = loadAwsConfig({
            ...base,
            connector: { ...base.connector, auditLogRoleNames: { kinesisToS3: "MyKinesisToS3" } },
        });
        assert.equal(cfg.connector!.auditLogRoleNames.kinesisToS3, "MyKinesisToS3");
        assert.equal(cfg.connector!.auditLogRoleNames.kubernetesService, "MDCContainersK8sRole");
        assert.throws(
            () =>
                loadAwsConfig({
                    ...base,
                    connector: { ...base.connector, auditLogExtraActions: { kinesisToS3: ["s3:*"] } },
                }),
            (e: unknown) =>
                e instanceof ConfigError &&
                e.message ===
                    'config key "aws.connector.auditLogExtraActions.kinesisToS3[0]" has value "s3:*"; expected an IAM action without wildcards, such as firehose:ListTagsForDeliveryStream',
        );
    });

    it("reads aws.connector.auditLogResourcePrefixes: Microsoft's two by default, refusing a wildcard, a short or an empty list", () => {
        const base = {
            accountId: ACCOUNT,
            region: "eu-west-1",
            connector: {
                subscriptionId: "3f2a9c1e-7b4d-4e8a-9c62-1d5e8f0a7b34",
                resourceGroupName: "rg",
                location: "westeurope",
            },
        };
        const prefixes = (v: unknown) =>
            loadAwsConfig({ ...base, connector: { ...base.connector, auditLogResourcePrefixes: v } }).connector!
                .auditLogResourcePrefixes;
        assert.deepEqual(prefixes(undefined), ["azuredefender-", "ms-defender-"]);
        assert.deepEqual(prefixes(["acme-mdc-"]), ["acme-mdc-"]);
        const expected =
            "expected a name prefix of 3 to 40 lowercase letters, digits or hyphens, starting with a letter or digit, such as ms-defender- " +
            "(the pipeline roles may only touch streams, queues and buckets whose names start with it)";
        assert.throws(
            () => prefixes(["ms-*"]),
            (e: unknown) =>
                e instanceof ConfigError &&
                e.message === `config key "aws.connector.auditLogResourcePrefixes[0]" has value "ms-*"; ${expected}`,
        );
        assert.throws(
            () => prefixes(["ms"]),
            (e: unknown) =>
                e instanceof ConfigError &&
                e.message === `config key "aws.connector.auditLogResourcePrefixes[0]" has value "ms"; ${expected}`,
        );
        assert.throws(
            () => prefixes([]),
            (e: unknown) =>
                e instanceof ConfigError &&
                e.message ===
                    'config key "aws.connector.auditLogResourcePrefixes" has value []; expected at least one name prefix (an empty list would leave the pipeline roles without resources)',
        );
    });
});
