import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseYamlBounded as parseYaml } from "../yaml";
import { FileReadError, readRegularFile } from "../regularFile";
import { redactUrl } from "./redact";

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
    /** `provideClusterInfo: true`: the plug-in gets the cluster (server, CA...) in KUBERNETES_EXEC_INFO. */
    provideClusterInfo?: boolean;
}

/** Impersonation the user entry asks for (`as`, `as-groups`, `as-uid`, `as-user-extra`), sent as Impersonate-* headers. */
export interface Impersonation {
    user?: string;
    groups?: string[];
    uid?: string;
    extra?: Record<string, string[]>;
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
    /** The name of the kubeconfig user entry the context names (for audit records: as whom). */
    user?: string;
    impersonate?: Impersonation;
    /** The cluster entry's `extensions` value named `client.authentication.k8s.io/exec`, for provideClusterInfo. */
    execClusterConfig?: unknown;
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

/** For messages: $KUBECONFIG as given (every file of it), else ~/.kube/config. */
export function defaultKubeconfigPath(env: NodeJS.ProcessEnv = process.env): string {
    return kubeconfigFiles(undefined, env).join(path.delimiter);
}

/** The files the user means, as kubectl reads them: --kubeconfig alone, else every file of $KUBECONFIG, else ~/.kube/config. */
export function kubeconfigFiles(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string[] {
    if (flag !== undefined) return [flag];
    const fromEnv = [...new Set((env.KUBECONFIG ?? "").split(path.delimiter).filter((p) => p.length > 0))];
    return fromEnv.length ? fromEnv : [path.join(os.homedir(), ".kube", "config")];
}

/**
 * Loads and merges kubeconfig files the way kubectl merges $KUBECONFIG: the first file that
 * defines a cluster, user or context name wins; the current-context is the first file's that sets
 * one; files of the list that do not exist are skipped (one file alone must exist).
 */
export function loadKubeconfigs(files: string[]): Kubeconfig {
    if (files.length === 1) return loadKubeconfig(files[0]);
    const present = files.filter((f) => fs.existsSync(f));
    if (!present.length)
        throw new KubeconfigError(`none of the kubeconfig files of KUBECONFIG exists: ${files.join(", ")}`);
    return mergeKubeconfigs(
        present.map((f) => parsedFile(readKubeconfigText(f), f)),
        files.join(path.delimiter),
    );
}

function readKubeconfigText(file: string): string {
    try {
        return readRegularFile(file);
    } catch (e) {
        if (e instanceof FileReadError) throw new KubeconfigError(`kubeconfig ${e.message}`);
        throw e;
    }
}

export function loadKubeconfig(file: string): Kubeconfig {
    return parseKubeconfig(readKubeconfigText(file), file);
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
        if (!isRecord(value))
            throw new KubeconfigError(`kubeconfig ${file}: ${key}[${i}] (${entry.name}) has no "${inner}" map`);
        return { name: entry.name, value: value as T };
    });
}

function str(v: unknown, where: string, file: string): string | undefined {
    if (v === undefined || v === null) return undefined;
    if (typeof v !== "string") throw new KubeconfigError(`kubeconfig ${file}: ${where} must be a string`);
    return v;
}

interface ParsedFile {
    file: string;
    currentContext?: string;
    clusters: Named<Record<string, unknown>>[];
    contexts: Named<Record<string, unknown>>[];
    users: Named<Record<string, unknown>>[];
}

interface FromFile<T> extends Named<T> {
    file: string;
}

function parsedFile(text: string, file: string): ParsedFile {
    let doc: unknown;
    try {
        doc = parseYaml(text);
    } catch (e) {
        throw new KubeconfigError(
            `kubeconfig ${file} is not valid YAML: ${(e as Error).message.split("\n")[0].replace(/:$/, "")}`,
        );
    }
    // An empty file is an empty kubeconfig, as kubectl reads it.
    if (doc === null || doc === undefined) doc = {};
    if (!isRecord(doc))
        throw new KubeconfigError(
            `kubeconfig ${file} is not a kubeconfig (expected a map with clusters, contexts and users)`,
        );
    return {
        file,
        clusters: namedList<Record<string, unknown>>(doc, "clusters", "cluster", file),
        contexts: namedList<Record<string, unknown>>(doc, "contexts", "context", file),
        users: namedList<Record<string, unknown>>(doc, "users", "user", file),
        currentContext: str(doc["current-context"], "current-context", file) || undefined,
    };
}

export function parseKubeconfig(text: string, file: string): Kubeconfig {
    return mergeKubeconfigs([parsedFile(text, file)], file);
}

function firstByName<T>(lists: { file: string; list: Named<T>[] }[]): FromFile<T>[] {
    const out = new Map<string, FromFile<T>>();
    for (const { file, list } of lists) for (const e of list) if (!out.has(e.name)) out.set(e.name, { ...e, file });
    return [...out.values()];
}

