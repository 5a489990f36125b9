import { AzureClusterKind, ClusterRef } from "../../domain/azure/resourceIds";

/**
 * What the Azure stack reads before it declares anything: the subscription's clusters, and the
 * objects Defender (or an earlier run, or policy) may already have made. Two implementations answer
 * it: the cloud itself (`live.ts`, ARM) and, in the offline plan, a cloud-state file
 * (`lookup/azure/stateFile.ts`). Every failure of the live one is a LookupError naming the call.
 */
export interface AzureLookup {
    /** Every AKS managed cluster and every Arc connected cluster of the subscription. */
    clusters(): Promise<AzureClusterFacts[]>;
    /** The plan's security operator, or undefined when Defender has not made it (yet). */
    securityOperator(pricingName: string, securityOperatorName: string): Promise<ExistingOperator | undefined>;
    /**
     * Role assignments of one principal at, above or below `scope` (an ARM id; default: the
     * subscription). A workspace in another subscription is neither above nor below this one:
     * its assignments are found only at its own scope.
     */
    roleAssignments(principalId: string, scope?: string): Promise<ExistingRoleAssignment[]>;
    /** The trusted access role bindings of one AKS cluster. */
    trustedAccessBindings(cluster: ClusterRef): Promise<ExistingBinding[]>;
    /** The extensions installed on one Arc connected cluster. */
    arcExtensions(cluster: ClusterRef): Promise<ExistingArcExtension[]>;
    /** A subscription-level Defender plan; ARM answers every plan name (Free when off). */
    pricing(pricingName: string): Promise<ExistingPricing | undefined>;
    /** The policy assignments made exactly at the subscription scope. */
    policyAssignments(): Promise<ExistingPolicyAssignment[]>;
}

export interface AzureClusterFacts extends ClusterRef {
    kind: AzureClusterKind;
    location: string;
    tags: Record<string, string>;
    /** Arc only: the distribution the agent reported (k3s, openshift, eks, gke...). */
    distribution?: string;
}

export interface ExistingOperator {
    id: string;
    principalId: string;
}

export interface ExistingRoleAssignment {
    id: string;
    scope: string;
    roleDefinitionId: string;
    principalId: string;
    principalType?: string;
    description?: string;
}

export interface ExistingBinding {
    id: string;
    name: string;
    roles: string[];
    sourceResourceId: string;
}

export interface ExistingArcExtension {
    id: string;
    name: string;
    extensionType: string;
    releaseTrain?: string;
    autoUpgradeMinorVersion?: boolean;
    releaseNamespace?: string;
    configurationSettings: Record<string, string>;
    /** The only identity type Arc extensions take. */
    identityType?: "SystemAssigned";
}

export interface ExistingPricing {
    id: string;
    pricingTier: string;
    /** Extension name → on/off, as the plan reports them. */
    extensions: Record<string, boolean>;
    /**
     * Extension name → its `additionalExtensionProperties` (for example `ExclusionTags` of
     * `AgentlessVmScanning`), for the extensions that have any: an adopted plan is declared with
     * them, or the next update would drop them.
     */
    extensionProperties?: Record<string, Record<string, unknown>>;
}

export interface ExistingPolicyAssignment {
    id: string;
    name: string;
    policyDefinitionId: string;
    /** The system-assigned identity's principal, when the assignment has one. */
    principalId?: string;
}

/** The last segment of an ARM id (a role definition's GUID, a role assignment's name). */
export function lastSegment(id: string): string {
    return id.slice(id.lastIndexOf("/") + 1);
}

/**
 * Whether a role assignment at `assignmentScope` is at, above or below `scope`, as ARM's
 * `principalId eq` filter of a role assignment list answers (ids compared by path segment, without
 * case). A management group's assignments count as above: which groups hold a subscription is not
 * in the cloud-state file.
 */
export function onScopeLine(assignmentScope: string, scope: string): boolean {
    const segments = (s: string) => s.toLowerCase().split("/").filter(Boolean);
    const [a, s] = [segments(assignmentScope), segments(scope)];
    if (a[0] === "providers" && a[1] === "microsoft.management") return true;
    const n = Math.min(a.length, s.length);
    return a.slice(0, n).every((x, i) => x === s[i]);
}

/**
 * The assignment of role `roleGuid` to `principalId` at exactly `scope`: what ARM compares when it
 * answers 409 RoleAssignmentExists. Role definition ids differ in their scope prefix (subscription
 * or tenant level) for the same built-in role, so only the GUID is compared.
 */
export function findRoleAssignment(
    found: readonly ExistingRoleAssignment[],
    scope: string,
    roleGuid: string,
    principalId: string,
): ExistingRoleAssignment | undefined {
    const norm = (s: string) => s.replace(/\/+$/, "").toLowerCase();
    return found.find(
        (a) =>
            norm(a.scope) === norm(scope) &&
            lastSegment(a.roleDefinitionId).toLowerCase() === roleGuid.toLowerCase() &&
            a.principalId.toLowerCase() === principalId.toLowerCase(),
    );
}

/**
 * The binding that gives `sourceResourceId` the trusted access `role` in a cluster: by name first,
 * else any binding with that source and role (Defender may have named its own differently).
 */
export function findBinding(
    found: readonly ExistingBinding[],
    name: string,
    sourceResourceId: string,
    role: string,
): ExistingBinding | undefined {
    const serves = (b: ExistingBinding) =>
        b.sourceResourceId.toLowerCase() === sourceResourceId.toLowerCase() &&
        b.roles.some((r) => r.toLowerCase() === role.toLowerCase());
    return found.find((b) => b.name === name && serves(b)) ?? found.find(serves);
}

/** The extension of a type on a cluster (an Arc cluster holds at most one of each type). */
export function findExtension(
    found: readonly ExistingArcExtension[],
    extensionType: string,
): ExistingArcExtension | undefined {
    return found.find((e) => e.extensionType.toLowerCase() === extensionType.toLowerCase());
}
