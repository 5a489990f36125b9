/**
 * `agentless-discovery/gcp`: the GKE onboarding components for a user's own Pulumi program, their
 * argument types, and the pure helpers that build what they declare (docs/library.md).
 */
export { GkeDiscoveryAccess, GkeDiscoveryAccessArgs } from "./gkeDiscoveryAccess";
export { WorkloadIdentityFederation, WorkloadIdentityFederationArgs } from "./workloadIdentityFederation";
export { DefenderGcpConnector, DefenderGcpConnectorArgs } from "./defenderConnector";
export { ExistingSecurityConnector } from "../../domain/shared/securityConnectors";
export { GkeAuditLogs, GkeAuditLogsArgs } from "./gkeAuditLogs";
export { serviceAccountEmail, defaultPoolId, gkeClusterPath } from "../../domain/gcp/identifiers";
export {
    DEFAULT_SERVICE_ACCOUNT_NAME,
    DEFAULT_CUSTOM_ROLE_ID,
    CUSTOM_ROLE_PERMISSIONS,
    VIEWER_ROLE,
    DEFAULT_PROVIDER_ID,
    SCOPES,
    GcpScope,
} from "../../domain/gcp/facts";
