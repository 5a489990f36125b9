import * as assert from "assert";
import { CreateClusterCommand, EKSClient } from "@aws-sdk/client-eks";
import { discoverEks } from "../../../lookup/discovery/eks";
import { Moto, startMoto } from "../../fixtures/motoServer";
import { EksProxy, startEksProxy } from "../../fixtures/eksProxy";

const ROLE = "arn:aws:iam::123456789012:role/MDCContainersAgentlessDiscoveryK8sRole";
const VIEW = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy";

describe("EKS discovery: Defender's access entries (moto_server behind the access-entry proxy)", function () {
    this.timeout(60_000);
    const creds = { accessKeyId: "testing", secretAccessKey: "testing" };
    let moto: Moto;
    let proxy: EksProxy;
    before(async () => {
        moto = await startMoto();
        const eks = new EKSClient({ region: "eu-west-1", endpoint: moto.url, credentials: creds });
        for (const name of ["shop", "lab"])
            await eks.send(
                new CreateClusterCommand({
                    name,
                    roleArn: "arn:aws:iam::123456789012:role/eks",
                    resourcesVpcConfig: { subnetIds: ["subnet-1"] },
                }),
            );
        eks.destroy();
        proxy = await startEksProxy({
            upstream: moto.url,
            delayMs: 0,
            authenticationMode: "API_AND_CONFIG_MAP",
            accessEntries: {
                "eu-west-1/shop": [
                    {
                        principalArn: "arn:aws:iam::123456789012:role/admins",
                        kubernetesGroups: [],
                        tags: {},
                        policyArns: [VIEW],
                    },
                    { principalArn: ROLE, kubernetesGroups: ["mdc-readers"], tags: {}, policyArns: [VIEW] },
                ],
            },
        });
    });
    after(async () => {
        await proxy?.close();
        await moto?.stop();
    });

    it("keeps the discovery role's entries with their groups and policies, and no one else's", async () => {
        const found = await discoverEks(
            ["eu-west-1"],
            (region) => new EKSClient({ region, endpoint: proxy.url, credentials: creds }),
        );
        assert.deepStrictEqual(found.failures, []);
        const byName = Object.fromEntries(found.clusters.map((c) => [c.name, c.details]));
        assert.deepStrictEqual(byName.shop.defenderAccessEntries, [
            {
                principalArn: ROLE,
                kubernetesGroups: ["mdc-readers"],
                policies: [{ policyArn: VIEW, accessScope: "cluster" }],
            },
        ]);
        assert.deepStrictEqual(byName.lab.defenderAccessEntries, []);
    });

    it("looks for the role name it is given, and keeps a refused listing's reason instead of failing the region", async () => {
        const other = await discoverEks(
            ["eu-west-1"],
            (region) => new EKSClient({ region, endpoint: proxy.url, credentials: creds }),
            "admins",
        );
        assert.deepStrictEqual(other.clusters.find((c) => c.name === "shop")!.details.defenderAccessEntries, [
            {
                principalArn: "arn:aws:iam::123456789012:role/admins",
                kubernetesGroups: [],
                policies: [{ policyArn: VIEW, accessScope: "cluster" }],
            },
        ]);
        const denied = await discoverEks(["eu-west-1"], (region) => {
            const c = new EKSClient({ region, endpoint: proxy.url, credentials: creds });
            c.middlewareStack.add(
                (next, context) => async (args) => {
                    if (context.commandName === "ListAccessEntriesCommand")
                        throw Object.assign(new Error("User is not authorized to perform: eks:ListAccessEntries"), {
                            name: "AccessDeniedException",
                        });
                    return next(args);
                },
                { step: "initialize" },
            );
            return c;
        });
        assert.deepStrictEqual(denied.failures, []);
        const shop = denied.clusters.find((c) => c.name === "shop")!.details;
        assert.strictEqual(shop.defenderAccessEntries, undefined);
        assert.strictEqual(
            shop.accessEntriesError,
            "AccessDeniedException: User is not authorized to perform: eks:ListAccessEntries",
        );
    });
});
