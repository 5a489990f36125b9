import { strict as assert } from "assert";
import { globMatches, selectClusters } from "../../../stack/gcp/clusterSelection";
import { GkeClusterFacts } from "../../../lookup/gcp/port";
import { GcpDiscoveryConfig } from "../../../config/gcp";

const c = (projectId: string, location: string, name: string, labels: Record<string, string> = {}): GkeClusterFacts => ({ projectId, location, name, labels });
const found = [
    c("shop-prod", "europe-west1", "gke-web", { team: "web" }),
    c("shop-prod", "us-central1", "gke-web", { team: "web", env: "sandbox" }),
    c("shop-prod", "europe-west1-b", "lab-01"),
    c("pay-prod", "europe-west1", "gke-pay", { ms_defender_container_exclude_agentless: "true" }),
];
const d = (over: Partial<GcpDiscoveryConfig> = {}): GcpDiscoveryConfig => ({ projects: ["shop-prod"], overrides: {}, ...over });
const keys = (cs: GkeClusterFacts[]) => cs.map((x) => `${x.projectId}/${x.location}/${x.name}`);

describe("GKE cluster selection (pure)", () => {
    it("globs: * and ? only, everything else literal", () => {
        assert.ok(globMatches("gke-*", "gke-web"));
        assert.ok(globMatches("lab-0?", "lab-01"));
        assert.ok(!globMatches("gke.*", "gke-web"));
        assert.ok(globMatches("shop-prod/europe-*/*", "shop-prod/europe-west1-b/lab-01"));
        assert.ok(!globMatches("gke-*", "my-gke-web"));
    });

    it("with no filter keeps every cluster but the labelled one, and says why that one is out", () => {
        const s = selectClusters(found, d());
        assert.deepEqual(keys(s.selected), ["shop-prod/europe-west1/gke-web", "shop-prod/us-central1/gke-web", "shop-prod/europe-west1-b/lab-01"]);
        assert.deepEqual(s.leftOut.map((l) => l.reason), ["labelled ms_defender_container_exclude_agentless=true on the cluster (Defender skips it)"]);
    });

    it("include by name glob and by qualified glob, exclude by label; same-named clusters in two regions stay two", () => {
        const s = selectClusters(found, d({ include: { names: ["gke-*"], labels: {} }, exclude: { names: [], labels: { env: "sandbox" } } }));
        assert.deepEqual(keys(s.selected), ["shop-prod/europe-west1/gke-web"]);
        assert.deepEqual(s.leftOut.map((l) => [`${l.cluster.location}/${l.cluster.name}`, l.reason]), [
            ["us-central1/gke-web", "matches gcp.discovery.exclude"],
            ["europe-west1-b/lab-01", "does not match gcp.discovery.include"],
            ["europe-west1/gke-pay", "labelled ms_defender_container_exclude_agentless=true on the cluster (Defender skips it)"],
        ]);
        const q = selectClusters(found, d({ include: { names: ["shop-prod/europe-*/*"], labels: {} } }));
        assert.deepEqual(keys(q.selected), ["shop-prod/europe-west1/gke-web", "shop-prod/europe-west1-b/lab-01"]);
    });

    it("an override wins over the filters (keep or leave out, with its reason) and an unused one is reported", () => {
        const s = selectClusters(found, d({
            exclude: { names: ["gke-*"], labels: {} },
            overrides: {
                "shop-prod/us-central1/gke-web": { exclude: false },
                "shop-prod/europe-west1-b/lab-01": { exclude: true, reason: "moved to the lab stack" },
                "shop-prod/asia-east1/gke-old": { exclude: true },
            },
        }));
        assert.deepEqual(keys(s.selected), ["shop-prod/us-central1/gke-web"]);
        assert.equal(s.leftOut.find((l) => l.cluster.name === "lab-01")!.reason, "gcp.discovery.overrides: moved to the lab stack");
        assert.deepEqual(s.unusedOverrides, ["shop-prod/asia-east1/gke-old"]);
    });

    it("explicit list: keeps the listed order, and a cluster GKE does not list is an error naming it", () => {
        const s = selectClusters(found, d(), [{ projectId: "shop-prod", location: "europe-west1-b", name: "lab-01" }, { projectId: "shop-prod", location: "europe-west1", name: "gke-web" }]);
        assert.deepEqual(keys(s.selected), ["shop-prod/europe-west1-b/lab-01", "shop-prod/europe-west1/gke-web"]);
        assert.throws(() => selectClusters(found, d(), [{ projectId: "pay-prod", location: "us-east1", name: "gke-pay" }]), {
            name: "ConfigError",
            message: `config key "gcp.clusters[0]" has value "pay-prod/us-east1/gke-pay"; expected a cluster that exists; GKE lists in project pay-prod: pay-prod/europe-west1/gke-pay`,
        });
    });
});
