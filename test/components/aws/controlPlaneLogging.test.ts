import { strict as assert } from "assert";
import type * as pulumi from "@pulumi/pulumi";
import {
    CreateClusterCommand,
    DescribeClusterCommand,
    DescribeUpdateCommand,
    EKSClient,
    LogType,
    UpdateClusterConfigCommand,
} from "@aws-sdk/client-eks";
import {
    enabledTypes,
    LoggingOutputs,
    LoggingProps,
    loggingUpdate,
    typesToDisable,
    typesToEnable,
    waitForUpdate,
} from "../../../components/aws/controlPlaneLogging";
import { EksClusterAccess } from "../../../components/aws/eksClusterAccess";
import { DYNAMIC_PROVIDER_PLACEHOLDER } from "../../../plan/mockRuntime";
import { Moto, startMoto } from "../../fixtures/motoServer";
import { builtProviders, deployedProvider } from "../../helpers/deployedProvider";
import { byType, one, registered } from "../../helpers/pulumi";

describe("EKS control-plane logging: what to turn on and off", () => {
    it("enables only the requested types that are off, once each", () => {
        assert.deepEqual(typesToEnable(["audit", "authenticator"], ["api", "audit"]), ["authenticator"]);
        assert.deepEqual(typesToEnable(["audit", "authenticator", "audit"], []), ["audit", "authenticator"]);
        assert.deepEqual(typesToEnable(["audit", "authenticator"], ["authenticator", "audit", "scheduler"]), []);
    });

    it("disables on delete only what the stack turned on and is still on", () => {
        assert.deepEqual(typesToDisable(["authenticator"], ["api", "audit", "authenticator"]), ["authenticator"]);
        assert.deepEqual(typesToDisable(["audit", "authenticator"], ["api", "audit"]), ["audit"]);
        assert.deepEqual(typesToDisable([], ["api", "audit", "authenticator"]), []);
    });

    it("builds an update that keeps every type already on and never lists types that stay off", () => {
        assert.deepEqual(loggingUpdate(["api"], ["audit", "authenticator"], []), [
            { types: ["api", "audit", "authenticator"], enabled: true },
        ]);
        assert.deepEqual(loggingUpdate(["api", "audit", "authenticator"], [], ["authenticator"]), [
            { types: ["api", "audit"], enabled: true },
            { types: ["authenticator"], enabled: false },
        ]);
        assert.deepEqual(loggingUpdate(["audit"], [], ["audit"]), [{ types: ["audit"], enabled: false }]);
        assert.deepEqual(
            loggingUpdate(["api"], [], []),
            [],
            "no request when nothing changes: EKS refuses a no-op update",
        );
    });

    it("reads the enabled types of a DescribeCluster answer", () => {
        assert.deepEqual(
            enabledTypes({
                logging: {
                    clusterLogging: [
                        { types: ["api", "audit"], enabled: true },
                        { types: ["authenticator", "scheduler"], enabled: false },
                    ],
                },
            }),
            ["api", "audit"],
        );
        assert.deepEqual(enabledTypes(undefined), []);
    });
});

describe("EKS control-plane logging: waiting for the update", () => {
    const fast = { intervalMs: 1, timeoutMs: 200 };
    it("polls until Successful", async () => {
        const answers = ["InProgress", "InProgress", "Successful"];
        let calls = 0;
        assert.equal(await waitForUpdate(async () => ({ status: answers[calls++] }), "x", fast), "Successful");
        assert.equal(calls, 3);
    });
    it("throws EKS's errors on Failed", async () => {
        await assert.rejects(
            waitForUpdate(
                async () => ({
                    status: "Failed",
                    errors: [{ errorCode: "AccessDenied", errorMessage: "no logs:CreateLogGroup" }],
                }),
                "cluster c logging",
                fast,
            ),
            { message: "cluster c logging: update Failed (AccessDenied: no logs:CreateLogGroup)" },
        );
    });
    it("gives up after its bound", async () => {
        await assert.rejects(
            waitForUpdate(async () => ({ status: "InProgress" }), "cluster c logging", {
                intervalMs: 20,
                timeoutMs: 50,
            }),
            { message: "cluster c logging: update still InProgress after 0 s" },
        );
    });
    it("ends the wait when DescribeUpdate is not implemented, and rethrows other errors", async () => {
        const unknown = Object.assign(new Error("not implemented"), { name: "UnknownOperationException" });
        assert.equal(
            await waitForUpdate(
                async () => {
                    throw unknown;
                },
                "x",
                fast,
            ),
            "unsupported",
        );
        const notFound = Object.assign(new Error("no such update"), {
            name: "ResourceNotFoundException",
            $metadata: { httpStatusCode: 404 },
        });
        await assert.rejects(
            waitForUpdate(
                async () => {
                    throw notFound;
                },
                "x",
                fast,
            ),
            { name: "ResourceNotFoundException" },
        );
        const denied = Object.assign(new Error("denied"), { name: "AccessDeniedException" });
        await assert.rejects(
            waitForUpdate(
                async () => {
                    throw denied;
                },
                "x",
                fast,
            ),
            { name: "AccessDeniedException" },
        );
    });
});

