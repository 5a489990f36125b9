import { ChildProcess, execFileSync, spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as https from "https";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { engineBinary } from "./engines";

/**
 * A real Kubernetes control plane on loopback: etcd and kube-apiserver, built from the pinned
 * modules, with their own certificate authority, a static token file for its users and RBAC on.
 * No controller manager or scheduler runs: objects are stored and served, nothing reconciles them
 * (pods stay Pending, which a snapshot reads like any other pod).
 */

/** Users of the token file: the token is the name, so a test can say who acts. */
export const USERS = {
    admin: { groups: ["system:masters"] },
    reader: { groups: [] as string[] },
    responder: { groups: [] as string[] },
    nobody: { groups: [] as string[] },
} as const;
export type User = keyof typeof USERS;

export interface RealCluster {
    url: string;
    caFile: string;
    dir: string;
    etcdUrl: string;
    /** A kubeconfig with one context, as `user`. */
    kubeconfig(user: User, context?: string): string;
    /** kubectl against this server as `user`; throws with its stderr on a non-zero exit. */
    kubectl(user: User, args: string[], input?: string): string;
    /** kubectl's exit code and output, for commands whose failure is the answer. */
    kubectlStatus(user: User, args: string[]): { status: number | null; stdout: string; stderr: string };
    /** An HTTPS request to the API server as `user`. */
    request(user: User, method: string, urlPath: string, body?: unknown): Promise<{ status: number; body: string }>;
    /** Compacts etcd's history up to its current revision (what the API server's compactor does every 5 minutes). */
    compact(): Promise<number>;
    stop(): Promise<void>;
}

async function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const s = net.createServer();
        s.on("error", reject);
        s.listen(0, "127.0.0.1", () => {
            const port = (s.address() as net.AddressInfo).port;
            s.close(() => resolve(port));
        });
    });
}

function openssl(args: string[], cwd: string): void {
    execFileSync("openssl", args, { cwd, stdio: ["ignore", "ignore", "pipe"] });
}

