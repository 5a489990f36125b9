import * as assert from "assert";
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runCli, ROOT } from "../helpers/cli";
import { FixtureServer, startKubeApiServer } from "../fixtures/kubeApiServer";
import { generateCluster } from "../fixtures/clusterGenerator";
import { writeKubeconfig } from "../fixtures/kubeconfig";
import { systemErrorLine } from "../../lib/errors";
import { openStore } from "../../cli/store";
import { parseS3Url, S3Store } from "../../inventory/store/s3";

const tmpDir = () => fs.mkdtempSync(path.join(os.tmpdir(), "cli-faults-"));

/** Every file under dir whose name starts with a dot (temporaries, locks), relative. */
function hidden(dir: string): string[] {
    return (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => path.basename(f).startsWith("."));
}

const NO_TRACE = /^\s+at |EPIPE|Error: /m;

describe("snapshot faults: closed pipe, bad bucket, full disk", function () {
    this.timeout(90_000);
    const servers: FixtureServer[] = [];
    afterEach(async () => {
        await Promise.all(servers.splice(0).map((s) => s.close()));
    });
    const start = async (pods: number) => {
        const s = await startKubeApiServer(generateCluster({ pods }), { lifetimeMs: 80_000 });
        servers.push(s);
        return s;
    };

    it("`| head -1`: no EPIPE trace, no temporary file, the run record written and the exit code kept", async () => {
        const [a, b, c] = await Promise.all([start(30), start(30), start(30)]);
        const { file } = writeKubeconfig({ a: { url: a.url }, b: { url: b.url }, c: { url: c.url } });
        const out = tmpDir();
        const cmd = `"${process.execPath}" --import tsx cli/main.ts snapshot --kubeconfig "${file}" --all-contexts --concurrency 1 --out "${out}" | head -1; echo "exit=\${PIPESTATUS[0]}" >&2`;
        // Asynchronously: the fixture servers live in this process and must keep answering.
        const r = await new Promise<{ stdout: string; stderr: string }>((resolve, reject) => {
            const child = spawn("bash", ["-c", cmd], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
            let stdout = "";
            let stderr = "";
            child.stdout.on("data", (d) => (stdout += d));
            child.stderr.on("data", (d) => (stderr += d));
            child.on("error", reject);
            child.on("close", () => resolve({ stdout, stderr }));
        });
        assert.strictEqual(r.stdout.split("\n").filter(Boolean).length, 1);
        assert.match(r.stderr, /exit=0\s*$/);
        assert.doesNotMatch(r.stderr, NO_TRACE);
        assert.strictEqual(
            fs.readdirSync(path.join(out, "runs")).filter((f) => f.endsWith(".json")).length,
            1,
            "the run record is written",
        );
        const record = JSON.parse(
            fs.readFileSync(path.join(out, "runs", fs.readdirSync(path.join(out, "runs"))[0]), "utf8"),
        );
        assert.deepStrictEqual(
            record.clusters.map((x: { status: string }) => x.status),
            ["complete", "complete", "complete"],
        );
        assert.deepStrictEqual(hidden(out), []);
    });

    it("`--out s3://Bad_Bucket`: one line and exit 2", async () => {
        const s = await start(3);
        const { file } = writeKubeconfig({ a: { url: s.url } });
        const r = await runCli(["snapshot", "--kubeconfig", file, "--out", "s3://Bad_Bucket"]);
        assert.strictEqual(r.code, 2);
        assert.strictEqual(
            r.stderr.replace(/^npm warn.*\n/gm, ""),
            'error: --out "s3://Bad_Bucket" is not an S3 location; expected s3://BUCKET[/PREFIX]\n',
        );
    });

    it("`--out S3://b/p` is the bucket (URI schemes are case-insensitive), never a local folder `S3:`; another scheme is refused", async () => {
        const cwd = fs.mkdtempSync(path.join(os.tmpdir(), "out-scheme-"));
        const here = process.cwd();
        process.chdir(cwd);
        try {
            const store = openStore("S3://bucket-a/p", 1);
            assert.ok(store instanceof S3Store);
            assert.deepStrictEqual(parseS3Url("S3://bucket-a/p/"), { bucket: "bucket-a", prefix: "p" });
            assert.throws(() => openStore("S3://Bucket-A/p", 1), {
                message:
                    '--out "S3://Bucket-A/p": bucket names are lower-case letters, digits, "." and "-"; expected s3://bucket-a...',
            });
            assert.throws(() => openStore("gs://b/p", 1), {
                message: '--out "gs://b/p": gs:// is not a store; expected a local directory or s3://BUCKET[/PREFIX]',
            });
            assert.deepStrictEqual(fs.readdirSync(cwd), [], "no local folder is made");
        } finally {
            process.chdir(here);
            fs.rmSync(cwd, { recursive: true, force: true });
        }
    });

    it("names operating-system errors in one line", () => {
        const e = Object.assign(new Error("ENOSPC: no space left on device, write"), {
            code: "ENOSPC",
            syscall: "write",
        });
        assert.strictEqual(systemErrorLine(e), "no space left on the device (ENOSPC, write)");
        assert.strictEqual(systemErrorLine(new Error("x")), undefined);
    });

    describe("on a full disk (a small tmpfs; needs root to mount)", () => {
        let mnt: string;
        before(function () {
            if (process.getuid?.() !== 0) this.skip();
            mnt = tmpDir();
            const m = spawnSync("mount", ["-t", "tmpfs", "-o", "size=256k", "tmpfs", mnt], { encoding: "utf8" });
            if (m.status !== 0) this.skip();
        });
        after(() => {
            if (mnt) spawnSync("umount", [mnt]);
        });

        it("a snapshot that does not fit fails its cluster (exit 3), leaves no temporary file, and the run record is written", async () => {
            const s = await start(3000);
            const { file } = writeKubeconfig({ big: { url: s.url } });
            const out = path.join(mnt, "store1");
            const r = await runCli(["snapshot", "--kubeconfig", file, "--out", out]);
            assert.strictEqual(r.code, 3, r.stderr);
            assert.match(r.stdout, /✗ big: FAILED — ENOSPC: no space left on device, write/);
            assert.doesNotMatch(r.stderr, NO_TRACE);
            assert.deepStrictEqual(hidden(out), []);
            assert.strictEqual(fs.readdirSync(path.join(out, "runs")).length, 1);
            fs.rmSync(out, { recursive: true });
        });

        it("a run record that does not fit: one line and exit 4", async () => {
            const s = await start(3000);
            const { file } = writeKubeconfig({ big: { url: s.url } });
            const out = path.join(mnt, "store2");
            fs.mkdirSync(out);
            const filler = path.join(mnt, "filler");
            spawnSync("sh", ["-c", `dd if=/dev/zero of=${filler} bs=4k 2>/dev/null; true`]);
            try {
                const r = await runCli(["snapshot", "--kubeconfig", file, "--out", out]);
                assert.strictEqual(r.code, 4, r.stdout + r.stderr);
                assert.strictEqual(
                    r.stderr.replace(/^npm warn.*\n/gm, ""),
                    `error: the run record could not be written to ${out}: no space left on the device (ENOSPC, write)\n`,
                );
                assert.deepStrictEqual(hidden(out), []);
            } finally {
                fs.rmSync(filler, { force: true });
            }
        });
    });
});
