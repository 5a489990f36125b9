import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { KubeClient, KubeTransportError } from "../../../lib/kube/client";
import {
    isPlainRemoteHttp,
    KubeconfigError,
    kubeconfigFiles,
    loadKubeconfigs,
    parseKubeconfig,
} from "../../../lib/kube/kubeconfig";
import { execClusterInfo } from "../../../lib/kube/exec";
import { FixtureServer, startKubeApiServer } from "../../fixtures/kubeApiServer";
import { generateCluster } from "../../fixtures/clusterGenerator";

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "kc-merge-"));

describe("kubeconfig: KUBECONFIG merging, impersonation, provideClusterInfo, proxy-url, plain http", function () {
    this.timeout(30_000);
    let server: FixtureServer;
    before(async () => {
        server = await startKubeApiServer(generateCluster({ pods: 3, nodes: 1 }), { lifetimeMs: 25_000 });
    });
    after(() => server.close());

    it("merges every file of KUBECONFIG as kubectl does: first file wins per name, first current-context, missing files skipped", () => {
        const d = tmp();
        const a = path.join(d, "a.yaml");
        fs.mkdirSync(path.join(d, "sub"));
        fs.writeFileSync(path.join(d, "sub", "tok"), "TOKEN-B\n");
        fs.writeFileSync(
            a,
            `
clusters: [{ name: shared, cluster: { server: "https://a.example:6443" } }]
users: [{ name: ua, user: { token: A } }]
contexts: [{ name: one, context: { cluster: shared, user: ua } }]
`,
        );
        fs.writeFileSync(
            path.join(d, "sub", "b.yaml"),
            `
current-context: two
clusters:
- { name: shared, cluster: { server: "https://b.example:6443" } }
- { name: onlyb, cluster: { server: "https://onlyb.example" } }
users: [{ name: ub, user: { tokenFile: tok } }, { name: ua, user: { token: B } }]
contexts:
- { name: two, context: { cluster: onlyb, user: ub } }
- { name: one, context: { cluster: onlyb, user: ub } }
- { name: three, context: { cluster: shared, user: ua } }
`,
        );
        const files = kubeconfigFiles(undefined, {
            KUBECONFIG: [a, path.join(d, "missing.yaml"), path.join(d, "sub", "b.yaml")].join(path.delimiter),
        });
        assert.deepStrictEqual(files, [a, path.join(d, "missing.yaml"), path.join(d, "sub", "b.yaml")]);
        assert.deepStrictEqual(kubeconfigFiles("/only/this", { KUBECONFIG: a }), ["/only/this"]);
        const cfg = loadKubeconfigs(files);
        assert.strictEqual(cfg.currentContext, "two", "the first file that sets current-context");
        assert.deepStrictEqual(cfg.contexts, ["one", "two", "three"]);
        const one = cfg.resolve("one");
        assert.deepStrictEqual(
            [one.server, one.token],
            ["https://a.example:6443", "A"],
            "context, cluster and user of the first file win",
        );
        const two = cfg.resolve();
        assert.deepStrictEqual(
            [two.name, two.server, two.tokenFile],
            ["two", "https://onlyb.example", path.join(d, "sub", "tok")],
            "a relative path is relative to the file that names it",
        );
        assert.strictEqual(
            cfg.resolve("three").server,
            "https://a.example:6443",
            "a name defined twice is the first file's, even for a context of the second",
        );
        assert.throws(() => loadKubeconfigs([path.join(d, "x"), path.join(d, "y")]), {
            message: `none of the kubeconfig files of KUBECONFIG exists: ${path.join(d, "x")}, ${path.join(d, "y")}`,
        });
    });

    it("refuses proxy-url by name, and impersonation groups without a user", () => {
        const text = (cluster: string, user: string) =>
            `clusters: [{ name: c, cluster: ${cluster} }]\nusers: [{ name: u, user: ${user} }]\ncontexts: [{ name: x, context: { cluster: c, user: u } }]`;
        assert.throws(
            () =>
                parseKubeconfig(
                    text('{ server: "https://h", proxy-url: "http://proxy:3128" }', "{ token: t }"),
                    "/k",
                ).resolve("x"),
            {
                message:
                    "kubeconfig /k: clusters[c].cluster.proxy-url is not supported; this tool connects to the API server directly (remove proxy-url, or run where the server is reachable)",
            },
        );
        assert.throws(
            () => parseKubeconfig(text('{ server: "https://h" }', "{ token: t, as-groups: [g] }"), "/k").resolve("x"),
            {
                message: 'kubeconfig /k: users[u].user sets as-groups without "as" (the user to impersonate)',
            },
        );
        assert.throws(
            () =>
                parseKubeconfig(text('{ server: "https://h" }', "{ token: t, as: a, as-groups: g }"), "/k").resolve(
                    "x",
                ),
            KubeconfigError,
        );
    });

    it("sends impersonation headers (as, as-groups, as-uid, as-user-extra)", async () => {
        const cfg = parseKubeconfig(
            `
clusters: [{ name: c, cluster: { server: "${server.url}" } }]
users: [{ name: u, user: { token: t, as: jane, as-groups: [devs, ops], as-uid: "1234", as-user-extra: { scopes: [view, edit] } } }]
contexts: [{ name: x, context: { cluster: c, user: u } }]`,
            "/k",
        );
        const client = new KubeClient(cfg.resolve("x"));
        await client.get("/version");
        client.close();
        const h = server.requests[server.requests.length - 1].headers;
        assert.deepStrictEqual(
            [h["impersonate-user"], h["impersonate-group"], h["impersonate-uid"], h["impersonate-extra-scopes"]],
            ["jane", "devs, ops", "1234", "view, edit"],
        );
    });

    it("passes the cluster to an exec plug-in that asks for it (provideClusterInfo)", async () => {
        const d = tmp();
        const seen = path.join(d, "info.json");
        const plugin = path.join(d, "plugin.sh");
        fs.writeFileSync(
            plugin,
            `#!/bin/sh\nprintf '%s' "$KUBERNETES_EXEC_INFO" > ${seen}\necho '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"tok"}}'\n`,
            { mode: 0o700 },
        );
        const cfg = parseKubeconfig(
            `
clusters:
- name: c
  cluster:
    server: "${server.url}"
    tls-server-name: api.internal
    extensions: [{ name: client.authentication.k8s.io/exec, extension: { audience: sts } }]
users: [{ name: u, user: { exec: { apiVersion: client.authentication.k8s.io/v1, command: "${plugin}", provideClusterInfo: true } } }]
contexts: [{ name: x, context: { cluster: c, user: u } }]`,
            "/k",
        );
        const client = new KubeClient(cfg.resolve("x"));
        await client.get("/version");
        client.close();
        const info = JSON.parse(fs.readFileSync(seen, "utf8"));
        assert.deepStrictEqual(info.spec.cluster, {
            server: server.url,
            "tls-server-name": "api.internal",
            config: { audience: "sts" },
        });
        assert.deepStrictEqual(execClusterInfo({ server: "https://h", ca: "PEM", insecureSkipTlsVerify: true }), {
            server: "https://h",
            "insecure-skip-tls-verify": true,
            "certificate-authority-data": Buffer.from("PEM").toString("base64"),
        });
    });

    it("refuses to send a token or a client certificate over plain http:// to another host", async () => {
        assert.deepStrictEqual(
            [
                "http://10.0.0.5:8080",
                "http://api.example",
                "http://127.0.0.1:8001",
                "http://localhost:8001",
                "http://[::1]:8001",
                "https://10.0.0.5",
            ].map(isPlainRemoteHttp),
            [true, true, false, false, false, false],
        );
        // The refusal comes before any connection: the address is never dialled.
        const remote = { name: "r", server: "http://10.255.255.1:9", insecureSkipTlsVerify: false };
        for (const extra of [{ token: "secret" }, { clientCert: "CERT", clientKey: "KEY" }]) {
            const client = new KubeClient({ ...remote, ...extra }, { timeoutMs: 2000 });
            await assert.rejects(client.get("/version"), (e: Error) => {
                assert.ok(e instanceof KubeTransportError);
                assert.strictEqual(
                    e.message,
                    `refusing to send a ${"token" in extra ? "bearer token" : "client certificate"} over plain http:// to 10.255.255.1:9; use an https:// server URL`,
                );
                return true;
            });
            client.close();
        }
    });
});
