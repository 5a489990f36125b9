import { strict as assert } from "assert";
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { toCrossGuard } from "../../policies/crossguard";
import { RULES } from "../../policies/rules";
import { noSimulationInProduction } from "../../policies/rules/noSimulationInProduction";
import { trustedAccessDefenderRolesOnly } from "../../policies/rules/trustedAccessDefenderRolesOnly";

/** The CrossGuard pack is the same rule objects: the engine's `props` feed the rules' `inputs`. */
describe("CrossGuard adapter", () => {
    it("keeps every rule's name, description and default enforcement", () => {
        for (const rule of RULES) {
            const p = toCrossGuard(rule);
            assert.equal(p.name, rule.name);
            assert.equal(p.description, rule.description);
            assert.equal(p.enforcementLevel, rule.enforcementLevel);
            assert.equal(
                typeof (rule.kind === "resource"
                    ? (p as ResourceValidationPolicy).validateResource
                    : (p as StackValidationPolicy).validateStack),
                "function",
            );
        }
    });

    it("reports a resource rule's messages through reportViolation", async () => {
        const p = toCrossGuard(trustedAccessDefenderRolesOnly) as ResourceValidationPolicy;
        const reported: string[] = [];
        const args = {
            type: "azure-native:containerservice:TrustedAccessRoleBinding",
            name: "b",
            props: { roles: ["Other/role"] },
        };
        await (p.validateResource as (a: unknown, r: (m: string) => void) => Promise<void> | void)(args, (m) =>
            reported.push(m),
        );
        assert.deepEqual(reported, [
            'binds role "Other/role"; only Microsoft.Security/pricings/microsoft-defender-operator is allowed',
        ]);
    });

    it("reports a stack rule's message against the resource's URN, production coming from the pack's config only", async () => {
        const p = toCrossGuard(noSimulationInProduction) as StackValidationPolicy;
        assert.deepEqual(p.configSchema, { properties: { production: { type: "boolean", default: false } } });
        const resources = [
            {
                type: "agentless:stack:Settings",
                name: "settings",
                urn: "urn:pulumi:prod::agentless-discovery::agentless:stack:Settings::settings",
                props: { production: true },
            },
            {
                type: "agentless:kubernetes:AttackSimulation",
                name: "sim",
                urn: "urn:pulumi:prod::agentless-discovery::agentless:kubernetes:AttackSimulation::sim",
                props: {},
            },
        ];
        const run = async (config: Record<string, unknown>) => {
            const reported: [string, string | undefined][] = [];
            await (p.validateStack as (a: unknown, r: (m: string, urn?: string) => void) => Promise<void> | void)(
                { resources, getConfig: () => config },
                (m, urn) => reported.push([m, urn]),
            );
            return reported;
        };
        assert.deepEqual(await run({ production: true }), [
            ["the attack simulation is deployed in a production stack", resources[1].urn],
        ]);
        assert.deepEqual(await run({}), [], "the settings resource alone does not make a stack production");
    });
});
