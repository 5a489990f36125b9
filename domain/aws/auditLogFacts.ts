/** Names of Defender's EKS audit-log pipeline roles (Microsoft's containers-permissions article). */
export const AUDIT_LOG_ROLE_KEYS = [
    "kubernetesService",
    "kubernetesDataCollection",
    "cloudWatchToKinesis",
    "kinesisToS3",
] as const;
export type AuditLogRoleKey = (typeof AUDIT_LOG_ROLE_KEYS)[number];

/** Microsoft's default names; the offering field each ARN goes into is the key. */
export const DEFAULT_AUDIT_LOG_ROLE_NAMES: Readonly<Record<AuditLogRoleKey, string>> = {
    kubernetesService: "MDCContainersK8sRole",
    kubernetesDataCollection: "MDCContainersK8sDataCollectionRole",
    cloudWatchToKinesis: "MDCContainersK8sCloudWatchToKinesisRole",
    kinesisToS3: "MDCContainersK8sKinesisToS3Role",
};

/** Tag of the pipeline roles: not the discovery role's tag, so rules about that role do not apply to these. */
export const AUDIT_LOG_ROLE_TAGS = { "agentless-discovery:purpose": "defender-audit-logs" } as const;

/**
 * Name prefixes of the Firehose stream, SQS queue and S3 bucket Defender creates for a cluster's
 * audit logs: Microsoft's AWS onboarding template grants its pipeline roles exactly these
 * (Azure/Microsoft-Defender-for-Cloud `MultiCloud/AWS/AwsOnboarding.tf`, docs/sources.md).
 * Configurable (`aws.connector.auditLogResourcePrefixes`): no current Microsoft article states them.
 */
export const DEFAULT_AUDIT_LOG_RESOURCE_PREFIXES: readonly string[] = ["azuredefender-", "ms-defender-"];

/** Lowercase letters, digits and hyphens are valid in all three kinds of name; three characters at least keep the prefix narrow. */
export const AUDIT_LOG_RESOURCE_PREFIX = /^[a-z0-9][a-z0-9-]{2,39}$/;
