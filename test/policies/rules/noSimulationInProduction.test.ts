import { strict as assert } from "assert";
import { noSimulationInProduction } from "../../../policies/rules/noSimulationInProduction";
import { ResourceView } from "../../../policies/types";

const res = (type: string, name: string, inputs: Record<string, unknown>): ResourceView => ({ type, name, inputs });
const namespace = (name: string, ns: string) =>
    res("kubernetes:core/v1:Namespace", name, { apiVersion: "v1", kind: "Namespace", metadata: { name: ns } });
const judge = (rs: ResourceView[]) =>
    noSimulationInProduction.validateStack(rs, { production: true }).map((m) => `${m.resource}: ${m.message}`);

describe("no-attack-simulation-in-production: the namespace", () => {
    it("fails the simulation's namespace alone (a program that registers it without the component)", () => {
        assert.deepEqual(judge([namespace("eks-lab-dublin-simulation-ns", "mdc-simulation")]), [
            "eks-lab-dublin-simulation-ns: the attack simulation is deployed in a production stack",
        ]);
    });

    it("passes the sensor's and Gatekeeper's namespaces, a namespace not known at preview, and another kind named mdc-simulation", () => {
        const rs = [
            namespace("eks-lab-dublin-sensor-ns", "mdc"),
            namespace("eks-lab-dublin-gatekeeper-ns", "gatekeeper-system"),
            res("kubernetes:core/v1:Namespace", "unknown-ns", {}),
            res("kubernetes:core/v1:ServiceAccount", "sa", { metadata: { name: "mdc-simulation", namespace: "mdc" } }),
        ];
        assert.deepEqual(judge(rs), []);
    });
});
