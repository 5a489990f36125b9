import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runCli, CliResult } from "../helpers/cli";
import { FixtureServer, startKubeApiServer } from "../fixtures/kubeApiServer";
import { generateCluster } from "../fixtures/clusterGenerator";
import { writeKubeconfig } from "../fixtures/kubeconfig";
import { runExecPlugin, ExecCredentialError } from "../../lib/kube/exec";
import { clusterKey } from "../../inventory/clusterKey";
import { clusterDirName } from "../../inventory/store/types";

/**
 * What a fuzzing pass found to crash or hang (issue 23, item 9): each case must end in one line and
 * its exit code, well within its deadline (runCli kills a run after 15 s here; none needs 5).
 */
const tmpDir = () => fs.mkdtempSync(path.join(os.tmpdir(), "crash-hang-"));
const DEADLINE_MS = 15_000;
const cli = (args: string[], env: NodeJS.ProcessEnv = {}) => runCli(args, { env, timeoutMs: DEADLINE_MS });

function mkfifo(dir: string, name: string): string {
    const p = path.join(dir, name);
    execFileSync("mkfifo", [p]);
    return p;
}

/** One line on stderr, no stack trace, the given exit code. */
function oneLine(r: CliResult, code: number, line: string): void {
    assert.deepStrictEqual([r.code, r.stderr], [code, `${line}\n`]);
}

function pluginKubeconfig(dir: string, url: string, script: string): string {
    const plugin = path.join(dir, "plugin.sh");
    fs.writeFileSync(plugin, `#!/bin/sh\n${script}\n`, { mode: 0o700 });
    const file = path.join(dir, "config");
    fs.writeFileSync(
        file,
        JSON.stringify({
            "current-context": "c",
            clusters: [{ name: "c", cluster: { server: url } }],
            users: [{ name: "u", user: { exec: { apiVersion: "client.authentication.k8s.io/v1", command: plugin } } }],
            contexts: [{ name: "c", context: { cluster: "c", user: "u" } }],
        }),
    );
    return file;
}

