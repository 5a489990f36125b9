import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { KubeApiError, KubeClient, KubeTransportError, retryAfterMs } from "../../../lib/kube/client";
import { KubeconfigError, loadKubeconfig, parseKubeconfig } from "../../../lib/kube/kubeconfig";
import { ExecCredentialError } from "../../../lib/kube/exec";
import { FixtureServer, startKubeApiServer } from "../../fixtures/kubeApiServer";
import { generateCluster } from "../../fixtures/clusterGenerator";

const FAST = { maxRetries: 3, baseDelayMs: 5, maxDelayMs: 2_000 };

function access(url: string, extra: Record<string, unknown> = {}) {
    return { name: "t", server: url, insecureSkipTlsVerify: false, ...extra };
}

async function collect(client: KubeClient, p: string, limit = 10) {
    const names: string[] = [];
    let restarts = 0;
    for await (const page of client.listPages<{ metadata: { name: string } }>(p, { limit })) {
        if (page.restarted) restarts++;
        names.push(...page.items.map((i) => i.metadata.name));
    }
    return { names, restarts };
}

describe("kubeconfig", () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "kc-test-"));

    it("resolves a context: server, CA file relative to the kubeconfig, client cert data, token file", () => {
        fs.writeFileSync(path.join(tmp, "ca.pem"), "CA-PEM");
        const text = `
apiVersion: v1
kind: Config
current-context: prod
clusters:
- name: c1
  cluster: { server: "https://10.0.0.1:6443/", certificate-authority: ca.pem, tls-server-name: api.internal }
- name: c2
  cluster: { server: "https://10.0.0.2", insecure-skip-tls-verify: true }
users:
- name: u1
  user: { client-certificate-data: ${Buffer.from("CERT").toString("base64")}, client-key-data: ${Buffer.from("KEY").toString("base64")} }
- name: u2
  user: { tokenFile: tok }
- name: u3
  user:
    exec: { apiVersion: client.authentication.k8s.io/v1beta1, command: aws, args: [eks, get-token], env: [{ name: A, value: b }] }
contexts:
- { name: prod, context: { cluster: c1, user: u1, namespace: shop } }
- { name: dev, context: { cluster: c2, user: u2 } }
- { name: eks, context: { cluster: c2, user: u3 } }
`;
        const file = path.join(tmp, "config");
        fs.writeFileSync(file, text);
        const cfg = loadKubeconfig(file);
        assert.deepStrictEqual(cfg.contexts, ["prod", "dev", "eks"]);
        assert.deepStrictEqual(cfg.resolve(), {
            name: "prod",
            server: "https://10.0.0.1:6443",
            ca: "CA-PEM",
            insecureSkipTlsVerify: false,
            tlsServerName: "api.internal",
            namespace: "shop",
            user: "u1",
            clientCert: "CERT",
            clientKey: "KEY",
            token: undefined,
        });
        const dev = cfg.resolve("dev");
        assert.strictEqual(dev.insecureSkipTlsVerify, true);
        assert.strictEqual(dev.tokenFile, path.join(tmp, "tok"));
        assert.deepStrictEqual(cfg.resolve("eks").exec, {
            apiVersion: "client.authentication.k8s.io/v1beta1",
            command: "aws",
            args: ["eks", "get-token"],
            env: [{ name: "A", value: "b" }],
        });
    });

    it("gives one clear message per broken kubeconfig", () => {
        const bad = (text: string) => assert.throws(() => parseKubeconfig(text, "/k").resolve("x"), KubeconfigError);
        assert.throws(() => loadKubeconfig(path.join(tmp, "nope")), {
            message: `kubeconfig ${path.join(tmp, "nope")} does not exist`,
        });
        assert.throws(() => parseKubeconfig("a: [", "/k"), /kubeconfig \/k is not valid YAML/);
        assert.throws(() => parseKubeconfig("- 1", "/k"), {
            message: "kubeconfig /k is not a kubeconfig (expected a map with clusters, contexts and users)",
        });
        assert.throws(() => parseKubeconfig("contexts: [{name: a}]", "/k"), {
            message: 'kubeconfig /k: contexts[0] (a) has no "context" map',
        });
        assert.throws(() => parseKubeconfig("contexts: [{name: a, context: {cluster: c}}]", "/k").resolve("b"), {
            message: 'context "b" is not in kubeconfig /k; known contexts: a',
        });
        assert.throws(() => parseKubeconfig("contexts: [{name: a, context: {cluster: c}}]", "/k").resolve(), {
            message: "kubeconfig /k has no current-context; name one with --context (known: a)",
        });
        assert.throws(() => parseKubeconfig("contexts: [{name: x, context: {cluster: c}}]", "/k").resolve("x"), {
            message: 'context "x" names cluster "c", which is not in kubeconfig /k',
        });
        assert.throws(
            () =>
                parseKubeconfig(
                    "clusters: [{name: c, cluster: {server: 'ftp://h'}}]\ncontexts: [{name: x, context: {cluster: c}}]",
                    "/k",
                ).resolve("x"),
            { message: 'kubeconfig /k: cluster "c" server "ftp://h" is not an http(s) URL' },
        );
        bad("clusters: [{name: c, cluster: {}}]\ncontexts: [{name: x, context: {cluster: c}}]");
    });
});

