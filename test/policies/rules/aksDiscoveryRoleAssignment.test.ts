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
