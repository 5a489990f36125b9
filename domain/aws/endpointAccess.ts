/** Whether Defender's source ranges can reach a cluster's API endpoint (docs/sources.md, "EKS network"). */
import { DEFENDER_CIDRS } from "./facts";

export interface EndpointSettings {
    publicAccess: boolean;
    privateAccess: boolean;
    publicAccessCidrs: readonly string[];
}

function parse(cidr: string): [number, number] {
    const [addr, bits] = cidr.split("/");
    const n = addr.split(".").reduce((acc, o) => acc * 256 + Number(o), 0);
    return [n, Number(bits)];
}

/** True when `outer` holds every address of `inner`. */
export function cidrContains(outer: string, inner: string): boolean {
    const [o, ob] = parse(outer);
    const [i, ib] = parse(inner);
    if (ob > ib) return false;
    const size = 2 ** (32 - ob);
    return Math.floor(o / size) === Math.floor(i / size);
}

/**
 * Defender CIDRs that the endpoint does not let in. A private-only endpoint lets none in, and
 * Defender does not open it: Microsoft's network article says a restricted public endpoint must be
 * enabled with Defender's CIDRs.
 */
export function missingDefenderCidrs(e: EndpointSettings): string[] {
    if (!e.publicAccess) return [...DEFENDER_CIDRS];
    return DEFENDER_CIDRS.filter((d) => !e.publicAccessCidrs.some((c) => cidrContains(c, d)));
}

/** The note a reviewer reads for a private or restricted endpoint; undefined when Defender gets in. */
export function endpointNetworkNote(e: EndpointSettings): string | undefined {
    const missing = missingDefenderCidrs(e);
    if (missing.length === 0) return undefined;
    if (!e.publicAccess) {
        return (
            `API endpoint is private: discovery cannot reach this cluster (Defender does not open the endpoint); ` +
            `enable a restricted public endpoint that allows ${DEFENDER_CIDRS.join(" and ")}`
        );
    }
    return `public API endpoint is restricted to ${e.publicAccessCidrs.join(", ")}: add ${missing.join(" and ")} to publicAccessCidrs so that Defender can reach it`;
}

/** publicAccessCidrs with Defender's ranges added, the existing ones kept first and in order. */
export function cidrsWithDefender(existing: readonly string[]): string[] {
    return [...existing, ...DEFENDER_CIDRS.filter((d) => !existing.some((c) => cidrContains(c, d)))];
}

/** The command that enables the restricted public endpoint, keeping the cluster's CIDRs. */
export function restrictedEndpointCommand(clusterName: string, region: string, e: EndpointSettings): string {
    const cidrs = cidrsWithDefender(e.publicAccess ? e.publicAccessCidrs : []);
    return (
        `aws eks update-cluster-config --region ${region} --name ${clusterName} ` +
        `--resources-vpc-config endpointPublicAccess=true,endpointPrivateAccess=${e.privateAccess || !e.publicAccess},publicAccessCidrs=${cidrs.join(",")}`
    );
}
