/**
 * Which discovered clusters a stack onboards: one rule for every cloud (docs/cluster-selection.md).
 * Pure functions over what discovery found and the validated config. Each cloud supplies only how
 * a cluster is keyed, named and tagged (`stack/aws/selection.ts`, `stack/azure/selection.ts`,
 * `stack/gcp/selection.ts`).
 */
import { ConfigError } from "../lib/errors";
import { ClusterFilter } from "../config/clusterFilters";
import { EXCLUSION_TAG, isExcluded } from "../domain/shared/exclusion";

/** How one cloud keys, names and tags its discovered clusters. */
export interface ClusterShape<C> {
    /**
     * What config may write for the cluster in a list or an override, its unique key first: AWS
     * `<region>/<name>`; Azure the resource id, then `<resourceGroup>/<name>`; GCP `<project>/<location>/<name>`.
     */
    keys(c: C): readonly string[];
    /** How errors and a glob with a "/" name it: Azure `<resourceGroup>/<name>`, elsewhere its key. */
    qualifiedName(c: C): string;
    name(c: C): string;
    /** Its tags (GCP: labels), as the cloud reports them. */
    tags(c: C): Readonly<Record<string, string>>;
    /** The cloud's other filter criteria (Azure: resourceGroups, kinds): the cluster's value, and its name in a reason. */
    attributes?: Readonly<Record<string, { label: string; of: (c: C) => string }>>;
    /** ARM compares names and tag keys without case; EKS and GKE exactly. */
    ignoreCase: boolean;
    /** "tag", or GCP's "label". */
    tagNoun: "tag" | "label";
    /** Where discovery looked, for errors: "eu-west-1, us-east-1", "subscription <id>", "project <id>". */
    where: string;
}

/** A config entry naming one cluster (a listed cluster, an override key) and the config key it sits at. */
export interface NamedCluster {
    path: string;
    key: string;
}

/** An explicit list: the clusters it covers are taken only when listed, and each listed one must exist. */
export interface ExplicitList<C> {
    /** The list's config key (aws.clusters, azure.aksClusters). */
    path: string;
    entries: readonly NamedCluster[];
    /** What a listed cluster must be, for the error: "a cluster", "an AKS cluster". */
    what: string;
    /** The clusters the list decides about (Azure: those of its kind); absent: every cluster. */
    covers?: (c: C) => boolean;
}

export interface Override<O> extends NamedCluster {
    settings: O;
}

export interface FilterList {
    /** The config key (aws.include, gcp.discovery.exclude). */
    path: string;
    filters: readonly ClusterFilter[];
}

export interface SelectionRules<C, O> {
    lists?: readonly ExplicitList<C>[];
    include?: FilterList;
    exclude?: FilterList;
    /** Per-cluster settings; each must name one discovered cluster. They never decide inclusion. */
    overrides?: readonly Override<O>[];
}

export interface ConsideredCluster<C, O> {
    cluster: C;
    /** The override that names the cluster, whether or not the cluster is taken. */
    override?: Override<O>;
    /** Why the cluster is left out; absent when it is taken. */
    reason?: string;
}

export interface Selection<C, O> {
    /** Every discovered cluster, in discovery order. */
    considered: ConsideredCluster<C, O>[];
    selected: ConsideredCluster<C, O>[];
    leftOut: (ConsideredCluster<C, O> & { reason: string })[];
}

/** How many discovered clusters an error lists: enough to spot a typo, short enough to read. */
export const LISTED_CLUSTERS = 10;

/** `*` any run of characters, `?` one; everything else literal; anchored at both ends. */
export function globMatches(glob: string, text: string, ignoreCase = false): boolean {
    const re = glob
        .replace(/[.+^${}()|[\]\\]/g, "\\$&")
        .replace(/\*/g, ".*")
        .replace(/\?/g, ".");
    return new RegExp(`^${re}$`, ignoreCase ? "i" : "").test(text);
}

function fold(s: string, ignoreCase: boolean): string {
    return ignoreCase ? s.toLowerCase() : s;
}

