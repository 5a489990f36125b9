import { strict as assert } from "assert";
import { loadStackConfig } from "../../config";
import { ConfigError } from "../../lib/errors";

const SUB = "3f2a9c1e-7b4d-4e8a-9c62-1d5e8f0a7b34";
const aks = (rg: string, name: string, sub = SUB) =>
    `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.ContainerService/managedClusters/${name}`;
const arc = (rg: string, name: string) =>
    `/subscriptions/${SUB}/resourceGroups/${rg}/providers/Microsoft.Kubernetes/connectedClusters/${name}`;

function azure(extra: Record<string, unknown> = {}) {
    return { cloud: "azure", azure: { subscriptionId: SUB, location: "westeurope", ...extra } };
}

function errorOf(values: Record<string, unknown>): ConfigError {
    try {
        loadStackConfig("t", values);
    } catch (e) {
        assert.ok(e instanceof ConfigError, `expected a ConfigError, got ${e}`);
        return e;
    }
    assert.fail("expected a config error");
}

describe("Azure config", () => {
    it("fills Microsoft's defaults: discovery and sensor extensions on, Containers operator, its binding name", () => {
        const cfg = loadStackConfig("t", azure({ aksClusters: [{ id: aks("rg", "a") }] })).azure!;
        assert.deepEqual(cfg.plan.extensions, {
            AgentlessDiscoveryForKubernetes: true,
            ContainerSensor: true,
            ContainerRegistriesVulnerabilityAssessments: false,
            ContainerIntegrityContribution: false,
            AgentlessVmScanning: false,
        });
        assert.equal(cfg.plan.cspm.enabled, false);
        assert.deepEqual(cfg.discovery, { enabled: true, operator: "containers", bindingName: "defender-containers" });
        assert.deepEqual(
            cfg.aksClusters!.map((c) => [c.resourceGroup, c.name]),
            [["rg", "a"]],
        );
        assert.equal(cfg.arcClusters, undefined, "no list: every Arc cluster of the subscription (discovery)");
        assert.deepEqual([cfg.include, cfg.exclude, cfg.overrides], [[], [], {}]);
    });

    it("uses defender-cloudposture as the binding name for the CSPM operator", () => {
        const cfg = loadStackConfig(
            "t",
            azure({ plan: { cspm: { enabled: true } }, discovery: { operator: "cspm" } }),
        ).azure!;
        assert.equal(cfg.discovery.bindingName, "defender-cloudposture");
    });

    it("refuses tags in an explicit list: they are read from the cluster itself", () => {
        const e = errorOf(
            azure({ aksClusters: [{ id: aks("rg", "a"), tags: { ms_defender_container_exclude_agentless: "true" } }] }),
        );
        assert.equal(
            e.message,
            'config key "azure.aksClusters[0].tags" has value {"ms_defender_container_exclude_agentless":"true"}; expected no such key; allowed keys under "azure.aksClusters[0]": id',
        );
    });

    it("reads include/exclude filters (one or a list) and overrides keyed by resource id or <resourceGroup>/<name>", () => {
        const cfg = loadStackConfig(
            "t",
            azure({
                include: { names: ["aks-*"], tags: { env: "prod" } },
                exclude: [{ resourceGroups: ["rg-sandbox*"] }, { kinds: ["arc"] }],
                overrides: { "rg-a/aks-a": { bind: false }, [arc("rg-edge", "arc-1")]: { defenderExtension: false } },
            }),
        ).azure!;
        assert.deepEqual(cfg.include, [{ names: ["aks-*"], tags: { env: "prod" }, attributes: {} }]);
        assert.deepEqual(
            cfg.exclude.map((f) => f.attributes),
            [{ resourceGroups: ["rg-sandbox*"] }, { kinds: ["arc"] }],
        );
        assert.deepEqual(cfg.overrides, {
            "rg-a/aks-a": { bind: false },
            [arc("rg-edge", "arc-1")]: { defenderExtension: false },
        });
    });

    it("rejects an empty filter, a bad kind, a bad override key and a bad binding name, naming each", () => {
        assert.equal(
            errorOf(azure({ exclude: {} })).message,
            'config key "azure.exclude" has value {}; expected a filter with at least one of names, tags, resourceGroups, kinds (an empty filter would match every cluster)',
        );
        assert.equal(
            errorOf(azure({ include: [{ kinds: ["eks"] }] })).message,
            'config key "azure.include[0].kinds[0]" has value "eks"; expected one of aks, arc',
        );
        assert.equal(
            errorOf(azure({ include: { names: ["rg/a/b"] } })).message,
            'config key "azure.include.names[0]" has value "rg/a/b"; expected a name or glob (* and ?) of letters, digits and - _ . ( ), or <resource group glob>/<name glob>',
        );
        assert.equal(
            errorOf(azure({ exclude: { resourceGroups: ["rg/a"] } })).message,
            'config key "azure.exclude.resourceGroups[0]" has value "rg/a"; expected a resource group name or glob (* and ?) of letters, digits and - _ . ( )',
        );
        assert.equal(
            errorOf(azure({ overrides: { "aks-a": { bind: false } } })).message,
            'config key "azure.overrides["aks-a"]" has value "aks-a"; expected an AKS or Arc cluster resource id of this subscription, or <resourceGroup>/<name>',
        );
        assert.equal(
            errorOf(azure({ overrides: { "rg/aks-a": { bindingName: "Defender_Containers" } } })).key,
            'azure.overrides["rg/aks-a"].bindingName',
        );
        assert.equal(
            errorOf(azure({ overrides: { "rg/aks-a": { tags: {} } } })).key,
            'azure.overrides["rg/aks-a"].tags',
        );
    });

    it("rejects a missing subscription id", () => {
        const e = errorOf({ cloud: "azure", azure: { location: "westeurope" } });
        assert.equal(
            e.message,
            'config key "azure.subscriptionId" is missing; expected the subscription id, a GUID such as 00000000-0000-0000-0000-000000000000',
        );
    });

    it("rejects a missing azure block", () => {
        const e = errorOf({ cloud: "azure" });
        assert.equal(e.key, "azure");
        assert.match(e.message, /is missing; expected an object with at least subscriptionId/);
    });

    it("rejects a malformed cluster resource id, showing the expected shape", () => {
        const e = errorOf(
            azure({ aksClusters: [{ id: aks("rg", "a") }, { id: "/subscriptions/x/resourceGroups/rg/aks-b" }] }),
        );
        assert.equal(
            e.message,
            'config key "azure.aksClusters[1].id" has value "/subscriptions/x/resourceGroups/rg/aks-b"; expected an AKS cluster resource id ' +
                "/subscriptions/<subscription GUID>/resourceGroups/<group>/providers/Microsoft.ContainerService/managedClusters/<name>",
        );
    });

    it("rejects an Arc id given as an AKS cluster", () => {
        const e = errorOf(azure({ aksClusters: [arc("rg", "edge")] }));
        assert.equal(e.key, "azure.aksClusters[0].id");
    });

    it("rejects a cluster of another subscription", () => {
        const other = "11111111-2222-3333-4444-555555555555";
        const e = errorOf(azure({ aksClusters: [aks("rg", "a", other)] }));
        assert.match(
            e.message,
            /^config key "azure.aksClusters\[0\].id" has value ".*"; expected a cluster in this stack's subscription 3f2a9c1e/,
        );
    });

    it("rejects a cluster listed twice, even in another case", () => {
        const e = errorOf(azure({ aksClusters: [aks("rg", "a"), aks("RG", "A")] }));
        assert.equal(
            e.message,
            `config key "azure.aksClusters[1]" has value "${aks("RG", "A")}"; expected each cluster listed once; it is already listed at azure.aksClusters[0]`,
        );
    });

    it("rejects an unknown extension name and lists the known ones", () => {
        const e = errorOf(azure({ plan: { extensions: { AgentlessDiscovery: true } } }));
        assert.equal(
            e.message,
            'config key "azure.plan.extensions.AgentlessDiscovery" has value true; expected no such key; allowed keys under "azure.plan.extensions": ' +
                "AgentlessDiscoveryForKubernetes, ContainerSensor, ContainerRegistriesVulnerabilityAssessments, ContainerIntegrityContribution, AgentlessVmScanning",
        );
    });

    it("rejects a non-boolean extension switch", () => {
        const e = errorOf(azure({ plan: { extensions: { ContainerSensor: "yes" } } }));
        assert.equal(
            e.message,
            'config key "azure.plan.extensions.ContainerSensor" has value "yes"; expected true or false',
        );
    });

    it("rejects an unknown cloud", () => {
        const e = errorOf({ cloud: "oracle" });
        assert.equal(e.key, "cloud");
        assert.match(e.message, /^config key "cloud" has value "oracle"; expected one of azure/);
    });

    it("rejects an unknown top-level key", () => {
        const e = errorOf({ cloud: "azure", azrue: {} });
        assert.match(e.message, /^config key "agentless-discovery:azrue" has value \{\}; expected no such key/);
    });

    it("refuses discovery through the Containers operator when its extension is off", () => {
        const e = errorOf(azure({ plan: { extensions: { AgentlessDiscoveryForKubernetes: false } } }));
        assert.equal(e.key, "azure.plan.extensions.AgentlessDiscoveryForKubernetes");
    });

    it("refuses discovery through the CSPM operator when the CSPM plan is off", () => {
        const e = errorOf(azure({ discovery: { operator: "cspm" } }));
        assert.equal(e.key, "azure.plan.cspm.enabled");
    });

    it("rejects an unknown operator, a bad binding name, a bad effect and a bad workspace id", () => {
        assert.equal(
            errorOf(azure({ discovery: { operator: "cloud" } })).message,
            'config key "azure.discovery.operator" has value "cloud"; expected one of containers, cspm',
        );
        assert.equal(
            errorOf(azure({ discovery: { bindingName: "Defender_Containers" } })).key,
            "azure.discovery.bindingName",
        );
        assert.equal(
            errorOf(azure({ atScale: { podSecurityBaseline: "deny" } })).message,
            'config key "azure.atScale.podSecurityBaseline" has value "deny"; expected one of off, Audit, Deny',
        );
        assert.equal(errorOf(azure({ logAnalyticsWorkspaceId: "law-defender" })).key, "azure.logAnalyticsWorkspaceId");
    });
    it("refuses Arc clusters with the Defender extension but neither a workspace nor Defender's default one", () => {
        const e = errorOf(azure({ arcClusters: [arc("rg-edge", "arc-1")] }));
        assert.equal(
            e.message,
            'config key "azure.logAnalyticsWorkspaceId" is missing; expected a workspace resource id ' +
                "/subscriptions/<subscription GUID>/resourceGroups/<group>/providers/Microsoft.OperationalInsights/workspaces/<name> " +
                "for the Defender extension on azure.arcClusters (it needs the workspace's id and key), " +
                "or azure.arcExtensions.defaultWorkspace: true to use Defender's default workspace, or azure.arcExtensions.defender: false",
        );
        // Without connected clusters there is nothing to install, so nothing to refuse.
        assert.equal(loadStackConfig("t", azure()).azure!.arcExtensions.defaultWorkspace, false);
    });

    it("accepts Defender's default workspace only as an explicit choice left to policy 708b60a6", () => {
        const cfg = loadStackConfig(
            "t",
            azure({ arcClusters: [arc("rg-edge", "arc-1")], arcExtensions: { defaultWorkspace: true } }),
        ).azure!;
        assert.deepEqual(cfg.arcExtensions, { defender: true, azurePolicy: true, defaultWorkspace: true });
        const both = errorOf(
            azure({
                arcClusters: [arc("rg-edge", "arc-1")],
                arcExtensions: { defaultWorkspace: true },
                logAnalyticsWorkspaceId: `/subscriptions/${SUB}/resourceGroups/rg-sec/providers/Microsoft.OperationalInsights/workspaces/law-1`,
            }),
        );
        assert.equal(both.key, "azure.arcExtensions.defaultWorkspace");
        const noPolicy = errorOf(
            azure({
                arcClusters: [arc("rg-edge", "arc-1")],
                arcExtensions: { defaultWorkspace: true },
                atScale: { arcDefender: false },
            }),
        );
        assert.equal(
            noPolicy.message,
            'config key "azure.atScale.arcDefender" has value false; expected true while azure.arcExtensions.defaultWorkspace is true: ' +
                "policy 708b60a6 is what installs the Defender extension with Defender's default workspace",
        );
    });
});
