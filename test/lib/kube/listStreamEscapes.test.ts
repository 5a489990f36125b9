import { strict as assert } from "assert";
import { ListScanner } from "../../../lib/kube/listStream";

/** Streams the page `chunk` bytes at a time, whole-page parsing off, so the byte scanner cuts every item. */
function scan(text: string, chunk: number) {
    const s = new ListScanner((o) => o, 1 << 20, undefined, 0);
    const buf = Buffer.from(text, "utf8");
    for (let i = 0; i < buf.length; i += chunk) s.write(buf.subarray(i, i + chunk));
    return s.finish();
}

describe("list scanner: runs of backslashes before a quote in long strings", () => {
    // Longer than the scanner's inline look-ahead, so the quote is found by a jump and the backslashes
    // before it are counted: an even run ends the string, an odd run escapes the quote.
    const long = "a".repeat(80);
    const values = [
        `${long}\\`, // text ...\\" : two backslashes, the quote ends the string
        `${long}\\\\`, // four
        `${long}"`, // text ...\" : one, the quote is part of the string
        `${long}\\"`, // text ...\\\" : three
        `${long}\\"}]{`, // and braces after it, which must stay inside the string
        `\\${long}\\\\\\"${long}`,
    ];

    it("cuts each item whole at every chunk size", () => {
        const items = values.map((v, i) => ({
            metadata: { name: `o${i}`, annotations: { note: v } },
            spec: { after: [i] },
        }));
        const text = JSON.stringify({ kind: "ConfigMapList", metadata: {}, items });
        for (const chunk of [1, 2, 3, 5, 47, 48, 49, 81, 82, 83, 84, 1 << 16]) {
            const r = scan(text, chunk);
            assert.deepEqual(r.items, items, `chunk ${chunk}`);
            assert.deepEqual(r.envelope, { kind: "ConfigMapList", metadata: {}, items: [] }, `chunk ${chunk}`);
        }
    });
});