function tagValue<C>(shape: ClusterShape<C>, c: C, key: string): string | undefined {
    const k = fold(key, shape.ignoreCase);
    return Object.entries(shape.tags(c)).find(([t]) => fold(t, shape.ignoreCase) === k)?.[1];
}

function attributeOf<C>(shape: ClusterShape<C>, criterion: string) {
    const a = shape.attributes?.[criterion];
    if (!a) throw new Error(`filter criterion ${criterion} has no value on this cloud's clusters`);
    return a;
}

/** The first criterion of the filter that the cluster does not meet, in words; undefined: it matches. */
export function filterMiss<C>(f: ClusterFilter, c: C, shape: ClusterShape<C>): string | undefined {
    const ic = shape.ignoreCase;
    if (
        f.names.length &&
        !f.names.some((g) => globMatches(g, g.includes("/") ? shape.qualifiedName(c) : shape.name(c), ic))
    ) {
        return `name matches none of ${f.names.join(", ")}`;
    }
    for (const [key, glob] of Object.entries(f.tags)) {
        const value = tagValue(shape, c, key);
        if (value === undefined || !globMatches(glob, value, ic)) return `no ${shape.tagNoun} ${key}=${glob}`;
    }
    for (const [criterion, globs] of Object.entries(f.attributes)) {
        const a = attributeOf(shape, criterion);
        const value = a.of(c);
        if (globs.length && !globs.some((g) => globMatches(g, value, ic)))
            return `${a.label} ${value} matches none of ${globs.join(", ")}`;
    }
    return undefined;
}

/** What a filter asks, in words: `names *-scratch; tag env=dev`. */
export function filterText<C>(f: ClusterFilter, shape: ClusterShape<C>): string {
    const parts: string[] = [];
    if (f.names.length) parts.push(`names ${f.names.join(", ")}`);
    for (const [key, glob] of Object.entries(f.tags)) parts.push(`${shape.tagNoun} ${key}=${glob}`);
    for (const [criterion, globs] of Object.entries(f.attributes))
        if (globs.length) parts.push(`${attributeOf(shape, criterion).label} ${globs.join(", ")}`);
    return parts.join("; ");
}

export function filterMatches<C>(f: ClusterFilter, c: C, shape: ClusterShape<C>): boolean {
    return filterMiss(f, c, shape) === undefined;
}

/** Levenshtein distance: how many one-character edits turn a into b. */
function distance(a: string, b: string): number {
    let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        const row = [i];
        for (let j = 1; j <= b.length; j++)
            row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
        prev = row;
    }
    return prev[b.length];
}

/** The discovered clusters for an error, nearest to what config wrote first, at most LISTED_CLUSTERS of them. */
export function foundClusters<C>(written: string, among: readonly C[], shape: ClusterShape<C>): string {
    if (among.length === 0) return "it found none";
    const w = fold(written, shape.ignoreCase);
    const ranked = among
        .map((c, i) => ({
            name: shape.qualifiedName(c),
            d: Math.min(...shape.keys(c).map((k) => distance(w, fold(k, shape.ignoreCase)))),
            i,
        }))
        .sort((a, b) => a.d - b.d || a.i - b.i)
        .slice(0, LISTED_CLUSTERS)
        .map((r) => r.name);
    return among.length <= LISTED_CLUSTERS
        ? `it found ${ranked.join(", ")}`
        : `it found ${among.length}, nearest first: ${ranked.join(", ")}, ...`;
}

/** The clusters each key config may write names (one map per call: lists can name hundreds of clusters). */
function byKey<C>(among: readonly C[], shape: ClusterShape<C>): Map<string, C[]> {
    const index = new Map<string, C[]>();
    for (const c of among) {
        for (const k of new Set(shape.keys(c).map((x) => fold(x, shape.ignoreCase))))
            index.set(k, [...(index.get(k) ?? []), c]);
    }
    return index;
}

