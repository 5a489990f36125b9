import { DEFENDER_CIDRS } from "../facts";
import { ResourceRule } from "../types";

/**
 * Defender reaches a private or IP-restricted API server through a public endpoint restricted to
 * its ranges (docs/sources.md: AWS). A fully private endpoint, or an allow list without them, leaves the cluster
 * undiscovered until someone opens it.
 */
export const defenderCidrsAllowed: ResourceRule = {
    kind: "resource",
    name: "defender-cidrs-allowed",
    description: `A cluster with a private or restricted endpoint allows Defender's ranges ${DEFENDER_CIDRS.join(", ")}.`,
    enforcementLevel: "advisory",
    validate(r) {
        if (r.type !== "agentless:aws:EksClusterAccess") return [];
        const cluster = r.inputs.clusterName ?? r.name;
        // The stack adds Defender's CIDRs itself (aws.overrides.<cluster>.defenderEndpointAccess).
        if (r.inputs.defenderEndpointAccess === true) return [];
        if (r.inputs.endpointPublicAccess === false) {
            return [
                `cluster ${cluster} has a private endpoint only, and Defender does not open it: enable public access restricted to ${DEFENDER_CIDRS.join(" and ")} (aws.overrides."<region>/<name>".defenderEndpointAccess: true does it)`,
            ];
        }
        const cidrs: string[] = Array.isArray(r.inputs.publicAccessCidrs) ? r.inputs.publicAccessCidrs : [];
        if (cidrs.length === 0 || cidrs.includes("0.0.0.0/0")) return [];
        const missing = DEFENDER_CIDRS.filter((c) => !cidrs.includes(c));
        return missing.length
            ? [`cluster ${cluster} restricts its endpoint to ${cidrs.join(", ")} without ${missing.join(" and ")}`]
            : [];
    },
};
