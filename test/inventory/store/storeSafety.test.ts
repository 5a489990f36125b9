import * as assert from "assert";
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { LocalStore, LOCK_FILE } from "../../../inventory/store/local";
import { S3Store } from "../../../inventory/store/s3";
import { acquireLock, isStale, parseLock, STALE_LOCK_MS } from "../../../inventory/store/lock";
import { snapshotCluster } from "../../../inventory/run";
import { KubeClient } from "../../../lib/kube/client";
import { ExecCredentialError } from "../../../lib/kube/exec";
import { redactUrl, safeReason } from "../../../lib/kube/redact";
import { runCli } from "../../helpers/cli";
import { FixtureServer, startKubeApiServer } from "../../fixtures/kubeApiServer";
import { generateCluster } from "../../fixtures/clusterGenerator";
import { writeKubeconfig } from "../../fixtures/kubeconfig";

const tmpDir = () => fs.mkdtempSync(path.join(os.tmpdir(), "store-safety-"));
const mode = (p: string) => (fs.statSync(p).mode & 0o777).toString(8);

/** A pid that certainly belongs to no process any more. */
function deadPid(): number {
    const r = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
    return Number(r.stdout);
}

/** The one cluster folder of a store (whatever name the store gives it). */
function clusterDir(out: string): string {
    const dirs = fs.readdirSync(out).filter((d) => d !== "runs" && fs.statSync(path.join(out, d)).isDirectory());
    assert.strictEqual(dirs.length, 1, `one cluster folder in ${out}: ${dirs}`);
    return path.join(out, dirs[0]);
}

