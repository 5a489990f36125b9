import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { loadAwsConfig } from "../../config/aws";
import { ConfigError } from "../../config/errors";
import {
    AUDIT_LOG_ROLE_KEYS, auditLogPermissionPolicies, AuditLogPipelineRoles, auditLogTrustPolicies, DEFAULT_AUDIT_LOG_ROLE_NAMES,
} from "../../components/aws/auditLogPipeline";
import { DefenderConnector } from "../../components/aws/defenderConnector";
import { byType, one, registered } from "../helpers/pulumi";

const ACCOUNT = "210987654321";
const TENANT = "7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f";
const OIDC = `arn:aws:iam::${ACCOUNT}:oidc-provider/sts.windows.net/33e01921-4d64-4f8c-a055-5bdaffd5e33d/`;
const CLUSTER = `arn:aws:eks:eu-west-1:${ACCOUNT}:cluster/a`;
const INPUT = { accountId: ACCOUNT, region: "eu-west-1", clusterArns: [CLUSTER], roleNames: { ...DEFAULT_AUDIT_LOG_ROLE_NAMES } };
const ARNS = Object.fromEntries(AUDIT_LOG_ROLE_KEYS.map((k) => [k, `arn:aws:iam::${ACCOUNT}:role/${DEFAULT_AUDIT_LOG_ROLE_NAMES[k]}`])) as Record<(typeof AUDIT_LOG_ROLE_KEYS)[number], string>;

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
            assert.deepEqual(t[k].Statement[0].Condition, { StringEquals: {
                "sts.windows.net/33e01921-4d64-4f8c-a055-5bdaffd5e33d/:aud": "api://6610e979-c931-41ec-adc7-b9920c9d52f1",
                "sts:RoleSessionName": `MicrosoftDefenderForClouds_${TENANT}`,
            } });
        }
        assert.deepEqual(t.cloudWatchToKinesis.Statement, [{
            Sid: "CloudWatchLogsSubscription", Effect: "Allow", Principal: { Service: "logs.amazonaws.com" }, Action: "sts:AssumeRole",
            Condition: { StringLike: { "aws:SourceArn": `arn:aws:logs:*:${ACCOUNT}:*` } },
        }]);
        assert.deepEqual(t.kinesisToS3.Statement, [{
            Sid: "FirehoseDelivery", Effect: "Allow", Principal: { Service: "firehose.amazonaws.com" }, Action: "sts:AssumeRole",
            Condition: { StringEquals: { "sts:ExternalId": ACCOUNT } },
        }]);
    });

    it("grants exact actions, never a wildcard, on this account's resources only", () => {
        const p = auditLogPermissionPolicies(INPUT, ARNS);
        assert.deepEqual(actions(p.cloudWatchToKinesis), ["firehose:PutRecord", "firehose:PutRecordBatch"]);
        assert.deepEqual(actions(p.kubernetesDataCollection), ["s3:GetBucketLocation", "s3:GetObject", "sqs:DeleteMessage", "sqs:ReceiveMessage"]);
        assert.deepEqual(actions(p.kinesisToS3), [
            "s3:AbortMultipartUpload", "s3:GetBucketLocation", "s3:GetObject", "s3:ListBucket", "s3:ListBucketMultipartUploads", "s3:PutObject",
        ]);
        const service = p.kubernetesService.Statement;
        assert.deepEqual(service.find((s) => s.Sid === "PassPipelineRoles"), {
            Sid: "PassPipelineRoles", Effect: "Allow", Action: ["iam:PassRole"], Resource: [ARNS.cloudWatchToKinesis, ARNS.kinesisToS3],
            Condition: { StringEquals: { "iam:PassedToService": ["logs.amazonaws.com", "firehose.amazonaws.com"] } },
        });
        assert.deepEqual(service.find((s) => s.Sid === "ClusterLogging")?.Resource, [CLUSTER]);
        for (const k of AUDIT_LOG_ROLE_KEYS) {
            for (const a of actions(p[k])) assert.doesNotMatch(a, /\*/, `${k}: ${a}`);
            for (const s of p[k].Statement) {
                // DescribeLogGroups takes no resource type in the service authorization reference: "*" only.
                if (s.Sid === "DescribeLogGroups") assert.deepEqual(s.Resource, ["*"]);
                else for (const r of s.Resource ?? []) assert.match(r, new RegExp(`^arn:aws:(s3:::|[a-z]+:\\*?[a-z0-9-]*:${ACCOUNT}:)`), `${k}: ${r}`);
            }
        }
    });

    it("adds configured extra actions to a role", () => {
        const p = auditLogPermissionPolicies({ ...INPUT, extraActions: { cloudWatchToKinesis: ["firehose:DescribeDeliveryStream"] } }, ARNS);
        assert.deepEqual(actions(p.cloudWatchToKinesis), ["firehose:DescribeDeliveryStream", "firehose:PutRecord", "firehose:PutRecordBatch"]);
    });

    it("creates the four roles with secret trust and passes their ARNs into the connector's offering", async () => {
        const rs = await registered(() => {
            const roles = new AuditLogPipelineRoles("alp1", { ...INPUT, oidcProviderArn: OIDC, azureTenantId: pulumi.secret(TENANT) });
            new DefenderConnector("alp1-conn", {
                accountId: ACCOUNT, connectorName: "c", resourceGroupName: "rg", location: "westeurope",
                discoveryRoleArn: `arn:aws:iam::${ACCOUNT}:role/MDCContainersAgentlessDiscoveryK8sRole`, auditLogRoleArns: roles.arns,
            });
        }, { awsAccountId: ACCOUNT });
        assert.deepEqual(byType(rs, "aws:iam/role:Role").map((r) => r.inputs.name).sort(), Object.values(DEFAULT_AUDIT_LOG_ROLE_NAMES).sort());
        assert.equal(one(rs, "aws:iam/role:Role", "alp1-kubernetesService").inputs.assumeRolePolicy, "[secret]");
        assert.equal(byType(rs, "aws:iam/rolePolicy:RolePolicy").length, 4);
        const offering = (one(rs, "azure-native:security:SecurityConnector").inputs.offerings as Record<string, unknown>[])[0];
        assert.equal(offering.enableAuditLogsAutoProvisioning, true);
        for (const k of AUDIT_LOG_ROLE_KEYS) assert.deepEqual(offering[k], { cloudRoleArn: ARNS[k] });
    });

    it("turns auto-provisioning off, with no role ARN, when the stack has no pipeline roles", async () => {
        const rs = await registered(() => {
            new DefenderConnector("alp2-conn", {
                accountId: ACCOUNT, connectorName: "c2", resourceGroupName: "rg", location: "westeurope", discoveryRoleArn: "arn:aws:iam::210987654321:role/x",
            });
        });
        const offering = (one(rs, "azure-native:security:SecurityConnector").inputs.offerings as Record<string, unknown>[])[0];
        assert.equal(offering.enableAuditLogsAutoProvisioning, false);
        for (const k of AUDIT_LOG_ROLE_KEYS) assert.equal(offering[k], undefined);
    });

    it("validates role names and refuses wildcard extra actions, naming the key", () => {
        const base = { accountId: ACCOUNT, region: "eu-west-1", connector: { subscriptionId: "3f2a9c1e-7b4d-4e8a-9c62-1d5e8f0a7b34", resourceGroupName: "rg", location: "westeurope" } };
        const cfg = loadAwsConfig({ ...base, connector: { ...base.connector, auditLogRoleNames: { kinesisToS3: "MyKinesisToS3" } } });
        assert.equal(cfg.connector!.auditLogRoleNames.kinesisToS3, "MyKinesisToS3");
        assert.equal(cfg.connector!.auditLogRoleNames.kubernetesService, "MDCContainersK8sRole");
        assert.throws(() => loadAwsConfig({ ...base, connector: { ...base.connector, auditLogExtraActions: { kinesisToS3: ["s3:*"] } } }),
            (e: unknown) => e instanceof ConfigError && e.message ===
                'config key "aws.connector.auditLogExtraActions.kinesisToS3[0]" has value "s3:*"; expected an IAM action without wildcards, such as firehose:ListTagsForDeliveryStream');
    });
});
