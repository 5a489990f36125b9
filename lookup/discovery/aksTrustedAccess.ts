import { parseAksClusterId } from "../../domain/azure/resourceIds";
import { cloudReason, LookupError } from "../../lib/errors";
import { mapLimit } from "../../lib/mapLimit";
import { AzureLookup } from "../azure/port";
import { DiscoveryResult } from "./types";

/** What a snapshot keeps of one trusted access role binding (the fact inventory/defenderAccess.ts judges). */
export interface TrustedAccessBindingFact {
    name: string;
    roles: string[];
    sourceResourceId: string;
}

/** Lists in flight at once: the default of the stack's `azure.lookupConcurrency` (docs/azure.md). */
const LISTS_AT_ONCE = 8;

/** The permission TrustedAccessRoleBindings_List needs (docs/sources.md, "Azure"). */
export const TRUSTED_ACCESS_READ = "Microsoft.ContainerService/managedClusters/trustedAccessRoleBindings/read";

/**
 * The reason a list failed, without what ARM's message says of the caller and the scope (object
 * ids, subscription): the snapshot's summary prints it, and it stays in the store. ARM's status
 * and code say enough: `ARM answered 403 AuthorizationFailed`.
 */
export function trustedAccessReason(e: unknown): string {
    const reason = e instanceof LookupError ? e.reason : cloudReason(e);
    const arm = /^ARM answered (\d{3})(?: ([A-Za-z]+))?/.exec(reason);
    if (arm) {
        const status = Number(arm[1]);
        const head = `TrustedAccessRoleBindings_List: ARM answered ${arm[1]}${arm[2] ? ` ${arm[2]}` : ""}`;
        return status === 401 || status === 403 ? `${head} (reading them needs ${TRUSTED_ACCESS_READ})` : head;
    }
    const line = reason.split(/\n|\.\s/)[0].trim();
    return `TrustedAccessRoleBindings_List: ${line.length > 160 ? `${line.slice(0, 160)}...` : line}`;
}

/**
 * Adds each AKS cluster's trusted access role bindings to its cloud facts (`trustedAccessRoleBindings`),
 * read with the live Azure lookup (lookup/azure/live.ts: the same credential and pipeline as the
 * cloud-state export, every page). A failed read is kept as `trustedAccessError`, for the access
 * verdict to say why it is unknown; excluded clusters are not read. A failure is kept per cluster,
 * so no list stops another.
 */
export async function addTrustedAccessBindings(
    result: DiscoveryResult,
    lookup: Pick<AzureLookup, "trustedAccessBindings">,
): Promise<void> {
    const clusters = result.clusters.filter((c) => c.cloud === "azure" && !c.excluded);
    await mapLimit(clusters, LISTS_AT_ONCE, async (c) => {
        const ref = parseAksClusterId(c.id);
        if (!ref) {
            c.details.trustedAccessError = "the cluster's id is not an AKS resource id";
            return;
        }
        try {
            const found = await lookup.trustedAccessBindings(ref);
            c.details.trustedAccessRoleBindings = found
                .map((b): TrustedAccessBindingFact => ({
                    name: b.name,
                    roles: [...b.roles],
                    sourceResourceId: b.sourceResourceId,
                }))
                .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
        } catch (e) {
            c.details.trustedAccessError = trustedAccessReason(e);
        }
    });
}
