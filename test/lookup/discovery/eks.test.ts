import { clusterKey } from "../../../inventory/clusterKey";
import * as assert from "assert";
import { EKSClient, CreateClusterCommand } from "@aws-sdk/client-eks";
import { S3Client, CreateBucketCommand, ListObjectsV2Command, GetObjectCommand } from "@aws-sdk/client-s3";
import { discoverEks } from "../../../lookup/discovery/eks";
import { runCli } from "../../helpers/cli";
import { Moto, motoEnv, startMoto } from "../../fixtures/motoServer";
import { startKubeApiServer } from "../../fixtures/kubeApiServer";
import { generateCluster } from "../../fixtures/clusterGenerator";
import { writeKubeconfig } from "../../fixtures/kubeconfig";

describe("AWS against moto_server: EKS discovery and the S3 store", function () {
    this.timeout(60_000);
    let moto: Moto;
    const creds = { accessKeyId: "testing", secretAccessKey: "testing" };
    before(async () => {
        moto = await startMoto();
        const eks = new EKSClient({ region: "eu-west-1", endpoint: moto.url, credentials: creds });
        const vpc = {
            subnetIds: ["subnet-1", "subnet-2"],
            endpointPublicAccess: true,
            endpointPrivateAccess: false,
            publicAccessCidrs: ["198.51.100.0/24"],
        };
        await eks.send(
            new CreateClusterCommand({
                name: "shop",
                roleArn: "arn:aws:iam::123456789012:role/eks",
                resourcesVpcConfig: vpc,
                version: "1.29",
                tags: { team: "shop" },
                logging: { clusterLogging: [{ types: ["audit", "authenticator"], enabled: true }] },
            }),
        );
        await eks.send(
            new CreateClusterCommand({
                name: "legacy",
                roleArn: "arn:aws:iam::123456789012:role/eks",
                resourcesVpcConfig: vpc,
                tags: { ms_defender_container_exclude_agentless: "True" },
            }),
        );
        eks.destroy();
    });
    after(() => moto?.stop());

    it("lists and describes clusters per region, with endpoint access, logging and the exclusion tag", async () => {
        const found = await discoverEks(
            ["eu-west-1", "us-east-2"],
            (region) => new EKSClient({ region, endpoint: moto.url, credentials: creds }),
        );
        assert.deepStrictEqual(found.failures, []);
        assert.deepStrictEqual(
            found.clusters.map((c) => [c.name, c.location, c.excluded]),
            [
                ["legacy", "eu-west-1", true],
                ["shop", "eu-west-1", false],
            ],
        );
        const shop = found.clusters[1];
        assert.strictEqual(shop.version, "1.29");
        assert.strictEqual(shop.id, "arn:aws:eks:eu-west-1:123456789012:cluster/shop");
        assert.deepStrictEqual(shop.tags, { team: "shop" });
        assert.deepStrictEqual(
            { ...shop.details, status: undefined, platformVersion: undefined },
            {
                status: undefined,
                platformVersion: undefined,
                endpointPublicAccess: true,
                endpointPrivateAccess: false,
                publicAccessCidrs: ["198.51.100.0/24"],
                loggingTypes: ["audit", "authenticator"],
                authenticationMode: null,
            },
        );
        const access = await shop.access!();
        assert.deepStrictEqual(access.exec, {
            apiVersion: "client.authentication.k8s.io/v1beta1",
            command: "aws",
            args: ["eks", "get-token", "--cluster-name", "shop", "--region", "eu-west-1", "--output", "json"],
            env: [],
        });
    });

    it("runs the CLI with --cloud aws into S3: excluded cluster reported, unreachable one failed, kubeconfig cluster stored", async () => {
        const s3 = new S3Client({ region: "us-east-1", endpoint: moto.url, forcePathStyle: true, credentials: creds });
        await s3.send(new CreateBucketCommand({ Bucket: "inventory" }));
        const kube = await startKubeApiServer(generateCluster({ pods: 12 }));
        const { file } = writeKubeconfig({ local: { url: kube.url } });
        // PATH without the aws CLI: the discovered cluster fails on its credential plug-in, the others go on.
        const env = { ...motoEnv(moto.url), PATH: "/nonexistent" };
        const r = await runCli(
            [
                "snapshot",
                "--cloud",
                "aws",
                "--region",
                "eu-west-1",
                "--kubeconfig",
                file,
                "--context",
                "local",
                "--out",
                "s3://inventory/snaps",
                "--retain",
                "1",
            ],
            { env },
        );
        await runCli(
            ["snapshot", "--kubeconfig", file, "--context", "local", "--out", "s3://inventory/snaps", "--retain", "1"],
            { env },
        );
        const localKey = clusterKey({ name: "local", server: kube.url, source: "kubeconfig", context: "local" });
        await kube.close();
        assert.strictEqual(r.code, 3, r.stderr);
        assert.ok(r.stdout.includes(`→ s3://inventory/snaps/${localKey}/`), r.stdout);
        assert.match(r.stdout, /✓ local: complete, .* → s3:\/\/inventory\/snaps\/kube-local-[^/]+\/.*\.json/);
        assert.match(r.stdout, /✗ shop: FAILED — credential plug-in aws failed: command not found/);
        assert.match(
            r.stdout,
            /- legacy: excluded — tagged ms_defender_container_exclude_agentless=true \(arn:aws:eks:eu-west-1:123456789012:cluster\/legacy\)/,
        );
        const keys = (
            (await s3.send(new ListObjectsV2Command({ Bucket: "inventory", Prefix: "snaps/" }))).Contents ?? []
        )
            .map((o) => o.Key!)
            .sort();
        const snaps = keys.filter((k) => k.startsWith(`snaps/${localKey}/`) && /\d.*\.json$/.test(k));
        assert.strictEqual(snaps.length, 1, `retention keeps one: ${keys.join(", ")}`);
        assert.ok(keys.includes(`snaps/${localKey}/latest`));
        assert.strictEqual(keys.filter((k) => k.startsWith("snaps/runs/")).length, 2);
        const pointer = await (
            await s3.send(new GetObjectCommand({ Bucket: "inventory", Key: `snaps/${localKey}/latest` }))
        ).Body!.transformToString();
        assert.strictEqual(`snaps/${localKey}/${pointer.trim()}`, snaps[0]);
        const doc = JSON.parse(
            await (
                await s3.send(new GetObjectCommand({ Bucket: "inventory", Key: snaps[0] }))
            ).Body!.transformToString(),
        );
        assert.strictEqual(doc.counts.Pod, 13);
        const missing = await runCli(["snapshot", "--kubeconfig", file, "--out", "s3://no-such-bucket"], { env });
        assert.deepStrictEqual(
            [missing.code, missing.stderr],
            [2, "error: snapshot store s3://no-such-bucket cannot be used (the bucket does not exist)\n"],
        );
        s3.destroy();
    });
});
