import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { loadAzureConfig } from "../../../config/azure";
import { PROJECT } from "../../../config";
import { onboardAzure, azureLookupFor } from "../../../stack/azure/onboarding";
import { AzureLookup } from "../../../lookup/azure/port";
import { fileAzureLookup, readAzureCloudState } from "../../../lookup/azure/stateFile";
import { CloudStateError, LookupError } from "../../../lib/errors";
import { fileSource } from "../../../lookup/source";
import { PlanResource, startMockSession } from "../../../plan/mockRuntime";
import { PlanNote } from "../../../stack/notes";
import { byType, one, registered, takeNotes } from "../../helpers/pulumi";

const SUB = "5e8c2a1f-3b7d-4c9e-8a6f-1d2e3f4a5b6c";
const WS = `/subscriptions/${SUB}/resourceGroups/rg-sec/providers/Microsoft.OperationalInsights/workspaces/law-weu`;
const aksId = (rg: string, name: string) =>
    `/subscriptions/${SUB}/resourceGroups/${rg}/providers/Microsoft.ContainerService/managedClusters/${name}`;
const ARC = `/subscriptions/${SUB}/resourceGroups/rg-edge/providers/Microsoft.Kubernetes/connectedClusters/arc-1`;
const OP = `/subscriptions/${SUB}/providers/Microsoft.Security/pricings/Containers/securityOperators/DefenderForContainersSecurityOperator`;
const PRINCIPAL = "4a7e9c2d-1b3f-4e5a-8d6c-9f0e1a2b3c4d";
const RA = `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleAssignments/0c8e4f2a-6b1d-4c3e-9a5f-7d2b8e1c4a6f`;
const ROLE_DEF = `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/d5a2ae44-610b-4500-93be-660a0c5f5ca6`;
const DEFENDER_ROLE = "Microsoft.Security/pricings/microsoft-defender-operator";
const BINDING = "azure-native:containerservice:TrustedAccessRoleBinding";
const EXTENSION = "azure-native:kubernetesconfiguration:Extension";

const cfg = loadAzureConfig({
    subscriptionId: SUB,
    location: "westeurope",
    logAnalyticsWorkspaceId: WS,
    atScale: { defenderProfile: true, azurePolicyAddon: true, arcDefender: false, arcAzurePolicy: false },
});

type State = Record<string, unknown> & { aksClusters: Record<string, unknown>[] };

/** A subscription with two AKS clusters and one Arc cluster, Defender off: what a fresh stack meets. */
function fresh(): State {
    return {
        subscriptionId: SUB,
        aksClusters: [
            { id: aksId("rg-a", "aks-a"), location: "westeurope", tags: { team: "a" } },
            { id: aksId("rg-b", "aks-b"), location: "northeurope" },
        ],
        arcClusters: [{ id: ARC, location: "westeurope", distribution: "k3s" }],
        pricings: [{ name: "Containers", pricingTier: "Free" }],
    };
}

const binding = { name: "defender-containers", roles: [DEFENDER_ROLE], sourceResourceId: OP };
const operator = { pricingName: "Containers", name: "DefenderForContainersSecurityOperator", principalId: PRINCIPAL };
const roleAssignment = {
    id: RA,
    scope: `/subscriptions/${SUB}`,
    roleDefinitionId: ROLE_DEF,
    principalId: PRINCIPAL,
    principalType: "ServicePrincipal",
};
const arcDefender = {
    name: "microsoft.azuredefender.kubernetes",
    extensionType: "microsoft.azuredefender.kubernetes",
    releaseTrain: "Stable",
    autoUpgradeMinorVersion: true,
    releaseNamespace: "mdc",
    identityType: "SystemAssigned",
    configurationSettings: { logAnalyticsWorkspaceResourceID: WS },
};