describe("KubeClient against the fixture server", () => {
    let server: FixtureServer;
    beforeEach(async () => {
        server = await startKubeApiServer(generateCluster({ pods: 45, nodes: 3 }), { lifetimeMs: 30_000 });
    });
    afterEach(() => server.close());

    it("pages through a list with limit and continue", async () => {
        const client = new KubeClient(access(server.url));
        const { names } = await collect(client, "/api/v1/pods", 10);
        client.close();
        assert.strictEqual(names.length, server.state.objects.Pod.length);
        const calls = server.requests.filter((r) => r.path === "/api/v1/pods");
        assert.strictEqual(calls.length, Math.ceil(names.length / 10));
        assert.ok(calls.every((c) => c.query.limit === "10"));
        assert.strictEqual(calls[0].query.continue, undefined);
        assert.ok(calls.slice(1).every((c) => c.query.continue));
    });

    it("restarts the list when a continue token expired (410)", async () => {
        server.faults.push({ path: "/api/v1/pods", withContinue: true, status: 410, times: 1 });
        const client = new KubeClient(access(server.url));
        const { names, restarts } = await collect(client, "/api/v1/pods", 10);
        client.close();
        assert.strictEqual(restarts, 1);
        assert.deepStrictEqual([...new Set(names)].length, server.state.objects.Pod.length);
        const calls = server.requests.filter((r) => r.path === "/api/v1/pods");
        assert.deepStrictEqual(
            calls.map((c) => c.status).filter((s) => s === 410),
            [410],
        );
        assert.strictEqual(calls[2].query.continue, undefined, "the request after the 410 starts over without a token");
    });

    it("retries 429 after the server's Retry-After, and 5xx, a bounded number of times", async () => {
        server.faults.push({ path: "/version", status: 429, retryAfter: "1", times: 1 });
        const client = new KubeClient(access(server.url), { retry: FAST });
        const t0 = Date.now();
        const v = await client.get<{ gitVersion: string }>("/version");
        const waited = Date.now() - t0;
        assert.strictEqual(v.gitVersion, "v1.29.3");
        assert.ok(waited >= 950, `waited ${waited} ms, Retry-After said 1 s`);
        assert.deepStrictEqual(
            server.requests.map((r) => r.status),
            [429, 200],
        );

        server.requests.length = 0;
        server.faults.push({ path: "/api/v1/nodes", status: 503 });
        await assert.rejects(
            client.get("/api/v1/nodes"),
            (e: KubeApiError) => e.status === 503 && /after 4 attempts/.test(e.message),
        );
        assert.strictEqual(server.requests.length, 4, "first try plus maxRetries 3");
        client.close();
    });

    it("does not retry 403 or 401 and names the status", async () => {
        server.faults.push({
            path: "/apis/rbac.authorization.k8s.io/v1/roles",
            status: 403,
            message: 'roles.rbac.authorization.k8s.io is forbidden: User "x" cannot list',
        });
        const client = new KubeClient(access(server.url), { retry: FAST });
        await assert.rejects(client.get("/apis/rbac.authorization.k8s.io/v1/roles"), {
            status: 403,
            message:
                'GET /apis/rbac.authorization.k8s.io/v1/roles answered 403 Forbidden: roles.rbac.authorization.k8s.io is forbidden: User "x" cannot list',
        });
        assert.strictEqual(server.requests.length, 1);
        client.close();
    });

    it("sends the bearer token, re-reads a token file on 401 and stops a slow answer at the timeout", async () => {
        await server.close();
        server = await startKubeApiServer(generateCluster({ pods: 5 }), { token: "s3cret", lifetimeMs: 30_000 });
        const tokenFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "tok-")), "token");
        fs.writeFileSync(tokenFile, "old\n");
        const client = new KubeClient(access(server.url, { tokenFile }));
        await assert.rejects(client.get("/version"), { status: 401 });
        fs.writeFileSync(tokenFile, "s3cret\n");
        // The cached token is stale; the 401 makes the client read the file again and succeed.
        assert.strictEqual((await client.get<{ minor: string }>("/version")).minor, "29");
        assert.deepStrictEqual(
            server.requests.map((r) => [r.authorization, r.status]),
            [
                ["Bearer old", 401],
                ["Bearer old", 401],
                ["Bearer old", 401],
                ["Bearer s3cret", 200],
            ],
        );
        client.close();

        server.faults.push({ path: "/version", delayMs: 2_000 });
        const slow = new KubeClient(access(server.url, { token: "s3cret" }), { timeoutMs: 200 });
        await assert.rejects(
            slow.get("/version"),
            (e: KubeTransportError) => e.code === "ETIMEDOUT" && e.message === "GET /version timed out after 200 ms",
        );
        slow.close();
    });

    it("gets a token from an exec credential plug-in, and reports a plug-in that is missing", async () => {
        await server.close();
        server = await startKubeApiServer(generateCluster({ pods: 5 }), { token: "from-exec", lifetimeMs: 30_000 });
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "exec-"));
        const plugin = path.join(dir, "plugin.js");
        fs.writeFileSync(
            plugin,
            `const info = JSON.parse(process.env.KUBERNETES_EXEC_INFO); process.stdout.write(JSON.stringify({ apiVersion: info.apiVersion, kind: "ExecCredential", status: { token: process.env.TOKEN } }));`,
        );
        const exec = {
            apiVersion: "client.authentication.k8s.io/v1beta1",
            command: process.execPath,
            args: [plugin],
            env: [{ name: "TOKEN", value: "from-exec" }],
        };
        const client = new KubeClient(access(server.url, { exec }));
        assert.strictEqual((await client.get<{ minor: string }>("/version")).minor, "29");
        client.close();
        const missing = new KubeClient(access(server.url, { exec: { ...exec, command: "/nonexistent/plugin" } }));
        await assert.rejects(
            missing.get("/version"),
            (e: Error) =>
                e instanceof ExecCredentialError &&
                e.message === "credential plug-in /nonexistent/plugin failed: command not found",
        );
    });

    it("reads Retry-After as seconds or as an HTTP date", () => {
        assert.strictEqual(retryAfterMs("3"), 3000);
        assert.strictEqual(retryAfterMs(new Date(10_000).toUTCString(), 4_000), 6_000);
        assert.strictEqual(retryAfterMs("soon"), undefined);
        assert.strictEqual(retryAfterMs(undefined), undefined);
    });
});
