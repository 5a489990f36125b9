/** Whether Defender's source ranges can reach a cluster's API endpoint (SPEC §3). */
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
 * Defender CIDRs that the endpoint does not let in. A private-only endpoint lets none in: Defender
 * then opens a restricted public endpoint with eks:UpdateClusterConfig, which must allow them all.
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
        return `API endpoint is private: Defender opens a restricted public endpoint (eks:UpdateClusterConfig), which must allow ${DEFENDER_CIDRS.join(" and ")}`;
    }
    return `public API endpoint is restricted to ${e.publicAccessCidrs.join(", ")}: add ${missing.join(" and ")} to publicAccessCidrs so that Defender can reach it`;
}
