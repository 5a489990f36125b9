import { strict as assert } from "assert";
import { DiscoveredEksCluster } from "../../../lookup/aws/port";
import { eksShape, selectEksClusters } from "../../../stack/aws/selection";
import { filterMatches, filterMiss } from "../../../stack/selection";
import { loadAwsConfig } from "../../../config/aws";
import { ClusterFilter } from "../../../config/clusterFilters";

const ACCOUNT = "444455556666";

function found(name: string, region = "eu-west-1", extra: Partial<DiscoveredEksCluster> = {}): DiscoveredEksCluster {
    return {
        name,
        region,
        arn: `arn:aws:eks:${region}:${ACCOUNT}:cluster/${name}`,
        authenticationMode: "API",
        endpoint: { publicAccess: true, privateAccess: false, publicAccessCidrs: ["0.0.0.0/0"] },
        enabledLogTypes: [],
        tags: {},
        ...extra,
    };
}

const filter = (f: Partial<ClusterFilter>): ClusterFilter => ({ names: [], tags: {}, attributes: {}, ...f });

describe("AWS cluster selection (stack/aws/selection.ts over the one rule)", () => {
    const shape = eksShape(["eu-west-1"]);

    it("matches name globs on the name, or on <region>/<name> when the glob has a slash, with case", () => {
        const c = found("prod-api");
        const names = (...n: string[]) => filterMatches(filter({ names: n }), c, shape);
        assert.equal(names("prod-*"), true);
        assert.equal(names("prod-ap?"), true);
        assert.equal(names("prod"), false);
        assert.equal(names("eu-*/prod-*"), true);
        assert.equal(names("us-*/prod-*"), false);
        assert.equal(names("*"), true);
        assert.equal(names("PROD-*"), false, "EKS names compare exactly");
    });

    it("a filter needs every criterion it gives, and says which one fails; tag value * means any value", () => {
        const c = found("prod-api", "eu-west-1", { tags: { team: "shop", env: "prod" } });
        assert.equal(filterMiss(filter({ names: ["prod-*"], tags: { env: "prod" } }), c, shape), undefined);
        assert.equal(filterMiss(filter({ names: ["dev-*"] }), c, shape), "name matches none of dev-*");
        assert.equal(filterMiss(filter({ tags: { env: "prod", owner: "*" } }), c, shape), "no tag owner=*");
        assert.equal(filterMiss(filter({ tags: { team: "*" } }), c, shape), undefined);
        assert.equal(
            filterMiss(filter({ tags: { Team: "shop" } }), c, shape),
            "no tag Team=shop",
            "EKS tag keys compare exactly",
        );
        assert.equal(
            filterMiss(filter({ names: ["prod-*"], tags: { team: "payments" } }), c, shape),
            "no tag team=payments",
        );
    });

    it("exclude means what it means on every cloud: one filter needs all its criteria, a list needs one filter", () => {
        const c = [found("prod-api", "eu-west-1", { tags: { team: "shop" } }), found("ci-tmp")];
        const base = { accountId: ACCOUNT, region: "eu-west-1" };
        // One filter with a name and a tag: only a cluster with both is left out (it used to be either, on AWS only).
        const both = selectEksClusters(
            loadAwsConfig({ ...base, exclude: { names: ["*-tmp"], tags: { team: "*" } } }),
            c,
        );
        assert.deepEqual(
            both.clusters.map((x) => x.name),
            ["prod-api", "ci-tmp"],
        );
        const either = selectEksClusters(
            loadAwsConfig({ ...base, exclude: [{ names: ["*-tmp"] }, { tags: { team: "*" } }] }),
            c,
        );
        assert.deepEqual(either.leftOut, [
            { key: "eu-west-1/prod-api", reason: "matches aws.exclude[1] (tag team=*)" },
            { key: "eu-west-1/ci-tmp", reason: "matches aws.exclude[0] (names *-tmp)" },
        ]);
        const inc = selectEksClusters(
            loadAwsConfig({ ...base, include: { names: ["prod-*"], tags: { env: "prod" } } }),
            c,
        );
        assert.deepEqual(inc.leftOut, [
            { key: "eu-west-1/prod-api", reason: "does not match aws.include (no tag env=prod)" },
            { key: "eu-west-1/ci-tmp", reason: "does not match aws.include (name matches none of prod-*)" },
        ]);
    });

    it("selects discovered clusters, leaves out by filter and by the exclusion tag with the reason, and applies overrides by <region>/<name>", () => {
        const cfg = loadAwsConfig({
            accountId: ACCOUNT,
            region: "eu-west-1",
            regions: ["eu-west-1", "us-east-1"],
            exclude: { names: ["*-tmp"] },
            overrides: {
                "us-east-1/api": { accessPolicy: "AmazonEKSAdminViewPolicy", defenderEndpointAccess: true },
                "eu-west-1/lab": { manageLogging: true },
            },
        });
        const s = selectEksClusters(cfg, [
            found("api"),
            found("api", "us-east-1"),
            found("ci-tmp"),
            found("lab", "eu-west-1", { tags: { MS_Defender_Container_Exclude_Agentless: "True" } }),
        ]);
        assert.deepEqual(
            s.clusters.map((c) => [c.region, c.name, c.accessPolicy, c.defenderEndpointAccess]),
            [
                ["eu-west-1", "api", "AmazonEKSViewPolicy", false],
                ["us-east-1", "api", "AmazonEKSAdminViewPolicy", true],
            ],
        );
        assert.deepEqual(
            s.leftOut,
            [
                { key: "eu-west-1/ci-tmp", reason: "matches aws.exclude (names *-tmp)" },
                {
                    key: "eu-west-1/lab",
                    reason: "tagged ms_defender_container_exclude_agentless=true (Defender skips it)",
                },
            ],
            "an override of a cluster left out is valid and applies to nothing",
        );
    });

    it("an override naming no discovered cluster is a config error naming the key, the value and the clusters discovery found, nearest first", () => {
        const cfg = loadAwsConfig({
            accountId: ACCOUNT,
            region: "eu-west-1",
            regions: ["eu-west-1", "eu-central-1"],
            overrides: { "eu-central-1/eks-internl": { defenderEndpointAccess: true } },
        });
        const clusters = [
            found("eks-shop"),
            found("eks-shop", "eu-central-1"),
            found("eks-legacy", "eu-central-1"),
            found("eks-internal", "eu-central-1", {
                endpoint: { publicAccess: false, privateAccess: true, publicAccessCidrs: [] },
            }),
        ];
        assert.throws(() => selectEksClusters(cfg, clusters), {
            name: "ConfigError",
            message:
                'config key "aws.overrides.eu-central-1/eks-internl" has value "eu-central-1/eks-internl"; expected a cluster that discovery found in eu-west-1, eu-central-1; ' +
                "it found eu-central-1/eks-internal, eu-central-1/eks-shop, eu-central-1/eks-legacy, eu-west-1/eks-shop",
        });
    });

    it("explicit list: only the listed clusters, filters still apply; one the cloud does not have is an error naming it", () => {
        const cfg = loadAwsConfig({
            accountId: ACCOUNT,
            region: "eu-west-1",
            clusters: ["eu-west-1/b", "eu-west-1/b-tmp"],
            exclude: { names: ["*-tmp"] },
        });
        const s = selectEksClusters(cfg, [found("a"), found("b"), found("b-tmp")]);
        assert.deepEqual(
            s.clusters.map((c) => c.name),
            ["b"],
        );
        assert.deepEqual(s.leftOut, [
            { key: "eu-west-1/a", reason: "not listed in aws.clusters" },
            { key: "eu-west-1/b-tmp", reason: "matches aws.exclude (names *-tmp)" },
        ]);
        assert.throws(
            () =>
                selectEksClusters(
                    loadAwsConfig({
                        accountId: ACCOUNT,
                        region: "eu-west-1",
                        clusters: ["eu-west-1/b", "eu-west-1/c"],
                    }),
                    [found("b")],
                ),
            {
                name: "ConfigError",
                message:
                    'config key "aws.clusters[1]" has value "eu-west-1/c"; expected a cluster that discovery found in eu-west-1; it found eu-west-1/b',
            },
        );
    });

    it("refuses an override that does not fit the discovered authentication mode, naming the key", () => {
        const cm = found("legacy", "eu-west-1", { authenticationMode: "CONFIG_MAP" });
        assert.throws(
            () =>
                selectEksClusters(
                    loadAwsConfig({
                        accountId: ACCOUNT,
                        region: "eu-west-1",
                        overrides: { "eu-west-1/legacy": { accessPolicy: "AmazonEKSEditPolicy" } },
                    }),
                    [cm],
                ),
            {
                message:
                    'config key "aws.overrides.eu-west-1/legacy.accessPolicy" has value "AmazonEKSEditPolicy"; expected no value: the cluster\'s authentication mode is CONFIG_MAP, and access policies apply to access entries (API, API_AND_CONFIG_MAP)',
            },
        );
        assert.throws(
            () =>
                selectEksClusters(
                    loadAwsConfig({
                        accountId: ACCOUNT,
                        region: "eu-west-1",
                        overrides: { "eu-west-1/api": { mapToSystemMasters: true } },
                    }),
                    [found("api")],
                ),
            {
                message:
                    'config key "aws.overrides.eu-west-1/api.mapToSystemMasters" has value true; expected no value: the cluster\'s authentication mode is API; it applies to aws-auth (CONFIG_MAP) only, use accessPolicy',
            },
        );
    });
});
