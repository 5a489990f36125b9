import { ConfigError } from "../../lib/errors";
import { AKS_OVERRIDE_KEYS, ARC_OVERRIDE_KEYS, ClusterFilter, ClusterOverride } from "../../config/azureClusters";
import { EXCLUSION_TAG, isExcluded } from "../../domain/shared/exclusion";
import { AzureClusterFacts, AzureClusterKind } from "../../lookup/azure/port";
import { ClusterRef } from "../../domain/azure/resourceIds";

/** What the stack takes of the subscription's clusters, and why it leaves out the others. */
export interface ClusterSelection {
    aks: SelectedCluster[];
    arc: SelectedCluster[];
    leftOut: { cluster: AzureClusterFacts; reason: string }[];
}

export interface SelectedCluster extends AzureClusterFacts {
    override: ClusterOverride;
}

export interface SelectionConfig {
    aksClusters?: readonly ClusterRef[];
    arcClusters?: readonly ClusterRef[];
    include: readonly ClusterFilter[];
    exclude: readonly ClusterFilter[];
    overrides: Readonly<Record<string, ClusterOverride>>;
}

/** `*` any run of characters, `?` one; case-insensitive, as ARM compares names. */
export function globMatches(glob: string, value: string): boolean {
    const re = glob.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
    return new RegExp(`^${re}$`, "i").test(value);
}

export function filterMatches(f: ClusterFilter, c: AzureClusterFacts): boolean {
    if (f.kinds.length && !f.kinds.includes(c.kind)) return false;
    if (f.names.length && !f.names.some((g) => globMatches(g, c.name))) return false;
    if (f.resourceGroups.length && !f.resourceGroups.some((g) => globMatches(g, c.resourceGroup))) return false;
    for (const [key, glob] of Object.entries(f.tags)) {
        const tag = Object.entries(c.tags).find(([k]) => k.toLowerCase() === key.toLowerCase());
        if (!tag || !globMatches(glob, tag[1])) return false;
    }
    return true;
}

/** The key a cluster is found by in `azure.overrides`: its resource id or `<resourceGroup>/<name>`. */
function overrideMatches(key: string, c: AzureClusterFacts): boolean {
    const k = key.toLowerCase();
    return k === c.id.toLowerCase() || k === `${c.resourceGroup}/${c.name}`.toLowerCase();
}

const KIND_NAMES: Record<AzureClusterKind, string> = { aks: "an AKS cluster", arc: "an Arc-enabled cluster" };

function byId(a: AzureClusterFacts, b: AzureClusterFacts): number {
    const x = a.id.toLowerCase();
    const y = b.id.toLowerCase();
    return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * Applies the explicit lists, the filters, the exclusion tag and the overrides to what discovery
 * found. Pure. A listed cluster or an override that matches no cluster of the subscription is a
 * ConfigError naming it: a typo must not silently onboard nothing.
 */
export function selectClusters(found: readonly AzureClusterFacts[], cfg: SelectionConfig, subscriptionId: string, path = "azure"): ClusterSelection {
    const sorted = [...found].sort(byId);
    const explicit: Record<AzureClusterKind, readonly ClusterRef[] | undefined> = { aks: cfg.aksClusters, arc: cfg.arcClusters };
    for (const kind of ["aks", "arc"] as const) {
        const listPath = `${path}.${kind}Clusters`;
        explicit[kind]?.forEach((ref, i) => {
            if (!sorted.some((c) => c.kind === kind && c.id.toLowerCase() === ref.id.toLowerCase())) {
                const names = sorted.filter((c) => c.kind === kind).map((c) => `${c.resourceGroup}/${c.name}`);
                throw new ConfigError(`${listPath}[${i}].id`, ref.id,
                    `${KIND_NAMES[kind]} that subscription ${subscriptionId} has; it has ${names.length ? names.join(", ") : "none"}`);
            }
        });
    }

    const overrides = new Map<AzureClusterFacts, ClusterOverride>();
    for (const [key, o] of Object.entries(cfg.overrides)) {
        const p = `${path}.overrides["${key}"]`;
        const matches = sorted.filter((c) => overrideMatches(key, c));
        if (matches.length === 0) throw new ConfigError(p, key, `a cluster that subscription ${subscriptionId} has (by resource id or <resourceGroup>/<name>)`);
        if (matches.length > 1) throw new ConfigError(p, key, `a key naming one cluster; it names ${matches.map((c) => c.id).join(" and ")}: use the resource id`);
        const c = matches[0];
        const foreign = (c.kind === "aks" ? ARC_OVERRIDE_KEYS : AKS_OVERRIDE_KEYS).find((k) => o[k] !== undefined);
        if (foreign) {
            const allowed = c.kind === "aks" ? AKS_OVERRIDE_KEYS : ARC_OVERRIDE_KEYS;
            throw new ConfigError(`${p}.${foreign}`, o[foreign], `no such key for ${KIND_NAMES[c.kind]}; allowed: ${allowed.join(", ")}`);
        }
        overrides.set(c, o);
    }

    const out: ClusterSelection = { aks: [], arc: [], leftOut: [] };
    for (const c of sorted) {
        const list = explicit[c.kind];
        if (list && !list.some((r) => r.id.toLowerCase() === c.id.toLowerCase())) continue;
        let reason: string | undefined;
        if (isExcluded(c.tags)) reason = `tagged ${EXCLUSION_TAG}=true`;
        else if (cfg.include.length && !cfg.include.some((f) => filterMatches(f, c))) reason = `matches no filter of ${path}.include`;
        else {
            const i = cfg.exclude.findIndex((f) => filterMatches(f, c));
            if (i >= 0) reason = `matches ${path}.exclude${cfg.exclude.length > 1 ? `[${i}]` : ""}`;
        }
        if (reason) out.leftOut.push({ cluster: c, reason });
        else out[c.kind].push({ ...c, override: overrides.get(c) ?? {} });
    }
    return out;
}