/** A CA, a serving certificate for 127.0.0.1 and localhost, and the service-account signing key. */
function writeCertificates(dir: string): void {
    openssl(
        [
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "ca.key",
            "-out",
            "ca.crt",
            "-days",
            "2",
            "-subj",
            "/CN=engines-ca",
        ],
        dir,
    );
    fs.writeFileSync(path.join(dir, "san.cnf"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
    openssl(
        [
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "server.key",
            "-out",
            "server.csr",
            "-subj",
            "/CN=kube-apiserver",
        ],
        dir,
    );
    openssl(
        [
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.crt",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "server.crt",
            "-days",
            "2",
            "-extfile",
            "san.cnf",
        ],
        dir,
    );
    openssl(["genrsa", "-out", "sa.key", "2048"], dir);
    openssl(["rsa", "-in", "sa.key", "-pubout", "-out", "sa.pub"], dir);
}

function waitFor(
    what: string,
    check: () => Promise<boolean>,
    timeoutMs: number,
    proc: ChildProcess,
    log: () => string,
): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    return new Promise((resolve, reject) => {
        const tick = async () => {
            if (proc.exitCode !== null)
                return reject(new Error(`${what} exited (${proc.exitCode}):\n${log().slice(-3000)}`));
            if (await check().catch(() => false)) return resolve();
            if (Date.now() > deadline)
                return reject(new Error(`${what} was not ready within ${timeoutMs} ms:\n${log().slice(-3000)}`));
            setTimeout(() => void tick(), 250);
        };
        void tick();
    });
}

async function httpOk(url: string): Promise<boolean> {
    const r = await fetch(url).catch(() => undefined);
    return r?.ok ?? false;
}

export async function startRealCluster(opts: { apiserverArgs?: string[] } = {}): Promise<RealCluster> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "engines-kube-"));
    writeCertificates(dir);
    fs.writeFileSync(
        path.join(dir, "tokens.csv"),
        Object.entries(USERS)
            .map(([name, u]) => `${name}-token,${name},${name}-uid,"${u.groups.join(",")}"`)
            .join("\n") + "\n",
    );
    const [clientPort, peerPort, apiPort] = [await freePort(), await freePort(), await freePort()];
    const etcdUrl = `http://127.0.0.1:${clientPort}`;
    const logs = { etcd: "", api: "" };
    const etcd = spawn(
        engineBinary("kube", "server"),
        [
            "--name=engines",
            `--data-dir=${path.join(dir, "etcd")}`,
            `--listen-client-urls=${etcdUrl}`,
            `--advertise-client-urls=${etcdUrl}`,
            `--listen-peer-urls=http://127.0.0.1:${peerPort}`,
            `--initial-advertise-peer-urls=http://127.0.0.1:${peerPort}`,
            `--initial-cluster=engines=http://127.0.0.1:${peerPort}`,
            "--log-level=error",
            "--unsafe-no-fsync",
        ],
        { stdio: ["ignore", "pipe", "pipe"] },
    );
    etcd.stdout.on("data", (d) => (logs.etcd += d));
    etcd.stderr.on("data", (d) => (logs.etcd += d));
    const procs: ChildProcess[] = [etcd];
    const stop = async () => {
        for (const p of procs.reverse()) {
            if (p.exitCode === null) {
                const exited = new Promise((r) => p.once("exit", r));
                p.kill("SIGTERM");
                await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
                if (p.exitCode === null) p.kill("SIGKILL");
            }
        }
        fs.rmSync(dir, { recursive: true, force: true });
    };
    try {
        await waitFor(
            "etcd",
            () => httpOk(`${etcdUrl}/health`),
            60_000,
            etcd,
            () => logs.etcd,
        );
        const url = `https://127.0.0.1:${apiPort}`;
        const api = spawn(
            engineBinary("kube", "kube-apiserver"),
            [
                `--etcd-servers=${etcdUrl}`,
                "--bind-address=127.0.0.1",
                "--advertise-address=127.0.0.1",
                `--secure-port=${apiPort}`,
                `--tls-cert-file=${path.join(dir, "server.crt")}`,
                `--tls-private-key-file=${path.join(dir, "server.key")}`,
                `--client-ca-file=${path.join(dir, "ca.crt")}`,
                `--token-auth-file=${path.join(dir, "tokens.csv")}`,
                "--authorization-mode=RBAC",
                "--anonymous-auth=false",
                "--service-account-issuer=https://kubernetes.default.svc",
                `--service-account-key-file=${path.join(dir, "sa.pub")}`,
                `--service-account-signing-key-file=${path.join(dir, "sa.key")}`,
                "--service-cluster-ip-range=10.96.0.0/16",
                // Without a controller manager nothing creates a namespace's `default` service account,
                // which this admission plug-in would require of every pod.
                "--disable-admission-plugins=ServiceAccount",
                // The tests compact etcd themselves, at the moment a case needs it.
                "--etcd-compaction-interval=0",
                `--cert-dir=${path.join(dir, "certs")}`,
                ...(opts.apiserverArgs ?? []),
            ],
            { stdio: ["ignore", "pipe", "pipe"] },
        );
        procs.push(api);
        api.stdout.on("data", (d) => (logs.api += d));
        api.stderr.on("data", (d) => (logs.api = (logs.api + d).slice(-200_000)));
        const ca = fs.readFileSync(path.join(dir, "ca.crt"));
        const agent = new https.Agent({ ca, keepAlive: true, maxSockets: 32 });
        const request = (user: User, method: string, urlPath: string, body?: unknown) =>
            new Promise<{ status: number; body: string }>((resolve, reject) => {
                const data = body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body);
                const req = https.request(
                    `${url}${urlPath}`,
                    {
                        method,
                        agent,
                        headers: {
                            Authorization: `Bearer ${user}-token`,
                            ...(data
                                ? {
                                      "Content-Type":
                                          method === "PATCH" ? "application/merge-patch+json" : "application/json",
                                  }
                                : {}),
                        },
                    },
                    (res) => {
                        let text = "";
                        res.setEncoding("utf8");
                        res.on("data", (c) => (text += c));
                        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
                    },
                );
                req.on("error", reject);
                if (data) req.write(data);
                req.end();
            });
        await waitFor(
            "kube-apiserver",
            async () => (await request("admin", "GET", "/readyz")).status === 200,
            120_000,
            api,
            () => logs.api,
        );
        const kubeconfigs = new Map<string, string>();
        const kubeconfig = (user: User, context = "engines") => {
            const key = `${user}/${context}`;
            let file = kubeconfigs.get(key);
            if (!file) {
                file = path.join(dir, `kubeconfig-${user}-${kubeconfigs.size}`);
                fs.writeFileSync(
                    file,
                    JSON.stringify({
                        apiVersion: "v1",
                        kind: "Config",
                        "current-context": context,
                        clusters: [
                            {
                                name: context,
                                cluster: { server: url, "certificate-authority": path.join(dir, "ca.crt") },
                            },
                        ],
                        users: [{ name: user, user: { token: `${user}-token` } }],
                        contexts: [{ name: context, context: { cluster: context, user } }],
                    }),
                );
                kubeconfigs.set(key, file);
            }
            return file;
        };
        const kubectlStatus = (user: User, args: string[], input?: string) => {
            const r = spawnSync(engineBinary("kube", "kubectl"), ["--kubeconfig", kubeconfig(user), ...args], {
                encoding: "utf8",
                input,
                timeout: 120_000,
            });
            return { status: r.status, stdout: r.stdout, stderr: r.stderr };
        };
        return {
            url,
            caFile: path.join(dir, "ca.crt"),
            dir,
            etcdUrl,
            kubeconfig,
            kubectl: (user, args, input) => {
                const r = kubectlStatus(user, args, input);
                if (r.status !== 0) throw new Error(`kubectl ${args.join(" ")} failed (${r.status}): ${r.stderr}`);
                return r.stdout;
            },
            kubectlStatus: (user, args) => kubectlStatus(user, args),
            request,
            compact: async () => {
                // etcd's gRPC gateway: the current revision from a range read, then a physical compaction to it.
                const range = await fetch(`${etcdUrl}/v3/kv/range`, {
                    method: "POST",
                    body: JSON.stringify({ key: Buffer.from("/").toString("base64") }),
                });
                const revision = Number(((await range.json()) as { header: { revision: string } }).header.revision);
                const c = await fetch(`${etcdUrl}/v3/kv/compaction`, {
                    method: "POST",
                    body: JSON.stringify({ revision, physical: true }),
                });
                if (!c.ok) throw new Error(`etcd compaction to ${revision} failed: ${c.status} ${await c.text()}`);
                return revision;
            },
            stop: async () => {
                agent.destroy();
                await stop();
            },
        };
    } catch (e) {
        await stop();
        throw e;
    }
}
