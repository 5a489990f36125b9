import { serviceAccountEmail, serviceAccountMember } from "../../domain/gcp/identifiers";
import { GcpCloudLookup } from "../gcp/port";
import { LookupError } from "../../lib/errors";
import { DiscoveryResult } from "./types";

/**
 * GKE authorises Kubernetes API calls with project IAM as well as RBAC: the roles that the project's
 * IAM policy gives Defender's service account are a fact of each of the project's clusters.
 * One `projects.getIamPolicy` per project; its failure is kept on each cluster, for the snapshot to
 * say why Defender's access is unknown (inventory/defenderAccess.ts).
 */
export async function addDefenderProjectRoles(
    result: DiscoveryResult,
    lookup: Pick<GcpCloudLookup, "grants">,
    projectId: string,
    serviceAccount: string,
): Promise<void> {
    const clusters = result.clusters.filter((c) => c.cloud === "gcp");
    if (!clusters.length) return;
    const email = serviceAccount.includes("@") ? serviceAccount : serviceAccountEmail(serviceAccount, projectId);
    const member = serviceAccountMember(email);
    try {
        const grants = await lookup.grants({ kind: "project", id: projectId });
        const roles = [...new Set(grants.filter((g) => g.member === member).map((g) => g.role))].sort();
        for (const c of clusters) c.details.defenderProjectRoles = roles;
    } catch (e) {
        const why = e instanceof LookupError ? `${e.call} in ${e.scope}: ${e.reason}` : (e as Error).message;
        for (const c of clusters) c.details.iamError = why;
    }
}
