import { spawn } from "child_process";
import { ExecConfig } from "./kubeconfig";
import { safeReason } from "./redact";

export interface ExecCredential {
    token?: string;
    clientCert?: string;
    clientKey?: string;
    /** When the credential stops being valid; undefined means "until the server rejects it". */
    expiresAt?: number;
}

/** What `provideClusterInfo: true` passes to the plug-in about the cluster. */
export interface ExecClusterInfo {
    server: string;
    ca?: string;
    insecureSkipTlsVerify: boolean;
    tlsServerName?: string;
    config?: unknown;
}

/** ExecCredential `spec.cluster` (client.authentication.k8s.io): field names as client-go writes them. */
export function execClusterInfo(c: ExecClusterInfo): Record<string, unknown> {
    const out: Record<string, unknown> = { server: c.server };
    if (c.tlsServerName) out["tls-server-name"] = c.tlsServerName;
    if (c.insecureSkipTlsVerify) out["insecure-skip-tls-verify"] = true;
    if (c.ca) out["certificate-authority-data"] = Buffer.from(c.ca, "utf8").toString("base64");
    if (c.config !== undefined) out.config = c.config;
    return out;
}

/** The plug-in could not be run or gave no usable credential: the cluster fails with this reason. */
export class ExecCredentialError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "ExecCredentialError";
    }
}

export interface ExecRunOptions {
    /** The plug-in's whole run; then SIGTERM. */
    timeoutMs?: number;
    /** After SIGTERM, how long a plug-in may take to exit before SIGKILL. */
    killGraceMs?: number;
    /**
     * Show the last line of the plug-in's error output (with secret-shaped parts replaced). Off by
     * default: plug-ins echo passwords, keys and tokens in forms no pattern list foresees, so only
     * the plug-in's name and how it ended are kept.
     */
    showErrors?: boolean;
}

export const EXEC_TIMEOUT_MS = 60_000;
export const EXEC_KILL_GRACE_MS = 5_000;
const MAX_OUTPUT_BYTES = 1 << 20;

/** How the plug-in ended, for a message: "exit 3", "killed by SIGKILL", "timed out after 60 s". */
function howItEnded(code: number | null, signal: NodeJS.Signals | null, timedOut: boolean, timeoutMs: number): string {
    if (timedOut) return `timed out after ${timeoutMs / 1000} s`;
    if (signal) return `killed by ${signal}`;
    return `exit ${code}`;
}

/**
 * Runs an exec credential plug-in the way kubectl does: KUBERNETES_EXEC_INFO carries the request,
 * stdout carries an ExecCredential whose status holds a token or a client certificate. A plug-in
 * that outlives its deadline gets SIGTERM, then SIGKILL after a grace period, so no plug-in can hold
 * a run past its deadline.
 */
export function runExecPlugin(
    exec: ExecConfig,
    options: ExecRunOptions = {},
    cluster?: ExecClusterInfo,
): Promise<ExecCredential> {
    const timeoutMs = options.timeoutMs ?? EXEC_TIMEOUT_MS;
    const graceMs = options.killGraceMs ?? EXEC_KILL_GRACE_MS;
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const e of exec.env) env[e.name] = e.value;
    const spec: Record<string, unknown> = { interactive: false };
    if (exec.provideClusterInfo && cluster) spec.cluster = execClusterInfo(cluster);
    env.KUBERNETES_EXEC_INFO = JSON.stringify({ apiVersion: exec.apiVersion, kind: "ExecCredential", spec });
    const name = `credential plug-in ${exec.command}`;
    return new Promise((resolve, reject) => {
        const child = spawn(exec.command, exec.args, { env, stdio: ["ignore", "pipe", "pipe"] });
        const out: Buffer[] = [];
        const err: Buffer[] = [];
        let outBytes = 0;
        let errBytes = 0;
        let timedOut = false;
        let settled = false;
        const fail = (message: string) => {
            if (settled) return;
            settled = true;
            reject(new ExecCredentialError(message));
        };
        const term = setTimeout(() => {
            timedOut = true;
            child.kill("SIGTERM");
        }, timeoutMs);
        // Armed only once SIGTERM was sent: a plug-in that traps it is killed for good.
        const kill = setTimeout(() => {
            child.kill("SIGKILL");
            // A grandchild can hold the pipes open past the kill: the run does not wait for it.
            child.stdout.destroy();
            child.stderr.destroy();
            fail(
                `${name} failed (timed out after ${timeoutMs / 1000} s, ignored SIGTERM, killed with SIGKILL after ${graceMs / 1000} s more)`,
            );
        }, timeoutMs + graceMs);
        const stop = () => {
            clearTimeout(term);
            clearTimeout(kill);
        };
        child.stdout.on("data", (c: Buffer) => {
            outBytes += c.length;
            if (outBytes <= MAX_OUTPUT_BYTES) out.push(c);
            else child.kill("SIGKILL");
        });
        child.stderr.on("data", (c: Buffer) => {
            errBytes += c.length;
            if (errBytes <= MAX_OUTPUT_BYTES) err.push(c);
        });
        child.on("error", (e: NodeJS.ErrnoException) => {
            stop();
            fail(
                `${name} failed: ${e.code === "ENOENT" ? "command not found" : `cannot be run (${e.code ?? e.message})`}`,
            );
        });
        child.on("close", (code, signal) => {
            stop();
            if (settled) return;
            if (outBytes > MAX_OUTPUT_BYTES) return fail(`${name} printed more than ${MAX_OUTPUT_BYTES} bytes`);
            if (timedOut || code !== 0) {
                const ended = howItEnded(code, signal, timedOut, timeoutMs);
                if (!options.showErrors)
                    return fail(
                        `${name} failed (${ended}); its error output is not shown, as it can hold credentials (--show-plugin-errors shows it)`,
                    );
                const stderr = Buffer.concat(err).toString("utf8");
                return fail(`${name} failed: ${safeReason(stderr) || "no error output"} (${ended})`);
            }
            parseCredential(name, Buffer.concat(out).toString("utf8"), resolve, fail);
        });
    });
}

function parseCredential(
    name: string,
    stdout: string,
    resolve: (c: ExecCredential) => void,
    fail: (message: string) => void,
): void {
    let doc: unknown;
    try {
        doc = JSON.parse(stdout);
    } catch {
        return fail(`${name} did not print an ExecCredential (JSON)`);
    }
    const isMap = (v: unknown): v is Record<string, unknown> =>
        typeof v === "object" && v !== null && !Array.isArray(v);
    if (!isMap(doc))
        return fail(
            `${name} printed ${doc === null ? "null" : Array.isArray(doc) ? "a list" : `a ${typeof doc}`}, not an ExecCredential object`,
        );
    const s = doc.status ?? {};
    if (!isMap(s)) return fail(`${name} printed an ExecCredential whose status is not an object`);
    const text = (v: unknown) => (typeof v === "string" && v ? v : undefined);
    const token = text(s.token);
    const cert = text(s.clientCertificateData);
    const key = text(s.clientKeyData);
    if (!token && !(cert && key)) return fail(`${name} returned neither a token nor a client certificate`);
    const expiry = text(s.expirationTimestamp);
    resolve({ token, clientCert: cert, clientKey: key, expiresAt: expiry ? Date.parse(expiry) : undefined });
}
