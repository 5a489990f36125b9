import { GCP_CUSTOM_ROLE_TYPES, GKE_WRITE_ROLE_PERMISSIONS as CUSTOM_ROLE_PERMISSIONS } from "../facts";
import { ResourceRule } from "../types";

const CUSTOM_ROLE_TYPES: readonly string[] = GCP_CUSTOM_ROLE_TYPES;

/** Microsoft's optional inventory role (its id is fixed here) and its exact permissions. */
const INVENTORY_ROLE_ID = "MDCGkeContainerInventoryCollectionRole";
const INVENTORY_ROLE_PERMISSIONS: readonly string[] = ["container.nodes.proxy", "container.secrets.list"];

/**
 * The GCP stack creates the cluster write role (MDCGkeClusterWriteRole by default, renamable) and,
 * when asked, MDCGkeContainerInventoryCollectionRole; each must hold exactly its permissions.
 */
export const gkeWriteRoleExact: ResourceRule = {
    kind: "resource",
    name: "gke-write-role-exact",
    description: `GKE's MDCGkeClusterWriteRole holds exactly ${CUSTOM_ROLE_PERMISSIONS.join(", ")}; ${INVENTORY_ROLE_ID}, exactly ${INVENTORY_ROLE_PERMISSIONS.join(", ")}.`,
    enforcementLevel: "mandatory",
    validate(r) {
        if (!CUSTOM_ROLE_TYPES.includes(r.type)) return [];
        const perms = r.inputs.permissions;
        if (!Array.isArray(perms)) return ["has no permission list"];
        const allowed: readonly string[] =
            r.inputs.roleId === INVENTORY_ROLE_ID ? INVENTORY_ROLE_PERMISSIONS : CUSTOM_ROLE_PERMISSIONS;
        const extra = perms.filter((p) => !allowed.includes(p));
        const missing = allowed.filter((p) => !perms.includes(p));
        const out = extra.map(
            (p) => `custom role ${r.inputs.roleId ?? r.name} holds "${p}"; it may hold only ${allowed.join(", ")}`,
        );
        if (missing.length) out.push(`custom role ${r.inputs.roleId ?? r.name} lacks ${missing.join(", ")}`);
        return out;
    },
};
