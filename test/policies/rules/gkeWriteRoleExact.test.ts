import { strict as assert } from "assert";
import { gkeWriteRoleExact } from "../../../policies/rules/gkeWriteRoleExact";

const role = (inputs: Record<string, unknown>) =>
    gkeWriteRoleExact.validate({
        type: "gcp:projects/iAMCustomRole:IAMCustomRole",
        name: "discovery-write-role",
        inputs,
    });
const INVENTORY = "MDCGkeContainerInventoryCollectionRole";

describe("gke-write-role-exact: the inventory role and the messages", () => {
    it("passes the inventory role with exactly its two permissions", () => {
        assert.deepEqual(
            role({ roleId: INVENTORY, permissions: ["container.secrets.list", "container.nodes.proxy"] }),
            [],
        );
    });

    it("names every permission the inventory role lacks, and one too many", () => {
        assert.deepEqual(role({ roleId: INVENTORY, permissions: [] }), [
            `custom role ${INVENTORY} lacks container.nodes.proxy, container.secrets.list`,
        ]);
        assert.deepEqual(
            role({
                roleId: INVENTORY,
                permissions: ["container.nodes.proxy", "container.secrets.list", "container.secrets.get"],
            }),
            [
                `custom role ${INVENTORY} holds "container.secrets.get"; it may hold only container.nodes.proxy, container.secrets.list`,
            ],
        );
    });

    it("names a renamed write role by its role id, and one without a role id by its resource name", () => {
        assert.deepEqual(role({ roleId: "ContosoGkeWrite", permissions: [] }), [
            "custom role ContosoGkeWrite lacks container.clusters.update",
        ]);
        assert.deepEqual(role({ permissions: ["container.secrets.list"] }), [
            'custom role discovery-write-role holds "container.secrets.list"; it may hold only container.clusters.update',
            "custom role discovery-write-role lacks container.clusters.update",
        ]);
    });

    it("fails a role whose permissions are not a list (not known at preview)", () => {
        for (const permissions of [undefined, "[unknown]"]) {
            assert.deepEqual(role({ roleId: "MDCGkeClusterWriteRole", permissions }), ["has no permission list"]);
        }
    });
});
