import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { runCli } from "../../helpers/cli";
import { FixtureServer } from "../../fixtures/kubeApiServer";
import { Moto, motoEnv, startMoto } from "../../fixtures/motoServer";
import { makeFleetStore } from "./fleetStore";

/** Every file under `dir`, as paths relative to it. */
function filesOf(dir: string, base = dir): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
        const p = path.join(dir, e.name);
        return e.isDirectory() ? filesOf(p, base) : [path.relative(base, p)];
    });
}

/** The report without the moment it was made, the one line two runs may differ in. */
const undated = (md: string) => md.replace(/generated [^.]*\\\.[^ ]*Z\./, "generated <time>.");

describe("snapshot report from an S3 store (moto_server): the scheduled workflow's history", function () {
    this.timeout(180_000);
    let moto: Moto;
    let servers: FixtureServer[] = [];
    after(async () => {
        await Promise.all(servers.map((s) => s.close()));
        await moto?.stop();
    });

    it("gives the report the local store gives, and leaves no copy behind", async () => {
        let out: string;
        ({ out, servers } = await makeFleetStore());
        moto = await startMoto();
        const s3 = new S3Client({
            region: "us-east-1",
            endpoint: moto.url,
            forcePathStyle: true,
            credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
        });
        await s3.send(new CreateBucketCommand({ Bucket: "history" }));
        for (const f of filesOf(out))
            await s3.send(
                new PutObjectCommand({
                    Bucket: "history",
                    Key: `fleet/${f.split(path.sep).join("/")}`,
                    Body: fs.readFileSync(path.join(out, f)),
                }),
            );
        s3.destroy();

        const local = await runCli(["snapshot", "report", "--out", out, "--markdown", "-"]);
        assert.equal(local.code, 0, local.stderr);
        const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "report-tmp-"));
        const fromS3 = await runCli(["snapshot", "report", "--out", "s3://history/fleet", "--markdown", "-"], {
            env: { ...motoEnv(moto.url), TMPDIR: tmp },
        });
        assert.equal(fromS3.code, 0, fromS3.stderr);
        assert.match(fromS3.stdout, /^## Fleet report\n\n3 cluster\(s\)/);
        assert.equal(undated(fromS3.stdout), undated(local.stdout));
        assert.deepEqual(fs.readdirSync(tmp), [], "the private copy is removed");
        fs.rmSync(tmp, { recursive: true, force: true });
    });

    it("names a bucket that cannot be read, and writes no report", async () => {
        const r = await runCli(["snapshot", "report", "--out", "s3://no-such-bucket/x", "--markdown", "-"], {
            env: motoEnv(moto.url),
        });
        assert.notEqual(r.code, 0);
        assert.equal(r.stdout, "");
        assert.match(r.stderr, /no-such-bucket/);
    });
});
