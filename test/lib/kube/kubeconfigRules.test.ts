import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
    defaultKubeconfigPath,
    hasUserInfo,
    kubeconfigFiles,
    loadKubeconfigs,
    parseKubeconfig,
} from "../../../lib/kube/kubeconfig";

// What a kubeconfig resolves to, and the one error each bad entry gets, read in this process.

/** The access of context x, whose cluster c is `cluster` (YAML flow map) and whose user u is `user`. */
function resolveWith(
    cluster: string,
    user?: string,
    context = user === undefined ? "{cluster: c}" : "{cluster: c, user: u}",
) {
    const text = [
        `clusters: [{name: c, cluster: ${cluster}}]`,
        `contexts: [{name: x, context: ${context}}]`,
        ...(user === undefined ? [] : [`users: [{name: u, user: ${user}}]`]),
    ].join("\n");
    return parseKubeconfig(text, "/k").resolve("x");
}
const withUser = (user: string) => resolveWith("{server: 'https://api.example:6443'}", user);
const error = (f: () => unknown): string => {
    try {
        f();
    } catch (e) {
        return `${(e as Error).name}: ${(e as Error).message}`;
    }
    return "no error";
};

describe("kubeconfig: what a context resolves to", () => {
    let tmp: string;
    before(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), "kcfg-"))));
    after(() => fs.rmSync(tmp, { recursive: true, force: true }));

    it("reads the cluster's server (without trailing slashes), TLS settings, namespace and user", () => {
        const ca = Buffer.from("CA PEM").toString("base64");
        assert.deepEqual(
            resolveWith(
                `{server: 'https://api.example:6443//', certificate-authority-data: '${ca}', insecure-skip-tls-verify: true, tls-server-name: kube.internal}`,
                "{token: t0k}",
                "{cluster: c, user: u, namespace: shop}",
            ),
            {
                name: "x",
                server: "https://api.example:6443",
                ca: "CA PEM",
                insecureSkipTlsVerify: true,
                tlsServerName: "kube.internal",
                namespace: "shop",
                user: "u",
                clientCert: undefined,
                clientKey: undefined,
                token: "t0k",
            },
        );
    });

    it("reads only a literal true as insecure-skip-tls-verify, and no user as no credential", () => {
        const a = resolveWith("{server: 'https://h', insecure-skip-tls-verify: 'true'}", undefined, "{cluster: c}");
        assert.deepEqual(a, {
            name: "x",
            server: "https://h",
            ca: undefined,
            insecureSkipTlsVerify: false,
            tlsServerName: undefined,
            namespace: undefined,
        });
    });

    it("reads certificates and token files relative to the kubeconfig's folder, data before file", () => {
        fs.writeFileSync(path.join(tmp, "ca.pem"), "CA FROM FILE");
        fs.writeFileSync(path.join(tmp, "cert.pem"), "CERT FROM FILE");
        const file = path.join(tmp, "config");
        fs.writeFileSync(
            file,
            [
                "clusters: [{name: c, cluster: {server: 'https://h', certificate-authority: ca.pem}}]",
                "contexts: [{name: x, context: {cluster: c, user: u}}]",
                `users: [{name: u, user: {client-certificate: cert.pem, client-key-data: '${Buffer.from("KEY").toString("base64")}', client-key: nope.pem, tokenFile: tok}}]`,
                "current-context: x",
            ].join("\n"),
        );
        const a = loadKubeconfigs([file]).resolve();
        assert.deepEqual(
            [a.ca, a.clientCert, a.clientKey, a.tokenFile, a.token],
            ["CA FROM FILE", "CERT FROM FILE", "KEY", path.join(tmp, "tok"), undefined],
        );
        const abs = withUser(`{tokenFile: ${path.join(tmp, "abs")}}`);
        assert.equal(abs.tokenFile, path.join(tmp, "abs"));
    });

    it("names a certificate file that cannot be read, with its full path", () => {
        const file = path.join(tmp, "missing-ca");
        fs.writeFileSync(
            file,
            "clusters: [{name: c, cluster: {server: 'https://h', certificate-authority: gone.pem}}]\ncontexts: [{name: x, context: {cluster: c}}]",
        );
        assert.equal(
            error(() => loadKubeconfigs([file]).resolve("x")),
            `KubeconfigError: kubeconfig ${file}: clusters[c].cluster.certificate-authority ${path.join(tmp, "gone.pem")} cannot be read (ENOENT)`,
        );
    });

    it("reads an exec plug-in with its defaults, and the cluster's exec extension for provideClusterInfo", () => {
        const a = resolveWith(
            "{server: 'https://h', extensions: [{name: other, extension: 1}, {name: client.authentication.k8s.io/exec, extension: {audience: a}}]}",
            "{exec: {command: get-token, provideClusterInfo: true}}",
        );
        assert.deepEqual(a.exec, {
            apiVersion: "client.authentication.k8s.io/v1beta1",
            command: "get-token",
            args: [],
            env: [],
            provideClusterInfo: true,
        });
        assert.deepEqual(a.execClusterConfig, { audience: "a" });
        assert.deepEqual(
            withUser(
                "{exec: {apiVersion: client.authentication.k8s.io/v1, command: c, args: [a, b], env: [{name: N, value: V}], provideClusterInfo: false}}",
            ).exec,
            {
                apiVersion: "client.authentication.k8s.io/v1",
                command: "c",
                args: ["a", "b"],
                env: [{ name: "N", value: "V" }],
            },
        );
        assert.equal(
            resolveWith("{server: 'https://h', extensions: [{name: other}]}", "{}").execClusterConfig,
            undefined,
        );
    });

    it("reads impersonation: as, as-groups, as-uid, as-user-extra; none when none is set or all are empty", () => {
        assert.deepEqual(
            withUser(
                "{token: t, as: jane, as-groups: [ops, dev], as-uid: '42', as-user-extra: {scopes: [a, b], none: null}}",
            ).impersonate,
            { user: "jane", groups: ["ops", "dev"], uid: "42", extra: { scopes: ["a", "b"], none: [] } },
        );
        assert.equal(withUser("{token: t, as-groups: []}").impersonate, undefined);
        assert.equal(withUser("{token: t, as: '', as-uid: ''}").impersonate, undefined);
        assert.equal("impersonate" in withUser("{token: t}"), false);
    });

    it("accepts a removed credential form when a usable credential stands beside it", () => {
        assert.equal(withUser("{auth-provider: {name: gcp}, token: t}").token, "t");
        assert.equal(withUser("{auth-provider: {name: gcp}, exec: {command: c}}").exec!.command, "c");
        assert.equal(withUser("{username: admin, token: t}").token, "t");
        assert.equal(withUser("{username: admin, exec: {command: c}}").exec!.command, "c");
        assert.equal(
            withUser(`{username: admin, client-certificate-data: '${Buffer.from("C").toString("base64")}'}`).clientCert,
            "C",
        );
    });
});

