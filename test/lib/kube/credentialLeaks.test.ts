import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runCli } from "../../helpers/cli";
import { FixtureServer, startKubeApiServer } from "../../fixtures/kubeApiServer";
import { generateCluster } from "../../fixtures/clusterGenerator";
import { loadKubeconfig, KubeconfigError } from "../../../lib/kube/kubeconfig";
import { KubeClient } from "../../../lib/kube/client";

const tmpDir = () => fs.mkdtempSync(path.join(os.tmpdir(), "cred-leaks-"));

/**
 * The forms in which credential plug-ins were seen to echo a secret on their error output (issue 23,
 * item 8): each line is what the plug-in prints last, `secret` is what must never be shown or stored.
 */
const FORMS: { what: string; line: string; secret: string }[] = [
    { what: "key=value", line: "error: token=tk-01-Qm9vYm9v", secret: "tk-01-Qm9vYm9v" },
    { what: "key: value", line: "password: pw-02-Zx9", secret: "pw-02-Zx9" },
    { what: "prose", line: "login failed: the password is pw-03-hunter2", secret: "pw-03-hunter2" },
    { what: "a command-line flag", line: "ran: az login --password pw-04-Lq7", secret: "pw-04-Lq7" },
    { what: "key and value apart", line: "bad client_secret cs-05-Hh1 for app", secret: "cs-05-Hh1" },
    {
        what: "an AWS access key id",
        line: "InvalidClientTokenId: AKIAIOSFODNN7EX00006",
        secret: "AKIAIOSFODNN7EX00006",
    },
    { what: "a JSON field", line: '{"error":"x","refresh_token":"rt-07-Po0"}', secret: "rt-07-Po0" },
    { what: "a quoted token", line: 'rejected token "tk-08-Ww2" (expired)', secret: "tk-08-Ww2" },
    { what: "an environment assignment", line: "AWS_SESSION_TOKEN=st-09-Fq3 is expired", secret: "st-09-Fq3" },
    { what: "a full-width colon", line: "token：tk-10-Jj4", secret: "tk-10-Jj4" },
    { what: "a key split by an escape sequence", line: "api\\033[0mkey=ak-11-Rr5", secret: "ak-11-Rr5" },
    { what: "a bearer header", line: "sent Authorization: Bearer br-12-Tt6", secret: "br-12-Tt6" },
    { what: "a basic header", line: "sent Basic YWRtaW46cHctMTMtWXk3", secret: "YWRtaW46cHctMTMtWXk3" },
    { what: "URL user info", line: "GET https://bob:pw-14-Uu8@idp.example/token", secret: "pw-14-Uu8" },
    {
        what: "a JWT",
        line: "id token eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxNSJ9.c2ln",
        secret: "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxNSJ9.c2ln",
    },
    {
        what: "a private key line",
        line: "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC16",
        secret: "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC16",
    },
    { what: "an earlier line", line: "secret sk-17-Ii9\\nretrying... giving up", secret: "sk-17-Ii9" },
];

