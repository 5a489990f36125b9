import * as assert from "assert";
import type { AccessToken, TokenCredential } from "@azure/core-auth";
import { discoverAks } from "../../../lookup/discovery/aks";
import { AggregateAuthenticationError, CredentialUnavailableError } from "@azure/identity";
import {
    Answer,
    CloudApiServer,
    RecordedCall,
    selfSignedCert,
    SelfSignedCert,
    startCloudApiServer,
} from "../../fixtures/cloudApiServer";

const SUB = "00000000-1111-2222-3333-444444444444";
const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const LIST = `/subscriptions/${SUB}/providers/Microsoft.ContainerService/managedClusters`;
const TOKEN = "fixture-arm-token";

/** A TokenCredential that hands out one fixed token and remembers the scopes it was asked for. */
function fixedCredential(scopes: string[][]): TokenCredential {
    return {
        async getToken(s: string | string[]): Promise<AccessToken> {
            scopes.push(Array.isArray(s) ? s : [s]);
            return { token: TOKEN, expiresOnTimestamp: Date.now() + 3_600_000 };
        },
    };
}

function armId(rg: string, name: string): string {
    return `/subscriptions/${SUB}/resourcegroups/${rg}/providers/Microsoft.ContainerService/managedClusters/${name}`;
}

// Shaped like `GET .../managedClusters` answers from ARM (properties nested, ids with lower-case resourcegroups).
const shop = {
    id: armId("rg-shop", "aks-shop"),
    location: "westeurope",
    name: "aks-shop",
    tags: { team: "shop", env: "prod" },
    type: "Microsoft.ContainerService/ManagedClusters",
    sku: { name: "Base", tier: "Standard" },
    identity: { type: "SystemAssigned", principalId: "9a1c1a4e-0000-4000-8000-000000000001", tenantId: TENANT },
    properties: {
        provisioningState: "Succeeded",
        powerState: { code: "Running" },
        kubernetesVersion: "1.30",
        currentKubernetesVersion: "1.30.6",
        dnsPrefix: "aks-shop-dns",
        fqdn: "aks-shop-dns-4k2n9x1q.hcp.westeurope.azmk8s.io",
        agentPoolProfiles: [
            {
                name: "system",
                count: 3,
                vmSize: "Standard_D4ds_v5",
                osType: "Linux",
                osSKU: "AzureLinux",
                mode: "System",
                type: "VirtualMachineScaleSets",
                orchestratorVersion: "1.30",
                currentOrchestratorVersion: "1.30.6",
                provisioningState: "Succeeded",
                powerState: { code: "Running" },
            },
        ],
        addonProfiles: {
            azurepolicy: { enabled: true, config: null },
            omsagent: {
                enabled: true,
                config: {
                    logAnalyticsWorkspaceResourceID: `/subscriptions/${SUB}/resourceGroups/rg-logs/providers/Microsoft.OperationalInsights/workspaces/logs`,
                },
            },
            azureKeyvaultSecretsProvider: { enabled: false, config: null },
        },
        nodeResourceGroup: "MC_rg-shop_aks-shop_westeurope",
        enableRBAC: true,
        networkProfile: {
            networkPlugin: "azure",
            networkPluginMode: "overlay",
            networkPolicy: "cilium",
            networkDataplane: "cilium",
            podCidr: "10.244.0.0/16",
            serviceCidr: "10.0.0.0/16",
            dnsServiceIP: "10.0.0.10",
            outboundType: "loadBalancer",
            loadBalancerSku: "standard",
        },
        securityProfile: {
            defender: {
                logAnalyticsWorkspaceResourceId: `/subscriptions/${SUB}/resourceGroups/rg-logs/providers/Microsoft.OperationalInsights/workspaces/logs`,
                securityMonitoring: { enabled: true },
            },
            workloadIdentity: { enabled: true },
        },
        oidcIssuerProfile: {
            enabled: true,
            issuerURL: `https://westeurope.oic.prod-aks.azure.com/${TENANT}/5d8c1a3e-7d0f-4b7e-9d8b-0c3f1f1d2a11/`,
        },
        apiServerAccessProfile: { authorizedIPRanges: ["198.51.100.0/24", "203.0.113.7/32"] },
        disableLocalAccounts: true,
        aadProfile: { managed: true, enableAzureRBAC: true, tenantID: TENANT },
    },
};

