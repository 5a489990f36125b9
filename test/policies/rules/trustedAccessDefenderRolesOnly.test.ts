import { strict as assert } from "assert";
import { trustedAccessDefenderRolesOnly } from "../../../policies/rules/trustedAccessDefenderRolesOnly";

const DEFENDER = "Microsoft.Security/pricings/microsoft-defender-operator";
const binding = (roles: unknown) => ({
    type: "azure-native:containerservice:TrustedAccessRoleBinding",
    name: "tab",
    inputs: { roles },
});
const judge = (roles: unknown) => trustedAccessDefenderRolesOnly.validate(binding(roles));

describe("trusted-access-defender-roles-only", () => {
    it("passes Defender's operator role", () => {
        assert.deepEqual(judge([DEFENDER]), []);
    });

    it("passes Defender's role in the letter case Azure returned it in, as the program adopts it", () => {
        for (const role of [
            DEFENDER.toLowerCase(),
            DEFENDER.toUpperCase(),
            "microsoft.security/Pricings/Microsoft-Defender-Operator",
        ])
            assert.deepEqual(judge([role]), [], role);
    });

    it("fails a role that is not a name, and an empty list", () => {
        assert.deepEqual(judge([DEFENDER, 7]), [`binds role "7"; only ${DEFENDER} is allowed`]);
        assert.deepEqual(judge([]), ["binds no role"]);
    });

    it("fails another role of Microsoft.Security, not only roles of other providers", () => {
        for (const role of [
            "Microsoft.Security/pricings/another-operator",
            "Microsoft.Security/pricings/microsoft-defender-operator-admin",
            "Microsoft.MachineLearningServices/workspaces/mlworkload",
        ]) {
            assert.deepEqual(judge([DEFENDER, role]), [`binds role "${role}"; only ${DEFENDER} is allowed`], role);
        }
    });
});
