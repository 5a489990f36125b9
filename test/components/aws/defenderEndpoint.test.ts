import { strict as assert } from "assert";
import {
    CreateClusterCommand,
    DescribeClusterCommand,
    EKSClient,
    UpdateClusterConfigCommand,
} from "@aws-sdk/client-eks";
import type * as pulumi from "@pulumi/pulumi";
import {
    EndpointOutputs,
    EndpointProps,
    openFor,
    restoreFrom,
    vpcEndpoint,
} from "../../../components/aws/defenderEndpoint";
import { Moto, startMoto } from "../../fixtures/motoServer";
import { deployedProvider } from "../../helpers/deployedProvider";

const DEFENDER = ["172.212.245.192/28", "48.209.1.192/28"];

describe("Defender's CIDRs on an EKS endpoint: what to change (pure)", () => {
    it("adds only the missing CIDRs after the existing ones; nothing when a wider range already covers them", () => {
        assert.deepEqual(
            openFor({ publicAccess: true, privateAccess: true, publicAccessCidrs: ["203.0.113.0/24"] }, DEFENDER),
            {
                next: { publicAccess: true, privateAccess: true, publicAccessCidrs: ["203.0.113.0/24", ...DEFENDER] },
                added: DEFENDER,
                enabledPublicAccess: false,
            },
        );
        assert.deepEqual(
            openFor({ publicAccess: true, privateAccess: false, publicAccessCidrs: ["172.212.0.0/16"] }, DEFENDER)
                .added,
            ["48.209.1.192/28"],
        );
        assert.deepEqual(
            openFor({ publicAccess: true, privateAccess: false, publicAccessCidrs: ["0.0.0.0/0"] }, DEFENDER),
            { added: [], enabledPublicAccess: false },
        );
    });

    it("opens a private-only endpoint to Defender's CIDRs only, keeping private access", () => {
        assert.deepEqual(
            openFor({ publicAccess: false, privateAccess: true, publicAccessCidrs: ["0.0.0.0/0"] }, DEFENDER),
            {
                next: { publicAccess: true, privateAccess: true, publicAccessCidrs: DEFENDER },
                added: DEFENDER,
                enabledPublicAccess: true,
            },
        );
    });

    it("restores: removes only what it added, keeps CIDRs added since, closes what it opened", () => {
        const before = { publicAccess: true, privateAccess: true, publicAccessCidrs: ["203.0.113.0/24"] };
        assert.deepEqual(
            restoreFrom(
                { ...before, publicAccessCidrs: ["203.0.113.0/24", ...DEFENDER, "198.51.100.0/24"] },
                { before, addedCidrs: DEFENDER, enabledPublicAccess: false },
            ),
            { ...before, publicAccessCidrs: ["203.0.113.0/24", "198.51.100.0/24"] },
        );
        assert.equal(
            restoreFrom(before, { before, addedCidrs: DEFENDER, enabledPublicAccess: false }),
            undefined,
            "already gone: no update",
        );
        const priv = { publicAccess: false, privateAccess: true, publicAccessCidrs: ["0.0.0.0/0"] };
        assert.deepEqual(
            restoreFrom(
                { publicAccess: true, privateAccess: true, publicAccessCidrs: DEFENDER },
                { before: priv, addedCidrs: DEFENDER, enabledPublicAccess: true },
            ),
            priv,
        );
        assert.deepEqual(
            restoreFrom(
                { publicAccess: true, privateAccess: true, publicAccessCidrs: [...DEFENDER, "198.51.100.0/24"] },
                { before: priv, addedCidrs: DEFENDER, enabledPublicAccess: true },
            ),
            { publicAccess: true, privateAccess: true, publicAccessCidrs: ["198.51.100.0/24"] },
            "someone relies on the public endpoint now: only ours go",
        );
    });
});