/** The one cluster among `among` that the entry names; a ConfigError when it names none or several. */
function resolve<C>(
    entry: NamedCluster,
    what: string,
    among: readonly C[],
    index: Map<string, C[]>,
    shape: ClusterShape<C>,
): C {
    const matches = index.get(fold(entry.key, shape.ignoreCase)) ?? [];
    if (matches.length === 0) {
        throw new ConfigError(
            entry.path,
            entry.key,
            `${what} that discovery found in ${shape.where}; ${foundClusters(entry.key, among, shape)}`,
        );
    }
    if (matches.length > 1) {
        throw new ConfigError(
            entry.path,
            entry.key,
            `a key naming one cluster; it names ${matches.map((c) => shape.keys(c)[0]).join(" and ")}: write the one you mean`,
        );
    }
    return matches[0];
}

function covers<C>(list: ExplicitList<C>, c: C): boolean {
    return list.covers?.(c) ?? true;
}

/**
 * The one selection rule. A cluster is taken when all of these hold, and the first that fails is
 * its reason to be left out:
 * 1. it does not carry Defender's exclusion tag (label) with the value true: Defender skips it whatever config says;
 * 2. every explicit list that covers it lists it;
 * 3. it matches one `include` filter, when there are any;
 * 4. it matches no `exclude` filter.
 * Overrides only attach settings. A listed cluster or an override that names no discovered cluster
 * (a typo, or a cluster that is gone) is a ConfigError naming the key, the value and what exists.
 */
export function selectClusters<C, O>(
    found: readonly C[],
    shape: ClusterShape<C>,
    rules: SelectionRules<C, O>,
): Selection<C, O> {
    const lists = (rules.lists ?? []).map((list) => {
        const covered = found.filter((c) => covers(list, c));
        const index = byKey(covered, shape);
        return { list, listed: new Set(list.entries.map((e) => resolve(e, list.what, covered, index, shape))) };
    });
    const overrides = new Map<C, Override<O>>();
    const index = byKey(found, shape);
    for (const o of rules.overrides ?? []) {
        const c = resolve(o, "a cluster", found, index, shape);
        const earlier = overrides.get(c);
        if (earlier)
            throw new ConfigError(
                o.path,
                o.key,
                `one override per cluster; ${earlier.path} names the same cluster, ${shape.qualifiedName(c)}`,
            );
        overrides.set(c, o);
    }
    const reasonFor = (c: C): string | undefined => {
        if (isExcluded(shape.tags(c)))
            return `${shape.tagNoun === "tag" ? "tagged" : "labelled"} ${EXCLUSION_TAG}=true (Defender skips it)`;
        const unlisted = lists.find(({ list, listed }) => covers(list, c) && !listed.has(c));
        if (unlisted) return `not listed in ${unlisted.list.path}`;
        const inc = rules.include;
        if (inc && inc.filters.length && !inc.filters.some((f) => filterMatches(f, c, shape))) {
            return inc.filters.length === 1
                ? `does not match ${inc.path} (${filterMiss(inc.filters[0], c, shape)})`
                : `matches no filter of ${inc.path}`;
        }
        const exc = rules.exclude;
        const i = exc ? exc.filters.findIndex((f) => filterMatches(f, c, shape)) : -1;
        if (exc && i >= 0) {
            const what = filterText(exc.filters[i], shape);
            return `matches ${exc.path}${exc.filters.length > 1 ? `[${i}]` : ""}${what ? ` (${what})` : ""}`;
        }
        return undefined;
    };
    const considered = found.map((cluster): ConsideredCluster<C, O> => {
        const entry: ConsideredCluster<C, O> = { cluster };
        const override = overrides.get(cluster);
        if (override) entry.override = override;
        const reason = reasonFor(cluster);
        if (reason !== undefined) entry.reason = reason;
        return entry;
    });
    return {
        considered,
        selected: considered.filter((c) => c.reason === undefined),
        leftOut: considered.filter((c): c is ConsideredCluster<C, O> & { reason: string } => c.reason !== undefined),
    };
}
