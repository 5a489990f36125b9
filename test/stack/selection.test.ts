import { strict as assert } from "assert";
import { ConfigError } from "../../lib/errors";
import { ClusterFilter } from "../../config/clusterFilters";
import {
    ClusterShape,
    filterMiss,
    foundClusters,
    globMatches,
    LISTED_CLUSTERS,
    selectClusters,
    SelectionRules,
} from "../../stack/selection";
import { eksShape } from "../../stack/aws/selection";
import { azureShape } from "../../stack/azure/selection";
import { gkeShape } from "../../stack/gcp/selection";
import { DiscoveredEksCluster } from "../../lookup/aws/port";
import { AzureClusterFacts } from "../../lookup/azure/port";
import { GkeClusterFacts } from "../../lookup/gcp/port";
import { parseAksClusterId } from "../../domain/azure/resourceIds";

/** A cloud of its own: clusters keyed `<zone>/<name>`, with a `tier` criterion. */
interface Toy {
    zone: string;
    name: string;
    tags: Record<string, string>;
    tier: string;
}
const toy = (zone: string, name: string, tags: Record<string, string> = {}, tier = "gold"): Toy => ({
    zone,
    name,
    tags,
    tier,
});
const SHAPE: ClusterShape<Toy> = {
    keys: (c) => [`${c.zone}/${c.name}`],
    qualifiedName: (c) => `${c.zone}/${c.name}`,
    name: (c) => c.name,
    tags: (c) => c.tags,
    attributes: { tiers: { label: "tier", of: (c) => c.tier } },
    ignoreCase: false,
    tagNoun: "tag",
    where: "zones a, b",
};
const f = (over: Partial<ClusterFilter>): ClusterFilter => ({ names: [], tags: {}, attributes: {}, ...over });
const select = (found: Toy[], rules: SelectionRules<Toy, { x: number }>) => selectClusters(found, SHAPE, rules);
const decisions = (s: ReturnType<typeof select>) =>
    s.considered.map((c) => `${c.cluster.zone}/${c.cluster.name}: ${c.reason ?? "taken"}`);

function configError(fn: () => unknown): ConfigError {
    try {
        fn();
    } catch (e) {
        assert.ok(e instanceof ConfigError, String(e));
        return e;
    }
    assert.fail("expected a ConfigError");
}