describe("snapshot store: permissions, temporary files, locking, secrets", function () {
    this.timeout(90_000);
    let server: FixtureServer;
    before(async () => {
        server = await startKubeApiServer(generateCluster({ pods: 12, nodes: 1 }), { lifetimeMs: 85_000 });
    });
    after(() => server.close());

    it("creates folders 0700 and files 0600, and sweeps dead runs' temporary files of the run-record folder", async () => {
        const out = path.join(tmpDir(), "store");
        const store = new LocalStore(out, 5);
        await store.check();
        const dead = deadPid();
        fs.mkdirSync(path.join(out, "runs"));
        const leftover = path.join(out, "runs", `.tmp-2025-01-01T00-00-00-000Z.json-${dead}`);
        fs.writeFileSync(leftover, "{");
        const r = await snapshotCluster(
            {
                identity: { name: "c", server: server.url, source: "kubeconfig" },
                access: async () => ({ name: "c", server: server.url, insecureSkipTlsVerify: false }),
            },
            store,
        );
        assert.strictEqual(r.status, "complete", r.reason);
        const run = await store.writeRun("2025-01-01T00-00-00-000Z", { ok: true });
        const dir = path.dirname(r.snapshot!);
        assert.deepStrictEqual([mode(out), mode(dir)], ["700", "700"]);
        assert.deepStrictEqual([mode(r.snapshot!), mode(path.join(dir, "latest")), mode(run)], ["600", "600", "600"]);
        assert.ok(!fs.existsSync(leftover), "the dead run's temporary run record is swept");
        assert.ok(!fs.existsSync(path.join(dir, LOCK_FILE)), "the lock is released");

        // A runs folder the store creates itself is owner-only too.
        const out2 = path.join(tmpDir(), "store");
        const s2 = new LocalStore(out2, 5);
        await s2.check();
        await s2.writeRun("2025-01-01T00-00-00-000Z", {});
        assert.deepStrictEqual([mode(out2), mode(path.join(out2, "runs"))], ["700", "700"]);
    });

    it("sweeps the local copies that killed S3 uploads left in the temporary folder", async () => {
        const dead = deadPid();
        const left = path.join(os.tmpdir(), `agentless-snapshot-c-2025-01-01T00-00-00-000Z-${dead}.json`);
        const mine = path.join(os.tmpdir(), `agentless-snapshot-c-2025-01-01T00-00-00-000Z-${process.pid}.json`);
        fs.writeFileSync(left, "{");
        fs.writeFileSync(mine, "{");
        const store = new S3Store("s3://bucket-for-test", 3);
        const p = await store.begin("other", "2025-01-02T00-00-00-000Z");
        assert.strictEqual(mode(p.tempPath), "600");
        await store.abort(p);
        assert.ok(!fs.existsSync(left), "a dead upload's copy is removed");
        assert.ok(fs.existsSync(mine), "a live process's copy is kept");
        fs.rmSync(mine);
    });

    it("stale-lock rule: a dead process of this host, any lock older than the limit, an unreadable lock after 5 s", () => {
        const alive = (pid: number) => pid === 42;
        const now = 1_000_000_000;
        assert.deepStrictEqual(parseLock("42 host-a 999\n"), { pid: 42, host: "host-a", takenAt: 999 });
        assert.strictEqual(parseLock("garbage"), undefined);
        assert.strictEqual(isStale({ pid: 42, host: "h", takenAt: now - 1000 }, now, alive, "h"), false);
        assert.strictEqual(isStale({ pid: 43, host: "h", takenAt: now - 1000 }, now, alive, "h"), true);
        assert.strictEqual(
            isStale({ pid: 43, host: "other", takenAt: now - 1000 }, now, alive, "h"),
            false,
            "another host's pid cannot be checked",
        );
        assert.strictEqual(
            isStale({ pid: 42, host: "other", takenAt: now - STALE_LOCK_MS - 1 }, now, alive, "h"),
            true,
        );
        assert.strictEqual(isStale(undefined, now, alive, "h", 1000), false);
        assert.strictEqual(isStale(undefined, now, alive, "h", 6000), true);
    });

    it("waits for a live holder of the lock and breaks a dead one's", async () => {
        const dir = tmpDir();
        const file = path.join(dir, LOCK_FILE);
        const holder = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60000)"], { stdio: "ignore" });
        try {
            fs.writeFileSync(file, `${holder.pid} ${os.hostname()} ${Date.now()}\n`);
            let got = false;
            const waiting = acquireLock(file, 10_000).then((release) => {
                got = true;
                return release;
            });
            await new Promise((r) => setTimeout(r, 400));
            assert.strictEqual(got, false, "a live holder is waited for");
            const exited = new Promise((r) => holder.on("exit", r));
            holder.kill("SIGKILL");
            await exited;
            const release = await waiting;
            assert.match(fs.readFileSync(file, "utf8"), new RegExp(`^${process.pid} `));
            release();
            assert.ok(!fs.existsSync(file));
        } finally {
            holder.kill("SIGKILL");
        }
        fs.writeFileSync(file, `${deadPid()} ${os.hostname()} ${Date.now()}\n`);
        const t0 = Date.now();
        (await acquireLock(file, 10_000))();
        assert.ok(Date.now() - t0 < 1000, "a dead holder's lock is broken at once");
    });

    for (const runs of [2, 3]) {
        it(`${runs} concurrent runs with --retain 1 leave latest naming a snapshot that exists`, async () => {
            const { file } = writeKubeconfig({ shop: { url: server.url } });
            for (let trial = 0; trial < 2; trial++) {
                const out = tmpDir();
                const results = await Promise.all(
                    Array.from({ length: runs }, () =>
                        runCli(["snapshot", "--kubeconfig", file, "--out", out, "--retain", "1"]),
                    ),
                );
                for (const r of results) assert.strictEqual(r.code, 0, r.stderr + r.stdout);
                const dir = clusterDir(out);
                const pointer = fs.readFileSync(path.join(dir, "latest"), "utf8").trim();
                const names = fs.readdirSync(dir);
                assert.ok(names.includes(pointer), `latest names ${pointer}, folder holds ${names}`);
                assert.deepStrictEqual(
                    names.filter((n) => n.startsWith(".")),
                    [],
                    "no temporary file or lock is left",
                );
                assert.strictEqual(fs.readdirSync(path.join(out, "runs")).length, runs);
            }
        });
    }

    it("stores a server URL without its user:password", async () => {
        const withPassword = server.url.replace("http://", "http://admin:s3cret@");
        assert.strictEqual(redactUrl(withPassword), server.url.replace("http://", "http://REDACTED@"));
        assert.strictEqual(redactUrl("https://h:6443"), "https://h:6443");
        const out = tmpDir();
        const store = new LocalStore(out, 5);
        const r = await snapshotCluster(
            {
                identity: { name: "c", server: withPassword, source: "kubeconfig" },
                access: async () => ({ name: "c", server: withPassword, insecureSkipTlsVerify: false }),
            },
            store,
        );
        assert.strictEqual(r.status, "complete", r.reason);
        assert.strictEqual(r.server, redactUrl(withPassword), "no password in the run record");
        const text = fs.readFileSync(r.snapshot!, "utf8");
        assert.ok(!text.includes("s3cret") && !text.includes("admin:"), "no password in the snapshot");
        assert.strictEqual(JSON.parse(text).cluster.server, redactUrl(withPassword));
    });

    it("keeps only a failing credential plug-in's name and exit code, and a short redacted reason when asked", async () => {
        const dir = tmpDir();
        const plugin = path.join(dir, "plugin.sh");
        const jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhZG1pbiJ9.c2lnbmF0dXJl";
        fs.writeFileSync(
            plugin,
            `#!/bin/sh\necho "debug: using Authorization: Bearer ${jwt}" >&2\necho "error: refresh failed for token=${jwt} password=hunter2 key AKIAabcdefghijklmnopqrstuvwxyz0123456789" >&2\nexit 7\n`,
            { mode: 0o700 },
        );
        const access = {
            name: "c",
            server: server.url,
            insecureSkipTlsVerify: false,
            exec: { apiVersion: "client.authentication.k8s.io/v1beta1", command: plugin, args: [], env: [] },
        };
        const quiet = new KubeClient(access);
        await assert.rejects(quiet.get("/version"), (e: Error) => {
            assert.ok(e instanceof ExecCredentialError);
            assert.strictEqual(
                e.message,
                `credential plug-in ${plugin} failed (exit 7); its error output is not shown, as it can hold credentials (--show-plugin-errors shows it)`,
            );
            return true;
        });
        quiet.close();
        const client = new KubeClient(access, { exec: { showErrors: true } });
        await assert.rejects(client.get("/version"), (e: Error) => {
            assert.ok(e instanceof ExecCredentialError);
            assert.strictEqual(
                e.message,
                `credential plug-in ${plugin} failed: error: refresh failed for token=REDACTED password=REDACTED key REDACTED (exit 7)`,
            );
            return true;
        });
        client.close();
        assert.strictEqual(
            safeReason("x\nuse https://bob:pw@h/ with Basic dXNlcjpwdw==\n\n"),
            "use https://REDACTED@h/ with Basic REDACTED",
        );
        assert.strictEqual(safeReason("no such host ".repeat(30)).length, 200);
    });
});
