import { ConfigError } from "../lib/errors";
import { DEFAULT_LOOKUP_CONCURRENCY, MAX_LOOKUP_CONCURRENCY } from "../lib/mapLimit";

/**
 * `<cloud>.lookupConcurrency`: how many of the stack's read-only lookup calls run at once (per
 * region on AWS). An integer from 1 (one call at a time) to 64; `pulumi config set` stores
 * digits as a string, which is accepted too.
 */
export function lookupConcurrency(v: unknown, path: string): number {
    if (v === undefined || v === null) return DEFAULT_LOOKUP_CONCURRENCY;
    const n = typeof v === "string" && /^\d+$/.test(v) ? Number(v) : v;
    if (typeof n !== "number" || !Number.isInteger(n) || n < 1 || n > MAX_LOOKUP_CONCURRENCY) {
        throw new ConfigError(
            path,
            v,
            `an integer from 1 to ${MAX_LOOKUP_CONCURRENCY}: how many lookup calls run at once (default ${DEFAULT_LOOKUP_CONCURRENCY}; 1 reads one cluster at a time)`,
        );
    }
    return n;
}
