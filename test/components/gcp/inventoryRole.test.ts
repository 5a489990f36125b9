import { strict as assert } from "assert";
import { GkeDiscoveryAccess } from "../../../components/gcp/gkeDiscoveryAccess";
import { loadGcpConfig } from "../../../config/gcp";
import { gkeWriteRoleExact } from "../../../policies/rules/gkeWriteRoleExact";
import { byType, one, registered } from "../../helpers/pulumi";

const PROJECT = "inv-project-1";

describe("GKE inventory role (MDCGkeContainerInventoryCollectionRole)", () => {
    it("is not created unless asked", async () => {
        const rs = await registered(() => {
            new GkeDiscoveryAccess("inv0", { projectId: PROJECT, scope: "project" });
        });
        assert.deepEqual(
            byType(rs, "gcp:projects/iAMCustomRole:IAMCustomRole").map((r) => r.inputs.roleId),
            ["MDCGkeClusterWriteRole"],
        );
    });

    it("holds exactly container.nodes.proxy and container.secrets.list and is granted to the discovery account", async () => {
        const rs = await registered(() => {
            new GkeDiscoveryAccess("inv1", { projectId: PROJECT, scope: "project", inventoryRole: true });
        });
        const role = one(rs, "gcp:projects/iAMCustomRole:IAMCustomRole", "inv1-inventory-role");
        assert.equal(role.inputs.roleId, "MDCGkeContainerInventoryCollectionRole");
        assert.deepEqual(role.inputs.permissions, ["container.nodes.proxy", "container.secrets.list"]);
        const grant = one(rs, "gcp:projects/iAMMember:IAMMember", "inv1-inventory");
        assert.equal(grant.inputs.project, PROJECT);
        assert.match(String(grant.inputs.member), /^serviceAccount:mdc-containers-k8s-operator@/);
        assert.deepEqual(gkeWriteRoleExact.validate({ type: role.type, name: role.name, inputs: role.inputs }), []);
    });

    it("is off by default in config and a bad value names the key", () => {
        const base = { projectId: PROJECT, projectNumber: "123456789012", connector: { enabled: false } };
        const ctx = { azureTenantId: "7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f" };
        assert.equal(loadGcpConfig(base, "gcp", ctx).inventoryRole, false);
        assert.equal(loadGcpConfig({ ...base, inventoryRole: true }, "gcp", ctx).inventoryRole, true);
        assert.throws(
            () => loadGcpConfig({ ...base, inventoryRole: "yes" }, "gcp", ctx),
            /config key "gcp.inventoryRole" has value "yes"/,
        );
    });

    it("makes the gate refuse the inventory role with another permission, and the write role with secrets.list", () => {
        const role = (roleId: string, permissions: string[]) => ({
            type: "gcp:projects/iAMCustomRole:IAMCustomRole",
            name: "r",
            inputs: { roleId, permissions },
        });
        assert.deepEqual(
            gkeWriteRoleExact.validate(
                role("MDCGkeContainerInventoryCollectionRole", ["container.nodes.proxy", "container.secrets.get"]),
            ),
            [
                'custom role MDCGkeContainerInventoryCollectionRole holds "container.secrets.get"; it may hold only container.nodes.proxy, container.secrets.list',
                "custom role MDCGkeContainerInventoryCollectionRole lacks container.secrets.list",
            ],
        );
        assert.deepEqual(
            gkeWriteRoleExact.validate(
                role("MDCGkeClusterWriteRole", ["container.clusters.update", "container.secrets.list"]),
            ),
            [
                'custom role MDCGkeClusterWriteRole holds "container.secrets.list"; it may hold only container.clusters.update',
            ],
        );
    });
});
