import { strict as assert } from "assert";
import { loadStackConfig } from "../../config";
import { ConfigError } from "../../lib/errors";
import { checkArcWorkspace, loadAzureConfig } from "../../config/azure";

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

describe("Azure config: every key's shape, defaults and brownfield settings", () => {
    const WORKSPACE = `/subscriptions/${SUB}/resourceGroups/rg-sec/providers/Microsoft.OperationalInsights/workspaces/law-1`;
    const WORKSPACE_SHAPE =
        "/subscriptions/<subscription GUID>/resourceGroups/<group>/providers/Microsoft.OperationalInsights/workspaces/<name>";
    const AKS_SHAPE =
        "/subscriptions/<subscription GUID>/resourceGroups/<group>/providers/Microsoft.ContainerService/managedClusters/<name>";
    const ARC_SHAPE =
        "/subscriptions/<subscription GUID>/resourceGroups/<group>/providers/Microsoft.Kubernetes/connectedClusters/<name>";
    const load = (extra: Record<string, unknown> = {}) => loadStackConfig("t", azure(extra)).azure!;
    const messageOf = (extra: Record<string, unknown>) => errorOf(azure(extra)).message;

    it("fills the at-scale policies, the guard effects and the Arc extensions with their defaults", () => {
        const cfg = load();
        assert.deepEqual(cfg.atScale, {
            policies: { defenderProfile: true, azurePolicyAddon: true, arcDefender: true, arcAzurePolicy: true },
            podSecurityBaseline: "off",
            privilegedContainers: "off",
        });
        assert.deepEqual(cfg.arcExtensions, { defender: true, azurePolicy: true, defaultWorkspace: false });
        assert.deepEqual(cfg.plan.cspm, {
            enabled: false,
            extensions: {
                AgentlessDiscoveryForKubernetes: true,
                ContainerRegistriesVulnerabilityAssessments: false,
                AgentlessVmScanning: false,
            },
        });
        assert.deepEqual(
            [cfg.logAnalyticsWorkspaceId, cfg.aksClusters, cfg.arcClusters],
            [undefined, undefined, undefined],
        );
    });

    it("reads every setting a brownfield subscription may turn off or change", () => {
        const cfg = load({
            logAnalyticsWorkspaceId: WORKSPACE,
            plan: { cspm: { enabled: "true", extensions: { AgentlessVmScanning: true } } },
            discovery: { enabled: true, operator: "cspm", bindingName: "contoso-posture" },
            atScale: {
                defenderProfile: false,
                azurePolicyAddon: "false",
                arcDefender: false,
                arcAzurePolicy: false,
                podSecurityBaseline: "Audit",
                privilegedContainers: "Deny",
            },
            arcExtensions: { defender: false, azurePolicy: false, defaultWorkspace: false },
            arcClusters: [arc("rg-edge", "arc-1")],
        });
        assert.equal(cfg.logAnalyticsWorkspaceId, WORKSPACE);
        assert.deepEqual(cfg.plan.cspm, {
            enabled: true,
            extensions: {
                AgentlessDiscoveryForKubernetes: true,
                ContainerRegistriesVulnerabilityAssessments: false,
                AgentlessVmScanning: true,
            },
        });
        assert.deepEqual(cfg.discovery, { enabled: true, operator: "cspm", bindingName: "contoso-posture" });
        assert.deepEqual(cfg.atScale, {
            policies: { defenderProfile: false, azurePolicyAddon: false, arcDefender: false, arcAzurePolicy: false },
            podSecurityBaseline: "Audit",
            privilegedContainers: "Deny",
        });
        assert.deepEqual(cfg.arcExtensions, { defender: false, azurePolicy: false, defaultWorkspace: false });
        assert.deepEqual(
            cfg.arcClusters!.map((c) => [c.resourceGroup, c.name]),
            [["rg-edge", "arc-1"]],
        );
    });

    it("needs no discovery extension while discovery is off", () => {
        assert.equal(
            load({ discovery: { enabled: false }, plan: { extensions: { AgentlessDiscoveryForKubernetes: false } } })
                .discovery.enabled,
            false,
        );
        assert.equal(load({ discovery: { enabled: "false", operator: "cspm" } }).discovery.operator, "cspm");
        assert.equal(
            load({
                discovery: { operator: "cspm" },
                plan: { extensions: { AgentlessDiscoveryForKubernetes: false }, cspm: { enabled: true } },
            }).discovery.operator,
            "cspm",
            "the CSPM operator does not need the Containers plan's extension",
        );
    });

    it("treats null cluster lists as absent", () => {
        const cfg = load({ aksClusters: null, arcClusters: null });
        assert.deepEqual([cfg.aksClusters, cfg.arcClusters], [undefined, undefined]);
    });

    const bad: [string, Record<string, unknown>, string][] = [
        [
            "a missing location",
            { location: undefined },
            'config key "azure.location" is missing; expected an Azure region name such as westeurope (lower-case letters and digits)',
        ],
        [
            "a workspace id that is not a string",
            { logAnalyticsWorkspaceId: 42 },
            `config key "azure.logAnalyticsWorkspaceId" has value 42; expected a workspace resource id ${WORKSPACE_SHAPE}`,
        ],
        [
            "a workspace id of another resource type",
            { logAnalyticsWorkspaceId: aks("rg", "a") },
            `config key "azure.logAnalyticsWorkspaceId" has value "${aks("rg", "a")}"; expected a workspace resource id ${WORKSPACE_SHAPE}`,
        ],
        [
            "an unknown CSPM key",
            { plan: { cspm: { enable: true } } },
            'config key "azure.plan.cspm.enable" has value true; expected no such key; allowed keys under "azure.plan.cspm": enabled, extensions',
        ],
        [
            "a CSPM switch that is not a boolean",
            { plan: { cspm: { enabled: "yes" } } },
            'config key "azure.plan.cspm.enabled" has value "yes"; expected true or false',
        ],
        [
            "a CSPM extension switch that is not a boolean",
            { plan: { cspm: { extensions: { AgentlessVmScanning: 1 } } } },
            'config key "azure.plan.cspm.extensions.AgentlessVmScanning" has value 1; expected true or false',
        ],
        [
            "an unknown discovery key",
            { discovery: { operators: "cspm" } },
            'config key "azure.discovery.operators" has value "cspm"; expected no such key; allowed keys under "azure.discovery": enabled, operator, bindingName',
        ],
        [
            "a discovery switch that is not a boolean",
            { discovery: { enabled: "no" } },
            'config key "azure.discovery.enabled" has value "no"; expected true or false',
        ],
        [
            "the Containers operator without the discovery extension",
            { plan: { extensions: { AgentlessDiscoveryForKubernetes: false } } },
            'config key "azure.plan.extensions.AgentlessDiscoveryForKubernetes" has value false; expected true while azure.discovery.operator is "containers": the Containers security operator is created by that extension',
        ],
        [
            "the CSPM operator without the CSPM plan",
            { discovery: { operator: "cspm" } },
            'config key "azure.plan.cspm.enabled" has value false; expected true, with extensions.AgentlessDiscoveryForKubernetes true, while azure.discovery.operator is "cspm"',
        ],
        [
            "the CSPM operator without the CSPM discovery extension",
            {
                discovery: { operator: "cspm" },
                plan: { cspm: { enabled: true, extensions: { AgentlessDiscoveryForKubernetes: false } } },
            },
            'config key "azure.plan.cspm.enabled" has value true; expected true, with extensions.AgentlessDiscoveryForKubernetes true, while azure.discovery.operator is "cspm"',
        ],
        [
            "an unknown at-scale key",
            { atScale: { defender: true } },
            'config key "azure.atScale.defender" has value true; expected no such key; allowed keys under "azure.atScale": defenderProfile, azurePolicyAddon, arcDefender, arcAzurePolicy, podSecurityBaseline, privilegedContainers',
        ],
        ...(["defenderProfile", "azurePolicyAddon", "arcDefender", "arcAzurePolicy"].map((k) => [
            `an at-scale ${k} switch that is not a boolean`,
            { atScale: { [k]: "on" } },
            `config key "azure.atScale.${k}" has value "on"; expected true or false`,
        ]) as [string, Record<string, unknown>, string][]),
        [
            "an unknown privileged-containers effect",
            { atScale: { privilegedContainers: "deny" } },
            'config key "azure.atScale.privilegedContainers" has value "deny"; expected one of off, Audit, Deny',
        ],
        [
            "an unknown Arc extension key",
            { arcExtensions: { sensor: true } },
            'config key "azure.arcExtensions.sensor" has value true; expected no such key; allowed keys under "azure.arcExtensions": defender, azurePolicy, defaultWorkspace',
        ],
        ...(["defender", "azurePolicy", "defaultWorkspace"].map((k) => [
            `an Arc extension ${k} switch that is not a boolean`,
            { arcExtensions: { [k]: "yes" } },
            `config key "azure.arcExtensions.${k}" has value "yes"; expected true or false`,
        ]) as [string, Record<string, unknown>, string][]),
        [
            "Defender's default workspace beside a named one",
            { arcExtensions: { defaultWorkspace: true }, logAnalyticsWorkspaceId: WORKSPACE },
            'config key "azure.arcExtensions.defaultWorkspace" has value true; expected false (or absent) while azure.logAnalyticsWorkspaceId names a workspace: choose one of the two',
        ],
        [
            "an AKS list that is not a list",
            { aksClusters: aks("rg", "a") },
            `config key "azure.aksClusters" has value "${aks("rg", "a")}"; expected a list of AKS cluster resource ids (or { id })`,
        ],
        [
            "an Arc list that is not a list",
            { arcClusters: { id: arc("rg", "a") } },
            `config key "azure.arcClusters" has value {"id":"${arc("rg", "a")}"}; expected a list of Arc-enabled cluster resource ids (or { id })`,
        ],
        [
            "a cluster entry without its id",
            { aksClusters: [{}] },
            `config key "azure.aksClusters[0].id" is missing; expected an AKS cluster resource id ${AKS_SHAPE}`,
        ],
        [
            "a cluster id that is not a string",
            { arcClusters: [{ id: 7 }] },
            `config key "azure.arcClusters[0].id" has value 7; expected an Arc-enabled cluster resource id ${ARC_SHAPE}`,
        ],
        [
            "an AKS id given as an Arc cluster",
            { arcClusters: [aks("rg", "a")] },
            `config key "azure.arcClusters[0].id" has value "${aks("rg", "a")}"; expected an Arc-enabled cluster resource id ${ARC_SHAPE}`,
        ],
    ];
    for (const [what, extra, expected] of bad) {
        it(`rejects ${what}, naming key, value and what is allowed`, () => {
            assert.equal(messageOf(extra), expected);
        });
    }

    it("checks the Arc workspace again for clusters found by discovery, under azure.* by default", () => {
        const ext = { defender: true, azurePolicy: true, defaultWorkspace: false };
        assert.throws(() => checkArcWorkspace(ext, undefined, true, [arc("rg-edge", "arc-1")]), {
            name: "ConfigError",
            message:
                `config key "azure.logAnalyticsWorkspaceId" is missing; expected a workspace resource id ${WORKSPACE_SHAPE} ` +
                "for the Defender extension on azure.arcClusters (it needs the workspace's id and key), " +
                "or azure.arcExtensions.defaultWorkspace: true to use Defender's default workspace, or azure.arcExtensions.defender: false",
        });
        checkArcWorkspace(ext, WORKSPACE, true, [arc("rg-edge", "arc-1")]);
        checkArcWorkspace({ ...ext, defender: false }, undefined, true, [arc("rg-edge", "arc-1")]);
    });

    it("is read under another path when asked", () => {
        assert.throws(() => loadAzureConfig({ subscriptionId: SUB }, "alt"), {
            message:
                'config key "alt.location" is missing; expected an Azure region name such as westeurope (lower-case letters and digits)',
        });
    });
});
