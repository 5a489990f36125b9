/**
 * `agentless-discovery/azure`: the AKS and Arc onboarding components for a user's own Pulumi
 * program, their argument types, and the pure helpers that build what they declare (docs/library.md).
 */
export { DefenderPlan, DefenderPlanArgs } from "./defenderPlan";
export { AksDiscoveryAccess, AksDiscoveryAccessArgs } from "./aksDiscoveryAccess";
export { ArcExtensions, ArcExtensionsArgs } from "./arcExtensions";
export { AddonsAtScale, AddonsAtScaleArgs } from "./addonsAtScale";
export {
    ClusterRef,
    ClusterTarget,
    parseAksClusterId,
    parseArcClusterId,
    parseWorkspaceId,
} from "../../domain/azure/resourceIds";
export {
    CONTAINERS_EXTENSIONS,
    ContainersExtension,
    DISCOVERY_ROLE_DEFINITION_GUID,
    TRUSTED_ACCESS_ROLE,
    TRUSTED_ACCESS_CLUSTER_ROLE,
    OperatorKind,
    GUARD_EFFECTS,
    GuardEffect,
    roleDefinitionId,
    subscriptionScope,
} from "../../domain/azure/facts";