/** Whether a URL names a user or password before its host (`https://user:pass@host`). */
export function hasUserInfo(server: string): boolean {
    try {
        const u = new URL(server);
        return u.username !== "" || u.password !== "";
    } catch {
        return false;
    }
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|\[::1\]|localhost)$/i;

/** Plain http:// to a host other than this machine's loopback: no credential may travel over it. */
export function isPlainRemoteHttp(server: string): boolean {
    const u = new URL(server);
    return u.protocol === "http:" && !LOOPBACK.test(u.hostname);
}

function mergeKubeconfigs(parsed: ParsedFile[], label: string): Kubeconfig {
    const file = label;
    const clusters = firstByName(parsed.map((p) => ({ file: p.file, list: p.clusters })));
    const contexts = firstByName(parsed.map((p) => ({ file: p.file, list: p.contexts })));
    const users = firstByName(parsed.map((p) => ({ file: p.file, list: p.users })));
    const currentContext = parsed.find((p) => p.currentContext)?.currentContext;
    const readPem = (
        dataKey: string,
        fileKey: string,
        m: Record<string, unknown>,
        where: string,
        from: string,
    ): string | undefined => {
        const data = str(m[dataKey], `${where}.${dataKey}`, from);
        if (data) return Buffer.from(data, "base64").toString("utf8");
        const p = str(m[fileKey], `${where}.${fileKey}`, from);
        if (!p) return undefined;
        const full = relTo(from, p);
        try {
            return fs.readFileSync(full, "utf8");
        } catch (e) {
            throw new KubeconfigError(
                `kubeconfig ${from}: ${where}.${fileKey} ${full} cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
            );
        }
    };

    return {
        file,
        currentContext,
        contexts: contexts.map((c) => c.name),
        resolve(contextName?: string): ClusterAccess {
            const wanted = contextName ?? currentContext;
            if (!wanted)
                throw new KubeconfigError(
                    `kubeconfig ${file} has no current-context; name one with --context (known: ${contexts.map((c) => c.name).join(", ") || "none"})`,
                );
            const ctx = contexts.find((c) => c.name === wanted);
            if (!ctx)
                throw new KubeconfigError(
                    `context ${JSON.stringify(wanted)} is not in kubeconfig ${file}; known contexts: ${contexts.map((c) => c.name).join(", ") || "none"}`,
                );
            const clusterName = str(ctx.value.cluster, `contexts[${wanted}].cluster`, ctx.file);
            const cluster = clusters.find((c) => c.name === clusterName);
            if (!cluster)
                throw new KubeconfigError(
                    `context ${JSON.stringify(wanted)} names cluster ${JSON.stringify(clusterName)}, which is not in kubeconfig ${file}`,
                );
            const userName = str(ctx.value.user, `contexts[${wanted}].user`, ctx.file);
            const user = userName ? users.find((u) => u.name === userName) : undefined;
            if (userName && !user)
                throw new KubeconfigError(
                    `context ${JSON.stringify(wanted)} names user ${JSON.stringify(userName)}, which is not in kubeconfig ${file}`,
                );
            const cw = `clusters[${cluster.name}].cluster`;
            const cf = cluster.file;
            const server = str(cluster.value.server, `${cw}.server`, cf);
            if (!server)
                throw new KubeconfigError(`kubeconfig ${cf}: cluster ${JSON.stringify(cluster.name)} has no server`);
            if (!/^https?:\/\//.test(server))
                throw new KubeconfigError(
                    `kubeconfig ${cf}: cluster ${JSON.stringify(cluster.name)} server ${JSON.stringify(server)} is not an http(s) URL`,
                );
            if (hasUserInfo(server)) {
                // Node (like Go) would send it as HTTP Basic on every request, in clear over http://.
                throw new KubeconfigError(
                    `kubeconfig ${cf}: cluster ${JSON.stringify(cluster.name)} server ${JSON.stringify(redactUrl(server))} carries user:password@; basic authentication was removed from Kubernetes and is never sent: remove it from the URL and use a token, a client certificate or an exec plug-in`,
                );
            }
            if (cluster.value["proxy-url"] !== undefined) {
                throw new KubeconfigError(
                    `kubeconfig ${cf}: ${cw}.proxy-url is not supported; this tool connects to the API server directly (remove proxy-url, or run where the server is reachable)`,
                );
            }
            const access: ClusterAccess = {
                name: wanted,
                server: server.replace(/\/+$/, ""),
                ca: readPem("certificate-authority-data", "certificate-authority", cluster.value, cw, cf),
                insecureSkipTlsVerify: cluster.value["insecure-skip-tls-verify"] === true,
                tlsServerName: str(cluster.value["tls-server-name"], `${cw}.tls-server-name`, cf),
                namespace: str(ctx.value.namespace, `contexts[${wanted}].namespace`, ctx.file),
                ...(userName ? { user: userName } : {}),
            };
            const ext = cluster.value.extensions;
            if (Array.isArray(ext)) {
                const e = ext.find((x) => isRecord(x) && x.name === "client.authentication.k8s.io/exec");
                if (isRecord(e)) access.execClusterConfig = e.extension;
            }
            if (user) {
                const uw = `users[${user.name}].user`;
                const u = user.value;
                const uf = user.file;
                access.clientCert = readPem("client-certificate-data", "client-certificate", u, uw, uf);
                access.clientKey = readPem("client-key-data", "client-key", u, uw, uf);
                access.token = str(u.token, `${uw}.token`, uf);
                const tokenFile = str(u.tokenFile, `${uw}.tokenFile`, uf);
                if (tokenFile) access.tokenFile = relTo(uf, tokenFile);
                if (u.exec !== undefined) access.exec = execConfig(u.exec, `${uw}.exec`, uf);
                const imp = impersonation(u, uw, uf);
                if (imp) access.impersonate = imp;
                if (u["auth-provider"] !== undefined && !access.token && !access.exec) {
                    throw new KubeconfigError(
                        `kubeconfig ${uf}: ${uw} uses auth-provider, which Kubernetes removed; use an exec credential plug-in`,
                    );
                }
                if (u.username !== undefined && !access.token && !access.exec && !access.clientCert) {
                    throw new KubeconfigError(
                        `kubeconfig ${uf}: ${uw} uses basic authentication, which Kubernetes removed; use a token, a client certificate or an exec plug-in`,
                    );
                }
            }
            return access;
        },
    };
}

function relTo(file: string, p: string): string {
    return path.isAbsolute(p) ? p : path.join(path.dirname(path.resolve(file)), p);
}

function stringList(v: unknown, where: string, file: string): string[] | undefined {
    if (v === undefined || v === null) return undefined;
    if (!Array.isArray(v) || v.some((x) => typeof x !== "string"))
        throw new KubeconfigError(`kubeconfig ${file}: ${where} must be a list of strings`);
    return v as string[];
}

function impersonation(u: Record<string, unknown>, uw: string, file: string): Impersonation | undefined {
    const imp: Impersonation = {};
    const user = str(u.as, `${uw}.as`, file);
    if (user) imp.user = user;
    const groups = stringList(u["as-groups"], `${uw}.as-groups`, file);
    if (groups?.length) imp.groups = groups;
    const uid = str(u["as-uid"], `${uw}.as-uid`, file);
    if (uid) imp.uid = uid;
    const extra = u["as-user-extra"];
    if (extra !== undefined && extra !== null) {
        if (!isRecord(extra))
            throw new KubeconfigError(`kubeconfig ${file}: ${uw}.as-user-extra must be a map of lists of strings`);
        imp.extra = Object.fromEntries(
            Object.entries(extra).map(([k, v]) => [k, stringList(v, `${uw}.as-user-extra.${k}`, file) ?? []]),
        );
    }
    if (!Object.keys(imp).length) return undefined;
    // The API server refuses groups, uid or extras without a user to impersonate.
    if (!imp.user)
        throw new KubeconfigError(
            `kubeconfig ${file}: ${uw} sets ${Object.keys(imp)
                .map((k) => ({ groups: "as-groups", uid: "as-uid", extra: "as-user-extra" })[k])
                .join(", ")} without "as" (the user to impersonate)`,
        );
    return imp;
}

function execConfig(raw: unknown, where: string, file: string): ExecConfig {
    if (!isRecord(raw)) throw new KubeconfigError(`kubeconfig ${file}: ${where} must be a map`);
    const command = str(raw.command, `${where}.command`, file);
    if (!command) throw new KubeconfigError(`kubeconfig ${file}: ${where} has no command`);
    const args = raw.args ?? [];
    if (!Array.isArray(args) || args.some((a) => typeof a !== "string"))
        throw new KubeconfigError(`kubeconfig ${file}: ${where}.args must be a list of strings`);
    const env = raw.env ?? [];
    if (
        !Array.isArray(env) ||
        env.some((e) => !isRecord(e) || typeof e.name !== "string" || typeof e.value !== "string")
    ) {
        throw new KubeconfigError(`kubeconfig ${file}: ${where}.env must be a list of {name, value}`);
    }
    const provide = raw.provideClusterInfo;
    if (provide !== undefined && typeof provide !== "boolean")
        throw new KubeconfigError(`kubeconfig ${file}: ${where}.provideClusterInfo must be true or false`);
    return {
        apiVersion: str(raw.apiVersion, `${where}.apiVersion`, file) ?? "client.authentication.k8s.io/v1beta1",
        command,
        args: args as string[],
        env: env as { name: string; value: string }[],
        ...(provide ? { provideClusterInfo: true } : {}),
    };
}
