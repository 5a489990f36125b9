import { TRUSTED_ACCESS_ROLE } from "../facts";
import { ResourceRule } from "../types";

export const trustedAccessDefenderRolesOnly: ResourceRule = {
    kind: "resource",
    name: "trusted-access-defender-roles-only",
    description: `AKS trusted access bindings carry only the Defender operator role (${TRUSTED_ACCESS_ROLE}).`,
    enforcementLevel: "mandatory",
    validate(r) {
        if (r.type !== "azure-native:containerservice:TrustedAccessRoleBinding") return [];
        const roles = r.inputs.roles;
        if (!Array.isArray(roles) || roles.length === 0) return ["binds no role"];
        return roles
            .filter((role) => role !== TRUSTED_ACCESS_ROLE)
            .map((role) => `binds role "${role}"; only ${TRUSTED_ACCESS_ROLE} is allowed`);
    },
};
