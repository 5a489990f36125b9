import { strict as assert } from "assert";
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { toCrossGuard } from "../../policies/crossguard";
import { evaluatePolicies } from "../../policies/evaluate";
import { withoutApiVersion } from "../../policies/resourceType";
import { RULES } from "../../policies/rules";
import { trustedAccessDefenderRolesOnly } from "../../policies/rules/trustedAccessDefenderRolesOnly";
import { aksDiscoveryRoleIsBuiltIn } from "../../policies/rules/aksDiscoveryRoleAssignment";
import { AKS_DISCOVERY_ROLE_GUID as DISCOVERY_ROLE_DEFINITION_GUID } from "../../policies/facts";

const VERSIONED_BINDING = "azure-native:containerservice/v20240202preview:TrustedAccessRoleBinding";
const OTHER = 'binds role "Other/role"; only Microsoft.Security/pricings/microsoft-defender-operator is allowed';

describe("a resource declared at an explicit API version", () => {
    it("is judged under its type without the version", () => {
        assert.equal(withoutApiVersion(VERSIONED_BINDING), "azure-native:containerservice:TrustedAccessRoleBinding");
        assert.equal(
            withoutApiVersion("azure-native:security/v20231001preview:SecurityConnector"),
            "azure-native:security:SecurityConnector",
        );
        assert.equal(
            withoutApiVersion("azure-native:authorization/v20220401:RoleAssignment"),
            "azure-native:authorization:RoleAssignment",
        );
        for (const kept of [
            "azure-native:containerservice:TrustedAccessRoleBinding",
            "aws:iam/role:Role",
            "kubernetes:helm.sh/v3:Release",
            "azure-native:security/latest:SecurityConnector",
            "azure-native:security/v2023:SecurityConnector",
        ])
            assert.equal(withoutApiVersion(kept), kept, kept);
    });

    it("gets the offline gate's violation, under its own name", () => {
        const v = evaluatePolicies(
            [{ type: VERSIONED_BINDING, name: "sneaky", inputs: { roles: ["Other/role"] } }],
            RULES.filter((r) => r.name === "trusted-access-defender-roles-only"),
        );
        assert.deepEqual(v, [
            { policy: "trusted-access-defender-roles-only", level: "mandatory", resource: "sneaky", message: OTHER },
        ]);
    });

    it("gets the CrossGuard pack's violation, as a resource and in a stack rule", async () => {
        const p = toCrossGuard(trustedAccessDefenderRolesOnly) as ResourceValidationPolicy;
        const reported: string[] = [];
        await (p.validateResource as (a: unknown, r: (m: string) => void) => Promise<void> | void)(
            { type: VERSIONED_BINDING, name: "sneaky", props: { roles: ["Other/role"] } },
            (m) => reported.push(m),
        );
        assert.deepEqual(reported, [OTHER]);

        const s = toCrossGuard(aksDiscoveryRoleIsBuiltIn) as StackValidationPolicy;
        const stackReported: string[] = [];
        const contributor =
            "/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/b24988ac-6180-42a0-ab88-20f7382dd24c";
        const resources = [
            { type: "azure-native:security/v20230101preview:SecurityOperator", name: "op", urn: "urn:op", props: {} },
            {
                type: "azure-native:authorization/v20220401:RoleAssignment",
                name: "discovery-api-access",
                urn: "urn:ra",
                props: { principalId: "p", roleDefinitionId: contributor, scope: "/subscriptions/s" },
            },
        ];
        await (s.validateStack as (a: unknown, r: (m: string) => void) => Promise<void> | void)(
            { resources, getConfig: () => ({}) },
            (m) => stackReported.push(m),
        );
        assert.deepEqual(stackReported, [
            `assigns role ${contributor} to the discovery identity; expected ${DISCOVERY_ROLE_DEFINITION_GUID}`,
        ]);
    });
});
