/**
 * What may be stored or printed of text that can carry credentials: server URLs written with
 * user:password, and the error output of credential plug-ins (which sometimes echo tokens).
 */

/** `https://user:pass@host/` becomes `https://REDACTED@host/`; anything that is not a URL is returned as is. */
export function redactUrl(server: string): string {
    let u: URL;
    try {
        u = new URL(server);
    } catch {
        return server;
    }
    if (!u.username && !u.password) return server;
    u.username = "REDACTED";
    u.password = "";
    return u.toString().replace(/\/$/, server.endsWith("/") ? "/" : "");
}

const SECRET_PATTERNS: RegExp[] = [
    // key=value and key: value pairs whose key names a secret
    /\b((?:access[_-]?)?token|secret|password|passwd|pwd|api[_-]?key|authorization|credential|client[_-]?secret)(["']?\s*[:=]\s*["']?)[^\s"',;]+/gi,
    // HTTP authorization schemes
    /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/g,
    // user:password@ inside URLs
    /(\w+:\/\/)[^\s/@]+@/g,
    // JWTs, and any long run of base64/hex that looks like key material
    /\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)?/g,
    /[A-Za-z0-9+/_-]{32,}={0,2}/g,
];

/**
 * A short reason safe to keep in a run record: the last non-empty line of a plug-in's error output,
 * with anything that looks like a credential replaced and at most 200 characters.
 */
export function safeReason(text: string, max = 200): string {
    const line =
        text
            .split(/\r?\n/)
            .map((l) => l.trim())
            .filter(Boolean)
            .pop() ?? "";
    let out = line;
    out = out.replace(SECRET_PATTERNS[0], (_m, k: string, sep: string) => `${k}${sep}REDACTED`);
    out = out.replace(SECRET_PATTERNS[1], (_m, scheme: string) => `${scheme} REDACTED`);
    out = out.replace(SECRET_PATTERNS[2], (_m, scheme: string) => `${scheme}REDACTED@`);
    out = out.replace(SECRET_PATTERNS[3], "REDACTED").replace(SECRET_PATTERNS[4], "REDACTED");
    return out.length > max ? `${out.slice(0, max - 1)}…` : out;
}
