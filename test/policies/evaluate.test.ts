import { strict as assert } from "assert";
import { evaluatePolicies, stackContextOf, withEnforcement } from "../../policies/evaluate";
import { helmChartsPinned } from "../../policies/rules/helmChartsPinned";
import { noSimulationInProduction } from "../../policies/rules/noSimulationInProduction";
import { Rule } from "../../policies/types";

const RULES: Rule[] = [helmChartsPinned, noSimulationInProduction];
const levels = (config: Parameters<typeof withEnforcement>[1]) =>
    withEnforcement(RULES, config).map((x) => `${x.rule.name}=${x.level}`);

describe("evaluatePolicies: resource rules", () => {
    it("gives one violation per message per resource, at the rule's level", () => {
        const chart = { type: "kubernetes:helm.sh/v3:Release", name: "gatekeeper", inputs: { chart: "gatekeeper" } };
        const pinned = { ...chart, name: "pinned", inputs: { chart: "gatekeeper", version: "3.18.2" } };
        assert.deepEqual(evaluatePolicies([chart, pinned], RULES), [
            {
                policy: "helm-chart-versions-pinned",
                level: "mandatory",
                resource: "gatekeeper",
                message: "chart gatekeeper has no version: it would float to the newest",
            },
        ]);
    });
});

describe("withEnforcement: the policy config", () => {
    it("takes a level written as a plain string, and drops a disabled rule", () => {
        assert.deepEqual(levels({ "helm-chart-versions-pinned": "advisory" }), [
            "helm-chart-versions-pinned=advisory",
            "no-attack-simulation-in-production=mandatory",
        ]);
        assert.deepEqual(levels({ "no-attack-simulation-in-production": "disabled" }), [
            "helm-chart-versions-pinned=mandatory",
        ]);
    });

    it("names every rule when a name is unknown, every allowed property when one is not, and refuses null and a number", () => {
        assert.throws(
            () => withEnforcement(RULES, { "helm-charts-pinned": "advisory" }),
            (e: Error) =>
                e.message ===
                'policy config names unknown rule "helm-charts-pinned"; rules: helm-chart-versions-pinned, no-attack-simulation-in-production, or all',
        );
        assert.throws(
            () =>
                withEnforcement(RULES, {
                    "no-attack-simulation-in-production": { enforcementLevel: "advisory", prod: true } as never,
                }),
            (e: Error) =>
                e.message ===
                'policy config for "no-attack-simulation-in-production" has property "prod"; allowed: enforcementLevel, production',
        );
        assert.throws(
            () => withEnforcement(RULES, { "helm-chart-versions-pinned": null as never }),
            (e: Error) =>
                e.message ===
                'policy config for "helm-chart-versions-pinned" has null; expected an enforcement level (advisory, mandatory, disabled) or an object with enforcementLevel',
        );
        assert.throws(
            () => withEnforcement(RULES, { "helm-chart-versions-pinned": { enforcementLevel: 2 as never } }),
            (e: Error) =>
                e.message ===
                'policy config for "helm-chart-versions-pinned" has enforcement level 2; expected one of advisory, mandatory, disabled',
        );
    });
});

describe("stackContextOf", () => {
    it("is production only when the rule's object says production: true", () => {
        const rule = "no-attack-simulation-in-production";
        assert.deepEqual(stackContextOf(rule, { [rule]: { production: true } }), { production: true });
        for (const v of [{ production: false }, {}, "mandatory", null]) {
            assert.deepEqual(stackContextOf(rule, { [rule]: v as never }), { production: false }, JSON.stringify(v));
        }
        assert.deepEqual(stackContextOf(rule), { production: false });
    });
});
