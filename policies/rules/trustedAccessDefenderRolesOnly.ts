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
        // Azure compares names without regard to case and may return them in another case than they
        // were written (docs/sources.md): Defender's binding adopted as Azure returns it is Defender's
        // role still, as the program's adoption (lookup/azure/port.ts, findBinding) already holds.
        return roles
            .filter((role) => typeof role !== "string" || role.toLowerCase() !== TRUSTED_ACCESS_ROLE.toLowerCase())
            .map((role) => `binds role "${role}"; only ${TRUSTED_ACCESS_ROLE} is allowed`);
    },
};
