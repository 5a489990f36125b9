import * as fs from "fs";
import * as http from "http";
import * as https from "https";
import { ClusterAccess, isPlainRemoteHttp } from "./kubeconfig";
import { ExecCredential, ExecRunOptions, runExecPlugin } from "./exec";
import { ListScanner, NonObjectItem, OversizedObject, ScannedList } from "./listStream";

/** An answer of the API server that is not a success, after retries. */
export class KubeApiError extends Error {
    constructor(
        readonly status: number,
        readonly reason: string,
        message: string,
    ) {
        super(message);
        this.name = "KubeApiError";
    }
}

/** The server could not be reached or did not answer in time. */
export class KubeTransportError extends Error {
    constructor(
        message: string,
        readonly code: string,
    ) {
        super(message);
        this.name = "KubeTransportError";
    }
}

export interface RetryPolicy {
    /** Attempts after the first, for 429 and 5xx answers and reset connections. */
    maxRetries: number;
    /** First backoff when the server gives no Retry-After; doubles each attempt. */
    baseDelayMs: number;
    /** Upper bound on any single wait, Retry-After included, so a hostile value cannot stall a run. */
    maxDelayMs: number;
}

export interface ClientOptions {
    /** Per request: from sending to the last byte of the answer. */
    timeoutMs?: number;
    retry?: Partial<RetryPolicy>;
    /** Called before each wait, for progress output and tests. */
    onRetry?: (info: { status?: number; attempt: number; delayMs: number; path: string }) => void;
    userAgent?: string;
    /** How credential plug-ins are run and how their failures are reported. */
    exec?: ExecRunOptions;
}

export const DEFAULT_RETRY: RetryPolicy = { maxRetries: 5, baseDelayMs: 250, maxDelayMs: 30_000 };

export interface KubeResponse<T> {
    status: number;
    body: T;
}

export interface ListOptions {
    limit?: number;
    labelSelector?: string;
    fieldSelector?: string;
    /** How many times an expired continue token (410) may restart the list. */
    maxRestarts?: number;
    /** Epoch milliseconds after which no further page is requested: the list fails with DeadlineError. */
    deadline?: number;
    /**
     * Reads each page as a stream and maps every item as soon as it is cut out of the bytes
     * (normalisation): memory then holds the mapped page, not the raw one.
     */
    map?: (raw: Record<string, unknown>) => unknown;
    /** With `map`: an item larger than this is skipped and reported in `oversized` (default 8 MiB). */
    maxObjectBytes?: number;
}

/** Kubernetes objects are bounded by etcd's request limit (about 1.5 MiB by default); 8 MiB leaves room. */
export const DEFAULT_MAX_OBJECT_BYTES = 8 << 20;

/** A list or a cluster ran past its overall deadline; `scope` says which. */
export class DeadlineError extends Error {
    constructor(
        message: string,
        readonly scope: "kind" | "cluster",
    ) {
        super(message);
        this.name = "DeadlineError";
    }
}

/**
 * Checks that a 200 answer to a list request is a list: a map (not a Status) whose `items` is a
 * list of maps. Anything else would otherwise read as an empty list and a "complete" kind.
 */
export function listItemsOf<T>(body: unknown, path: string): { items: T[]; continueToken?: string } {
    const what = (v: unknown) =>
        v === null ? "null" : Array.isArray(v) ? "a JSON array" : typeof v === "object" ? "a map" : `a ${typeof v}`;
    const bad = (why: string) =>
        new KubeApiError(200, "BadResponse", `GET ${path} answered 200 with ${why}, not a list`);
    if (typeof body !== "object" || body === null || Array.isArray(body)) throw bad(what(body));
    const b = body as { kind?: unknown; items?: unknown; metadata?: { continue?: unknown } };
    if (b.kind === "Status") throw bad("a Status object");
    if (!Array.isArray(b.items))
        throw bad(b.items === undefined ? "a map without items" : `items that are ${what(b.items)}`);
    const i = b.items.findIndex((x) => typeof x !== "object" || x === null || Array.isArray(x));
    if (i >= 0) throw bad(`items[${i}] that is ${what(b.items[i])}`);
    const token = b.metadata?.continue;
    if (token !== undefined && token !== null && typeof token !== "string")
        throw bad("a continue token that is not a string");
    return { items: b.items as T[], continueToken: (token as string | undefined) || undefined };
}

