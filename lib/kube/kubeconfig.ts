import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse as parseYaml } from "yaml";

/** A kubeconfig that cannot be used: the message names the file and what is wrong in it. */
export class KubeconfigError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "KubeconfigError";
    }
}

/** An `exec` credential plug-in (client.authentication.k8s.io), as the kubeconfig names it. */
export interface ExecConfig {
    apiVersion: string;
    command: string;
    args: string[];
    env: { name: string; value: string }[];
}

/** Everything needed to reach one cluster's API server as one user. Paths are already resolved. */
export interface ClusterAccess {
    /** The context's name, or the discovered cluster's name when no kubeconfig was involved. */
    name: string;
    server: string;
    /** PEM text of the certificate authority, when the kubeconfig gives one. */
    ca?: string;
    insecureSkipTlsVerify: boolean;
    tlsServerName?: string;
    clientCert?: string;
    clientKey?: string;
    token?: string;
    tokenFile?: string;
    exec?: ExecConfig;
    /** The namespace the context selects (for commands that default to it). */
    namespace?: string;
}

interface Named<T> {
    name: string;
    value: T;
}

export interface Kubeconfig {
    file: string;
    currentContext?: string;
    contexts: string[];
    resolve(context?: string): ClusterAccess;
}

/** The kubeconfig the user means: --kubeconfig, else the first file of $KUBECONFIG, else ~/.kube/config. */
export function defaultKubeconfigPath(env: NodeJS.ProcessEnv = process.env): string {
    const fromEnv = env.KUBECONFIG?.split(path.delimiter).find((p) => p.length > 0);
    return fromEnv ?? path.join(os.homedir(), ".kube", "config");
}

export function loadKubeconfig(file: string): Kubeconfig {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        throw new KubeconfigError(code === "ENOENT" ? `kubeconfig ${file} does not exist` : `kubeconfig ${file} cannot be read (${code ?? (e as Error).message})`);
    }
    return parseKubeconfig(text, file);
}