describe("kubeconfig: one error per bad entry, naming the file, the key and what is allowed", () => {
    const cases: [string, () => unknown, string][] = [
        [
            "clusters not a list",
            () => parseKubeconfig("clusters: {c: 1}", "/k"),
            'kubeconfig /k: "clusters" must be a list',
        ],
        ["users not a list", () => parseKubeconfig("users: 3", "/k"), 'kubeconfig /k: "users" must be a list'],
        [
            "an entry without name",
            () => parseKubeconfig("clusters: [{cluster: {}}]", "/k"),
            "kubeconfig /k: clusters[0] has no name",
        ],
        [
            "an entry with an empty name",
            () => parseKubeconfig("users: [{name: '', user: {}}]", "/k"),
            "kubeconfig /k: users[0] has no name",
        ],
        [
            "an entry that is not a map",
            () => parseKubeconfig("contexts: [a]", "/k"),
            "kubeconfig /k: contexts[0] has no name",
        ],
        [
            "a name that is not a string",
            () => parseKubeconfig("contexts: [{name: 3, context: {}}]", "/k"),
            "kubeconfig /k: contexts[0] has no name",
        ],
        [
            "an entry with a list for its map",
            () => parseKubeconfig("users: [{name: u, user: []}]", "/k"),
            'kubeconfig /k: users[0] (u) has no "user" map',
        ],
        [
            "current-context not a string",
            () => parseKubeconfig("current-context: [a]", "/k"),
            "kubeconfig /k: current-context must be a string",
        ],
        ["a server that is missing", () => resolveWith("{}"), 'kubeconfig /k: cluster "c" has no server'],
        ["a server that is empty", () => resolveWith("{server: ''}"), 'kubeconfig /k: cluster "c" has no server'],
        [
            "a server that only contains http://",
            () => resolveWith("{server: 'x-http://h'}"),
            'kubeconfig /k: cluster "c" server "x-http://h" is not an http(s) URL',
        ],
        [
            "a server with user:password@",
            () => resolveWith("{server: 'https://admin:pw@h'}"),
            'kubeconfig /k: cluster "c" server "https://REDACTED@h" carries user:password@; basic authentication was removed from Kubernetes and is never sent: remove it from the URL and use a token, a client certificate or an exec plug-in',
        ],
        [
            "a server that is a number",
            () => resolveWith("{server: 6443}"),
            "kubeconfig /k: clusters[c].cluster.server must be a string",
        ],
        [
            "a proxy-url",
            () => resolveWith("{server: 'https://h', proxy-url: ''}"),
            "kubeconfig /k: clusters[c].cluster.proxy-url is not supported; this tool connects to the API server directly (remove proxy-url, or run where the server is reachable)",
        ],
        [
            "a user the file lacks",
            () => resolveWith("{server: 'https://h'}", undefined, "{cluster: c, user: u}"),
            'context "x" names user "u", which is not in kubeconfig /k',
        ],
        [
            "a token that is a number",
            () => withUser("{token: 5}"),
            "kubeconfig /k: users[u].user.token must be a string",
        ],
        [
            "auth-provider alone",
            () => withUser("{auth-provider: {name: gcp}}"),
            "kubeconfig /k: users[u].user uses auth-provider, which Kubernetes removed; use an exec credential plug-in",
        ],
        [
            "username and password alone",
            () => withUser("{username: admin, password: pw}"),
            "kubeconfig /k: users[u].user uses basic authentication, which Kubernetes removed; use a token, a client certificate or an exec plug-in",
        ],
        [
            "as-groups not a list",
            () => withUser("{as: j, as-groups: ops}"),
            "kubeconfig /k: users[u].user.as-groups must be a list of strings",
        ],
        [
            "as-groups holding a number",
            () => withUser("{as: j, as-groups: [ops, 1]}"),
            "kubeconfig /k: users[u].user.as-groups must be a list of strings",
        ],
        [
            "as-user-extra not a map",
            () => withUser("{as: j, as-user-extra: [a]}"),
            "kubeconfig /k: users[u].user.as-user-extra must be a map of lists of strings",
        ],
        [
            "as-user-extra with a string",
            () => withUser("{as: j, as-user-extra: {k: v}}"),
            "kubeconfig /k: users[u].user.as-user-extra.k must be a list of strings",
        ],
        [
            "groups, uid and extras without as",
            () => withUser("{as-groups: [ops], as-uid: '1', as-user-extra: {k: [v]}}"),
            'kubeconfig /k: users[u].user sets as-groups, as-uid, as-user-extra without "as" (the user to impersonate)',
        ],
        [
            "a uid without as",
            () => withUser("{as-uid: '1'}"),
            'kubeconfig /k: users[u].user sets as-uid without "as" (the user to impersonate)',
        ],
        ["exec not a map", () => withUser("{exec: get-token}"), "kubeconfig /k: users[u].user.exec must be a map"],
        [
            "exec without command",
            () => withUser("{exec: {args: [a]}}"),
            "kubeconfig /k: users[u].user.exec has no command",
        ],
        [
            "exec with an empty command",
            () => withUser("{exec: {command: ''}}"),
            "kubeconfig /k: users[u].user.exec has no command",
        ],
        [
            "exec args not a list",
            () => withUser("{exec: {command: c, args: a}}"),
            "kubeconfig /k: users[u].user.exec.args must be a list of strings",
        ],
        [
            "exec args holding a number",
            () => withUser("{exec: {command: c, args: [a, 1]}}"),
            "kubeconfig /k: users[u].user.exec.args must be a list of strings",
        ],
        [
            "exec env not a list",
            () => withUser("{exec: {command: c, env: {N: V}}}"),
            "kubeconfig /k: users[u].user.exec.env must be a list of {name, value}",
        ],
        [
            "exec env entry not a map",
            () => withUser("{exec: {command: c, env: [N]}}"),
            "kubeconfig /k: users[u].user.exec.env must be a list of {name, value}",
        ],
        [
            "exec env without value",
            () => withUser("{exec: {command: c, env: [{name: N}]}}"),
            "kubeconfig /k: users[u].user.exec.env must be a list of {name, value}",
        ],
        [
            "exec env without name",
            () => withUser("{exec: {command: c, env: [{value: V}]}}"),
            "kubeconfig /k: users[u].user.exec.env must be a list of {name, value}",
        ],
        [
            "exec provideClusterInfo not a boolean",
            () => withUser("{exec: {command: c, provideClusterInfo: 'yes'}}"),
            "kubeconfig /k: users[u].user.exec.provideClusterInfo must be true or false",
        ],
        [
            "no context and no current-context",
            () => parseKubeconfig("", "/k").resolve(),
            "kubeconfig /k has no current-context; name one with --context (known: none)",
        ],
        [
            "a context the file lacks, none known",
            () => parseKubeconfig("{}", "/k").resolve("a"),
            'context "a" is not in kubeconfig /k; known contexts: none',
        ],
    ];
    for (const [what, f, message] of cases)
        it(`refuses ${what}`, () => assert.equal(error(f), `KubeconfigError: ${message}`));
});

describe("kubeconfig: which files, and URLs with user info", () => {
    it("takes --kubeconfig alone, else each distinct file of KUBECONFIG, else ~/.kube/config", () => {
        const d = path.delimiter;
        assert.deepEqual(kubeconfigFiles("/flag", { KUBECONFIG: "/a" }), ["/flag"]);
        assert.deepEqual(kubeconfigFiles(undefined, { KUBECONFIG: `/a${d}${d}/b${d}/a` }), ["/a", "/b"]);
        assert.deepEqual(kubeconfigFiles(undefined, {}), [path.join(os.homedir(), ".kube", "config")]);
        assert.deepEqual(kubeconfigFiles(undefined, { KUBECONFIG: "" }), [path.join(os.homedir(), ".kube", "config")]);
        assert.equal(defaultKubeconfigPath({ KUBECONFIG: `/a${d}/b` }), `/a${d}/b`);
    });

    it("sees a user or a password before the host, and nothing in what is not a URL", () => {
        assert.deepEqual(
            ["https://u@h", "https://:p@h", "https://u:p@h", "https://h", "not a url", "https://h/@x"].map(hasUserInfo),
            [true, true, true, false, false, false],
        );
    });
});
