import { show } from "../config/errors";

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