export interface ListPage<T> {
    items: T[];
    /** True on the first page after a 410 forced the list to start over: items may repeat. */
    restarted: boolean;
    /** Items skipped for their size (streamed pages only). */
    oversized?: OversizedObject[];
}

type RawAnswer = { status: number; headers: http.IncomingHttpHeaders; text: string; scanned?: ScannedList<unknown> };

/** Parses Retry-After (seconds or an HTTP date) into milliseconds, or undefined. */
export function retryAfterMs(value: string | string[] | undefined, now = Date.now()): number | undefined {
    const v = Array.isArray(value) ? value[0] : value;
    if (!v) return undefined;
    if (/^\s*\d+(\.\d+)?\s*$/.test(v)) return Math.round(parseFloat(v) * 1000);
    const at = Date.parse(v);
    return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export function backoffMs(attempt: number, retryAfter: number | undefined, policy: RetryPolicy): number {
    const wanted = retryAfter ?? policy.baseDelayMs * 2 ** (attempt - 1) * (0.75 + Math.random() * 0.5);
    return Math.min(policy.maxDelayMs, Math.round(wanted));
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * A small Kubernetes API client: just what inventory and response need (GET, list with
 * pagination, PATCH, DELETE), with bounded retries and a timeout on every request.
 */
export class KubeClient {
    private readonly base: URL;
    private readonly timeoutMs: number;
    private readonly retry: RetryPolicy;
    private agent?: http.Agent;
    private credential?: ExecCredential;
    private fileToken?: string;

    constructor(
        readonly access: ClusterAccess,
        private readonly options: ClientOptions = {},
    ) {
        this.base = new URL(access.server);
        // A URL's user info becomes an HTTP Basic header in Node: it is dropped, never sent.
        this.base.username = "";
        this.base.password = "";
        this.timeoutMs = options.timeoutMs ?? 30_000;
        this.retry = { ...DEFAULT_RETRY, ...options.retry };
    }

    /** Releases pooled connections, so a finished run does not keep sockets open. */
    close(): void {
        this.agent?.destroy();
        this.agent = undefined;
    }

    private async credentials(forceRefresh: boolean): Promise<{ token?: string; cert?: string; key?: string }> {
        const a = this.access;
        if (a.exec) {
            const stale =
                !this.credential ||
                (this.credential.expiresAt !== undefined && this.credential.expiresAt - 30_000 < Date.now());
            if (forceRefresh || stale) {
                this.credential = await runExecPlugin(a.exec, this.options.exec, {
                    server: a.server,
                    ca: a.ca,
                    insecureSkipTlsVerify: a.insecureSkipTlsVerify,
                    tlsServerName: a.tlsServerName,
                    config: a.execClusterConfig,
                });
                this.agent?.destroy();
                this.agent = undefined;
            }
            const c = this.credential!;
            return { token: c.token, cert: c.clientCert ?? a.clientCert, key: c.clientKey ?? a.clientKey };
        }
        if (a.tokenFile && (forceRefresh || this.fileToken === undefined)) {
            // The file is re-read on a 401: projected tokens rotate underneath a long run.
            try {
                this.fileToken = fs.readFileSync(a.tokenFile, "utf8").trim();
            } catch (e) {
                throw new KubeTransportError(
                    `token file ${a.tokenFile} cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
                    "TOKENFILE",
                );
            }
        }
        return { token: a.token ?? this.fileToken, cert: a.clientCert, key: a.clientKey };
    }

    private agentFor(cert?: string, key?: string): http.Agent {
        if (this.agent) return this.agent;
        if (this.base.protocol === "https:") {
            this.agent = new https.Agent({
                keepAlive: true,
                maxSockets: 4,
                ca: this.access.ca,
                cert,
                key,
                rejectUnauthorized: !this.access.insecureSkipTlsVerify,
                servername: this.access.tlsServerName,
            });
        } else {
            this.agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
        }
        return this.agent;
    }

    private once(
        method: string,
        path: string,
        body: string | undefined,
        contentType: string | undefined,
        cred: { token?: string; cert?: string; key?: string },
        scan?: () => ListScanner<unknown>,
    ): Promise<RawAnswer> {
        const url = new URL(path, this.base);
        const lib = url.protocol === "https:" ? https : http;
        const headers: Record<string, string> = {
            Accept: "application/json",
            "User-Agent": this.options.userAgent ?? "agentless-discovery",
        };
        if (cred.token) headers.Authorization = `Bearer ${cred.token}`;
        const imp = this.access.impersonate;
        if (imp?.user) headers["Impersonate-User"] = imp.user;
        if (imp?.uid) headers["Impersonate-Uid"] = imp.uid;
        for (const [k, vs] of Object.entries(imp?.extra ?? {}))
            (headers as Record<string, string | string[]>)[`Impersonate-Extra-${encodeURIComponent(k)}`] = vs;
        if (imp?.groups) (headers as Record<string, string | string[]>)["Impersonate-Group"] = imp.groups;
        if (body !== undefined) {
            headers["Content-Type"] = contentType ?? "application/json";
            headers["Content-Length"] = String(Buffer.byteLength(body));
        }
        return new Promise<RawAnswer>((resolve, reject) => {
            const req = lib.request(url, { method, headers, agent: this.agentFor(cred.cert, cred.key) }, (res) => {
                const status = res.statusCode ?? 0;
                if (scan && status >= 200 && status < 300) {
                    const scanner = scan();
                    const bad = (e: unknown) => {
                        const why =
                            e instanceof NonObjectItem
                                ? e.message
                                : `a body that is not JSON (${(e as Error).message})`;
                        const err = new KubeApiError(
                            status,
                            "BadResponse",
                            `${method} ${url.pathname} answered ${status} with ${why}${e instanceof NonObjectItem ? ", not a list" : ""}`,
                        );
                        reject(err);
                        req.destroy();
                    };
                    let failed = false;
                    res.on("data", (c: Buffer) => {
                        if (failed) return;
                        try {
                            scanner.write(c);
                        } catch (e) {
                            failed = true;
                            bad(e);
                        }
                    });
                    res.on("end", () => {
                        if (failed) return;
                        try {
                            resolve({ status, headers: res.headers, text: "", scanned: scanner.finish() });
                        } catch (e) {
                            bad(e);
                        }
                    });
                    res.on("error", reject);
                    return;
                }
                const chunks: Buffer[] = [];
                res.on("data", (c: Buffer) => chunks.push(c));
                res.on("end", () =>
                    resolve({
                        status: res.statusCode ?? 0,
                        headers: res.headers,
                        text: Buffer.concat(chunks).toString("utf8"),
                    }),
                );
                res.on("error", reject);
            });
            // One deadline for the whole exchange: a server that trickles bytes is as stuck as a silent one.
            const timer = setTimeout(
                () =>
                    req.destroy(
                        new KubeTransportError(
                            `${method} ${url.pathname} timed out after ${this.timeoutMs} ms`,
                            "ETIMEDOUT",
                        ),
                    ),
                this.timeoutMs,
            );
            req.on("close", () => clearTimeout(timer));
            req.on("error", (e: NodeJS.ErrnoException) => {
                clearTimeout(timer);
                if (e instanceof KubeTransportError) reject(e);
                else
                    reject(
                        new KubeTransportError(
                            `${method} ${url.host}${url.pathname}: ${e.code === "ECONNREFUSED" ? "connection refused" : e.message}`,
                            e.code ?? "EUNKNOWN",
                        ),
                    );
            });
            if (body !== undefined) req.write(body);
            req.end();
        });
    }

    /** One API call with authentication refresh on 401 and bounded retries on 429, 5xx and resets. */
    async request<T = unknown>(
        method: string,
        path: string,
        opts: { body?: unknown; contentType?: string; scan?: () => ListScanner<unknown> } = {},
    ): Promise<KubeResponse<T>> {
        const body = opts.body === undefined ? undefined : JSON.stringify(opts.body);
        let cred = await this.credentials(false);
        if (isPlainRemoteHttp(this.access.server) && (cred.token || cred.cert)) {
            // kubectl refuses this too: anyone on the path could read and replay the credential.
            throw new KubeTransportError(
                `refusing to send a ${cred.token ? "bearer token" : "client certificate"} over plain http:// to ${this.base.host}; use an https:// server URL`,
                "EINSECURE",
            );
        }
        let refreshed = false;
        for (let attempt = 0; ; attempt++) {
            let res: RawAnswer | undefined;
            try {
                res = await this.once(method, path, body, opts.contentType, cred, opts.scan);
            } catch (e) {
                // A timed-out read is retried like a reset one; a timed-out write is not, it may have been applied.
                const retriable =
                    e instanceof KubeTransportError &&
                    (e.code === "ECONNRESET" || e.code === "EPIPE" || (e.code === "ETIMEDOUT" && method === "GET"));
                if (!retriable || attempt >= this.retry.maxRetries) throw e;
                const delayMs = backoffMs(attempt + 1, undefined, this.retry);
                this.options.onRetry?.({ attempt: attempt + 1, delayMs, path });
                await sleep(delayMs);
                continue;
            }
            if (res.status === 401 && !refreshed && (this.access.exec || this.access.tokenFile)) {
                refreshed = true;
                cred = await this.credentials(true);
                attempt--;
                continue;
            }
            if ((res.status === 429 || res.status >= 500) && attempt < this.retry.maxRetries) {
                const delayMs = backoffMs(attempt + 1, retryAfterMs(res.headers["retry-after"]), this.retry);
                this.options.onRetry?.({ status: res.status, attempt: attempt + 1, delayMs, path });
                await sleep(delayMs);
                continue;
            }
            if (res.scanned) return { status: res.status, body: res.scanned as T };
            let parsed: unknown = undefined;
            try {
                parsed = res.text ? JSON.parse(res.text) : undefined;
            } catch {
                if (res.status < 300)
                    throw new KubeApiError(
                        res.status,
                        "BadResponse",
                        `${method} ${path}: the server answered ${res.status} with a body that is not JSON`,
                    );
            }
            if (res.status >= 200 && res.status < 300) return { status: res.status, body: parsed as T };
            const st = (parsed ?? {}) as { reason?: string; message?: string };
            const reason = st.reason || httpReason(res.status);
            const detail = st.message ? `: ${st.message}` : "";
            const tries = attempt > 0 ? ` (after ${attempt + 1} attempts)` : "";
            throw new KubeApiError(
                res.status,
                reason,
                `${method} ${path} answered ${res.status} ${reason}${detail}${tries}`,
            );
        }
    }

    get<T = unknown>(path: string): Promise<T> {
        return this.request<T>("GET", path).then((r) => r.body);
    }

    /**
     * Lists a collection page by page (`limit` and `continue`). A 410 for an expired continue
     * token starts the list over, a bounded number of times; the caller sees `restarted`. With
     * `map`, the next page is asked for as soon as this one's continue token arrives (before its
     * items), so the server prepares it while this one is read: at most two pages are in flight.
     */
    async *listPages<T = unknown>(path: string, opts: ListOptions = {}): AsyncGenerator<ListPage<T>> {
        const limit = opts.limit ?? 500;
        const maxRestarts = opts.maxRestarts ?? 3;
        let token: string | undefined;
        let restarts = 0;
        let restarted = false;
        // Tokens seen since the list last started: a server that hands one back again would page forever.
        let seen = new Set<string>();
        const pastDeadline = () => opts.deadline !== undefined && Date.now() > opts.deadline;
        let current: PageFetch<T> | undefined;
        for (;;) {
            if (!current) {
                if (pastDeadline())
                    throw new DeadlineError(
                        `GET ${path}: the list did not finish before its deadline (${seen.size + 1} pages requested)`,
                        "kind",
                    );
                current = this.fetchPage<T>(path, token, limit, opts);
            }
            const fetching = current;
            let next: PageFetch<T> | undefined;
            const prefetch = fetching.early.then((t) => {
                if (t && t !== token && !seen.has(t) && !pastDeadline()) next = this.fetchPage<T>(path, t, limit, opts);
            });
            let page: FetchedPage<T>;
            try {
                page = await fetching.done;
            } catch (e) {
                await prefetch; // a page asked for ahead is abandoned: the list starts over or fails
                current = undefined;
                if (e instanceof KubeApiError && e.status === 410 && token && restarts < maxRestarts) {
                    restarts++;
                    token = undefined;
                    restarted = true;
                    seen = new Set();
                    continue;
                }
                throw e;
            }
            await prefetch;
            yield { items: page.items, restarted, ...(page.oversized?.length ? { oversized: page.oversized } : {}) };
            restarted = false;
            token = page.continueToken;
            current = next && next.token === token ? next : undefined;
            if (!token) return;
            if (seen.has(token))
                throw new KubeApiError(
                    200,
                    "EndlessPaging",
                    `GET ${path}: the server returned continue token ${JSON.stringify(token.slice(0, 40))} a second time; the list would never end`,
                );
            seen.add(token);
        }
    }

    /** One page of a list; `early` settles with its continue token as soon as that is known. */
    private fetchPage<T>(path: string, token: string | undefined, limit: number, opts: ListOptions): PageFetch<T> {
        let announce: (t: string | undefined) => void = () => undefined;
        const early = new Promise<string | undefined>((resolve) => (announce = resolve));
        const q = new URLSearchParams({ limit: String(limit) });
        if (token) q.set("continue", token);
        if (opts.labelSelector) q.set("labelSelector", opts.labelSelector);
        if (opts.fieldSelector) q.set("fieldSelector", opts.fieldSelector);
        const url = `${path}?${q.toString()}`;
        const done = (async (): Promise<FetchedPage<T>> => {
            if (opts.map) {
                const map = opts.map;
                const max = opts.maxObjectBytes ?? DEFAULT_MAX_OBJECT_BYTES;
                const scanned = (
                    await this.request<ScannedList<T>>("GET", url, { scan: () => new ListScanner(map, max, announce) })
                ).body;
                return {
                    ...listItemsOf<T>(scanned.envelope, path),
                    items: scanned.items,
                    oversized: scanned.oversized,
                };
            }
            return listItemsOf<T>(await this.get(url), path);
        })();
        // Also the handler that keeps a page asked for ahead, then abandoned, from rejecting unheard.
        done.then(
            (p) => announce(p.continueToken),
            () => announce(undefined),
        );
        return { token, early, done };
    }
}

type FetchedPage<T> = { items: T[]; continueToken?: string; oversized?: OversizedObject[] };
type PageFetch<T> = { token: string | undefined; early: Promise<string | undefined>; done: Promise<FetchedPage<T>> };

function httpReason(status: number): string {
    return (
        (
            {
                401: "Unauthorized",
                403: "Forbidden",
                404: "NotFound",
                409: "Conflict",
                410: "Expired",
                422: "Invalid",
                429: "TooManyRequests",
            } as Record<number, string>
        )[status] ?? (http.STATUS_CODES[status] ?? "Error").replace(/\s+/g, "")
    );
}
