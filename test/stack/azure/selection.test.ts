import { strict as assert } from "assert";
import { ConfigError } from "../../../lib/errors";
import { AZURE_FILTER } from "../../../config/azureClusters";
import { readFilters } from "../../../config/clusterFilters";
import { AzureClusterFacts, findBinding, findRoleAssignment } from "../../../lookup/azure/port";
import {
    AzureSelectionConfig,
    azureShape,
    selectAzureClusters as selectClusters,
} from "../../../stack/azure/selection";
import { filterMatches } from "../../../stack/selection";
import { extensionDrift, pricingOptions } from "../../../components/azure/defenderPlan";
import { assignmentDecision } from "../../../components/azure/addonsAtScale";
import { parseAksClusterId, parseArcClusterId } from "../../../domain/azure/resourceIds";

const SUB = "3f2a9c1e-7b4d-4e8a-9c62-1d5e8f0a7b34";
const aksId = (rg: string, name: string) =>
    `/subscriptions/${SUB}/resourceGroups/${rg}/providers/Microsoft.ContainerService/managedClusters/${name}`;
const arcId = (rg: string, name: string) =>
    `/subscriptions/${SUB}/resourceGroups/${rg}/providers/Microsoft.Kubernetes/connectedClusters/${name}`;
const aks = (rg: string, name: string, tags: Record<string, string> = {}): AzureClusterFacts => ({
    ...parseAksClusterId(aksId(rg, name))!,
    kind: "aks",
    location: "westeurope",
    tags,
});
const arc = (rg: string, name: string, tags: Record<string, string> = {}): AzureClusterFacts => ({
    ...parseArcClusterId(arcId(rg, name))!,
    kind: "arc",
    location: "westeurope",
    tags,
});
const none: AzureSelectionConfig = { include: [], exclude: [], overrides: {} };

function configError(fn: () => unknown): ConfigError {
    try {
        fn();
    } catch (e) {
        assert.ok(e instanceof ConfigError, String(e));
        return e;
    }
    assert.fail("expected a ConfigError");
}