const payments = {
    id: armId("rg-pay", "aks-payments"),
    location: "northeurope",
    name: "aks-payments",
    tags: { ms_defender_container_exclude_agentless: "true" },
    type: "Microsoft.ContainerService/ManagedClusters",
    properties: {
        provisioningState: "Succeeded",
        kubernetesVersion: "1.29.9",
        currentKubernetesVersion: "1.29.9",
        privateFQDN: "aks-payments-0f3e2d1c.privatelink.northeurope.azmk8s.io",
        addonProfiles: { azurepolicy: { enabled: false } },
        networkProfile: {
            networkPlugin: "kubenet",
            networkPolicy: "calico",
            podCidr: "10.244.0.0/16",
            serviceCidr: "10.0.0.0/16",
            dnsServiceIP: "10.0.0.10",
        },
        apiServerAccessProfile: { enablePrivateCluster: true, privateDNSZone: "system" },
    },
};

// A cluster with next to nothing set: the optional fields must fall back, not throw.
const bare = {
    id: armId("rg-lab", "aks-lab"),
    location: "eastus2",
    name: "aks-lab",
    type: "Microsoft.ContainerService/ManagedClusters",
    properties: { provisioningState: "Creating", kubernetesVersion: "1.31.2" },
};

const kubeconfig = `apiVersion: v1
kind: Config
clusters:
- name: aks-shop
  cluster:
    server: https://aks-shop-dns-4k2n9x1q.hcp.westeurope.azmk8s.io:443
    certificate-authority-data: ${Buffer.from("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n").toString("base64")}
contexts:
- name: aks-shop
  context:
    cluster: aks-shop
    user: clusterUser_rg-shop_aks-shop
current-context: aks-shop
users:
- name: clusterUser_rg-shop_aks-shop
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: kubelogin
      args: [get-token, --login, devicecode, --server-id, 6dae42f8-4368-4678-94ff-3960e28e3630, --environment, AzurePublicCloud, --tenant-id, ${TENANT}]
      interactiveMode: IfAvailable
`;

