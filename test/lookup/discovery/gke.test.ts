import * as assert from "assert";
// The auth library the container client itself depends on: a real OAuth2 client holding a fixed token.
import { OAuth2Client } from "google-auth-library";
import { discoverGke, gkeAuthorizedNetworks, gkeLocation, gkePrivateEndpoint } from "../../../lookup/discovery/gke";
import { Answer, CloudApiServer, RecordedCall, startCloudApiServer } from "../../fixtures/cloudApiServer";

const TOKEN = "fixture-gcp-token";
const CA = "-----BEGIN CERTIFICATE-----\nMIIDDzCCAfegAwIBAgIRAKd0\n-----END CERTIFICATE-----\n";

function selfLink(project: string, location: string, name: string): string {
    return `https://container.googleapis.com/v1/projects/${project}/locations/${location}/clusters/${name}`;
}

// Shaped like the REST answer of `projects.locations.clusters.list` (camelCase, enums as names), per
// Google's definition of the Cluster message: `google/container/v1/cluster_service.proto` as shipped
// in node_modules/@google-cloud/container/build/protos (docs/sources.md, "GCP"). gke-shop answers with
// the current fields only (`controlPlaneEndpointsConfig`, `location`); gke-payments with the ones
// container v1 deprecates (`privateClusterConfig.enablePrivateEndpoint`, `zone`), as an older cluster's
// answer may: both must read the same.
const shop = {
    name: "gke-shop",
    description: "shop front",
    nodePools: [
        {
            name: "default-pool",
            config: { machineType: "e2-standard-4", diskSizeGb: 100 },
            initialNodeCount: 3,
            version: "1.30.5-gke.1014001",
            status: "RUNNING",
        },
    ],
    network: "vpc-shop",
    subnetwork: "subnet-shop",
    clusterIpv4Cidr: "10.4.0.0/14",
    resourceLabels: { team: "shop", env: "prod" },
    labelFingerprint: "a9dc16a7",
    networkPolicy: { provider: "CALICO", enabled: true },
    networkConfig: {
        network: "projects/acme-shop/global/networks/vpc-shop",
        subnetwork: "projects/acme-shop/regions/europe-west1/subnetworks/subnet-shop",
        datapathProvider: "LEGACY_DATAPATH",
    },
    privateClusterConfig: { masterIpv4CidrBlock: "172.16.0.0/28" },
    controlPlaneEndpointsConfig: {
        dnsEndpointConfig: { endpoint: "gke-4f1c7c2b.europe-west1.gke.goog", allowExternalTraffic: false },
        ipEndpointsConfig: {
            enabled: true,
            enablePublicEndpoint: true,
            globalAccess: false,
            authorizedNetworksConfig: {
                enabled: true,
                cidrBlocks: [
                    { displayName: "office", cidrBlock: "198.51.100.0/24" },
                    { displayName: "vpn", cidrBlock: "203.0.113.7/32" },
                ],
            },
            publicEndpoint: "34.76.10.20",
            privateEndpoint: "172.16.0.2",
        },
    },
    workloadIdentityConfig: { workloadPool: "acme-shop.svc.id.goog" },
    masterAuth: { clusterCaCertificate: Buffer.from(CA).toString("base64") },
    selfLink: selfLink("acme-shop", "europe-west1", "gke-shop"),
    endpoint: "34.76.10.20",
    initialClusterVersion: "1.29.8-gke.1031000",
    currentMasterVersion: "1.30.5-gke.1014001",
    currentNodeVersion: "1.30.5-gke.1014001",
    createTime: "2024-11-02T09:14:51+00:00",
    status: "RUNNING",
    location: "europe-west1",
    locations: ["europe-west1-b", "europe-west1-c", "europe-west1-d"],
    releaseChannel: { channel: "REGULAR" },
    id: "4f1c7c2b8e2a4f0e9b7d1c3a5e7f9b2d4c6a8e0f1b3d5f7a9c1e3b5d7f9a1c3e",
};

const payments = {
    name: "gke-payments",
    resourceLabels: { ms_defender_container_exclude_agentless: "true" },
    networkConfig: { datapathProvider: "ADVANCED_DATAPATH" },
    privateClusterConfig: { enablePrivateNodes: true, enablePrivateEndpoint: true, privateEndpoint: "172.16.1.2" },
    selfLink: selfLink("acme-shop", "us-central1-a", "gke-payments"),
    zone: "us-central1-a",
    endpoint: "172.16.1.2",
    currentMasterVersion: "1.29.10-gke.1227000",
    status: "RUNNING",
    autopilot: { enabled: true },
};

