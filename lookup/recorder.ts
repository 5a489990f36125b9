/**
 * A lookup port that answers exactly as the one it wraps and keeps, for each call that succeeded,
 * what was asked and what was answered: `npm run cloud-state` runs the program's own read step
 * against the live port wrapped so, and writes the answers as the stack's cloud-state file
 * (`lookup/<cloud>/stateExport.ts`). A failed call is not kept: its error reaches the read step
 * unchanged, and the export writes nothing.
 */
export interface RecordedCall {
    /** The port's method, such as `listClusters`. */
    method: string;
    args: unknown[];
    answer: unknown;
}

/** Methods that are not lookups: passed through, not recorded. */
const NOT_LOOKUPS = new Set(["close"]);

/** `lookup` with each of its asynchronous methods recorded into `calls` once its answer arrives. */
export function recording<T extends object>(lookup: T, calls: RecordedCall[]): T {
    const wrapped: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(lookup)) {
        if (typeof value !== "function" || NOT_LOOKUPS.has(key)) {
            wrapped[key] = value;
            continue;
        }
        wrapped[key] = async (...args: unknown[]) => {
            const answer: unknown = await (value as (...a: unknown[]) => Promise<unknown>).apply(lookup, args);
            calls.push({ method: key, args: structuredClone(args), answer: structuredClone(answer) });
            return answer;
        };
    }
    return wrapped as T;
}

/** The calls of one method, in the order they were answered. */
export function callsOf(calls: readonly RecordedCall[], method: string): RecordedCall[] {
    return calls.filter((c) => c.method === method);
}