describe("crashes and hangs end in one line and an exit code (issue 23, item 9)", function () {
    this.timeout(30_000);
    let server: FixtureServer | undefined;
    afterEach(() => server?.close());

    it("a credential plug-in that prints null fails its cluster, and the run record is written", async () => {
        server = await startKubeApiServer(generateCluster({ pods: 1 }));
        const dir = tmpDir();
        const kc = pluginKubeconfig(dir, server.url, "echo null");
        const out = path.join(dir, "store");
        const r = await cli(["snapshot", "--kubeconfig", kc, "--out", out]);
        assert.strictEqual(r.code, 3, r.stderr);
        assert.ok(
            r.stdout.startsWith(
                `✗ c: FAILED — credential plug-in ${path.join(dir, "plugin.sh")} printed null, not an ExecCredential object\n`,
            ),
            r.stdout,
        );
        assert.strictEqual(fs.readdirSync(path.join(out, "runs")).length, 1);
    });

    it("a credential plug-in that ignores SIGTERM is killed with SIGKILL after the grace period", async () => {
        const dir = tmpDir();
        const plugin = path.join(dir, "stubborn.sh");
        // `exec sleep` would not inherit the trap; the loop keeps the trapping shell itself alive.
        fs.writeFileSync(plugin, `#!/bin/sh\ntrap '' TERM\nwhile :; do sleep 0.1; done\n`, { mode: 0o700 });
        const started = Date.now();
        await assert.rejects(
            runExecPlugin(
                { apiVersion: "client.authentication.k8s.io/v1", command: plugin, args: [], env: [] },
                { timeoutMs: 300, killGraceMs: 300 },
            ),
            (e: Error) =>
                e instanceof ExecCredentialError &&
                e.message ===
                    `credential plug-in ${plugin} failed (timed out after 0.3 s, ignored SIGTERM, killed with SIGKILL after 0.3 s more)`,
        );
        const took = Date.now() - started;
        assert.ok(took >= 550 && took < 3000, `took ${took} ms`);
    });

    const diffCases: [string, Record<string, unknown>, string][] = [
        ["no cluster", { startedAt: "t" }, `"cluster" must be an object with a "name" string`],
        ["objects.Pod: 5", { objects: { Pod: 5 } }, `"objects.Pod" must be a list`],
        ["kinds.Pod: null", { kinds: { Pod: null } }, `"kinds.Pod" must be an object`],
        [
            "findings: [null]",
            { findings: [null] },
            `"findings[0]" must be an object with an "id" string and a "subject" with a "kind"`,
        ],
    ];
    for (const [what, change, problem] of diffCases) {
        it(`snapshot diff of valid JSON of the wrong shape (${what})`, async () => {
            const dir = tmpDir();
            const good = {
                schemaVersion: 1,
                tool: "agentless-discovery",
                cluster: { name: "c" },
                startedAt: "2026-01-01T00:00:00Z",
                objects: {},
                kinds: {},
                findings: [],
            };
            const bad = { ...good, ...change } as Record<string, unknown>;
            if (what === "no cluster") delete bad.cluster;
            const a = path.join(dir, "a.json");
            const b = path.join(dir, "b.json");
            fs.writeFileSync(a, JSON.stringify(good, null, 1));
            fs.writeFileSync(b, JSON.stringify(bad, null, 1));
            oneLine(
                await cli(["snapshot", "diff", a, b]),
                2,
                `error: ${b} is not a snapshot this tool wrote: ${problem}`,
            );
        });
    }

    it("snapshot diff of deeply nested JSON", async () => {
        const dir = tmpDir();
        const deep = path.join(dir, "deep.json");
        const nested = "[".repeat(200_000) + "]".repeat(200_000);
        // Not the writer's own layout (a space after "{"), so the whole document is parsed, as a hand-edited one is.
        fs.writeFileSync(
            deep,
            `{ "schemaVersion": 1, "tool": "agentless-discovery", "cluster": {"name": "c"}, "startedAt": "t", "objects": {"Pod": [{"kind": "Pod", "name": "p", "x": ${nested}}]}, "kinds": {}, "findings": [] }`,
        );
        const r = await cli(["snapshot", "diff", deep, deep]);
        assert.strictEqual(r.code, 2);
        assert.match(r.stderr, /^error: snapshot .*deep\.json is nested too deeply to read \(.*\)\n$/);
    });

    /** Each case gets a fresh folder holding a FIFO `pipe` and a stacks folder whose `Pulumi.piped.yaml` is a FIFO. */
    const fileCases: [
        string,
        (d: { dir: string; fifo: string; stacks: string }) => [string[], NodeJS.ProcessEnv, string],
    ][] = [
        [
            "a FIFO as stack file",
            ({ stacks }) => [
                ["plan", "--stack", "piped"],
                { AGENTLESS_STACKS_DIR: stacks },
                `error: stack file ${path.join(stacks, "Pulumi.piped.yaml")} is a named pipe (FIFO), not a regular file`,
            ],
        ],
        [
            "a FIFO as cloud-state",
            ({ fifo }) => [
                ["plan", "--stack", "aws-dev", "--cloud-state", fifo],
                {},
                `error: cloud-state file ${fifo}: key "(file)" is missing; expected a regular file of at most 16777216 bytes (it is a named pipe (FIFO), not a regular file)`,
            ],
        ],
        [
            "a FIFO as plan",
            ({ fifo }) => [
                ["gate", "--plan", fifo],
                {},
                `error: --plan ${fifo} is a named pipe (FIFO), not a regular file`,
            ],
        ],
        [
            "a FIFO as policy config",
            ({ fifo }) => [
                ["gate", "--stack", "aws-dev", "--policy-config", fifo],
                {},
                `error: --policy-config ${fifo} is a named pipe (FIFO), not a regular file`,
            ],
        ],
        [
            "a FIFO as kubeconfig (snapshot)",
            ({ fifo, dir }) => [
                ["snapshot", "--kubeconfig", fifo, "--out", dir],
                {},
                `error: kubeconfig ${fifo} is a named pipe (FIFO), not a regular file`,
            ],
        ],
        [
            "a FIFO as kubeconfig (respond)",
            ({ fifo }) => [
                ["respond", "terminate", "--pod", "a/b", "--kubeconfig", fifo],
                {},
                `error: kubeconfig ${fifo} is a named pipe (FIFO), not a regular file`,
            ],
        ],
        [
            "/dev/zero as kubeconfig",
            ({ dir }) => [
                ["snapshot", "--kubeconfig", "/dev/zero", "--out", dir],
                {},
                "error: kubeconfig /dev/zero is a character device, not a regular file",
            ],
        ],
        [
            "/dev/zero and a FIFO as snapshots to diff",
            ({ fifo }) => [
                ["snapshot", "diff", "/dev/zero", fifo],
                {},
                "error: snapshot /dev/zero is a character device, not a regular file",
            ],
        ],
    ];
    for (const [what, make] of fileCases) {
        it(`refuses ${what} before reading it, without waiting`, async () => {
            const dir = tmpDir();
            const fifo = mkfifo(dir, "pipe");
            const stacks = path.join(dir, "stacks");
            fs.mkdirSync(stacks);
            mkfifo(stacks, "Pulumi.piped.yaml");
            const [args, env, line] = make({ dir, fifo, stacks });
            const started = Date.now();
            oneLine(await cli(args, env), 2, line);
            assert.ok(Date.now() - started < 10_000, `took ${Date.now() - started} ms`);
        });
    }

    it("--out /proc/self/x ends with one line instead of looping", async () => {
        server = await startKubeApiServer(generateCluster({ pods: 1 }));
        const kc = writeKubeconfig({ c: { url: server.url } }).file;
        oneLine(
            await cli(["snapshot", "--kubeconfig", kc, "--out", "/proc/self/x"]),
            2,
            "error: snapshot store /proc/self/x is not writable (ENOENT); choose another with --out DIR",
        );
    });

    it("a cluster folder that cannot be made (a file in its place) fails that cluster, with one line", async () => {
        server = await startKubeApiServer(generateCluster({ pods: 1 }));
        const kc = writeKubeconfig({ c: { url: server.url } }).file;
        const out = tmpDir();
        const folder = clusterDirName(
            clusterKey({ name: "c", server: server.url, source: "kubeconfig", context: "c" }),
        );
        fs.writeFileSync(path.join(out, folder), "");
        const r = await cli(["snapshot", "--kubeconfig", kc, "--out", out]);
        assert.deepStrictEqual([r.code, r.stderr], [3, ""]);
        assert.ok(
            r.stdout.startsWith(
                `✗ c: FAILED — the snapshot store cannot hold this cluster's snapshot in ${out} (ENOTDIR)\n`,
            ),
            r.stdout,
        );
    });

    it("a 10 MiB string aliased 90 times is refused, in a stack file and in a kubeconfig", async () => {
        const dir = tmpDir();
        const big = "a".repeat(10 << 20);
        const aliases = Array.from({ length: 90 }, () => "    - *big\n").join("");
        const stacks = path.join(dir, "stacks");
        fs.mkdirSync(stacks);
        fs.writeFileSync(
            path.join(stacks, "Pulumi.alias.yaml"),
            `config:\n  agentless-discovery:big: &big "${big}"\n  agentless-discovery:list:\n${aliases}`,
        );
        const kc = path.join(dir, "config");
        fs.writeFileSync(kc, `big: &big "${big}"\nlist:\n${aliases}`);
        const tooMany = `its aliases (*big) repeat more than 1048576 bytes of the file; write the values out or shorten them`;
        oneLine(
            await cli(["plan", "--stack", "alias"], { AGENTLESS_STACKS_DIR: stacks }),
            2,
            `error: ${path.relative(path.join(__dirname, "..", ".."), path.join(stacks, "Pulumi.alias.yaml"))} is not valid YAML: ${tooMany}`,
        );
        oneLine(
            await cli(["snapshot", "--kubeconfig", kc, "--out", dir]),
            2,
            `error: kubeconfig ${kc} is not valid YAML: ${tooMany}`,
        );
    });
});
