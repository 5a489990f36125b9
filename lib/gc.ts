import * as v8 from "v8";
import * as vm from "vm";

let gc: (() => void) | undefined | null;

/**
 * A full garbage collection, when the runtime allows one. V8 grows the heap lazily up to its
 * limit (gigabytes on a large machine), so without this the garbage of each cluster's snapshot
 * and diff would pile up and peak memory would grow with the number of clusters in a run.
 */
export function collectGarbage(): void {
    if (gc === undefined) {
        try {
            v8.setFlagsFromString("--expose-gc");
            gc = vm.runInNewContext("gc") as () => void;
        } catch {
            gc = null;
        }
    }
    gc?.();
}