describe("EksDefenderEndpointAccess's provider against moto_server", function () {
    this.timeout(90_000);
    const region = "eu-central-1";
    let moto: Moto;
    let eks: EKSClient;
    const saved: Record<string, string | undefined> = {};
    // The provider as deployed: the text `npm run build` serialized, loaded as the dynamic-provider plugin loads it.
    let endpointProvider: pulumi.dynamic.ResourceProvider<EndpointProps, EndpointOutputs>;

    before(async () => {
        endpointProvider = deployedProvider("endpointProvider");
        moto = await startMoto();
        // The provider uses the ambient credentials of whoever runs `pulumi up`: here, moto's dummy ones.
        for (const k of ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"]) saved[k] = process.env[k];
        process.env.AWS_ACCESS_KEY_ID = "testing";
        process.env.AWS_SECRET_ACCESS_KEY = "testing";
        eks = new EKSClient({ region, endpoint: moto.url });
        const create = (name: string, vpc: Record<string, unknown>) =>
            eks.send(
                new CreateClusterCommand({
                    name,
                    roleArn: "arn:aws:iam::123456789012:role/eks",
                    resourcesVpcConfig: { subnetIds: ["subnet-1"], ...vpc },
                }),
            );
        await create("private", { endpointPublicAccess: false, endpointPrivateAccess: true });
        await create("restricted", {
            endpointPublicAccess: true,
            endpointPrivateAccess: false,
            publicAccessCidrs: ["203.0.113.0/24"],
        });
    });
    after(async () => {
        eks?.destroy();
        await moto?.stop();
        for (const [k, v] of Object.entries(saved))
            if (v === undefined) delete process.env[k];
            else process.env[k] = v;
    });
    const now = async (name: string) => vpcEndpoint((await eks.send(new DescribeClusterCommand({ name }))).cluster);

    it("opens a private-only endpoint to Defender's CIDRs, and destroy makes it private-only again", async () => {
        const props = { clusterName: "private", region, cidrs: DEFENDER, endpoint: moto.url };
        const created = await endpointProvider.create(props);
        assert.equal(created.id, `${region}/private`);
        assert.deepEqual(await now("private"), {
            publicAccess: true,
            privateAccess: true,
            publicAccessCidrs: DEFENDER,
        });
        assert.deepEqual(
            { added: created.outs!.addedCidrs, opened: created.outs!.enabledPublicAccess },
            { added: DEFENDER, opened: true },
        );
        await endpointProvider.delete!(created.id, created.outs as EndpointOutputs);
        const after = await now("private");
        assert.deepEqual([after.publicAccess, after.privateAccess], [false, true]);
    });

    it("adds Defender's CIDRs beside the cluster's own, keeps one added later, and removes only its own on destroy", async () => {
        const props = { clusterName: "restricted", region, cidrs: DEFENDER, endpoint: moto.url };
        const created = await endpointProvider.create(props);
        assert.deepEqual((await now("restricted")).publicAccessCidrs, ["203.0.113.0/24", ...DEFENDER]);
        // Someone else allows another range meanwhile.
        await eks.send(
            new UpdateClusterConfigCommand({
                name: "restricted",
                resourcesVpcConfig: {
                    endpointPublicAccess: true,
                    endpointPrivateAccess: false,
                    publicAccessCidrs: ["203.0.113.0/24", ...DEFENDER, "198.51.100.0/24"],
                },
            }),
        );
        await endpointProvider.delete!(created.id, created.outs as EndpointOutputs);
        assert.deepEqual(await now("restricted"), {
            publicAccess: true,
            privateAccess: false,
            publicAccessCidrs: ["203.0.113.0/24", "198.51.100.0/24"],
        });
        // Run again: nothing left to add twice.
        const again = await endpointProvider.create(props);
        assert.deepEqual((await now("restricted")).publicAccessCidrs, [
            "203.0.113.0/24",
            "198.51.100.0/24",
            ...DEFENDER,
        ]);
        assert.deepEqual(again.outs!.addedCidrs, DEFENDER);
    });

    it("fails with EKS's reason on a cluster that does not exist, changing nothing", async () => {
        await assert.rejects(
            endpointProvider.create({ clusterName: "missing", region, cidrs: DEFENDER, endpoint: moto.url }),
            { name: "ResourceNotFoundException" },
        );
    });
});
