/** Names of Defender's EKS audit-log pipeline roles (Microsoft's containers-permissions article). */
export const AUDIT_LOG_ROLE_KEYS = ["kubernetesService", "kubernetesDataCollection", "cloudWatchToKinesis", "kinesisToS3"] as const;
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