function authorizationFailed(): Answer {
    return {
        status: 403,
        body: {
            error: {
                code: "AuthorizationFailed",
                message: `The client 'f3c5e2a1-0000-4000-8000-00000000000a' with object id 'f3c5e2a1-0000-4000-8000-00000000000a' does not have authorization to perform action 'Microsoft.ContainerService/managedClusters/read' over scope '/subscriptions/${SUB}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
            },
        },
    };
}

describe("AKS discovery against an HTTPS ARM fixture", function () {
    this.timeout(20_000);
    let tls: SelfSignedCert;
    let arm: CloudApiServer;
    // Which subscription answers how: the normal one pages, "denied" answers 403, "broken" fails on page 2.
    const DENIED = "99999999-1111-2222-3333-444444444444";
    const BROKEN = "88888888-1111-2222-3333-444444444444";
    // Never registered Microsoft.ContainerService: ARM's 409 (docs/sources.md, "unregistered provider").
    const UNREGISTERED = "77777777-1111-2222-3333-444444444444";
    const route = (c: RecordedCall, base: string): Answer | undefined => {
        if (c.authorization !== `Bearer ${TOKEN}`)
            return { status: 401, body: { error: { code: "AuthenticationFailed", message: "missing bearer token" } } };
        if (c.method === "GET" && c.path === LIST) {
            if (c.query.$skipToken === "page2") return { body: { value: [payments, bare] } };
            return {
                body: {
                    value: [shop],
                    nextLink: `${base}${LIST}?api-version=${c.query["api-version"]}&$skipToken=page2`,
                },
            };
        }
        if (c.method === "GET" && c.path === LIST.replace(SUB, DENIED)) return authorizationFailed();
        if (c.method === "GET" && c.path === LIST.replace(SUB, UNREGISTERED))
            return {
                status: 409,
                body: {
                    error: {
                        code: "MissingSubscriptionRegistration",
                        message:
                            "The subscription is not registered to use namespace 'Microsoft.ContainerService'. See https://aka.ms/rps-not-found for how to register subscriptions.",
                        details: [{ code: "MissingSubscriptionRegistration", target: "Microsoft.ContainerService" }],
                    },
                },
            };
        if (c.method === "GET" && c.path === LIST.replace(SUB, BROKEN)) {
            if (c.query.$skipToken)
                return {
                    status: 500,
                    body: {
                        error: {
                            code: "InternalServerError",
                            message:
                                "Encountered internal server error. Diagnostic information: timestamp '20250101T000000Z'.",
                        },
                    },
                };
            return {
                body: {
                    value: [{ ...shop, id: shop.id.replace(SUB, BROKEN) }],
                    nextLink: `${base}${LIST.replace(SUB, BROKEN)}?api-version=${c.query["api-version"]}&$skipToken=x`,
                },
            };
        }
        if (
            c.method === "POST" &&
            c.path ===
                `/subscriptions/${SUB}/resourceGroups/rg-shop/providers/Microsoft.ContainerService/managedClusters/aks-shop/listClusterUserCredential`
        ) {
            return {
                body: { kubeconfigs: [{ name: "clusterUser", value: Buffer.from(kubeconfig).toString("base64") }] },
            };
        }
        return undefined;
    };
    before(async () => {
        tls = selfSignedCert();
        arm = await startCloudApiServer(route, { tls });
    });
    after(() => arm?.close());

    const options = () => ({ endpoint: arm.url, tlsOptions: { ca: tls.cert }, retryOptions: { maxRetries: 0 } });

    it("lists every page (nextLink), normalises version, location, network plug-in, security profile and add-ons, and honours the exclusion tag", async () => {
        const scopes: string[][] = [];
        const start = arm.calls.length;
        const found = await discoverAks(SUB, fixedCredential(scopes), options());
        assert.deepStrictEqual(found.failures, []);
        assert.deepStrictEqual(
            found.clusters.map((c) => [c.name, c.location, c.version, c.excluded]),
            [
                ["aks-shop", "westeurope", "1.30.6", false],
                ["aks-payments", "northeurope", "1.29.9", true],
                ["aks-lab", "eastus2", "1.31.2", false],
            ],
        );
        const calls = arm.calls.slice(start);
        assert.deepStrictEqual(
            calls.map((c) => [c.method, c.path, c.query.$skipToken ?? null]),
            [
                ["GET", LIST, null],
                ["GET", LIST, "page2"],
            ],
        );
        for (const c of calls) assert.match(c.query["api-version"], /^\d{4}-\d{2}-\d{2}$/);
        assert.deepStrictEqual([...new Set(scopes.flat())], ["https://management.azure.com/.default"]);

        const [s, p, b] = found.clusters;
        assert.strictEqual(s.cloud, "azure");
        assert.strictEqual(s.id, shop.id);
        assert.strictEqual(s.server, "https://aks-shop-dns-4k2n9x1q.hcp.westeurope.azmk8s.io:443");
        assert.deepStrictEqual(s.tags, { team: "shop", env: "prod" });
        assert.deepStrictEqual(s.details, {
            provisioningState: "Succeeded",
            networkPlugin: "azure",
            networkPluginMode: "overlay",
            networkPolicy: "cilium",
            defenderSecurityMonitoring: true,
            workloadIdentity: true,
            addons: ["azurepolicy", "omsagent"],
            privateCluster: false,
            authorizedIpRanges: ["198.51.100.0/24", "203.0.113.7/32"],
            disableLocalAccounts: true,
        });
        assert.strictEqual(p.server, "https://aks-payments-0f3e2d1c.privatelink.northeurope.azmk8s.io:443");
        assert.deepStrictEqual(p.tags, { ms_defender_container_exclude_agentless: "true" });
        assert.deepStrictEqual(p.details, {
            provisioningState: "Succeeded",
            networkPlugin: "kubenet",
            networkPluginMode: null,
            networkPolicy: "calico",
            defenderSecurityMonitoring: false,
            workloadIdentity: false,
            addons: [],
            privateCluster: true,
            authorizedIpRanges: [],
            disableLocalAccounts: false,
        });
        assert.strictEqual(b.server, undefined);
        assert.deepStrictEqual(b.tags, {});
        assert.deepStrictEqual(b.details, {
            provisioningState: "Creating",
            networkPlugin: null,
            networkPluginMode: null,
            networkPolicy: null,
            defenderSecurityMonitoring: false,
            workloadIdentity: false,
            addons: [],
            privateCluster: false,
            authorizedIpRanges: [],
            disableLocalAccounts: false,
        });
    });

    it("reads a cluster with the user credentials AKS hands out (format exec, kubelogin)", async () => {
        const found = await discoverAks(SUB, fixedCredential([]), options());
        const start = arm.calls.length;
        const access = await found.clusters[0].access!();
        const [call] = arm.calls.slice(start);
        assert.deepStrictEqual([call.method, call.query.format], ["POST", "exec"]);
        assert.strictEqual(access.name, "aks-shop");
        assert.strictEqual(access.server, "https://aks-shop-dns-4k2n9x1q.hcp.westeurope.azmk8s.io:443");
        assert.strictEqual(access.exec?.command, "kubelogin");
        assert.deepStrictEqual(access.exec?.args.slice(0, 3), ["get-token", "--login", "devicecode"]);
    });

    it("records a 403 as a failure of the subscription with ARM's reason, without throwing", async () => {
        const found = await discoverAks(DENIED, fixedCredential([]), options());
        assert.deepStrictEqual(found.clusters, []);
        assert.strictEqual(found.failures.length, 1);
        assert.strictEqual(found.failures[0].cloud, "azure");
        assert.strictEqual(found.failures[0].scope, `subscriptions/${DENIED}`);
        assert.strictEqual(
            found.failures[0].message,
            `ARM answered 403 AuthorizationFailed: ${(authorizationFailed().body as { error: { message: string } }).error.message}`,
        );
    });

    it("reads a subscription not registered for Microsoft.ContainerService as one without AKS clusters, not a failure", async () => {
        const found = await discoverAks(UNREGISTERED, fixedCredential([]), options());
        assert.deepStrictEqual(found, { clusters: [], failures: [] });
    });

    it("keeps the clusters of the pages read before a 500 and records the failure", async () => {
        const found = await discoverAks(BROKEN, fixedCredential([]), options());
        assert.deepStrictEqual(
            found.clusters.map((c) => c.name),
            ["aks-shop"],
        );
        assert.deepStrictEqual(
            found.failures.map((f) => f.scope),
            [`subscriptions/${BROKEN}`],
        );
        assert.strictEqual(
            found.failures[0].message,
            "ARM answered 500 InternalServerError: Encountered internal server error. Diagnostic information: timestamp '20250101T000000Z'.",
        );
    });

    it("records a credential chain's failure on one line, without the line breaks the SDK puts between its reasons", async () => {
        // The chain's own error, as DefaultAzureCredential throws it: one reason per line.
        const chain = new AggregateAuthenticationError(
            [
                new CredentialUnavailableError("EnvironmentCredential is unavailable."),
                new CredentialUnavailableError("AzureCliCredential: Please run 'az login'\nto set up an account."),
            ],
            "ChainedTokenCredential authentication failed.",
        );
        const failing: TokenCredential = {
            getToken: async () => {
                throw chain;
            },
        };
        const found = await discoverAks(SUB, failing, options());
        assert.deepStrictEqual(found.failures, [
            {
                cloud: "azure",
                scope: `subscriptions/${SUB}`,
                message:
                    "AggregateAuthenticationError: ChainedTokenCredential authentication failed. CredentialUnavailableError: EnvironmentCredential is unavailable. CredentialUnavailableError: AzureCliCredential: Please run 'az login' to set up an account.",
            },
        ]);
    });

    it("does not trust the fixture's certificate unless told to (TLS is really in use)", async () => {
        const found = await discoverAks(SUB, fixedCredential([]), {
            endpoint: arm.url,
            retryOptions: { maxRetries: 0 },
        });
        assert.deepStrictEqual(found.clusters, []);
        assert.match(found.failures[0].message, /self[- ]signed certificate/i);
    });
});
