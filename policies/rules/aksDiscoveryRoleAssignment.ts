import { AKS_DISCOVERY_ROLE_GUID as DISCOVERY_ROLE_DEFINITION_GUID } from "../facts";
import { ResourceRule, StackRule } from "../types";

const ROLE_ASSIGNMENT = "azure-native:authorization:RoleAssignment";
const SECURITY_OPERATOR = "azure-native:security:SecurityOperator";

function roleGuid(roleDefinitionId: unknown): string | undefined {
    return typeof roleDefinitionId === "string"
        ? roleDefinitionId.slice(roleDefinitionId.lastIndexOf("/") + 1).toLowerCase()
        : undefined;
}

/** Subscription, resource group or resource: never a management group, the tenant root or "/". */
export function isSubscriptionOrNarrower(scope: string): boolean {
    // A trailing slash reads as the optional rest.
    return /^\/subscriptions\/[0-9a-f-]{36}(\/.*)?$/i.test(scope);
}

export const aksDiscoveryRoleScope: ResourceRule = {
    kind: "resource",
    name: "aks-discovery-role-scope",
    description: `The AKS discovery role (${DISCOVERY_ROLE_DEFINITION_GUID}) is assigned at subscription scope or narrower.`,
    enforcementLevel: "mandatory",
    validate(r) {
        if (r.type !== ROLE_ASSIGNMENT || roleGuid(r.inputs.roleDefinitionId) !== DISCOVERY_ROLE_DEFINITION_GUID)
            return [];
        const scope = r.inputs.scope;
        if (typeof scope !== "string" || scope === "[unknown]") return [];
        return isSubscriptionOrNarrower(scope)
            ? []
            : [`assigns the discovery role at scope "${scope}", wider than a subscription`];
    },
};

/**
 * The security operator's access comes from that one built-in role: a stack that creates the
 * operator must assign it, and nothing else, to it (checked by the assignment in its component).
 */
export const aksDiscoveryRoleIsBuiltIn: StackRule = {
    kind: "stack",
    name: "aks-discovery-role-is-built-in",
    description: `Discovery on AKS uses the built-in role ${DISCOVERY_ROLE_DEFINITION_GUID}, looked up by id.`,
    enforcementLevel: "mandatory",
    validateStack(resources) {
        const operators = resources.filter((r) => r.type === SECURITY_OPERATOR);
        if (operators.length === 0) return [];
        const assignments = resources.filter((r) => r.type === ROLE_ASSIGNMENT && r.name.endsWith("-api-access"));
        if (assignments.length === 0) {
            return [{ resource: operators[0].name, message: "the security operator has no discovery role assignment" }];
        }
        return assignments
            .filter((a) => roleGuid(a.inputs.roleDefinitionId) !== DISCOVERY_ROLE_DEFINITION_GUID)
            .map((a) => ({
                resource: a.name,
                message: `assigns role ${a.inputs.roleDefinitionId} to the discovery identity; expected ${DISCOVERY_ROLE_DEFINITION_GUID}`,
            }));
    },
};
