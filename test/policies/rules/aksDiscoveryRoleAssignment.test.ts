import { strict as assert } from "assert";
import { aksDiscoveryRoleIsBuiltIn, aksDiscoveryRoleScope } from "../../../policies/rules/aksDiscoveryRoleAssignment";
import { ResourceView } from "../../../policies/types";

const SUB = "3f2a9c1e-7b4d-4e8a-9c62-1d5e8f0a7b34";
const GUID = "d5a2ae44-610b-4500-93be-660a0c5f5ca6";
const definition = (guid: string) => `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${guid}`;
const assignment = (roleDefinitionId: string, scope: string): ResourceView => ({
    type: "azure-native:authorization:RoleAssignment",
    name: "aks-api-access",
    inputs: { roleDefinitionId, scope, principalId: "p" },
});
const ctx = { production: false };

describe("aks-discovery-role-scope: the role definition id in any letter case", () => {
    it("fails the discovery role at management-group scope whether its GUID is written in lower or upper case", () => {
        const scope = "/providers/Microsoft.Management/managementGroups/root";
        for (const guid of [GUID, GUID.toUpperCase()]) {
            assert.deepEqual(
                aksDiscoveryRoleScope.validate(assignment(definition(guid), scope)),
                [`assigns the discovery role at scope "${scope}", wider than a subscription`],
                guid,
            );
        }
    });

    it("counts an upper-case GUID as the built-in role", () => {
        const rs: ResourceView[] = [
            { type: "azure-native:security:SecurityOperator", name: "op", inputs: {} },
            assignment(definition(GUID.toUpperCase()), `/subscriptions/${SUB}`),
        ];
        assert.deepEqual(aksDiscoveryRoleIsBuiltIn.validateStack(rs, ctx), []);
    });
});

describe("aks-discovery-role-scope: the scopes", () => {
    const judge = (scope: unknown, roleDefinitionId: unknown = definition(GUID)) =>
        aksDiscoveryRoleScope.validate({
            type: "azure-native:authorization:RoleAssignment",
            name: "discovery-api-access",
            inputs: { roleDefinitionId, scope, principalId: "p" },
        });

    it("passes a subscription, with or without a trailing slash, a resource group and a cluster", () => {
        for (const scope of [
            `/subscriptions/${SUB}`,
            `/subscriptions/${SUB}/`,
            `/SUBSCRIPTIONS/${SUB.toUpperCase()}/resourceGroups/rg-payments-prod`,
            `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks-payments-weu`,
        ]) {
            assert.deepEqual(judge(scope), [], scope);
        }
    });

    it("fails the tenant root, a management group, one that ends in a subscription path, and a malformed subscription id", () => {
        for (const scope of [
            "/",
            "/providers/Microsoft.Management/managementGroups/contoso",
            `/providers/Microsoft.Management/managementGroups/contoso/subscriptions/${SUB}`,
            `/subscriptions/${SUB}00`,
            `/subscriptions/${SUB}-extra/resourceGroups/rg`,
        ]) {
            assert.deepEqual(
                judge(scope),
                [`assigns the discovery role at scope "${scope}", wider than a subscription`],
                scope,
            );
        }
    });

    it("leaves a scope not known at preview to the update, where it is known", () => {
        for (const scope of [undefined, "[unknown]"]) assert.deepEqual(judge(scope), [], String(scope));
    });

    it("judges only the discovery role: another role at a management group, or a role id that is no string, is not its business", () => {
        const mg = "/providers/Microsoft.Management/managementGroups/contoso";
        const reader = definition("acdd72a7-3385-48ef-bd42-f606fba81ae7");
        assert.deepEqual(judge(mg, reader), []);
        assert.deepEqual(judge(mg, null), []);
    });
});

describe("aks-discovery-role-is-built-in", () => {
    const operator: ResourceView = {
        type: "azure-native:security:SecurityOperator",
        name: "discovery-operator",
        inputs: {},
    };
    const named = (
        name: string,
        roleDefinitionId: string,
        type = "azure-native:authorization:RoleAssignment",
    ): ResourceView => ({
        type,
        name,
        inputs: { roleDefinitionId, scope: `/subscriptions/${SUB}`, principalId: "p" },
    });
    const judge = (rs: ResourceView[]) =>
        aksDiscoveryRoleIsBuiltIn.validateStack(rs, ctx).map((f) => `${f.resource}: ${f.message}`);
    const CONTRIBUTOR = definition("b24988ac-6180-42a0-ab88-20f7382dd24c");

    it("fails the discovery assignment of another role, naming it", () => {
        assert.deepEqual(judge([operator, named("discovery-api-access", CONTRIBUTOR)]), [
            `discovery-api-access: assigns role ${CONTRIBUTOR} to the discovery identity; expected ${GUID}`,
        ]);
    });

    it("judges the discovery assignment only, not the add-on policies' assignments beside it", () => {
        const rs = [
            operator,
            named("discovery-api-access", definition(GUID)),
            named("addons-azurePolicyAddon-ed7f3fbd", CONTRIBUTOR),
            named("discovery-api-access-lock", CONTRIBUTOR, "azure-native:authorization:ManagementLockAtResourceLevel"),
        ];
        assert.deepEqual(judge(rs), []);
    });

    it("fails an operator without the discovery assignment, even when other assignments exist", () => {
        assert.deepEqual(judge([operator, named("addons-azurePolicyAddon-ed7f3fbd", definition(GUID))]), [
            "discovery-operator: the security operator has no discovery role assignment",
        ]);
    });
});
