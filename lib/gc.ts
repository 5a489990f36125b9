/**
 * A full garbage collection when the process was started with `--expose-gc` (`npm run snapshot`
 * is): V8 grows the heap lazily up to its limit, so without it the garbage of each cluster's
 * snapshot and diff would pile up and peak memory would grow with the number of clusters in a run.
 * Without the flag (the `agentless-discovery` bin, a library caller) V8's own schedule applies.
 */
export function collectGarbage(): void {
    (globalThis as { gc?: () => void }).gc?.();
}