describe("EksControlPlaneLogging under the mock runtime", () => {
    it("serializes its provider and registers the cluster, region and log types; the plan shows no provider code", async () => {
        const rs = await registered(() => {
            new EksClusterAccess("cpl-access", {
                clusterName: "cpl-cluster",
                region: "eu-west-3",
                authenticationMode: "API",
                endpoint: { publicAccess: true, privateAccess: false, publicAccessCidrs: ["0.0.0.0/0"] },
                roleArn: "arn:aws:iam::123456789012:role/r",
                manageLogging: true,
            });
        });
        const access = one(rs, "agentless:aws:EksClusterAccess", "cpl-access");
        assert.equal(access.inputs.manageLogging, true);
        const logging = one(rs, "pulumi-nodejs:dynamic:Resource", "cpl-access-logging");
        assert.equal(logging.parent, "cpl-access");
        assert.equal(logging.inputs.__provider, DYNAMIC_PROVIDER_PLACEHOLDER);
        assert.deepEqual(
            { ...logging.inputs, __provider: undefined },
            {
                __provider: undefined,
                clusterName: "cpl-cluster",
                region: "eu-west-3",
                logTypes: ["audit", "authenticator"],
            },
        );
    });

    it("is not declared when manageLogging is off", async () => {
        const rs = await registered(() => {
            new EksClusterAccess("cpl-off", {
                clusterName: "cpl-off",
                region: "eu-west-3",
                authenticationMode: "API",
                endpoint: { publicAccess: true, privateAccess: false, publicAccessCidrs: ["0.0.0.0/0"] },
                roleArn: "arn:aws:iam::123456789012:role/r",
            });
        });
        assert.equal(one(rs, "agentless:aws:EksClusterAccess", "cpl-off").inputs.manageLogging, false);
        assert.deepEqual(byType(rs, "pulumi-nodejs:dynamic:Resource"), []);
    });

    it("hands the engine the code the build serialized: compiled JavaScript that defines create, read, diff, update and delete and loads the AWS SDK itself", () => {
        const text = builtProviders().providers["aws/controlPlaneLogging#loggingProvider"];
        assert.match(text, /^exports\.handler = /);
        for (const m of ["create", "read", "diff", "update", "delete"])
            assert.match(text, new RegExp(`async function /\\*${m}\\*/`));
        assert.match(text, /require\("@aws-sdk\/client-eks"\)/);
        assert.doesNotMatch(text, /tsx|ts-node|\.ts"/);
    });
});

describe("EksControlPlaneLogging's provider against moto_server", function () {
    this.timeout(60_000);
    let moto: Moto;
    const saved: Record<string, string | undefined> = {};
    const ambient = {
        AWS_ACCESS_KEY_ID: "testing",
        AWS_SECRET_ACCESS_KEY: "testing",
        AWS_EC2_METADATA_DISABLED: "true",
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    };
    const region = "eu-west-1";
    let eks: EKSClient;
    // The provider as deployed: the text `npm run build` serialized, loaded as the dynamic-provider plugin loads it.
    let loggingProvider: pulumi.dynamic.ResourceProvider<LoggingProps, LoggingOutputs>;
    const loggingOf = async (name: string) =>
        enabledTypes((await eks.send(new DescribeClusterCommand({ name }))).cluster);
    const create = (name: string, types: string[]) =>
        eks.send(
            new CreateClusterCommand({
                name,
                roleArn: "arn:aws:iam::123456789012:role/eks",
                resourcesVpcConfig: { subnetIds: ["subnet-1", "subnet-2"] },
                ...(types.length
                    ? { logging: { clusterLogging: [{ types: types as LogType[], enabled: true }] } }
                    : {}),
            }),
        );

    before(async () => {
        loggingProvider = deployedProvider("loggingProvider");
        moto = await startMoto();
        // The provider uses the ambient credentials of whoever runs `pulumi up`: here, moto's dummy ones.
        for (const [k, v] of Object.entries(ambient)) {
            saved[k] = process.env[k];
            process.env[k] = v;
        }
        eks = new EKSClient({ region, endpoint: moto.url });
    });
    after(async () => {
        eks?.destroy();
        for (const [k, v] of Object.entries(saved)) {
            if (v === undefined) delete process.env[k];
            else process.env[k] = v;
        }
        await moto?.stop();
    });

    it("create turns on only the missing types, keeps the others, and delete turns off only those", async () => {
        await create("cpl-api", ["api", "audit", "scheduler"]);
        const props = { clusterName: "cpl-api", region, logTypes: ["audit", "authenticator"], endpoint: moto.url };
        const created = await loggingProvider.create(props);
        assert.equal(created.id, "eu-west-1/cpl-api");
        assert.deepEqual(created.outs!.enabledByStack, ["authenticator"]);
        assert.deepEqual([...created.outs!.enabledLogTypes].sort(), ["api", "audit", "authenticator", "scheduler"]);
        assert.deepEqual((await loggingOf("cpl-api")).sort(), ["api", "audit", "authenticator", "scheduler"]);

        const read = await loggingProvider.read!(created.id, created.outs);
        assert.deepEqual([...read.props!.enabledLogTypes].sort(), ["api", "audit", "authenticator", "scheduler"]);
        assert.deepEqual(read.props!.enabledByStack, ["authenticator"]);

        await loggingProvider.delete!(created.id, created.outs!);
        assert.deepEqual(
            (await loggingOf("cpl-api")).sort(),
            ["api", "audit", "scheduler"],
            "the cluster is back to how it was",
        );
    });

    it("on a cluster with no logging turns on both and delete turns both off again", async () => {
        await create("cpl-none", []);
        const created = await loggingProvider.create({
            clusterName: "cpl-none",
            region,
            logTypes: ["audit", "authenticator"],
            endpoint: moto.url,
        });
        assert.deepEqual(created.outs!.enabledByStack, ["audit", "authenticator"]);
        assert.deepEqual((await loggingOf("cpl-none")).sort(), ["audit", "authenticator"]);
        await loggingProvider.delete!(created.id, created.outs!);
        assert.deepEqual(await loggingOf("cpl-none"), []);
    });

    it("changes nothing when both types are already on, so delete changes nothing either", async () => {
        await create("cpl-both", ["audit", "authenticator"]);
        const created = await loggingProvider.create({
            clusterName: "cpl-both",
            region,
            logTypes: ["audit", "authenticator"],
            endpoint: moto.url,
        });
        assert.deepEqual(created.outs!.enabledByStack, []);
        await loggingProvider.delete!(created.id, created.outs!);
        assert.deepEqual((await loggingOf("cpl-both")).sort(), ["audit", "authenticator"]);
    });

    it("update turns off a type no longer asked for only if it turned it on, and turns on a newly asked one", async () => {
        await create("cpl-upd", ["api"]);
        const created = await loggingProvider.create({
            clusterName: "cpl-upd",
            region,
            logTypes: ["audit", "authenticator"],
            endpoint: moto.url,
        });
        const updated = await loggingProvider.update!(created.id, created.outs!, {
            clusterName: "cpl-upd",
            region,
            logTypes: ["audit"],
            endpoint: moto.url,
        });
        assert.deepEqual(updated.outs!.enabledByStack, ["audit"]);
        assert.deepEqual((await loggingOf("cpl-upd")).sort(), ["api", "audit"]);
        const again = await loggingProvider.update!(created.id, updated.outs!, {
            clusterName: "cpl-upd",
            region,
            logTypes: ["audit", "api"],
            endpoint: moto.url,
        });
        assert.deepEqual(
            again.outs!.enabledByStack,
            ["audit"],
            "api was on before: it stays out of what delete turns off",
        );
        await loggingProvider.delete!(created.id, again.outs!);
        assert.deepEqual(await loggingOf("cpl-upd"), ["api"]);
    });

    it("takes the path without an update id here: moto answers UpdateClusterConfig without one and has no DescribeUpdate", async () => {
        // What create and delete above went through: no wait, then DescribeCluster as the proof.
        await create("cpl-probe", []);
        const res = await eks.send(
            new UpdateClusterConfigCommand({
                name: "cpl-probe",
                logging: { clusterLogging: [{ types: ["audit"], enabled: true }] },
            }),
        );
        assert.equal(res.update?.id, undefined);
        // Were an id given, the wait would end on moto's unimplemented DescribeUpdate instead of failing.
        assert.equal(
            await waitForUpdate(
                async () =>
                    (await eks.send(new DescribeUpdateCommand({ name: "cpl-probe", updateId: "u-1" }))).update ?? {},
                "x",
                { intervalMs: 1, timeoutMs: 1000 },
            ),
            "unsupported",
        );
    });

    it("fails on a cluster that does not exist, naming EKS's error", async () => {
        await assert.rejects(
            loggingProvider.create({ clusterName: "cpl-missing", region, logTypes: ["audit"], endpoint: moto.url }),
            { name: "ResourceNotFoundException" },
        );
    });

    it("asks for a replacement when the cluster or region changes, an update when the types change", async () => {
        const base = {
            clusterName: "a",
            region,
            logTypes: ["audit", "authenticator"],
            enabledLogTypes: [],
            enabledByStack: [],
        };
        assert.deepEqual(
            await loggingProvider.diff!("id", base, { clusterName: "b", region, logTypes: ["audit", "authenticator"] }),
            { changes: true, replaces: ["clusterName"] },
        );
        assert.deepEqual(
            await loggingProvider.diff!("id", base, {
                clusterName: "a",
                region: "us-east-1",
                logTypes: ["audit", "authenticator"],
            }),
            { changes: true, replaces: ["region"] },
        );
        assert.deepEqual(
            await loggingProvider.diff!("id", base, { clusterName: "a", region, logTypes: ["authenticator", "audit"] }),
            { changes: false, replaces: [] },
        );
        assert.deepEqual(await loggingProvider.diff!("id", base, { clusterName: "a", region, logTypes: ["audit"] }), {
            changes: true,
            replaces: [],
        });
    });
});
