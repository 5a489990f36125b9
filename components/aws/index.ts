/**
 * `agentless-discovery/aws`: the EKS onboarding components for a user's own Pulumi program, their
 * argument types, and the pure helpers that build what they declare (docs/library.md).
 */
export { DiscoveryRole, DiscoveryRoleArgs } from "./discoveryRole";
export { EksClusterAccess, EksClusterAccessArgs } from "./eksClusterAccess";
export { DefenderConnector, DefenderConnectorArgs, AWS_CONTAINERS_OFFERING } from "./defenderConnector";
export { ExistingSecurityConnector } from "../../domain/shared/securityConnectors";
export { AuditLogPipelineRoles, AuditLogPipelineArgs, AUDIT_LOG_ROLE_KEYS, AuditLogRoleKey } from "./auditLogPipeline";
export { EksControlPlaneLogging } from "./controlPlaneLogging";
export { EksDefenderEndpointAccess } from "./defenderEndpoint";
export {
    EndpointSettings,
    missingDefenderCidrs,
    cidrsWithDefender,
    restrictedEndpointCommand,
} from "../../domain/aws/endpointAccess";
export {
    trustPolicy,
    permissionsPolicy,
    sessionName,
    PolicyDocument,
    PolicyStatement,
} from "../../domain/aws/policyDocuments";
export {
    mergeMapRoles,
    parseMapRoles,
    AwsAuthMergeError,
    AwsAuthExisting,
    MapRoleEntry,
    AWS_AUTH_EXISTING_CHOICES,
} from "../../domain/aws/awsAuth";
export {
    ACCESS_MODES,
    AccessMode,
    AUTHENTICATION_MODES,
    AuthenticationMode,
    EKS_ACCESS_POLICIES,
    EksAccessPolicy,
    DEFAULT_ACCESS_POLICY,
    DEFAULT_ROLE_NAME,
    DEFENDER_CIDRS,
    AUDIT_LOG_TYPES,
    accessPolicyArn,
    clusterArn,
    roleArn,
    oidcProviderArn,
} from "../../domain/aws/facts";