function isRecord(v: unknown): v is Record<string, unknown> {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

function namedList<T>(doc: Record<string, unknown>, key: string, inner: string, file: string): Named<T>[] {
    const raw = doc[key];
    if (raw === undefined || raw === null) return [];
    if (!Array.isArray(raw)) throw new KubeconfigError(`kubeconfig ${file}: "${key}" must be a list`);
    return raw.map((entry, i) => {
        if (!isRecord(entry) || typeof entry.name !== "string" || !entry.name) {
            throw new KubeconfigError(`kubeconfig ${file}: ${key}[${i}] has no name`);
        }
        const value = entry[inner];
        if (!isRecord(value)) throw new KubeconfigError(`kubeconfig ${file}: ${key}[${i}] (${entry.name}) has no "${inner}" map`);
        return { name: entry.name, value: value as T };
    });
}

function str(v: unknown, where: string, file: string): string | undefined {
    if (v === undefined || v === null) return undefined;
    if (typeof v !== "string") throw new KubeconfigError(`kubeconfig ${file}: ${where} must be a string`);
    return v;
}

export function parseKubeconfig(text: string, file: string): Kubeconfig {
    let doc: unknown;
    try {
        doc = parseYaml(text);
    } catch (e) {
        throw new KubeconfigError(`kubeconfig ${file} is not valid YAML: ${(e as Error).message.split("\n")[0].replace(/:$/, "")}`);
    }
    if (!isRecord(doc)) throw new KubeconfigError(`kubeconfig ${file} is not a kubeconfig (expected a map with clusters, contexts and users)`);
    const clusters = namedList<Record<string, unknown>>(doc, "clusters", "cluster", file);
    const contexts = namedList<Record<string, unknown>>(doc, "contexts", "context", file);
    const users = namedList<Record<string, unknown>>(doc, "users", "user", file);
    const currentContext = str(doc["current-context"], "current-context", file) || undefined;
    const base = path.dirname(path.resolve(file));
    const rel = (p: string) => (path.isAbsolute(p) ? p : path.join(base, p));
    const readPem = (dataKey: string, fileKey: string, m: Record<string, unknown>, where: string): string | undefined => {
        const data = str(m[dataKey], `${where}.${dataKey}`, file);
        if (data) return Buffer.from(data, "base64").toString("utf8");
        const p = str(m[fileKey], `${where}.${fileKey}`, file);
        if (!p) return undefined;
        try {
            return fs.readFileSync(rel(p), "utf8");
        } catch (e) {
            throw new KubeconfigError(`kubeconfig ${file}: ${where}.${fileKey} ${rel(p)} cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
        }
    };

    return {
        file,
        currentContext,
        contexts: contexts.map((c) => c.name),
        resolve(contextName?: string): ClusterAccess {
            const wanted = contextName ?? currentContext;
            if (!wanted) throw new KubeconfigError(`kubeconfig ${file} has no current-context; name one with --context (known: ${contexts.map((c) => c.name).join(", ") || "none"})`);
            const ctx = contexts.find((c) => c.name === wanted);
            if (!ctx) throw new KubeconfigError(`context ${JSON.stringify(wanted)} is not in kubeconfig ${file}; known contexts: ${contexts.map((c) => c.name).join(", ") || "none"}`);
            const clusterName = str(ctx.value.cluster, `contexts[${wanted}].cluster`, file);
            const cluster = clusters.find((c) => c.name === clusterName);
            if (!cluster) throw new KubeconfigError(`context ${JSON.stringify(wanted)} names cluster ${JSON.stringify(clusterName)}, which is not in kubeconfig ${file}`);
            const userName = str(ctx.value.user, `contexts[${wanted}].user`, file);
            const user = userName ? users.find((u) => u.name === userName) : undefined;
            if (userName && !user) throw new KubeconfigError(`context ${JSON.stringify(wanted)} names user ${JSON.stringify(userName)}, which is not in kubeconfig ${file}`);
            const cw = `clusters[${cluster.name}].cluster`;
            const server = str(cluster.value.server, `${cw}.server`, file);
            if (!server) throw new KubeconfigError(`kubeconfig ${file}: cluster ${JSON.stringify(cluster.name)} has no server`);
            if (!/^https?:\/\//.test(server)) throw new KubeconfigError(`kubeconfig ${file}: cluster ${JSON.stringify(cluster.name)} server ${JSON.stringify(server)} is not an http(s) URL`);
            const access: ClusterAccess = {
                name: wanted,
                server: server.replace(/\/+$/, ""),
                ca: readPem("certificate-authority-data", "certificate-authority", cluster.value, cw),
                insecureSkipTlsVerify: cluster.value["insecure-skip-tls-verify"] === true,
                tlsServerName: str(cluster.value["tls-server-name"], `${cw}.tls-server-name`, file),
                namespace: str(ctx.value.namespace, `contexts[${wanted}].namespace`, file),
            };
            if (user) {
                const uw = `users[${user.name}].user`;
                const u = user.value;
                access.clientCert = readPem("client-certificate-data", "client-certificate", u, uw);
                access.clientKey = readPem("client-key-data", "client-key", u, uw);
                access.token = str(u.token, `${uw}.token`, file);
                const tokenFile = str(u.tokenFile, `${uw}.tokenFile`, file);
                if (tokenFile) access.tokenFile = rel(tokenFile);
                if (u.exec !== undefined) access.exec = execConfig(u.exec, `${uw}.exec`, file);
                if (u["auth-provider"] !== undefined && !access.token && !access.exec) {
                    throw new KubeconfigError(`kubeconfig ${file}: ${uw} uses auth-provider, which Kubernetes removed; use an exec credential plug-in`);
                }
                if (u.username !== undefined && !access.token && !access.exec && !access.clientCert) {
                    throw new KubeconfigError(`kubeconfig ${file}: ${uw} uses basic authentication, which Kubernetes removed; use a token, a client certificate or an exec plug-in`);
                }
            }
            return access;
        },
    };
}

function execConfig(raw: unknown, where: string, file: string): ExecConfig {
    if (!isRecord(raw)) throw new KubeconfigError(`kubeconfig ${file}: ${where} must be a map`);
    const command = str(raw.command, `${where}.command`, file);
    if (!command) throw new KubeconfigError(`kubeconfig ${file}: ${where} has no command`);
    const args = raw.args ?? [];
    if (!Array.isArray(args) || args.some((a) => typeof a !== "string")) throw new KubeconfigError(`kubeconfig ${file}: ${where}.args must be a list of strings`);
    const env = raw.env ?? [];
    if (!Array.isArray(env) || env.some((e) => !isRecord(e) || typeof e.name !== "string" || typeof e.value !== "string")) {
        throw new KubeconfigError(`kubeconfig ${file}: ${where}.env must be a list of {name, value}`);
    }
    return {
        apiVersion: str(raw.apiVersion, `${where}.apiVersion`, file) ?? "client.authentication.k8s.io/v1beta1",
        command,
        args: args as string[],
        env: env as { name: string; value: string }[],
    };
}
