import { strict as assert } from "assert";
import { gkeShape, selectGkeClusters } from "../../../stack/gcp/selection";
import { filterMatches } from "../../../stack/selection";
import { GkeClusterFacts } from "../../../lookup/gcp/port";
import { GcpConfig, GkeClusterRef } from "../../../config/gcp";

const c = (
    projectId: string,
    location: string,
    name: string,
    labels: Record<string, string> = {},
): GkeClusterFacts => ({ projectId, location, name, labels });
const found = [
    c("shop-prod", "europe-west1", "gke-web", { team: "web" }),
    c("shop-prod", "us-central1", "gke-web", { team: "web", env: "sandbox" }),
    c("shop-prod", "europe-west1-b", "lab-01"),
    c("pay-prod", "europe-west1", "gke-pay", { ms_defender_container_exclude_agentless: "true" }),
];
type Discovery = GcpConfig["discovery"];
const cfg = (over: Partial<Discovery> = {}, clusters?: GkeClusterRef[]): Pick<GcpConfig, "clusters" | "discovery"> => ({
    discovery: { projects: ["shop-prod", "pay-prod"], include: [], exclude: [], ...over },
    clusters,
});
const names = (...n: string[]) => ({ names: n, tags: {}, attributes: {} });
const keys = (cs: { cluster: GkeClusterFacts }[]) =>
    cs.map((x) => `${x.cluster.projectId}/${x.cluster.location}/${x.cluster.name}`);

describe("GKE cluster selection (stack/gcp/selection.ts over the one rule)", () => {
    it("globs: * and ? only, everything else literal; with a / against <project>/<location>/<name>", () => {
        const matches = (glob: string, x: GkeClusterFacts) => filterMatches(names(glob), x, gkeShape(["shop-prod"]));
        assert.ok(matches("gke-*", found[0]));
        assert.ok(matches("lab-0?", found[2]));
        assert.ok(!matches("gke.*", found[0]));
        assert.ok(matches("shop-prod/europe-*/*", found[2]));
        assert.ok(!matches("gke-*", c("p", "l", "my-gke-web")));
    });

    it("with no filter keeps every cluster but the labelled one, and says why that one is out", () => {
        const s = selectGkeClusters(found, cfg());
        assert.deepEqual(keys(s.selected), [
            "shop-prod/europe-west1/gke-web",
            "shop-prod/us-central1/gke-web",
            "shop-prod/europe-west1-b/lab-01",
        ]);
        assert.deepEqual(
            s.leftOut.map((l) => l.reason),
            ["labelled ms_defender_container_exclude_agentless=true (Defender skips it)"],
        );
    });

    it("include by name glob and by qualified glob, exclude by label; same-named clusters in two regions stay two", () => {
        const s = selectGkeClusters(
            found,
            cfg({ include: [names("gke-*")], exclude: [{ names: [], tags: { env: "sandbox" }, attributes: {} }] }),
        );
        assert.deepEqual(keys(s.selected), ["shop-prod/europe-west1/gke-web"]);
        assert.deepEqual(
            s.leftOut.map((l) => [`${l.cluster.location}/${l.cluster.name}`, l.reason]),
            [
                ["us-central1/gke-web", "matches gcp.discovery.exclude (label env=sandbox)"],
                ["europe-west1-b/lab-01", "does not match gcp.discovery.include (name matches none of gke-*)"],
                ["europe-west1/gke-pay", "labelled ms_defender_container_exclude_agentless=true (Defender skips it)"],
            ],
        );
        const q = selectGkeClusters(found, cfg({ include: [names("shop-prod/europe-*/*")] }));
        assert.deepEqual(keys(q.selected), ["shop-prod/europe-west1/gke-web", "shop-prod/europe-west1-b/lab-01"]);
    });

    it("one cluster is left out by its key in an exclude glob (what a GCP override with exclude: true used to do), naming the filter", () => {
        const s = selectGkeClusters(
            found,
            cfg({
                exclude: [
                    names("shop-prod/europe-west1-b/lab-01"),
                    { names: [], tags: { env: "sand*" }, attributes: {} },
                ],
            }),
        );
        assert.deepEqual(keys(s.selected), ["shop-prod/europe-west1/gke-web"]);
        assert.deepEqual(
            s.leftOut.map((l) => [`${l.cluster.location}/${l.cluster.name}`, l.reason]),
            [
                ["us-central1/gke-web", "matches gcp.discovery.exclude[1] (label env=sand*)"],
                ["europe-west1-b/lab-01", "matches gcp.discovery.exclude[0] (names shop-prod/europe-west1-b/lab-01)"],
                ["europe-west1/gke-pay", "labelled ms_defender_container_exclude_agentless=true (Defender skips it)"],
            ],
        );
    });

    it("explicit list: only the listed clusters, in discovery order; a cluster GKE does not list is an error naming it and what GKE lists", () => {
        const s = selectGkeClusters(
            found,
            cfg({}, [
                { projectId: "shop-prod", location: "europe-west1-b", name: "lab-01" },
                { projectId: "shop-prod", location: "europe-west1", name: "gke-web" },
            ]),
        );
        assert.deepEqual(keys(s.selected), ["shop-prod/europe-west1/gke-web", "shop-prod/europe-west1-b/lab-01"]);
        assert.deepEqual(
            s.leftOut.map((l) => [l.cluster.name, l.reason]),
            [
                ["gke-web", "not listed in gcp.clusters"],
                ["gke-pay", "labelled ms_defender_container_exclude_agentless=true (Defender skips it)"],
            ],
        );
        // Only the listed clusters' projects are read (stack/gcp/cloudRead.ts).
        const payProd = [c("pay-prod", "us-east1", "gke-ledger"), found[3]];
        assert.throws(
            () =>
                selectGkeClusters(
                    payProd,
                    cfg({}, [{ projectId: "pay-prod", location: "europe-west1", name: "gke-pya" }]),
                ),
            {
                name: "ConfigError",
                message:
                    'config key "gcp.clusters[0]" has value "pay-prod/europe-west1/gke-pya"; expected a cluster that discovery found in project pay-prod; ' +
                    "it found pay-prod/europe-west1/gke-pay, pay-prod/us-east1/gke-ledger",
            },
        );
    });
});