/** Defender already on: it made the operator, its role assignment, both bindings; policy installed the Arc extension. */
function defenderOn(): State {
    const s = fresh();
    s.aksClusters = s.aksClusters.map((c) => ({ ...c, trustedAccessRoleBindings: [binding] }));
    s.arcClusters = [{ id: ARC, location: "westeurope", extensions: [arcDefender] }];
    s.securityOperators = [operator];
    s.roleAssignments = [roleAssignment];
    s.pricings = [
        {
            name: "Containers",
            pricingTier: "Standard",
            extensions: { AgentlessDiscoveryForKubernetes: true, ContainerSensor: true },
        },
    ];
    s.policyAssignments = [
        {
            name: "mdc-aks-defender-profile",
            policyDefinitionId:
                "/providers/Microsoft.Authorization/policyDefinitions/64def556-fbad-4622-930e-72d1d5589bf5",
            principalId: "9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a",
        },
    ];
    return s;
}

async function run(lookup: AzureLookup, config = cfg): Promise<{ rs: PlanResource[]; notes: PlanNote[] }> {
    await takeNotes();
    const rs = await registered(() => onboardAzure(config, fileSource("(unused)"), lookup), {
        azureSubscriptionId: SUB,
    });
    return { rs, notes: await takeNotes() };
}

const plan = (state: State, config = cfg) => run(fileAzureLookup(readAzureCloudState(state)), config);
const ops = (rs: PlanResource[]) =>
    rs
        .filter((r) => r.custom && r.type !== "pulumi:providers:azure-native")
        .map((r) => `${r.op} ${r.name}${r.importId ? ` ${r.importId}` : ""}`)
        .sort();

