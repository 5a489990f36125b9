import { strict as assert } from "assert";
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { Moto, startMoto } from "../../fixtures/motoServer";
import { S3Store } from "../../../inventory/store/s3";

describe("S3 store: respond's audit records and the list of clusters (moto_server)", function () {
    this.timeout(60_000);
    let moto: Moto;
    let s3: S3Client;
    const bucket = "audit-records";
    const stamp = "2026-12-07T03-00-00-000Z";
    before(async () => {
        moto = await startMoto();
        s3 = new S3Client({
            region: "us-east-1",
            endpoint: moto.url,
            forcePathStyle: true,
            credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
        });
        await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    });
    after(async () => {
        s3?.destroy();
        await moto?.stop();
    });

    it("writes audit records under audit/ with the run records' names, never replacing one", async () => {
        const store = new S3Store(`s3://${bucket}/fleet`, 1, s3);
        assert.equal(await store.writeAudit(stamp, { n: 1 }), `s3://${bucket}/fleet/audit/${stamp}.json`);
        assert.equal(await store.writeAudit(stamp, { n: 2 }), `s3://${bucket}/fleet/audit/${stamp}-1.json`);
        const body = await (
            await s3.send(new GetObjectCommand({ Bucket: bucket, Key: `fleet/audit/${stamp}.json` }))
        ).Body!.transformToString();
        assert.deepEqual(JSON.parse(body), { n: 1 });
    });

    it("lists the cluster folders that hold a snapshot, leaving out runs, audit and folders without one", async () => {
        const put = (key: string) => s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: "{}" }));
        await put(`list/kube-a-x-0123456789ab/${stamp}.json`);
        await put(`list/aws-1-us_east_1-prod-0123456789ab/${stamp}.json`);
        await put(`list/kube-empty-x-0123456789ab/.lock`);
        await put(`list/runs/${stamp}.json`);
        await put(`list/audit/${stamp}.json`);
        await put(`list-other/kube-b-x-0123456789ab/${stamp}.json`);
        const store = new S3Store(`s3://${bucket}/list`, 1, s3);
        assert.deepEqual(await store.clusters(), ["aws-1-us_east_1-prod-0123456789ab", "kube-a-x-0123456789ab"]);
    });
});