describe("credentials never leak (issue 23, item 8)", function () {
    this.timeout(60_000);
    let server: FixtureServer;
    afterEach(() => server?.close());

    it("keeps only a failing plug-in's name and exit code, on screen and in the run record, for each of the 17 forms", async () => {
        server = await startKubeApiServer(generateCluster({ pods: 2 }), { token: "ops" });
        const dir = tmpDir();
        const names = FORMS.map((_f, i) => `c${String(i + 1).padStart(2, "0")}`);
        const plugins = FORMS.map((f, i) => {
            const p = path.join(dir, `plugin-${names[i]}.sh`);
            fs.writeFileSync(p, `#!/bin/sh\nprintf '${f.line.replace(/'/g, "'\\''")}\\n' >&2\nexit ${i + 3}\n`, {
                mode: 0o700,
            });
            return p;
        });
        const kubeconfig = path.join(dir, "config");
        fs.writeFileSync(
            kubeconfig,
            JSON.stringify({
                "current-context": names[0],
                clusters: names.map((n) => ({ name: n, cluster: { server: `${server.url}/${n}` } })),
                users: names.map((n, i) => ({
                    name: n,
                    user: { exec: { apiVersion: "client.authentication.k8s.io/v1", command: plugins[i] } },
                })),
                contexts: names.map((n) => ({ name: n, context: { cluster: n, user: n } })),
            }),
        );
        const out = path.join(dir, "store");
        const r = await runCli(["snapshot", "--kubeconfig", kubeconfig, "--all-contexts", "--out", out]);
        assert.strictEqual(r.code, 3, r.stderr);
        const runs = path.join(out, "runs");
        const record = fs.readFileSync(path.join(runs, fs.readdirSync(runs)[0]), "utf8");
        const reasons = new Map<string, string>(
            (JSON.parse(record) as { clusters: { cluster: string; reason: string }[] }).clusters.map((c) => [
                c.cluster,
                c.reason,
            ]),
        );
        FORMS.forEach((f, i) => {
            for (const [where, text] of [
                ["stdout", r.stdout],
                ["stderr", r.stderr],
                ["run record", record],
            ])
                assert.ok(!text.includes(f.secret), `${f.what}: the secret is in the ${where}`);
            const expected = `credential plug-in ${plugins[i]} failed (exit ${i + 3}); its error output is not shown, as it can hold credentials (--show-plugin-errors shows it)`;
            assert.strictEqual(reasons.get(names[i]), expected, f.what);
            assert.ok(r.stdout.includes(`✗ ${names[i]}: FAILED — ${expected}\n`), f.what);
        });

        // Asked for, the last line is shown (with what looks like a secret replaced).
        const shown = await runCli([
            "snapshot",
            "--kubeconfig",
            kubeconfig,
            "--context",
            names[2],
            "--out",
            out,
            "--show-plugin-errors",
        ]);
        assert.strictEqual(shown.code, 3);
        assert.ok(
            shown.stdout.includes(
                `✗ ${names[2]}: FAILED — credential plug-in ${plugins[2]} failed: login failed: the password is pw-03-hunter2 (exit 5)\n`,
            ),
            shown.stdout,
        );
    });

    for (const scheme of ["http", "https"]) {
        it(`refuses a ${scheme}:// server URL with user:password@, naming it redacted, and never sends Basic`, async () => {
            const dir = tmpDir();
            const file = path.join(dir, "config");
            fs.writeFileSync(
                file,
                JSON.stringify({
                    "current-context": "c",
                    clusters: [{ name: "c", cluster: { server: `${scheme}://admin:s3cret@10.0.0.1:6443` } }],
                    users: [{ name: "u", user: { token: "t" } }],
                    contexts: [{ name: "c", context: { cluster: "c", user: "u" } }],
                }),
            );
            const message = `kubeconfig ${file}: cluster "c" server "${scheme}://REDACTED@10.0.0.1:6443" carries user:password@; basic authentication was removed from Kubernetes and is never sent: remove it from the URL and use a token, a client certificate or an exec plug-in`;
            assert.throws(
                () => loadKubeconfig(file).resolve(),
                (e: Error) => e instanceof KubeconfigError && e.message === message,
            );
            const out = path.join(dir, "store");
            const r = await runCli(["snapshot", "--kubeconfig", file, "--out", out]);
            assert.deepStrictEqual([r.code, r.stderr, r.stdout], [2, `error: ${message}\n`, ""]);
            assert.ok(!fs.existsSync(path.join(out, "runs")), "no run record");
        });
    }

    it("a client given a URL with user info sends no Authorization header", async () => {
        server = await startKubeApiServer(generateCluster({ pods: 1 }));
        const client = new KubeClient({
            name: "c",
            server: server.url.replace("http://", "http://admin:s3cret@"),
            insecureSkipTlsVerify: false,
        });
        await client.get("/version");
        client.close();
        assert.deepStrictEqual(
            server.requests.map((q) => q.headers?.authorization),
            [undefined],
        );
    });
});
