import { strict as assert } from "assert";
import { Moto, startMoto } from "../fixtures/motoServer";
import { createEksClusters, EksProxy, MOTO_ACCOUNT, readThroughProxy, startEksProxy } from "../fixtures/eksProxy";

const REGIONS = ["eu-west-1", "us-east-1"];
const ROLE = `arn:aws:iam::${MOTO_ACCOUNT}:role/MDCContainersAgentlessDiscoveryK8sRole`;

describe("the AWS lookups with aws.lookupConcurrency (moto_server behind a 15 ms proxy)", function () {
    this.timeout(90_000);
    let moto: Moto;
    let proxy: EksProxy;

    before(async () => {
        moto = await startMoto();
        const accessEntries = await createEksClusters(moto.url, REGIONS, 10);
        proxy = await startEksProxy({ upstream: moto.url, delayMs: 15, authenticationMode: "API_AND_CONFIG_MAP", accessEntries });
    });
    after(async () => {
        await proxy?.close();
        await moto?.stop();
    });

    it("finds the same clusters and access entries, in the same order, one call at a time and four at a time per region, never more than four", async () => {
        proxy.reset();
        const sequential = await readThroughProxy(proxy.url, REGIONS, 1);
        for (const r of REGIONS) assert.equal(proxy.maxInFlight(r), 1, r);
        const calls = proxy.calls();
        proxy.reset();
        const concurrent = await readThroughProxy(proxy.url, REGIONS, 4);
        for (const r of REGIONS) assert.equal(proxy.maxInFlight(r), 4, r);
        assert.equal(proxy.calls(), calls, "the same calls, only at once");
        assert.deepEqual(concurrent, sequential);

        assert.deepEqual(concurrent.discovered.map((c) => `${c.region}/${c.name}`), REGIONS.flatMap((r) => Array.from({ length: 10 }, (_, i) => `${r}/eks-0${i}`)));
        // Defender's entry on two clusters out of three (eks-02, eks-05 and eks-08 have none).
        assert.deepEqual(Object.keys(concurrent.accessEntries), REGIONS.flatMap((r) => [0, 1, 3, 4, 6, 7, 9].map((i) => `${r}/eks-0${i}`)));
        assert.deepEqual(concurrent.accessEntries["us-east-1/eks-09"], {
            principalArn: ROLE, type: "STANDARD", kubernetesGroups: [], tags: { "made-by": "defender" },
            clusterScopePolicyArns: ["arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminViewPolicy"],
        });
    });

    it("rides out EKS throttling: throttled calls are retried by the SDK and the findings stay the same", async () => {
        proxy.reset();
        const calm = await readThroughProxy(proxy.url, REGIONS, 8);
        const calls = proxy.calls();
        proxy.reset();
        proxy.throttleNext(2);
        const throttled = await readThroughProxy(proxy.url, REGIONS, 8);
        assert.equal(proxy.throttled(), 2);
        assert.equal(proxy.calls(), calls + 2, "each throttled call made once more");
        assert.deepEqual(throttled, calm);
    });
});