describe("the one cluster selection rule (stack/selection.ts)", () => {
    it("globs: * any run, ? one character, everything else literal, anchored; case only where the cloud ignores it", () => {
        assert.equal(globMatches("prod-*", "prod-api"), true);
        assert.equal(globMatches("prod-?", "prod-ab"), false);
        assert.equal(globMatches("a.b", "axb"), false);
        assert.equal(globMatches("(rg)+", "(rg)+"), true);
        assert.equal(globMatches("*prod", "prod-eu"), false);
        assert.equal(globMatches("PROD-*", "prod-api"), false);
        assert.equal(globMatches("PROD-*", "prod-api", true), true);
    });

    it("a filter holds when every criterion it gives holds, and names the first that does not", () => {
        const c = toy("a", "api", { env: "prod", team: "shop" }, "silver");
        assert.equal(
            filterMiss(f({ names: ["api", "web"], tags: { env: "p*" }, attributes: { tiers: ["silver"] } }), c, SHAPE),
            undefined,
        );
        assert.equal(filterMiss(f({ names: ["b/*"] }), c, SHAPE), "name matches none of b/*");
        assert.equal(filterMiss(f({ tags: { env: "prod", owner: "*" } }), c, SHAPE), "no tag owner=*");
        assert.equal(filterMiss(f({ tags: { team: "pay*" } }), c, SHAPE), "no tag team=pay*");
        assert.equal(
            filterMiss(f({ attributes: { tiers: ["gold", "bronze"] } }), c, SHAPE),
            "tier silver matches none of gold, bronze",
        );
        assert.throws(
            () => filterMiss(f({ attributes: { colour: ["red"] } }), c, SHAPE),
            /filter criterion colour has no value on this cloud's clusters/,
        );
    });

    it("leaves a cluster out for the first rule it fails: Defender's tag, an explicit list, include, exclude", () => {
        const found = [
            toy("a", "tagged", { MS_Defender_Container_Exclude_Agentless: "TRUE", env: "prod" }),
            toy("a", "unlisted", { env: "prod" }),
            toy("a", "dev", { env: "dev" }),
            toy("b", "tmp", { env: "prod" }),
            toy("b", "api", { env: "prod" }),
        ];
        const s = select(found, {
            lists: [
                {
                    path: "toy.clusters",
                    what: "a cluster",
                    entries: ["a/tagged", "a/dev", "b/tmp", "b/api"].map((key, i) => ({
                        path: `toy.clusters[${i}]`,
                        key,
                    })),
                },
            ],
            include: { path: "toy.include", filters: [f({ tags: { env: "prod" } })] },
            exclude: { path: "toy.exclude", filters: [f({ names: ["*-x"] }), f({ names: ["tmp"] })] },
        });
        assert.deepEqual(decisions(s), [
            "a/tagged: tagged ms_defender_container_exclude_agentless=true (Defender skips it)",
            "a/unlisted: not listed in toy.clusters",
            "a/dev: does not match toy.include (no tag env=prod)",
            "b/tmp: matches toy.exclude[1] (names tmp)",
            "b/api: taken",
        ]);
        assert.deepEqual(
            s.selected.map((c) => c.cluster.name),
            ["api"],
        );
        assert.deepEqual(
            s.leftOut.map((c) => c.cluster.name),
            ["tagged", "unlisted", "dev", "tmp"],
        );
    });

    it("include with several filters takes a cluster matching one; exclude with one filter names no index", () => {
        const found = [toy("a", "api", {}, "gold"), toy("a", "web", {}, "bronze"), toy("a", "db", {}, "silver")];
        const s = select(found, {
            include: {
                path: "toy.include",
                filters: [f({ names: ["api", "db"] }), f({ attributes: { tiers: ["bronze"] } })],
            },
            exclude: { path: "toy.exclude", filters: [f({ names: ["db"] })] },
        });
        assert.deepEqual(decisions(s), ["a/api: taken", "a/web: taken", "a/db: matches toy.exclude (names db)"]);
        const none = select(found, {
            include: { path: "toy.include", filters: [f({ names: ["x"] }), f({ names: ["y"] })] },
        });
        assert.deepEqual(decisions(none), [
            "a/api: matches no filter of toy.include",
            "a/web: matches no filter of toy.include",
            "a/db: matches no filter of toy.include",
        ]);
    });

    it("an explicit list decides only about the clusters it covers", () => {
        const found = [toy("a", "api"), toy("b", "api"), toy("b", "web")];
        const s = select(found, {
            lists: [
                {
                    path: "toy.bClusters",
                    what: "a b-zone cluster",
                    covers: (c) => c.zone === "b",
                    entries: [{ path: "toy.bClusters[0]", key: "b/web" }],
                },
            ],
        });
        assert.deepEqual(decisions(s), ["a/api: taken", "b/api: not listed in toy.bClusters", "b/web: taken"]);
        const e = configError(() =>
            select(found, {
                lists: [
                    {
                        path: "toy.bClusters",
                        what: "a b-zone cluster",
                        covers: (c) => c.zone === "b",
                        entries: [{ path: "toy.bClusters[0]", key: "a/api" }],
                    },
                ],
            }),
        );
        assert.equal(
            e.message,
            'config key "toy.bClusters[0]" has value "a/api"; expected a b-zone cluster that discovery found in zones a, b; it found b/api, b/web',
        );
    });

    it("overrides attach settings and never decide inclusion; an override of a cluster left out is kept, unused", () => {
        const found = [toy("a", "api"), toy("a", "tmp")];
        const s = select(found, {
            exclude: { path: "toy.exclude", filters: [f({ names: ["tmp"] })] },
            overrides: [
                { path: "toy.overrides.a/api", key: "a/api", settings: { x: 1 } },
                { path: "toy.overrides.a/tmp", key: "a/tmp", settings: { x: 2 } },
            ],
        });
        assert.deepEqual(
            s.considered.map((c) => [c.cluster.name, c.override?.settings, c.reason]),
            [
                ["api", { x: 1 }, undefined],
                ["tmp", { x: 2 }, "matches toy.exclude (names tmp)"],
            ],
        );
    });

    it("an override or a listed cluster that discovery did not find is a ConfigError naming the key, the value and what exists", () => {
        const found = [toy("a", "api"), toy("a", "web"), toy("b", "api")];
        const e = configError(() =>
            select(found, { overrides: [{ path: "toy.overrides.a/wbe", key: "a/wbe", settings: { x: 1 } }] }),
        );
        assert.equal(e.key, "toy.overrides.a/wbe");
        assert.equal(e.value, "a/wbe");
        assert.equal(
            e.message,
            'config key "toy.overrides.a/wbe" has value "a/wbe"; expected a cluster that discovery found in zones a, b; it found a/web, a/api, b/api',
        );
        assert.equal(
            configError(() =>
                select([], {
                    lists: [
                        {
                            path: "toy.clusters",
                            what: "a cluster",
                            entries: [{ path: "toy.clusters[0]", key: "a/api" }],
                        },
                    ],
                }),
            ).message,
            'config key "toy.clusters[0]" has value "a/api"; expected a cluster that discovery found in zones a, b; it found none',
        );
    });

    it("lists at most LISTED_CLUSTERS discovered clusters, the nearest to what config wrote first", () => {
        const many = Array.from({ length: 40 }, (_, i) => toy("a", `cluster-${String(i).padStart(2, "0")}`));
        const text = foundClusters("a/cluster-7", many, SHAPE);
        assert.equal(LISTED_CLUSTERS, 10);
        assert.equal(
            text,
            "it found 40, nearest first: a/cluster-07, a/cluster-17, a/cluster-27, a/cluster-37, " +
                "a/cluster-00, a/cluster-01, a/cluster-02, a/cluster-03, a/cluster-04, a/cluster-05, ...",
        );
        assert.equal(
            foundClusters("a/cluster-7", many.slice(0, LISTED_CLUSTERS), SHAPE).split(", ").length,
            LISTED_CLUSTERS,
            "ten found: all ten, no ellipsis",
        );
    });

    it("an override key naming two clusters, or two keys naming one, is a ConfigError", () => {
        const two: ClusterShape<Toy> = {
            ...SHAPE,
            keys: (c) => [`${c.zone}/${c.name}/${c.tier}`, `${c.zone}/${c.name}`],
        };
        const found = [toy("a", "api", {}, "gold"), toy("a", "api", {}, "silver")];
        assert.equal(
            configError(() =>
                selectClusters(found, two, { overrides: [{ path: "o[a/api]", key: "a/api", settings: 1 }] }),
            ).message,
            'config key "o[a/api]" has value "a/api"; expected a key naming one cluster; it names a/api/gold and a/api/silver: write the one you mean',
        );
        assert.equal(
            configError(() =>
                selectClusters(found, two, {
                    overrides: [
                        { path: "o[1]", key: "a/api/gold", settings: 1 },
                        { path: "o[2]", key: "a/api/gold", settings: 2 },
                    ],
                }),
            ).message,
            'config key "o[2]" has value "a/api/gold"; expected one override per cluster; o[1] names the same cluster, a/api',
        );
    });
});

