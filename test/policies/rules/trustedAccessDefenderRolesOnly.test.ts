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