describe("Azure onboarding from cloud states (mocks)", () => {
    it("fresh subscription: creates everything, one binding per discovered AKS cluster, both extensions on the Arc cluster", async () => {
        const { rs } = await plan(fresh());
        assert.deepEqual(
            rs.filter((r) => r.op !== "create"),
            [],
        );
        assert.deepEqual(
            byType(rs, BINDING).map((b) => [
                b.name,
                b.inputs.resourceGroupName,
                b.inputs.resourceName,
                b.inputs.sourceResourceId,
            ]),
            [
                ["discovery-rg-a-aks-a", "rg-a", "aks-a", OP],
                ["discovery-rg-b-aks-b", "rg-b", "aks-b", OP],
            ],
        );
        assert.deepEqual(
            byType(rs, EXTENSION)
                .map((e) => e.inputs.extensionType)
                .sort(),
            ["microsoft.azuredefender.kubernetes", "microsoft.policyinsights"],
        );
        assert.equal(
            one(rs, "azure-native:authorization:RoleAssignment", "discovery-api-access").inputs.roleDefinitionId,
            ROLE_DEF,
        );
    });

    it("Defender already on: imports the plan, operator, role assignment, bindings, Arc extension and policy assignment by their exact ids; creates only what is missing", async () => {
        const { rs, notes } = await plan(defenderOn());
        assert.deepEqual(ops(rs), [
            "create addons-azurePolicyAddon",
            "create addons-azurePolicyAddon-18ed5180",
            "create addons-azurePolicyAddon-ed7f3fbd",
            "create addons-azurePolicyAddon-remediation",
            "create addons-defenderProfile-5e93ba01",
            "create addons-defenderProfile-8bb6f106",
            "create arc-rg-edge-arc-1-azure-policy",
            `import addons-defenderProfile /subscriptions/${SUB}/providers/Microsoft.Authorization/policyAssignments/mdc-aks-defender-profile`,
            `import arc-rg-edge-arc-1-defender ${ARC}/providers/Microsoft.KubernetesConfiguration/extensions/microsoft.azuredefender.kubernetes`,
            `import defender-containers /subscriptions/${SUB}/providers/Microsoft.Security/pricings/Containers`,
            `import discovery-api-access ${RA}`,
            `import discovery-operator ${OP}`,
            `import discovery-rg-a-aks-a ${aksId("rg-a", "aks-a")}/trustedAccessRoleBindings/defender-containers`,
            `import discovery-rg-b-aks-b ${aksId("rg-b", "aks-b")}/trustedAccessRoleBindings/defender-containers`,
        ]);
        // An import must match what exists: the inputs are ARM's, not the defaults.
        assert.deepEqual(one(rs, "azure-native:authorization:RoleAssignment", "discovery-api-access").inputs, {
            roleAssignmentName: "0c8e4f2a-6b1d-4c3e-9a5f-7d2b8e1c4a6f",
            principalId: PRINCIPAL,
            principalType: "ServicePrincipal",
            roleDefinitionId: ROLE_DEF,
            scope: `/subscriptions/${SUB}`,
        });
        assert.deepEqual(one(rs, EXTENSION, "arc-rg-edge-arc-1-defender").inputs, {
            clusterRp: "Microsoft.Kubernetes",
            clusterResourceName: "connectedClusters",
            clusterName: "arc-1",
            resourceGroupName: "rg-edge",
            extensionName: "microsoft.azuredefender.kubernetes",
            extensionType: "microsoft.azuredefender.kubernetes",
            identity: { type: "SystemAssigned" },
            autoUpgradeMinorVersion: true,
            releaseTrain: "Stable",
            scope: { cluster: { releaseNamespace: "mdc" } },
            configurationSettings: { logAnalyticsWorkspaceResourceID: WS },
        });
        // The adopted policy assignment's identity keeps its own principal for its roles.
        assert.equal(
            one(rs, "azure-native:authorization:RoleAssignment", "addons-defenderProfile-5e93ba01").inputs.principalId,
            "9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a",
        );
        assert.equal(
            byType(rs, "azure-native:policyinsights:RemediationAtSubscription").length,
            1,
            "no second remediation for the adopted assignment",
        );
        assert.ok(notes.some((n) => n.subject === OP && n.message.startsWith("adopted:")));
        assert.deepEqual(
            notes.filter((n) => n.kind === "manual-step"),
            [],
            "the plan's extensions match the config",
        );
    });

    it("partial: operator made but no role assignment, one binding made: imports those two, creates the rest against the operator's real identity", async () => {
        const s = fresh();
        s.securityOperators = [operator];
        s.aksClusters[0].trustedAccessRoleBindings = [binding];
        const { rs } = await plan(s);
        assert.deepEqual(
            ops(rs).filter((o) => o.startsWith("import")),
            [
                `import discovery-operator ${OP}`,
                `import discovery-rg-a-aks-a ${aksId("rg-a", "aks-a")}/trustedAccessRoleBindings/defender-containers`,
            ],
        );
        const ra = one(rs, "azure-native:authorization:RoleAssignment", "discovery-api-access");
        assert.equal(ra.op, "create");
        assert.equal(ra.inputs.principalId, PRINCIPAL);
        const b = one(rs, BINDING, "discovery-rg-b-aks-b");
        assert.deepEqual(
            [b.op, b.inputs.sourceResourceId, b.inputs.trustedAccessRoleBindingName],
            ["create", OP, "defender-containers"],
        );
    });

    it("a cluster added or removed changes only that cluster's binding; names stay tied to resource group and cluster", async () => {
        const added = fresh();
        added.aksClusters.push({ id: aksId("rg-c", "aks-a"), location: "westeurope" });
        assert.deepEqual(
            byType((await plan(added)).rs, BINDING).map((b) => b.name),
            ["discovery-rg-a-aks-a", "discovery-rg-b-aks-b", "discovery-rg-c-aks-a"],
        );
        const removed = fresh();
        removed.aksClusters.pop();
        assert.deepEqual(
            byType((await plan(removed)).rs, BINDING).map((b) => b.name),
            ["discovery-rg-a-aks-a"],
        );
    });

    it("a cluster tagged for exclusion gets no binding and is named in a note; an override and an exclude filter act per cluster", async () => {
        const s = fresh();
        s.aksClusters[1].tags = { ms_defender_container_exclude_agentless: "true" };
        const { rs, notes } = await plan(s, { ...cfg, overrides: { [ARC]: { azurePolicyExtension: false } } });
        assert.deepEqual(
            byType(rs, BINDING).map((b) => b.inputs.resourceName),
            ["aks-a"],
        );
        assert.deepEqual(
            notes.filter((n) => n.kind === "excluded"),
            [
                {
                    kind: "excluded",
                    subject: aksId("rg-b", "aks-b"),
                    message: "left out: tagged ms_defender_container_exclude_agentless=true (Defender skips it)",
                },
            ],
        );
        assert.deepEqual(
            byType(rs, EXTENSION).map((e) => e.inputs.extensionType),
            ["microsoft.azuredefender.kubernetes"],
        );
        const filtered = await plan(fresh(), {
            ...cfg,
            exclude: [{ names: [], tags: {}, attributes: { resourceGroups: ["rg-a"] } }],
        });
        assert.deepEqual(
            byType(filtered.rs, BINDING).map((b) => b.inputs.resourceName),
            ["aks-b"],
        );
    });

    it("a pre-existing plan whose extensions differ from the config is imported with a manual step naming each difference", async () => {
        const s = defenderOn();
        s.pricings = [
            {
                name: "Containers",
                pricingTier: "Standard",
                extensions: { AgentlessDiscoveryForKubernetes: true, ContainerSensor: false },
            },
        ];
        const { notes } = await plan(s);
        assert.deepEqual(
            notes.filter((n) => n.kind === "manual-step").map((n) => n.message),
            [
                "the plan's extensions differ from azure.plan.extensions: ContainerSensor (off in the cloud, on in config). Pulumi imports only what matches: " +
                    "for the adopting run set azure.plan.extensions as the cloud has it, then change it in a later run",
            ],
        );
    });

    it("a binding name taken by another source stops the run naming the cluster and the fix", async () => {
        const s = defenderOn();
        s.aksClusters[0].trustedAccessRoleBindings = [
            {
                ...binding,
                sourceResourceId: `/subscriptions/${SUB}/resourceGroups/rg-ml/providers/Microsoft.MachineLearningServices/workspaces/ml`,
            },
        ];
        await assert.rejects(
            plan(s),
            /trusted access role binding "defender-containers" of cluster .*\/aks-a exists but does not give .*DefenderForContainersSecurityOperator the role Microsoft\.Security\/pricings\/microsoft-defender-operator: choose another name with azure\.discovery\.bindingName or azure\.overrides\["rg-a\/aks-a"\]\.bindingName/,
        );
    });

    it("per-cluster overrides: another binding name, no binding; a discovered Arc cluster needing the extension without a workspace is a config error, unless it has one", async () => {
        const { rs, notes } = await plan(fresh(), {
            ...cfg,
            overrides: { "rg-a/aks-a": { bindingName: "mdc-discovery" }, [aksId("rg-b", "aks-b")]: { bind: false } },
        });
        assert.deepEqual(
            byType(rs, BINDING).map((b) => [b.inputs.resourceName, b.inputs.trustedAccessRoleBindingName]),
            [["aks-a", "mdc-discovery"]],
        );
        assert.ok(
            notes.some(
                (n) =>
                    n.subject === aksId("rg-b", "aks-b") &&
                    n.message === "no trusted access binding: azure.overrides sets bind: false",
            ),
        );

        const noWorkspace = loadAzureConfig({
            subscriptionId: SUB,
            location: "westeurope",
            atScale: { arcDefender: false },
        });
        await assert.rejects(plan(fresh(), noWorkspace), (e: Error) =>
            e.message.startsWith(
                'config key "azure.logAnalyticsWorkspaceId" is missing; expected a workspace resource id /subscriptions/<subscription GUID>/resourceGroups/<group>/providers/Microsoft.OperationalInsights/workspaces/<name> for the Defender extension on azure.arcClusters',
            ),
        );
        // The Defender extension policy installed already is adopted: no workspace needed.
        const { rs: adopted } = await plan(defenderOn(), noWorkspace);
        assert.deepEqual(
            byType(adopted, EXTENSION)
                .map((e) => `${e.op} ${e.inputs.extensionType}`)
                .sort(),
            ["create microsoft.policyinsights", "import microsoft.azuredefender.kubernetes"],
        );
    });

    it("a failed lookup rejects before any resource is declared", async () => {
        const failing: AzureLookup = {
            ...fileAzureLookup(readAzureCloudState(defenderOn())),
            trustedAccessBindings: async (c) => {
                throw new LookupError(
                    "TrustedAccessRoleBindings_List",
                    c.id.slice(1),
                    "ARM answered 403 AuthorizationFailed: no read",
                );
            },
        };
        const session = await startMockSession(PROJECT, "test");
        const before = session.resources.length;
        await assert.rejects(
            run(failing),
            (e: Error) => e instanceof LookupError && e.call === "TrustedAccessRoleBindings_List",
        );
        await session.settle();
        assert.equal(session.resources.length, before);
    });
});

