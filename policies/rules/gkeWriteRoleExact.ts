import { GCP_CUSTOM_ROLE_TYPES, GKE_WRITE_ROLE_PERMISSIONS as CUSTOM_ROLE_PERMISSIONS } from "../facts";
import { ResourceRule } from "../types";

const CUSTOM_ROLE_TYPES: readonly string[] = GCP_CUSTOM_ROLE_TYPES;

/**
 * The only custom role the GCP stack creates is the cluster write role (MDCGkeClusterWriteRole by
 * default, renamable), so every custom role must hold exactly its one permission.
 */
export const gkeWriteRoleExact: ResourceRule = {
    kind: "resource",
    name: "gke-write-role-exact",
    description: `GKE's MDCGkeClusterWriteRole holds exactly ${CUSTOM_ROLE_PERMISSIONS.join(", ")}.`,
    enforcementLevel: "mandatory",
    validate(r) {
        if (!CUSTOM_ROLE_TYPES.includes(r.type)) return [];
        const perms = r.inputs.permissions;
        if (!Array.isArray(perms)) return ["has no permission list"];
        const extra = perms.filter((p) => !(CUSTOM_ROLE_PERMISSIONS as readonly string[]).includes(p));
        const missing = CUSTOM_ROLE_PERMISSIONS.filter((p) => !perms.includes(p));
        const out = extra.map((p) => `custom role ${r.inputs.roleId ?? r.name} holds "${p}"; it may hold only ${CUSTOM_ROLE_PERMISSIONS.join(", ")}`);
        if (missing.length) out.push(`custom role ${r.inputs.roleId ?? r.name} lacks ${missing.join(", ")}`);
        return out;
    },
};