// A sparse answer: being created, no endpoint, self link or version yet, a network config without a
// data path. The client decodes absent strings as "" and absent enums as *_UNSPECIFIED.
const lab = {
    name: "gke-lab",
    location: "asia-east1",
    status: "PROVISIONING",
    networkConfig: { network: "projects/acme-lab/global/networks/default" },
};

describe("GKE discovery against an HTTP/JSON fixture (fallback: rest)", function () {
    this.timeout(20_000);
    let api: CloudApiServer;
    const route = (c: RecordedCall): Answer | undefined => {
        if (c.authorization !== `Bearer ${TOKEN}`)
            return {
                status: 401,
                body: {
                    error: {
                        code: 401,
                        message: "Request is missing required authentication credential.",
                        status: "UNAUTHENTICATED",
                    },
                },
            };
        if (c.method !== "GET") return undefined;
        if (c.path === "/v1/projects/acme-shop/locations/-/clusters")
            return { body: { clusters: [shop, payments, lab], missingZones: ["me-central2-a"] } };
        if (c.path === "/v1/projects/denied-project/locations/-/clusters") {
            return {
                status: 403,
                body: {
                    error: {
                        code: 403,
                        message:
                            "Permission 'container.clusters.list' denied on resource '//container.googleapis.com/projects/denied-project/locations/-' (or it may not exist).",
                        status: "PERMISSION_DENIED",
                    },
                },
            };
        }
        if (c.path === "/v1/projects/broken-project/locations/-/clusters")
            return {
                status: 500,
                body: { error: { code: 500, message: "Internal error encountered.", status: "INTERNAL" } },
            };
        return undefined;
    };
    before(async () => {
        api = await startCloudApiServer(route);
    });
    after(() => api?.close());

    const options = () => {
        const authClient = new OAuth2Client();
        authClient.setCredentials({ access_token: TOKEN, expiry_date: Date.now() + 3_600_000 });
        return { fallback: "rest" as const, apiEndpoint: "127.0.0.1", port: api.port, protocol: "http", authClient };
    };

    it("lists the clusters of every location with version, location, labels and network details, and honours the exclusion label", async () => {
        const start = api.calls.length;
        const found = await discoverGke("acme-shop", options());
        assert.deepStrictEqual(
            api.calls.slice(start).map((c) => [c.method, c.path]),
            [["GET", "/v1/projects/acme-shop/locations/-/clusters"]],
        );
        assert.deepStrictEqual(
            found.clusters.map((c) => [c.name, c.location, c.version, c.excluded]),
            [
                ["gke-shop", "europe-west1", "1.30.5-gke.1014001", false],
                ["gke-payments", "us-central1-a", "1.29.10-gke.1227000", true],
                ["gke-lab", "asia-east1", undefined, false],
            ],
        );
        // A location that did not answer is a failure of that location, the others still count.
        assert.deepStrictEqual(found.failures, [
            { cloud: "gcp", scope: "projects/acme-shop/locations/me-central2-a", message: "location did not answer" },
        ]);

        const [s, p, l] = found.clusters;
        assert.strictEqual(s.cloud, "gcp");
        assert.strictEqual(s.id, shop.selfLink);
        assert.strictEqual(s.server, "https://34.76.10.20");
        assert.deepStrictEqual(s.tags, { team: "shop", env: "prod" });
        assert.deepStrictEqual(s.details, {
            status: "RUNNING",
            networkPolicyEnabled: true,
            networkPolicyProvider: "CALICO",
            datapathProvider: "LEGACY_DATAPATH",
            privateEndpoint: false,
            masterAuthorizedNetworks: ["198.51.100.0/24", "203.0.113.7/32"],
            workloadPool: "acme-shop.svc.id.goog",
        });
        assert.deepStrictEqual(p.tags, { ms_defender_container_exclude_agentless: "true" });
        assert.deepStrictEqual(p.details, {
            status: "RUNNING",
            networkPolicyEnabled: false,
            networkPolicyProvider: null,
            datapathProvider: "ADVANCED_DATAPATH",
            privateEndpoint: true,
            masterAuthorizedNetworks: [],
            workloadPool: null,
        });
        assert.strictEqual(l.id, "projects/acme-shop/locations/asia-east1/clusters/gke-lab");
        assert.strictEqual(l.server, undefined);
        assert.strictEqual(l.access, undefined);
        assert.deepStrictEqual(l.tags, {});
        assert.deepStrictEqual(l.details, {
            status: "PROVISIONING",
            networkPolicyEnabled: false,
            networkPolicyProvider: null,
            datapathProvider: null,
            privateEndpoint: false,
            masterAuthorizedNetworks: [],
            workloadPool: null,
        });

        const access = await s.access!();
        assert.deepStrictEqual(access, {
            name: "gke-shop",
            server: "https://34.76.10.20",
            ca: CA,
            insecureSkipTlsVerify: false,
            exec: {
                apiVersion: "client.authentication.k8s.io/v1beta1",
                command: "gke-gcloud-auth-plugin",
                args: [],
                env: [],
            },
        });
    });

    it("records a 403 as a failure of the project with Google's reason, without throwing", async () => {
        const found = await discoverGke("denied-project", options());
        assert.deepStrictEqual(found.clusters, []);
        assert.strictEqual(found.failures.length, 1);
        assert.strictEqual(found.failures[0].scope, "projects/denied-project");
        assert.strictEqual(
            found.failures[0].message,
            "Google answered 403 PERMISSION_DENIED: Permission 'container.clusters.list' denied on resource '//container.googleapis.com/projects/denied-project/locations/-' (or it may not exist).",
        );
    });

    it("records a 500 as a failure of the project", async () => {
        const found = await discoverGke("broken-project", options());
        assert.deepStrictEqual(found.clusters, []);
        assert.deepStrictEqual(
            found.failures.map((f) => f.scope),
            ["projects/broken-project"],
        );
        assert.strictEqual(found.failures[0].message, "Google answered 500 INTERNAL: Internal error encountered.");
    });
});