describe("Azure cloud-state section", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "azure-state-"));
    after(() => fs.rmSync(dir, { recursive: true, force: true }));
    const write = (name: string, text: string) => {
        const f = path.join(dir, name);
        fs.writeFileSync(f, text);
        return f;
    };
    const errorFor = (text: string): CloudStateError => {
        try {
            azureLookupFor(SUB, fileSource(write("s.yaml", text)));
        } catch (e) {
            assert.ok(e instanceof CloudStateError, String(e));
            return e;
        }
        assert.fail("expected a CloudStateError");
    };

    it("names the file, the key path, the value and what is allowed", () => {
        const f = path.join(dir, "s.yaml");
        assert.equal(
            errorFor(
                `azure:\n  subscriptionId: ${SUB}\n  aksClusters:\n    - id: ${aksId("rg", "a")}\n      tags: {}\n`,
            ).message,
            `cloud-state file ${f}: key "azure.aksClusters[0].location" is missing; expected the cluster's Azure region, such as westeurope`,
        );
        assert.equal(
            errorFor(
                `azure:\n  subscriptionId: ${SUB}\n  aksClusters:\n    - id: ${aksId("rg", "a")}\n      location: westeurope\n      extensions: []\n`,
            ).message,
            `cloud-state file ${f}: key "azure.aksClusters[0].extensions" has value []; expected no such key; allowed keys under "azure.aksClusters[0]": id, location, tags, trustedAccessRoleBindings`,
        );
        assert.equal(
            errorFor(
                `azure:\n  subscriptionId: ${SUB}\n  pricings:\n    - name: Containers\n      pricingTier: Premium\n`,
            ).key,
            "azure.pricings[0].pricingTier",
        );
        assert.equal(
            errorFor(
                `azure:\n  subscriptionId: ${SUB}\n  roleAssignments:\n    - { id: x, scope: /subscriptions/${SUB}, roleDefinitionId: ${ROLE_DEF}, principalId: ${PRINCIPAL} }\n`,
            ).key,
            "azure.roleAssignments[0].id",
        );
        assert.equal(
            errorFor("aws: {}\n").message,
            `cloud-state file ${f}: key "azure" is missing; expected an azure section with at least subscriptionId (this stack's cloud is azure)`,
        );
    });

    it("refuses a state of another subscription", () => {
        const other = "11111111-2222-4333-8444-555555555555";
        assert.equal(
            errorFor(`azure:\n  subscriptionId: ${other}\n`).message,
            `cloud-state file ${path.join(dir, "s.yaml")}: key "azure.subscriptionId" has value "${other}"; expected the stack's subscription ${SUB}: the state must describe the subscription the stack onboards`,
        );
    });

    it("answers an unlisted plan as Free, as ARM does", async () => {
        const lookup = fileAzureLookup(readAzureCloudState({ subscriptionId: SUB }));
        assert.deepEqual(await lookup.pricing("Containers"), {
            id: `/subscriptions/${SUB}/providers/Microsoft.Security/pricings/Containers`,
            pricingTier: "Free",
            extensions: {},
        });
        assert.equal(await lookup.securityOperator("Containers", "DefenderForContainersSecurityOperator"), undefined);
    });
});

