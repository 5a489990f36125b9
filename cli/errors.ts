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
