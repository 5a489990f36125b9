import { strict as assert } from "assert";
import { Moto, startMoto } from "../../fixtures/motoServer";
import { createEksClusters, EksProxy, MOTO_ACCOUNT, readThroughProxy, startEksProxy } from "../../fixtures/eksProxy";
import { readAws } from "../../../stack/aws/onboarding";
import { AwsCloudLookup } from "../../../lookup/aws/port";
import { loadAwsConfig } from "../../../config/aws";
import { LookupError } from "../../../lib/errors";
import { InFlight, inFlight } from "../../helpers/inFlight";

const REGIONS = ["eu-west-1", "us-east-1"];
const ROLE = `arn:aws:iam::${MOTO_ACCOUNT}:role/MDCContainersAgentlessDiscoveryK8sRole`;

describe("the AWS lookups with aws.lookupConcurrency (moto_server behind a 15 ms proxy)", function () {
    this.timeout(90_000);
    let moto: Moto;
    let proxy: EksProxy;

    before(async () => {
        moto = await startMoto();
        const accessEntries = await createEksClusters(moto.url, REGIONS, 10);
        proxy = await startEksProxy({
            upstream: moto.url,
            delayMs: 15,
            authenticationMode: "API_AND_CONFIG_MAP",
            accessEntries,
        });
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

        assert.deepEqual(
            concurrent.discovered.map((c) => `${c.region}/${c.name}`),
            REGIONS.flatMap((r) => Array.from({ length: 10 }, (_, i) => `${r}/eks-0${i}`)),
        );
        // Defender's entry on two clusters out of three (eks-02, eks-05 and eks-08 have none).
        assert.deepEqual(
            Object.keys(concurrent.accessEntries),
            REGIONS.flatMap((r) => [0, 1, 3, 4, 6, 7, 9].map((i) => `${r}/eks-0${i}`)),
        );
        assert.deepEqual(concurrent.accessEntries["us-east-1/eks-09"], {
            principalArn: ROLE,
            type: "STANDARD",
            kubernetesGroups: [],
            tags: { "made-by": "defender" },
            clusterScopePolicyArns: ["arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminViewPolicy"],
        });
    });

    it("rides out EKS throttling: throttled calls are retried by the SDK and the lookup results stay the same", async () => {
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

describe("readAws: the clusters, the IAM objects and the connectors are read side by side", () => {
    const cfg = loadAwsConfig({
        accountId: MOTO_ACCOUNT,
        region: "eu-west-1",
        regions: ["eu-west-1", "us-east-1"],
        connector: {
            subscriptionId: "3f2a9c1e-7b4d-4e8a-9c62-1d5e8f0a7b34",
            resourceGroupName: "rg-security",
            location: "westeurope",
            auditLogsAutoProvisioning: true,
        },
    });
    const stub = (gauge: InFlight, failing: string[] = []): AwsCloudLookup => {
        // A failing lookup fails after 5 ms, the next one listed after 35 ms: the order in time is the list's.
        const call = <R>(label: string, answer: R) =>
            gauge.run([], label, failing.includes(label) ? 5 + 30 * failing.indexOf(label) : 20, () => {
                if (failing.includes(label)) throw new LookupError("iam:GetRole", label, "AccessDenied");
                return answer;
            });
        return {
            description: "stub",
            listClusters: (region) => call(`clusters ${region}`, []),
            findRole: (name) => call(`role ${name}`, undefined),
            rolePolicies: (name) => call(`policies ${name}`, undefined),
            findOidcProvider: () => call("oidc", undefined),
            findAccessEntry: () => call("entry", undefined),
            securityConnectors: () => call("connectors", []),
            close: () => undefined,
        };
    };

    it("has the nine lookups (two regions, the provider, the discovery role, four audit-log roles, the connectors) in flight at once", async () => {
        const gauge = inFlight();
        const found = await readAws(cfg, stub(gauge));
        assert.equal(gauge.max(), 9, gauge.started.join(", "));
        assert.deepEqual(
            [found.discovered, found.auditLogRoles, found.role, found.connector],
            [[], {}, undefined, { action: "create" }],
        );
    });

    it("reports the first failure in the sequential order (the discovery role before an audit-log role), whatever fails first in time", async () => {
        await assert.rejects(
            readAws(
                cfg,
                stub(inFlight(), ["role MDCContainersK8sRole", "role MDCContainersAgentlessDiscoveryK8sRole"]),
            ),
            { message: /MDCContainersAgentlessDiscoveryK8sRole/ },
        );
    });
});
