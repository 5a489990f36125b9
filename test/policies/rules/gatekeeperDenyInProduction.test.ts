import { strict as assert } from "assert";
import { gatekeeperDenyInProduction } from "../../../policies/rules/gatekeeperDenyInProduction";
import { ResourceView } from "../../../policies/types";

const res = (type: string, name: string, inputs: Record<string, unknown>): ResourceView => ({ type, name, inputs });
const judge = (rs: ResourceView[]) =>
    gatekeeperDenyInProduction.validateStack(rs, { production: true }).map((m) => `${m.resource}: ${m.message}`);

describe("gatekeeper-deny-in-production: the constraints", () => {
    it("passes a constraint without enforcementAction (Gatekeeper denies by default) or without spec", () => {
        const rs = [
            res("kubernetes:constraints.gatekeeper.sh/v1beta1:K8sWildcardRole", "a", {
                kind: "K8sWildcardRole",
                metadata: { name: "wildcard-roles" },
                spec: { match: {} },
            }),
            res("kubernetes:constraints.gatekeeper.sh/v1beta1:K8sWildcardRole", "b", { kind: "K8sWildcardRole" }),
        ];
        assert.deepEqual(judge(rs), []);
    });

    it("names a constraint whose name is not known by its resource name, and leaves other kinds alone", () => {
        const rs = [
            res("kubernetes:constraints.gatekeeper.sh/v1beta1:K8sClusterAdminBinding", "eks-lab-dublin-cluster-admin", {
                kind: "K8sClusterAdminBinding",
                spec: { enforcementAction: "dryrun" },
            }),
            res("kubernetes:apps/v1:Deployment", "app", { kind: "Deployment", spec: { enforcementAction: "warn" } }),
        ];
        assert.deepEqual(judge(rs), [
            'eks-lab-dublin-cluster-admin: constraint K8sClusterAdminBinding/eks-lab-dublin-cluster-admin is in "dryrun" mode in a production stack',
        ]);
    });
});
