import { strict as assert } from "assert";
import { defenderCidrsAllowed } from "../../../policies/rules/defenderCidrsAllowed";

const access = (inputs: Record<string, unknown>, type = "agentless:aws:EksClusterAccess") =>
    defenderCidrsAllowed.validate({
        type,
        name: "eu-west-1-shop",
        inputs: { clusterName: "shop", region: "eu-west-1", ...inputs },
    });

describe("defender-cidrs-allowed: the allow list", () => {
    it("names every range of a restricted endpoint that leaves Defender's out", () => {
        assert.deepEqual(access({ endpointPublicAccess: true, publicAccessCidrs: ["10.0.0.0/8", "192.168.0.0/16"] }), [
            "cluster shop restricts its endpoint to 10.0.0.0/8, 192.168.0.0/16 without 172.212.245.192/28 and 48.209.1.192/28",
        ]);
    });

    it("passes an empty or unknown list (AWS's default is open) and another resource type", () => {
        assert.deepEqual(access({ endpointPublicAccess: true, publicAccessCidrs: [] }), []);
        assert.deepEqual(access({ endpointPublicAccess: true, publicAccessCidrs: "[unknown]" }), []);
        assert.deepEqual(access({ endpointPublicAccess: false }, "aws:eks/cluster:Cluster"), []);
    });
});