describe("one meaning on every cloud", () => {
    // The same fleet on each cloud: web (tagged team=web), web-tmp, lab (Defender's exclusion tag), db.
    const tags = {
        web: { team: "web" },
        "web-tmp": { team: "web" },
        lab: { ms_defender_container_exclude_agentless: "true" },
        db: {},
    } as Record<string, Record<string, string>>;
    const names = Object.keys(tags);
    const eks = names.map((name): DiscoveredEksCluster => ({
        name,
        region: "eu-west-1",
        arn: `arn:aws:eks:eu-west-1:111122223333:cluster/${name}`,
        authenticationMode: "API",
        endpoint: { publicAccess: true, privateAccess: false, publicAccessCidrs: [] },
        enabledLogTypes: [],
        tags: tags[name],
    }));
    const SUB = "3f2a9c1e-7b4d-4e8a-9c62-1d5e8f0a7b34";
    const aks = names.map((name): AzureClusterFacts => ({
        ...parseAksClusterId(
            `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/${name}`,
        )!,
        kind: "aks",
        location: "westeurope",
        tags: tags[name],
    }));
    const gke = names.map((name): GkeClusterFacts => ({
        projectId: "shop-prod",
        location: "europe-west1",
        name,
        labels: tags[name],
    }));
    const rules = {
        include: { path: "include", filters: [f({ tags: { team: "*" } }), f({ names: ["db"] })] },
        exclude: { path: "exclude", filters: [f({ names: ["*-tmp"], tags: { team: "web" } })] },
    };
    const outcome = (s: { considered: { reason?: string }[] }) =>
        s.considered.map(
            (c, i) =>
                `${names[i]}: ${(c.reason ?? "taken").replace(/^(tagged|labelled) /, "").replace(/\b(tag|label) /, "tag ")}`,
        );

    it("include, exclude and Defender's tag take and leave out the same clusters for the same reasons on AWS, Azure and GCP", () => {
        const expected = [
            "web: taken",
            "web-tmp: matches exclude (names *-tmp; tag team=web)",
            "lab: ms_defender_container_exclude_agentless=true (Defender skips it)",
            "db: taken",
        ];
        assert.deepEqual(outcome(selectClusters(eks, eksShape(["eu-west-1"]), rules)), expected);
        assert.deepEqual(outcome(selectClusters(aks, azureShape(SUB), rules)), expected);
        assert.deepEqual(outcome(selectClusters(gke, gkeShape(["shop-prod"]), rules)), expected);
    });

    it("an override (or, on GCP, which has none, a listed cluster) with a one-letter typo is the same ConfigError on AWS, Azure and GCP", () => {
        const typo = (key: string) => ({ overrides: [{ path: `overrides.${key}`, key, settings: {} }] });
        assert.match(
            configError(() => selectClusters(eks, eksShape(["eu-west-1"]), typo("eu-west-1/wbe"))).message,
            /^config key "overrides.eu-west-1\/wbe" has value "eu-west-1\/wbe"; expected a cluster that discovery found in eu-west-1; it found eu-west-1\/web, /,
        );
        assert.match(
            configError(() => selectClusters(aks, azureShape(SUB), typo("rg/wbe"))).message,
            new RegExp(
                `^config key "overrides.rg/wbe" has value "rg/wbe"; expected a cluster that discovery found in subscription ${SUB}; it found rg/web, `,
            ),
        );
        const listed = {
            lists: [
                {
                    path: "clusters",
                    what: "a cluster",
                    entries: [{ path: "clusters[0]", key: "shop-prod/europe-west1/wbe" }],
                },
            ],
        };
        assert.match(
            configError(() => selectClusters(gke, gkeShape(["shop-prod"]), listed)).message,
            /^config key "clusters\[0\]" has value "shop-prod\/europe-west1\/wbe"; expected a cluster that discovery found in project shop-prod; it found shop-prod\/europe-west1\/web, /,
        );
    });
});
