import { strict as assert } from "assert";
import { QUARANTINE_LABEL } from "../../../domain/kubernetes/isolationFacts";
import {
    NetworkPolicyLike,
    otherPoliciesAllowing,
    quarantinePolicyGaps,
} from "../../../domain/kubernetes/quarantinePolicy";

const LABEL = `${QUARANTINE_LABEL.key}=${QUARANTINE_LABEL.value}`;
const NOT_SELECTED = `its podSelector does not select the pod labelled ${LABEL}`;
const quarantine = { [QUARANTINE_LABEL.key]: QUARANTINE_LABEL.value };

function policy(spec: NonNullable<NetworkPolicyLike["spec"]>): NetworkPolicyLike {
    return { spec: { podSelector: { matchLabels: quarantine }, policyTypes: ["Ingress", "Egress"], ...spec } };
}
const expressions = (...matchExpressions: { key: string; operator: string; values?: string[] }[]) =>
    policy({ podSelector: { matchLabels: quarantine, matchExpressions } });

describe("quarantine policy check", () => {
    it("accepts a policy that selects the labelled pod, lists both types and has no rule", () => {
        assert.deepEqual(quarantinePolicyGaps(policy({}), { app: "web" }, QUARANTINE_LABEL), []);
    });

    it("does not take a selector with an unknown operator as selecting the pod", () => {
        for (const operator of ["Equals", "in", "Gt", ""]) {
            assert.deepEqual(
                quarantinePolicyGaps(
                    expressions({ key: "app", operator, values: ["web"] }),
                    { app: "web" },
                    QUARANTINE_LABEL,
                ),
                [NOT_SELECTED],
                operator,
            );
        }
    });

    it("does not take a selector with an unknown operator on a missing label as selecting the pod", () => {
        for (const operator of ["Equals", "notin", "DoesNotExists", ""])
            assert.deepEqual(
                quarantinePolicyGaps(expressions({ key: "tier", operator }), { app: "web" }, QUARANTINE_LABEL),
                [NOT_SELECTED],
                operator,
            );
    });

    it("reads NotIn as Kubernetes does: a pod without the label is selected, one with a listed value is not", () => {
        const notIn = expressions({ key: "tier", operator: "NotIn", values: ["system"] });
        assert.deepEqual(quarantinePolicyGaps(notIn, { app: "web" }, QUARANTINE_LABEL), []);
        assert.deepEqual(quarantinePolicyGaps(notIn, { app: "web", tier: "frontend" }, QUARANTINE_LABEL), []);
        assert.deepEqual(quarantinePolicyGaps(notIn, { app: "web", tier: "system" }, QUARANTINE_LABEL), [NOT_SELECTED]);
    });

    it("reads In, Exists and DoesNotExist as Kubernetes does", () => {
        const labels = { app: "web" };
        const gaps = (e: { key: string; operator: string; values?: string[] }) =>
            quarantinePolicyGaps(expressions(e), labels, QUARANTINE_LABEL);
        assert.deepEqual(gaps({ key: "app", operator: "In", values: ["web", "api"] }), []);
        assert.deepEqual(gaps({ key: "app", operator: "In", values: ["api"] }), [NOT_SELECTED]);
        assert.deepEqual(gaps({ key: "app", operator: "Exists" }), []);
        assert.deepEqual(gaps({ key: "tier", operator: "Exists" }), [NOT_SELECTED]);
        assert.deepEqual(gaps({ key: "tier", operator: "DoesNotExist" }), []);
        assert.deepEqual(gaps({ key: "app", operator: "DoesNotExist" }), [NOT_SELECTED]);
    });

    it("names ingress rules, which let traffic in, and egress rules, which let it out", () => {
        assert.deepEqual(quarantinePolicyGaps(policy({ ingress: [{}] }), {}, QUARANTINE_LABEL), [
            "it has 1 ingress rule(s) that allow traffic in",
        ]);
        assert.deepEqual(
            quarantinePolicyGaps(
                policy({ ingress: [{ from: [{ podSelector: {} }] }, {}], egress: [{}] }),
                {},
                QUARANTINE_LABEL,
            ),
            ["it has 2 ingress rule(s) that allow traffic in", "it has 1 egress rule(s) that allow traffic out"],
        );
        assert.deepEqual(quarantinePolicyGaps(policy({ ingress: [], egress: null }), {}, QUARANTINE_LABEL), []);
    });
});

describe("other NetworkPolicies that undo the quarantine (policies add up)", () => {
    const np = (name: string, spec: NonNullable<NetworkPolicyLike["spec"]>, namespace = "shop"): NetworkPolicyLike => ({
        metadata: { name, namespace },
        spec,
    });
    const allowing = (policies: NetworkPolicyLike[], labels: Record<string, string> = { app: "web" }) =>
        otherPoliciesAllowing(policies, "quarantine", labels, QUARANTINE_LABEL);

    it("names each policy selecting the labelled pod that allows ingress or egress, one sentence per direction", () => {
        assert.deepEqual(
            allowing([
                np("web-in", { podSelector: { matchLabels: { app: "web" } }, ingress: [{}, {}] }),
                np("all-out", { podSelector: {}, policyTypes: ["Ingress", "Egress"], ingress: [{}], egress: [{}] }),
                np("no-selector", { egress: [{}] }),
            ]),
            [
                "NetworkPolicy shop/web-in also selects it and allows ingress (2 rule(s))",
                "NetworkPolicy shop/all-out also selects it and allows ingress (1 rule(s))",
                "NetworkPolicy shop/all-out also selects it and allows egress (1 rule(s))",
                "NetworkPolicy shop/no-selector also selects it and allows egress (1 rule(s))",
            ],
        );
    });

    it("selects the pod as it will be, with the quarantine label, and skips the quarantine policy itself", () => {
        assert.deepEqual(
            allowing([
                np("quarantine", { podSelector: {}, ingress: [{}] }),
                np("to-quarantined", { podSelector: { matchLabels: quarantine }, ingress: [{}] }),
                np("db", { podSelector: { matchLabels: { app: "db" } }, ingress: [{}] }),
            ]),
            ["NetworkPolicy shop/to-quarantined also selects it and allows ingress (1 rule(s))"],
        );
    });

    it("ignores rules of a direction the policy does not cover, and rules lists that are empty", () => {
        assert.deepEqual(
            allowing([
                np("egress-only", { podSelector: {}, policyTypes: ["Egress"], ingress: [{}] }),
                np("ingress-only", { podSelector: {}, policyTypes: ["Ingress"], egress: [{}] }),
                np("empty", { podSelector: {}, policyTypes: ["Ingress", "Egress"], ingress: [], egress: [] }),
                np("none", { podSelector: {} }),
            ]),
            [],
        );
    });

    it("names a policy without a name or namespace as such", () => {
        assert.deepEqual(allowing([{ spec: { ingress: [{}] } }]), [
            "NetworkPolicy /(unnamed) also selects it and allows ingress (1 rule(s))",
        ]);
    });
});
