import { getHeapStatistics } from "v8";

/** Above this much live-or-dead heap after a cluster, a run collects before the next one. */
export const COLLECT_ABOVE_BYTES = 256 << 20;

/**
 * A full garbage collection only when the heap holds more than `limitBytes` and the process was
 * started with `--expose-gc` (`npm run snapshot` is). A cluster's index is a hash per object and is
 * dropped with the cluster, so V8's own schedule keeps a fleet's memory flat: a forced collection
 * after every cluster only cost time (two per cluster doubled a 200-cluster run's wall time). What
 * is left is one very large cluster's garbage, collected here before the next cluster starts, so a
 * run's peak stays that of its largest cluster. Returns whether it collected.
 */
export function collectGarbageIfLarge(limitBytes = COLLECT_ABOVE_BYTES): boolean {
    const gc = (globalThis as { gc?: () => void }).gc;
    if (!gc || getHeapStatistics().used_heap_size <= limitBytes) return false;
    gc();
    return true;
}
