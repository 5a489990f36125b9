import { strict as assert } from "assert";
import { collectGarbageIfLarge } from "../../lib/gc";

describe("collectGarbageIfLarge", () => {
    const holder = globalThis as { gc?: () => void };
    const saved = holder.gc;
    afterEach(() => {
        if (saved) holder.gc = saved;
        else delete holder.gc;
    });

    it("collects only when the heap holds more than the limit, and only when gc is exposed", () => {
        let calls = 0;
        holder.gc = () => calls++;
        assert.strictEqual(collectGarbageIfLarge(2 ** 40), false);
        assert.strictEqual(calls, 0);
        assert.strictEqual(collectGarbageIfLarge(1), true);
        assert.strictEqual(calls, 1);
        delete holder.gc;
        assert.strictEqual(collectGarbageIfLarge(1), false);
    });
});
