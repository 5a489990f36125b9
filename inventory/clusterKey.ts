import { createHash } from "crypto";
import { ClusterIdentity } from "./schema";

/** Names the store uses for itself; no cluster key can be one of them (see clusterKey). */
export const STORE_RESERVED_NAMES: readonly string[] = ["runs", "audit", "latest"];

function part(text: string): string {
    return text.replace(/[^A-Za-z0-9._]+/g, "_").slice(0, 48) || "_";
}

/** Account / subscription / project from a cloud id (ARN, ARM id, GKE self link), when it holds one. */
function scopeOf(source: ClusterIdentity["source"], id: string): string | undefined {
    if (source === "aws") return /^arn:[^:]+:eks:[^:]*:(\d+):/.exec(id)?.[1];
    if (source === "azure") return /\/subscriptions\/([^/]+)/i.exec(id)?.[1];
    if (source === "gcp") return /projects\/([^/]+)/.exec(id)?.[1];
    return undefined;
}

/**
 * The store's folder for a cluster: readable parts, then a hash of the exact identity, so that it is
 *  - unique: kubeconfig contexts `prod/east` and `prod:east` (same readable part) hash differently,
 *    and EKS `prod` in two regions or two accounts differs by the cloud id (ARN) it hashes;
 *  - stable: it depends only on the context and server URL (kubeconfig) or the cloud id (discovery),
 *    which a cluster keeps for its life;
 *  - never a store name: it starts with the source (`kube-`, `aws-`, `azure-`, `gcp-`) and ends
 *    with the hash, so it can equal neither `runs` nor `latest` nor a `.tmp-` file.
 * The run record and every snapshot keep the identity beside the key, which is how a key is read back.
 */
export function clusterKey(identity: ClusterIdentity): string {
    let parts: string[];
    let exact: string;
    if (identity.source === "kubeconfig") {
        const host = (() => {
            try {
                return new URL(identity.server).host;
            } catch {
                return identity.server;
            }
        })();
        parts = ["kube", identity.context ?? identity.name, host];
        exact = JSON.stringify(["kubeconfig", identity.context ?? identity.name, identity.server]);
    } else {
        const id = typeof identity.cloud?.id === "string" ? identity.cloud.id : "";
        const location = typeof identity.cloud?.location === "string" ? identity.cloud.location : "";
        parts = [identity.source, scopeOf(identity.source, id) ?? "", location, identity.name].filter(Boolean);
        exact = JSON.stringify([identity.source, id || identity.name, location, identity.name]);
    }
    return `${parts.map(part).join("-")}-${createHash("sha256").update(exact).digest("hex").slice(0, 12)}`;
}

/** Whether a snapshot filed under the old scheme (the bare cluster name) is of this very cluster. */
export function sameCluster(a: ClusterIdentity, b: ClusterIdentity): boolean {
    return (
        a.source === b.source &&
        a.server === b.server &&
        a.context === b.context &&
        a.name === b.name &&
        (a.cloud?.id ?? null) === (b.cloud?.id ?? null)
    );
}
