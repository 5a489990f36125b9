import { strict as assert } from "assert";
import { adopt, existingRoleAssignmentArgs } from "../../../components/azure/adopt";

const SUB = "3f2a9c1e-7b4d-4e8a-9c62-1d5e8f0a7b34";
const ID = `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleAssignments/0b2f8a4e-1c3d-4e5f-8a9b-0c1d2e3f4a5b`;
const ROLE = `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/d5a2ae44-610b-4500-93be-660a0c5f5ca6`;

describe("Azure adoption", () => {
    it("imports an existing object by its ARM id and leaves it on destroy; declares nothing special for a new one", () => {
        assert.deepEqual(adopt(ID), { import: ID, retainOnDelete: true });
        assert.deepEqual(adopt(undefined), {});
        assert.deepEqual(adopt(""), {});
    });

    it("declares an existing role assignment as ARM holds it, so that its import matches", () => {
        assert.deepEqual(
            existingRoleAssignmentArgs({
                id: ID,
                scope: `/subscriptions/${SUB}`,
                roleDefinitionId: ROLE,
                principalId: "11111111-2222-3333-4444-555555555555",
                principalType: "ServicePrincipal",
                description: "Defender's operator",
            }),
            {
                roleAssignmentName: "0b2f8a4e-1c3d-4e5f-8a9b-0c1d2e3f4a5b",
                principalId: "11111111-2222-3333-4444-555555555555",
                principalType: "ServicePrincipal",
                roleDefinitionId: ROLE,
                scope: `/subscriptions/${SUB}`,
                description: "Defender's operator",
            },
        );
    });

    it("leaves out a principal type and a description ARM does not hold", () => {
        assert.deepEqual(
            existingRoleAssignmentArgs({
                id: ID,
                scope: `/subscriptions/${SUB}`,
                roleDefinitionId: ROLE,
                principalId: "p",
                principalType: "",
                description: "",
            }),
            {
                roleAssignmentName: "0b2f8a4e-1c3d-4e5f-8a9b-0c1d2e3f4a5b",
                principalId: "p",
                roleDefinitionId: ROLE,
                scope: `/subscriptions/${SUB}`,
            },
        );
    });
});