describe("Azure cluster selection", () => {
    const found = [
        aks("rg-b", "aks-b"),
        aks("rg-a", "aks-a", { env: "prod" }),
        arc("rg-edge", "arc-1"),
        aks("rg-sandbox", "aks-s", { MS_Defender_Container_Exclude_Agentless: "TRUE" }),
    ];

    it("globs are case-insensitive and anchored, * and ? only; with a / they match <resourceGroup>/<name>", () => {
        const names = (glob: string, c: AzureClusterFacts) =>
            filterMatches({ names: [glob], tags: {}, attributes: {} }, c, azureShape(SUB));
        assert.equal(names("aks-*", aks("rg", "AKS-payments")), true);
        assert.equal(names("aks-?", aks("rg", "aks-ab")), false);
        assert.equal(names("rg.a", aks("rg", "rgxa")), false, "a dot is literal");
        assert.equal(names("*prod", aks("rg", "prod-eu")), false);
        assert.equal(names("RG-*/aks-*", aks("rg-weu", "aks-a")), true);
        assert.equal(names("rg-neu/*", aks("rg-weu", "aks-a")), false);
    });

    it("takes every cluster of the subscription, sorted by id, and leaves out the tagged one with its reason", () => {
        const s = selectClusters(found, none, SUB);
        assert.deepEqual(
            s.aks.map((c) => c.name),
            ["aks-a", "aks-b"],
        );
        assert.deepEqual(
            s.arc.map((c) => c.name),
            ["arc-1"],
        );
        assert.deepEqual(
            s.leftOut.map((l) => [l.cluster.name, l.reason]),
            [["aks-s", "tagged ms_defender_container_exclude_agentless=true (Defender skips it)"]],
        );
    });

    it("include keeps only matching clusters (criteria of one filter all hold); exclude drops matches, naming the filter", () => {
        const inc = selectClusters(
            found,
            { ...none, include: readFilters({ names: ["aks-*"], tags: { env: "p*" } }, "azure.include", AZURE_FILTER) },
            SUB,
        );
        assert.deepEqual(
            inc.aks.map((c) => c.name),
            ["aks-a"],
        );
        assert.deepEqual(inc.leftOut.map((l) => [l.cluster.name, l.reason]).sort(), [
            ["aks-b", "does not match azure.include (no tag env=p*)"],
            ["aks-s", "tagged ms_defender_container_exclude_agentless=true (Defender skips it)"],
            ["arc-1", "does not match azure.include (name matches none of aks-*)"],
        ]);
        const exc = selectClusters(
            found,
            {
                ...none,
                exclude: readFilters([{ resourceGroups: ["RG-B"] }, { kinds: ["arc"] }], "azure.exclude", AZURE_FILTER),
            },
            SUB,
        );
        assert.deepEqual(
            [...exc.aks, ...exc.arc].map((c) => c.name),
            ["aks-a"],
        );
        assert.deepEqual(
            exc.leftOut.filter((l) => !l.reason.startsWith("tagged")).map((l) => [l.cluster.name, l.reason]),
            [
                ["aks-b", "matches azure.exclude[0] (resource group RG-B)"],
                ["arc-1", "matches azure.exclude[1] (kind arc)"],
            ],
        );
    });

    it("an explicit list limits its kind to the listed clusters, still honours the tag, and names a listed cluster the subscription lacks", () => {
        const listed = selectClusters(
            found,
            {
                ...none,
                aksClusters: [
                    parseAksClusterId(aksId("RG-B", "AKS-B"))!,
                    parseAksClusterId(aksId("rg-sandbox", "aks-s"))!,
                ],
            },
            SUB,
        );
        assert.deepEqual(
            listed.aks.map((c) => c.name),
            ["aks-b"],
        );
        assert.deepEqual(
            listed.arc.map((c) => c.name),
            ["arc-1"],
            "no arc list: discovery",
        );
        assert.deepEqual(
            listed.leftOut.map((l) => [l.cluster.name, l.reason]),
            [
                ["aks-a", "not listed in azure.aksClusters"],
                ["aks-s", "tagged ms_defender_container_exclude_agentless=true (Defender skips it)"],
            ],
        );
        const e = configError(() =>
            selectClusters(found, { ...none, aksClusters: [parseAksClusterId(aksId("rg-a", "aks-gone"))!] }, SUB),
        );
        assert.equal(
            e.message,
            `config key "azure.aksClusters[0].id" has value "${aksId("rg-a", "aks-gone")}"; expected an AKS cluster that discovery found in subscription ${SUB}; it found rg-a/aks-a, rg-b/aks-b, rg-sandbox/aks-s`,
        );
    });

    it("two clusters of the same name in two resource groups stay two clusters", () => {
        const s = selectClusters(
            [aks("rg-weu", "api"), aks("rg-neu", "api")],
            { ...none, overrides: { "rg-neu/api": { bind: false } } },
            SUB,
        );
        assert.deepEqual(
            s.aks.map((c) => [c.resourceGroup, c.override]),
            [
                ["rg-neu", { bind: false }],
                ["rg-weu", {}],
            ],
        );
    });

    it("overrides find their cluster by id or <resourceGroup>/<name>, and refuse an unknown cluster, an ambiguous key and a key of the other kind", () => {
        const s = selectClusters(
            found,
            {
                ...none,
                overrides: {
                    [aksId("rg-a", "aks-a")
                        .toUpperCase()
                        .replace("/SUBSCRIPTIONS/" + SUB.toUpperCase(), "/subscriptions/" + SUB)]: {
                        bindingName: "mdc",
                    },
                    "rg-edge/arc-1": { azurePolicyExtension: false },
                },
            },
            SUB,
        );
        assert.deepEqual(s.aks.find((c) => c.name === "aks-a")!.override, { bindingName: "mdc" });
        assert.deepEqual(s.arc[0].override, { azurePolicyExtension: false });
        assert.equal(
            configError(() => selectClusters(found, { ...none, overrides: { "rg-a/aks-z": { bind: false } } }, SUB))
                .message,
            `config key "azure.overrides["rg-a/aks-z"]" has value "rg-a/aks-z"; expected a cluster that discovery found in subscription ${SUB}; it found rg-a/aks-a, rg-b/aks-b, rg-edge/arc-1, rg-sandbox/aks-s`,
        );
        assert.equal(
            configError(() =>
                selectClusters(
                    [aks("rg", "x"), arc("rg", "x")],
                    { ...none, overrides: { "rg/x": { bind: false } } },
                    SUB,
                ),
            ).message,
            `config key "azure.overrides["rg/x"]" has value "rg/x"; expected a key naming one cluster; it names ${aksId("rg", "x")} and ${arcId("rg", "x")}: write the one you mean`,
        );
        assert.equal(
            configError(() =>
                selectClusters(
                    found,
                    {
                        ...none,
                        overrides: { "rg-a/aks-a": { bind: false }, [aksId("rg-a", "aks-a")]: { bindingName: "mdc" } },
                    },
                    SUB,
                ),
            ).message,
            `config key "azure.overrides["${aksId("rg-a", "aks-a")}"]" has value "${aksId("rg-a", "aks-a")}"; expected one override per cluster; azure.overrides["rg-a/aks-a"] names the same cluster, rg-a/aks-a`,
        );
        const wrong = configError(() =>
            selectClusters(found, { ...none, overrides: { "rg-edge/arc-1": { bind: false } } }, SUB),
        );
        assert.equal(
            wrong.message,
            'config key "azure.overrides["rg-edge/arc-1"].bind" has value false; expected no such key for an Arc-enabled cluster; allowed: defenderExtension, azurePolicyExtension',
        );
    });
});

