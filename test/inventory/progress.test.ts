import * as assert from "assert";
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ROOT, runCli } from "../helpers/cli";
import { FixtureServer, startKubeApiServer } from "../fixtures/kubeApiServer";
import { generateCluster } from "../fixtures/clusterGenerator";
import { writeKubeconfig } from "../fixtures/kubeconfig";

const PROGRESS = /\r\x1b\[2Kclusters \d+\/1, objects read \d+/;

/**
 * Runs the snapshot command on a pseudo-terminal (util-linux `script`), as a person at a shell
 * would. Asynchronously: the fixture server answers from this process's event loop.
 */
function onTerminal(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
    const cmd = [process.execPath, "--import", "tsx", path.join(ROOT, "cli", "main.ts"), ...args]
        .map((a) => `'${a}'`)
        .join(" ");
    return new Promise((resolve, reject) => {
        const child = spawn("script", ["-qec", cmd, "/dev/null"], {
            cwd: ROOT,
            env,
            stdio: ["ignore", "pipe", "pipe"],
        });
        let text = "";
        child.stdout.on("data", (d) => (text += d));
        child.stderr.on("data", (d) => (text += d));
        const timer = setTimeout(() => child.kill("SIGKILL"), 50_000);
        child.on("error", reject);
        child.on("close", (code) => {
            clearTimeout(timer);
            if (code === 0) resolve(text);
            else reject(new Error(`exit ${code}: ${text}`));
        });
    });
}

describe("snapshot progress display", function () {
    this.timeout(60_000);
    let server: FixtureServer;
    let kubeconfig: string;
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "snap-progress-"));
    const envWithoutCi = () => Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== "CI"));

    before(async () => {
        server = await startKubeApiServer(generateCluster({ pods: 40 }));
        kubeconfig = writeKubeconfig({ lab: { url: server.url } }).file;
    });
    after(async () => {
        await server.close();
        fs.rmSync(out, { recursive: true, force: true });
    });

    it("shows clusters done and objects read on a terminal, and clears the line before the summary", async () => {
        const text = await onTerminal(["snapshot", "--kubeconfig", kubeconfig, "--out", out], envWithoutCi());
        assert.match(text, PROGRESS);
        assert.match(text, /clusters 1\/1, objects read [1-9]\d*/);
        // The line is cleared, then the cluster's result is printed on it: no progress text left behind.
        assert.match(text, /\r\x1b\[2K✓ lab: complete, \d+ objects/);
        assert.match(text, /\n1 cluster\(s\) snapshotted, 0 failed, 0 excluded/);
    });

    it("stays quiet when CI is set, even on a terminal", async () => {
        const text = await onTerminal(["snapshot", "--kubeconfig", kubeconfig, "--out", out], {
            ...envWithoutCi(),
            CI: "true",
        });
        assert.doesNotMatch(text, /objects read/);
        assert.match(text, /1 cluster\(s\) snapshotted/);
    });

    it("stays quiet when not a terminal", async () => {
        const r = await runCli(["snapshot", "--kubeconfig", kubeconfig, "--out", out], { env: envWithoutCi() });
        assert.strictEqual(r.code, 0, r.stderr);
        assert.doesNotMatch(r.stdout + r.stderr, /objects read/);
    });
});
