/**
 * The project's one error vocabulary, each printed on its own line without a stack trace: a user's
 * mistake in configuration (ConfigError), on the command line (UsageError) or in a cloud-state file
 * (CloudStateError), and a cloud lookup that failed (LookupError). The CLI maps each to its exit code.
 */

/**
 * A user's mistake in stack configuration. The message always names the key, the value and what
 * is allowed, so that it can be printed on its own: no stack trace is ever shown for it.
 *
 * `__pulumiRunError` makes the Pulumi CLI treat it like `pulumi.RunError` (a clean exit with the
 * message only) without importing `@pulumi/pulumi` here, which keeps this module cheap to load.
 */
export class ConfigError extends Error {
    readonly __pulumiRunError = true;

    constructor(
        readonly key: string,
        readonly value: unknown,
        readonly allowed: string,
    ) {
        super(
            value === undefined
                ? `config key "${key}" is missing; expected ${allowed}`
                : `config key "${key}" has value ${show(value)}; expected ${allowed}`,
        );
        this.name = "ConfigError";
    }
}

/** Renders a config value for a message: short, on one line, strings quoted. */
export function show(value: unknown): string {
    const text = typeof value === "string" ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
    return text.length > 160 ? `${text.slice(0, 157)}...` : text;
}

export function isConfigError(e: unknown): e is ConfigError {
    return e instanceof ConfigError || (e as { name?: string } | undefined)?.name === "ConfigError";
}

/**
 * A mistake in a cloud-state file (the offline answers to the program's cloud lookups). Like a
 * ConfigError it names the file, the key path, the value and what is allowed, and is printed
 * without a stack trace (`__pulumiRunError`).
 */
export class CloudStateError extends Error {
    readonly __pulumiRunError = true;

    constructor(
        readonly file: string,
        readonly key: string,
        readonly value: unknown,
        readonly allowed: string,
    ) {
        super(
            value === undefined
                ? `cloud-state file ${file}: key "${key}" is missing; expected ${allowed}`
                : `cloud-state file ${file}: key "${key}" has value ${show(value)}; expected ${allowed}`,
        );
        this.name = "CloudStateError";
    }
}

/**
 * A cloud lookup that failed (permission denied, region disabled, API off). It names the cloud
 * call, the scope it was made in and the cloud's own reason. It is thrown before any resource is
 * declared, so a failed lookup never plans the deletion of what an earlier run made in that scope.
 */
export class LookupError extends Error {
    readonly __pulumiRunError = true;

    constructor(
        readonly call: string,
        readonly scope: string,
        readonly reason: string,
    ) {
        super(`cloud lookup ${call} in ${scope} failed: ${reason}; nothing is declared for ${scope} until it succeeds`);
        this.name = "LookupError";
    }
}

/** The cloud's own reason from an SDK error: its code or name, and its message, on one line. */
export function cloudReason(e: unknown): string {
    const err = e as { code?: unknown; name?: unknown; message?: unknown; statusCode?: unknown } | undefined;
    const code = [err?.code, err?.name].find((v) => typeof v === "string" && v !== "Error");
    const message = typeof err?.message === "string" ? err.message : String(e);
    const text = code && !message.startsWith(String(code)) ? `${code}: ${message}` : message;
    return text.replace(/\s+/g, " ").trim().slice(0, 500);
}

/** A mistake on the command line or in a file the user named: printed alone, exit code 2. */
export class UsageError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "UsageError";
    }
}

const SYSTEM_REASONS: Record<string, string> = {
    ENOSPC: "no space left on the device",
    EDQUOT: "disk quota exceeded",
    EROFS: "the file system is read-only",
    EACCES: "permission denied",
    EPERM: "operation not permitted",
    EIO: "input/output error",
    EMFILE: "too many open files",
};

/** One line for an operating-system error (`ENOSPC` on a write...), or undefined for anything else. */
export function systemErrorLine(e: unknown): string | undefined {
    const err = e as NodeJS.ErrnoException | undefined;
    if (!err || typeof err.code !== "string" || !err.syscall || !(err.code in SYSTEM_REASONS)) return undefined;
    return `${SYSTEM_REASONS[err.code]} (${err.code}, ${err.syscall}${err.path ? ` ${err.path}` : ""})`;
}