describe("Azure onboarding: what ARM holds outside the subscription's own lists (mocks)", () => {
    const OTHER = "0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e";
    const CENTRAL_WS = `/subscriptions/${OTHER}/resourceGroups/rg-logs/providers/Microsoft.OperationalInsights/workspaces/law-central`;
    const POLICY_PRINCIPAL = "9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a";
    const WS_RA = `${CENTRAL_WS}/providers/Microsoft.Authorization/roleAssignments/3e5a7c9b-2d4f-4a6c-8e0b-1a3c5e7f9b2d`;
    const wsRole = {
        id: WS_RA,
        scope: CENTRAL_WS,
        roleDefinitionId: `/subscriptions/${OTHER}/providers/Microsoft.Authorization/roleDefinitions/5e93ba01-8f92-4c7a-b12a-801e3df23824`,
        principalId: POLICY_PRINCIPAL,
        principalType: "ServicePrincipal",
    };
    const central = loadAzureConfig({
        subscriptionId: SUB,
        location: "westeurope",
        logAnalyticsWorkspaceId: CENTRAL_WS,
        atScale: { defenderProfile: true, azurePolicyAddon: false, arcDefender: false, arcAzurePolicy: false },
        arcExtensions: { defender: false, azurePolicy: false },
    });

    /**
     * Answers role assignment lists as ARM does: `principalId eq` at a scope returns the assignments
     * at, above or below it, so a workspace in another subscription shows only at its own scope.
     */
    function armLike(state: State): { lookup: AzureLookup; scopes: (string | undefined)[] } {
        const base = fileAzureLookup(readAzureCloudState(state));
        const all = (state.roleAssignments ?? []) as (typeof wsRole)[];
        const scopes: (string | undefined)[] = [];
        const lookup: AzureLookup = {
            ...base,
            roleAssignments: async (principalId: string, scope?: string) => {
                scopes.push(scope);
                const at = (scope ?? `/subscriptions/${SUB}`).toLowerCase();
                return all.filter((a) => {
                    const s = a.scope.toLowerCase();
                    return (
                        a.principalId === principalId && (s === at || at.startsWith(`${s}/`) || s.startsWith(`${at}/`))
                    );
                });
            },
        };
        return { lookup, scopes };
    }

    it("finds an adopted policy identity's role at a workspace in another subscription at the workspace's scope, and imports it instead of meeting 409 RoleAssignmentExists", async () => {
        const s = defenderOn();
        s.roleAssignments = [roleAssignment, wsRole];
        const { lookup, scopes } = armLike(s);
        const { rs } = await run(lookup, central);
        assert.deepEqual(
            scopes,
            [undefined, undefined, CENTRAL_WS],
            "the operator's, then the policy identity's at both scopes",
        );
        const roles = byType(rs, "azure-native:authorization:RoleAssignment")
            .filter((r) => r.name.startsWith("addons-defenderProfile"))
            .map((r) => `${r.op} ${r.name}${r.importId ? ` ${r.importId}` : ""}`)
            .sort();
        assert.deepEqual(roles, [
            "create addons-defenderProfile-5e93ba01",
            "create addons-defenderProfile-8bb6f106",
            "create addons-defenderProfile-workspace-8bb6f106",
            `import addons-defenderProfile-workspace-5e93ba01 ${WS_RA}`,
        ]);
        assert.deepEqual(
            one(rs, "azure-native:authorization:RoleAssignment", "addons-defenderProfile-workspace-5e93ba01").inputs,
            {
                roleAssignmentName: "3e5a7c9b-2d4f-4a6c-8e0b-1a3c5e7f9b2d",
                principalId: POLICY_PRINCIPAL,
                principalType: "ServicePrincipal",
                roleDefinitionId: wsRole.roleDefinitionId,
                scope: CENTRAL_WS,
            },
        );
    });

    it("the cloud-state file answers a role assignment list as ARM does: the workspace's assignments only at its scope", async () => {
        const s = defenderOn();
        s.roleAssignments = [roleAssignment, wsRole];
        const lookup = fileAzureLookup(readAzureCloudState(s));
        assert.deepEqual(
            (await lookup.roleAssignments(POLICY_PRINCIPAL)).map((a) => a.id),
            [],
            "not at, above or below the subscription",
        );
        assert.deepEqual(
            (await lookup.roleAssignments(POLICY_PRINCIPAL, CENTRAL_WS)).map((a) => a.id),
            [WS_RA],
        );
        assert.deepEqual(
            (await lookup.roleAssignments(PRINCIPAL, `/subscriptions/${SUB}/resourceGroups/rg-a`)).map((a) => a.id),
            [RA],
            "an assignment at the subscription is above a resource group of it",
        );
    });

    it("adopts the Containers plan with its extensions' additionalExtensionProperties (ExclusionTags of AgentlessVmScanning) as they are", async () => {
        const s = defenderOn();
        const tags = '[{"key":"defender-scan","value":"off"}]';
        s.pricings = [
            {
                name: "Containers",
                pricingTier: "Standard",
                extensions: {
                    AgentlessDiscoveryForKubernetes: true,
                    ContainerSensor: true,
                    ContainerRegistriesVulnerabilityAssessments: false,
                    ContainerIntegrityContribution: false,
                    AgentlessVmScanning: true,
                },
                additionalExtensionProperties: { AgentlessVmScanning: { ExclusionTags: tags } },
            },
        ];
        const config = loadAzureConfig({
            subscriptionId: SUB,
            location: "westeurope",
            logAnalyticsWorkspaceId: WS,
            plan: { extensions: { AgentlessVmScanning: true } },
        });
        const { rs, notes } = await plan(s, config);
        const pricing = one(rs, "azure-native:security:Pricing", "defender-containers");
        assert.equal(pricing.op, "import");
        assert.deepEqual(pricing.inputs.extensions, [
            { name: "AgentlessDiscoveryForKubernetes", isEnabled: "True" },
            { name: "ContainerSensor", isEnabled: "True" },
            { name: "ContainerRegistriesVulnerabilityAssessments", isEnabled: "False" },
            { name: "ContainerIntegrityContribution", isEnabled: "False" },
            { name: "AgentlessVmScanning", isEnabled: "True", additionalExtensionProperties: { ExclusionTags: tags } },
        ]);
        assert.deepEqual(
            notes.filter((n) => n.kind === "manual-step"),
            [],
        );
    });

    it("refuses additionalExtensionProperties of an extension the pricing does not list, naming the key", () => {
        assert.throws(
            () =>
                readAzureCloudState({
                    subscriptionId: SUB,
                    pricings: [
                        {
                            name: "Containers",
                            pricingTier: "Standard",
                            extensions: { ContainerSensor: true },
                            additionalExtensionProperties: { AgentlessVmScanning: { ExclusionTags: "[]" } },
                        },
                    ],
                }),
            (e: Error) =>
                e.message ===
                'config key "azure.pricings[0].additionalExtensionProperties.AgentlessVmScanning" has value {"ExclusionTags":"[]"}; expected properties of an extension listed in azure.pricings[0].extensions (ContainerSensor)',
        );
    });
});