describe("GKE control-plane fields: the current ones of container v1, the deprecated ones where absent", () => {
    const cidrs = (...c: string[]) => ({ enabled: true, cidrBlocks: c.map((cidrBlock) => ({ cidrBlock })) });

    it("reads a private endpoint from enablePublicEndpoint, reversed, before the deprecated enablePrivateEndpoint", () => {
        assert.strictEqual(
            gkePrivateEndpoint({ controlPlaneEndpointsConfig: { ipEndpointsConfig: { enablePublicEndpoint: false } } }),
            true,
        );
        assert.strictEqual(
            gkePrivateEndpoint({
                controlPlaneEndpointsConfig: { ipEndpointsConfig: { enablePublicEndpoint: true } },
                privateClusterConfig: { enablePrivateEndpoint: true },
            }),
            false,
        );
        assert.strictEqual(gkePrivateEndpoint({ privateClusterConfig: { enablePrivateEndpoint: true } }), true);
        assert.strictEqual(gkePrivateEndpoint({ controlPlaneEndpointsConfig: { ipEndpointsConfig: {} } }), false);
        assert.strictEqual(gkePrivateEndpoint({}), false);
    });

    it("reads the authorized networks from ipEndpointsConfig, else from the deprecated masterAuthorizedNetworksConfig", () => {
        assert.deepStrictEqual(
            gkeAuthorizedNetworks({
                controlPlaneEndpointsConfig: { ipEndpointsConfig: { authorizedNetworksConfig: cidrs("10.0.0.0/8") } },
                masterAuthorizedNetworksConfig: cidrs("192.0.2.0/24"),
            }),
            ["10.0.0.0/8"],
        );
        assert.deepStrictEqual(gkeAuthorizedNetworks({ masterAuthorizedNetworksConfig: cidrs("192.0.2.0/24") }), [
            "192.0.2.0/24",
        ]);
        assert.deepStrictEqual(gkeAuthorizedNetworks({}), []);
    });

    it("reads the location from location, else from the deprecated zone", () => {
        assert.strictEqual(gkeLocation({ location: "europe-west1", zone: "europe-west1-b" }), "europe-west1");
        assert.strictEqual(gkeLocation({ location: "", zone: "us-central1-a" }), "us-central1-a");
    });
});
