import { strict as assert } from "assert";
import { AksDiscoveryAccess } from "../../../components/azure/aksDiscoveryAccess";
import { parseAksClusterId } from "../../../domain/azure/resourceIds";
import { byType, one, registered } from "../../helpers/pulumi";

const SUB = "3f2a9c1e-7b4d-4e8a-9c62-1d5e8f0a7b34";
const cluster = (rg: string, name: string) =>
    parseAksClusterId(
        `/subscriptions/${SUB}/resourceGroups/${rg}/providers/Microsoft.ContainerService/managedClusters/${name}`,
    )!;

describe("AksDiscoveryAccess", () => {
    it("creates the Containers security operator, the built-in role at subscription scope and one binding per cluster", async () => {
        const rs = await registered(
            () => {
                new AksDiscoveryAccess("t1", {
                    subscriptionId: SUB,
                    operator: "containers",
                    clusters: [cluster("rg-a", "aks-a"), cluster("rg-b", "aks-b")],
                });
            },
            { azureSubscriptionId: SUB },
        );
        const op = one(rs, "azure-native:security:SecurityOperator");
        assert.deepEqual(op.inputs, {
            pricingName: "Containers",
            securityOperatorName: "DefenderForContainersSecurityOperator",
        });

        const ra = one(rs, "azure-native:authorization:RoleAssignment");
        assert.equal(
            ra.inputs.roleDefinitionId,
            `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/d5a2ae44-610b-4500-93be-660a0c5f5ca6`,
        );
        assert.equal(ra.inputs.scope, `/subscriptions/${SUB}`);
        assert.equal(ra.inputs.principalType, "ServicePrincipal");
        assert.match(String(ra.inputs.principalId), /^[0-9a-f-]{36}$/);

        const bindings = byType(rs, "azure-native:containerservice:TrustedAccessRoleBinding");
        assert.deepEqual(bindings.map((b) => b.name).sort(), ["t1-rg-a-aks-a", "t1-rg-b-aks-b"]);
        for (const b of bindings) {
            assert.deepEqual(b.inputs.roles, ["Microsoft.Security/pricings/microsoft-defender-operator"]);
            assert.equal(
                b.inputs.sourceResourceId,
                `/subscriptions/${SUB}/providers/Microsoft.Security/pricings/Containers/securityOperators/DefenderForContainersSecurityOperator`,
            );
            assert.equal(b.inputs.trustedAccessRoleBindingName, "defender-containers");
            assert.equal(b.parent, "t1");
        }
        assert.deepEqual(
            one(rs, "azure-native:containerservice:TrustedAccessRoleBinding", "t1-rg-b-aks-b").inputs.resourceGroupName,
            "rg-b",
        );
    });
});

describe("AksDiscoveryAccess resource names", () => {
    it("keeps a cluster's binding name when another cluster is added or removed", async () => {
        const a = cluster("rg-a", "aks-a");
        const b = cluster("rg-b", "aks-b");
        const names = async (name: string, clusters: ReturnType<typeof cluster>[]) =>
            byType(
                await registered(
                    () => new AksDiscoveryAccess(name, { subscriptionId: SUB, operator: "containers", clusters }),
                ),
                "azure-native:containerservice:TrustedAccessRoleBinding",
            ).map((r) => r.name.slice(name.length + 1));
        assert.deepEqual(await names("s1", [a, b]), ["rg-a-aks-a", "rg-b-aks-b"]);
        assert.deepEqual(await names("s2", [b]), ["rg-b-aks-b"]);
        assert.deepEqual(await names("s3", [b, a]), ["rg-b-aks-b", "rg-a-aks-a"]);
    });

    it("uses the CSPM operator and the configured binding name", async () => {
        const rs = await registered(
            () =>
                new AksDiscoveryAccess("s4", {
                    subscriptionId: SUB,
                    operator: "cspm",
                    bindingName: "mdc-discovery",
                    clusters: [cluster("rg-a", "aks-a")],
                }),
            { azureSubscriptionId: SUB },
        );
        assert.deepEqual(one(rs, "azure-native:security:SecurityOperator").inputs, {
            pricingName: "CloudPosture",
            securityOperatorName: "DefenderCSPMSecurityOperator",
        });
        const b = one(rs, "azure-native:containerservice:TrustedAccessRoleBinding");
        assert.equal(b.inputs.trustedAccessRoleBindingName, "mdc-discovery");
        assert.equal(
            b.inputs.sourceResourceId,
            `/subscriptions/${SUB}/providers/Microsoft.Security/pricings/CloudPosture/securityOperators/DefenderCSPMSecurityOperator`,
        );
    });
});