describe("Finding what Defender made", () => {
    const OP = `/subscriptions/${SUB}/providers/Microsoft.Security/pricings/Containers/securityOperators/DefenderForContainersSecurityOperator`;
    const ROLE = "Microsoft.Security/pricings/microsoft-defender-operator";

    it("finds the role assignment by scope, role GUID and principal, whatever the role definition's prefix or case", () => {
        const ra = (scope: string, role: string, principal: string) => ({
            id: `${scope}/providers/Microsoft.Authorization/roleAssignments/x`,
            scope,
            roleDefinitionId: role,
            principalId: principal,
        });
        const wanted = ra(
            `/subscriptions/${SUB}`,
            "/providers/Microsoft.Authorization/roleDefinitions/D5A2AE44-610B-4500-93BE-660A0C5F5CA6",
            "P1",
        );
        const found = [
            ra(
                `/subscriptions/${SUB}/resourceGroups/rg`,
                "/x/roleDefinitions/d5a2ae44-610b-4500-93be-660a0c5f5ca6",
                "p1",
            ),
            ra(`/subscriptions/${SUB}`, "/x/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7", "p1"),
            wanted,
        ];
        assert.equal(
            findRoleAssignment(found, `/subscriptions/${SUB}/`, "d5a2ae44-610b-4500-93be-660a0c5f5ca6", "p1"),
            wanted,
        );
        assert.equal(
            findRoleAssignment(found, `/subscriptions/${SUB}`, "d5a2ae44-610b-4500-93be-660a0c5f5ca6", "p2"),
            undefined,
        );
    });

    it("finds the binding by name first, else any binding giving the operator the role", () => {
        const b = (name: string, source: string, roles = [ROLE]) => ({
            id: name,
            name,
            roles,
            sourceResourceId: source,
        });
        assert.equal(
            findBinding([b("other", OP), b("defender-containers", OP)], "defender-containers", OP, ROLE)?.name,
            "defender-containers",
        );
        assert.equal(
            findBinding([b("mdc-own-name", OP.toLowerCase())], "defender-containers", OP, ROLE)?.name,
            "mdc-own-name",
        );
        assert.equal(
            findBinding([b("defender-containers", "/subscriptions/x/ml-workspace")], "defender-containers", OP, ROLE),
            undefined,
        );
        assert.equal(
            findBinding(
                [b("defender-containers", OP, ["Microsoft.MachineLearningServices/workspaces/reader"])],
                "defender-containers",
                OP,
                ROLE,
            ),
            undefined,
        );
    });

    it("imports a plan that is already Standard, keeps every plan on destroy, and names each extension that differs", () => {
        const id = `/subscriptions/${SUB}/providers/Microsoft.Security/pricings/Containers`;
        assert.deepEqual(pricingOptions({ id, pricingTier: "Standard", extensions: {} }), {
            import: id,
            retainOnDelete: true,
        });
        assert.deepEqual(pricingOptions({ id, pricingTier: "Free", extensions: {} }), { retainOnDelete: true });
        assert.deepEqual(pricingOptions(undefined), { retainOnDelete: true });
        assert.deepEqual(
            extensionDrift(
                { id, pricingTier: "Standard", extensions: { ContainerSensor: true } },
                { ContainerSensor: true, AgentlessVmScanning: true },
            ),
            ["AgentlessVmScanning (off in the cloud, on in config)"],
        );
        assert.deepEqual(
            extensionDrift({ id, pricingTier: "Free", extensions: {} }, { ContainerSensor: true }),
            [],
            "a plan that is off is simply set",
        );
    });

    it("imports the stack's own policy assignment, defers to another assignment of the same definition, refuses a name taken by another definition", () => {
        const def = "/providers/Microsoft.Authorization/policyDefinitions/64def556-fbad-4622-930e-72d1d5589bf5";
        const a = (name: string, policyDefinitionId: string) => ({
            id: `/subscriptions/${SUB}/providers/Microsoft.Authorization/policyAssignments/${name}`,
            name,
            policyDefinitionId,
        });
        assert.deepEqual(assignmentDecision([], "mdc-aks-defender-profile", def), { action: "create" });
        assert.deepEqual(
            assignmentDecision([a("MDC-AKS-DEFENDER-PROFILE", def.toUpperCase())], "mdc-aks-defender-profile", def)
                .action,
            "import",
        );
        assert.deepEqual(
            assignmentDecision([a("Defender for Containers provisioning", def)], "mdc-aks-defender-profile", def),
            { action: "skip", found: a("Defender for Containers provisioning", def) },
        );
        assert.throws(
            () =>
                assignmentDecision(
                    [
                        a(
                            "mdc-aks-defender-profile",
                            "/providers/Microsoft.Authorization/policyDefinitions/95edb821-ddaf-4404-9732-666045e056b4",
                        ),
                    ],
                    "mdc-aks-defender-profile",
                    def,
                ),
            /policy assignment .*\/mdc-aks-defender-profile exists with definition .*95edb821.*, not .*64def556.*: rename or remove it/,
        );
    });
});
