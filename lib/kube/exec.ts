import { execFile } from "child_process";
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

/**
 * Runs an exec credential plug-in the way kubectl does: KUBERNETES_EXEC_INFO carries the request,
 * stdout carries an ExecCredential whose status holds a token or a client certificate.
 */
export function runExecPlugin(
    exec: ExecConfig,
    timeoutMs = 60_000,
    cluster?: ExecClusterInfo,
): Promise<ExecCredential> {
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const e of exec.env) env[e.name] = e.value;
    const spec: Record<string, unknown> = { interactive: false };
    if (exec.provideClusterInfo && cluster) spec.cluster = execClusterInfo(cluster);
    env.KUBERNETES_EXEC_INFO = JSON.stringify({ apiVersion: exec.apiVersion, kind: "ExecCredential", spec });
    return new Promise((resolve, reject) => {
        execFile(exec.command, exec.args, { env, timeout: timeoutMs, maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
            if (err) {
                const code = (err as NodeJS.ErrnoException).code;
                // The plug-in's own output can echo tokens or keys: only a redacted last line is kept.
                const exit =
                    typeof code === "number"
                        ? ` (exit ${code})`
                        : (err as { killed?: boolean }).killed
                          ? " (timed out)"
                          : "";
                const detail =
                    code === "ENOENT" ? "command not found" : `${safeReason(stderr) || "no error output"}${exit}`;
                reject(new ExecCredentialError(`credential plug-in ${exec.command} failed: ${detail}`));
                return;
            }
            let doc: {
                status?: {
                    token?: string;
                    clientCertificateData?: string;
                    clientKeyData?: string;
                    expirationTimestamp?: string;
                };
            };
            try {
                doc = JSON.parse(stdout);
            } catch {
                reject(
                    new ExecCredentialError(
                        `credential plug-in ${exec.command} did not print an ExecCredential (JSON)`,
                    ),
                );
                return;
            }
            const s = doc.status ?? {};
            if (!s.token && !(s.clientCertificateData && s.clientKeyData)) {
                reject(
                    new ExecCredentialError(
                        `credential plug-in ${exec.command} returned neither a token nor a client certificate`,
                    ),
                );
                return;
            }
            resolve({
                token: s.token,
                clientCert: s.clientCertificateData,
                clientKey: s.clientKeyData,
                expiresAt: s.expirationTimestamp ? Date.parse(s.expirationTimestamp) : undefined,
            });
        });
    });
}
