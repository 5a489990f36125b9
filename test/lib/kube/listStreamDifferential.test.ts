import { strict as assert } from "assert";
import { ListScanner, NonObjectItem } from "../../../lib/kube/listStream";

// The list scanner against JSON.parse: for generated list pages (strings with quotes, backslash runs
// and brackets, keys named items at other depths, whitespace between every token), cut into chunks
// anywhere, the items and the envelope are what JSON.parse reads, and the objects over the limit are
// the ones whose text is over it.

/** A small seeded generator (mulberry32), so a failure names a case that can be run again. */
function rng(seed: number) {
    let a = seed;
    return () => {
        a = (a + 0x6d2b79f5) | 0;
        let t = Math.imul(a ^ (a >>> 15), 1 | a);
        t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}

const PIECES = ['"', "\\", "\\\\", "{", "}", "[", "]", ",", ":", "items", "é", "雪", " ", "x".repeat(50)];

function gen(r: () => number) {
    const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)];
    const str = (): string => {
        let s = "";
        const n = Math.floor(r() * 8);
        for (let i = 0; i < n; i++) s += pick(PIECES);
        return s;
    };
    const value = (depth: number): unknown => {
        const k = r();
        if (depth > 3 || k < 0.3) return str();
        if (k < 0.4) return Math.floor(r() * 1000) - 500;
        if (k < 0.45) return pick([true, false, null]);
        if (k < 0.7) return Array.from({ length: Math.floor(r() * 4) }, () => value(depth + 1));
        return object(depth + 1);
    };
    const object = (depth: number): Record<string, unknown> => {
        const o: Record<string, unknown> = {};
        const n = Math.floor(r() * 4);
        for (let i = 0; i < n; i++) o[pick(["items", "metadata", str(), "k" + i])] = value(depth);
        return o;
    };
    const items = Array.from({ length: Math.floor(r() * 5) }, () => object(1));
    const before = object(1);
    const after = object(1);
    delete before.items;
    delete after.items;
    return { ...before, metadata: { continue: str(), items: [str()] }, items, ...after };
}

function scan(text: string, cuts: number[], max: number, wholePageBytes = 0) {
    const s = new ListScanner((o) => o, max, undefined, wholePageBytes);
    const buf = Buffer.from(text, "utf8");
    let at = 0;
    for (const c of [...cuts, buf.length]) {
        s.write(buf.subarray(at, c));
        at = c;
    }
    return s.finish();
}

describe("list scanner against JSON.parse, on generated pages", function () {
    this.timeout(60_000);

    it("reads the items and the envelope of every page, cut anywhere, compact or indented", () => {
        const r = rng(25);
        for (let n = 0; n < 400; n++) {
            const doc = gen(r);
            const text = JSON.stringify(doc, null, n % 3 === 0 ? undefined : n % 3 === 1 ? 1 : "\t \r\n");
            const len = Buffer.byteLength(text);
            const cuts = [...new Set(Array.from({ length: Math.floor(r() * 6) }, () => Math.floor(r() * len)))].sort(
                (a, b) => a - b,
            );
            const got = scan(text, cuts, 1 << 20);
            assert.deepEqual(
                [got.items, got.envelope, got.itemsArray, got.oversized],
                [doc.items, { ...doc, items: [] }, true, []],
                `case ${n}: ${text} cut at ${cuts}`,
            );
        }
    });

    it("skips exactly the objects whose text is over the limit, naming their index and size", () => {
        const r = rng(7);
        for (let n = 0; n < 200; n++) {
            const doc = gen(r);
            const text = JSON.stringify(doc);
            const sizes = doc.items.map((i) => Buffer.byteLength(JSON.stringify(i)));
            if (!sizes.length) continue;
            const max = sizes[Math.floor(r() * sizes.length)] - (n % 2);
            const len = Buffer.byteLength(text);
            const cuts = [...new Set(Array.from({ length: Math.floor(r() * 6) }, () => Math.floor(r() * len)))].sort(
                (a, b) => a - b,
            );
            const got = scan(text, cuts, Math.max(max, 1));
            const over = sizes.map((s, index) => ({ index, bytes: s })).filter((s) => s.bytes > Math.max(max, 1));
            assert.deepEqual(
                [got.items, got.oversized],
                [doc.items.filter((_, i) => sizes[i] <= Math.max(max, 1)), over],
                `case ${n}: ${text} cut at ${cuts}, limit ${max}`,
            );
        }
    });

    it("names what a non-object item is, streamed or parsed whole", () => {
        const cases: [string, string][] = [
            ['"s"', "a string"],
            ["[1]", "a JSON array"],
            ["null", "null"],
            ["true", "a boolean"],
            ["false", "a boolean"],
            ["-1", "a number"],
            ["3.5", "a number"],
        ];
        for (const [item, what] of cases)
            for (const whole of [0, 1 << 20])
                assert.throws(
                    () => scan(`{"items":[{"a":1}, ${item}]}`, [3], 1 << 20, whole),
                    (e: unknown) =>
                        e instanceof NonObjectItem && e.index === 1 && e.message === `items[1] that is ${what}`,
                    `${item} ${whole}`,
                );
    });

    it("refuses an envelope over 1 MiB without its items, and takes one of exactly 1 MiB", () => {
        const page = (bytes: number) => {
            const shell = '{"a":"","items":[{"x":1}]}';
            return `{"a":"${"y".repeat(bytes - (shell.length - '{"x":1}'.length))}","items":[{"x":1}]}`;
        };
        assert.deepEqual(scan(page(1 << 20), [5], 1 << 20).items, [{ x: 1 }]);
        assert.throws(() => scan(page((1 << 20) + 1), [5], 1 << 20), {
            message: "the list without its items is over 1048576 bytes",
        });
    });

    it("hands on the continue token once, as items begin, whether the page is parsed whole or streamed", () => {
        const tokens = (text: string, wholePageBytes: number, cut = 4) => {
            const seen: (string | undefined)[] = [];
            const s = new ListScanner(
                (o) => o,
                1 << 20,
                (t) => seen.push(t),
                wholePageBytes,
            );
            const buf = Buffer.from(text);
            for (let i = 0; i < buf.length; i += cut) s.write(buf.subarray(i, i + cut));
            s.finish();
            return seen;
        };
        for (const whole of [0, 1 << 20]) {
            assert.deepEqual(tokens('{"metadata":{"continue":"c1"},"items":[{},{}]}', whole), ["c1"], `${whole}`);
            assert.deepEqual(tokens('{"metadata":{"continue":""},"items":[{}]}', whole), [], `${whole}`);
            assert.deepEqual(tokens('{"metadata":{"continue":5},"items":[{}]}', whole), [], `${whole}`);
            assert.deepEqual(tokens('{"metadata":{},"items":[{}]}', whole), [], `${whole}`);
            assert.deepEqual(tokens('{"metadata":{"continue":"c2"},"items":[]}', whole, 1), ["c2"], `${whole}`);
        }
    });
});

describe("list scanner: pages that are not a list of items", () => {
    it("keeps an items map, or an array inside it, in the envelope, streamed or parsed whole", () => {
        for (const text of ['{"items":{"a":[{"b":1}]}}', '{"items":{"x":1},"more":[{"c":2}]}'])
            for (const whole of [0, 1 << 20]) {
                const got = scan(text, [4, 9], 1 << 20, whole);
                assert.deepEqual([got.envelope, got.itemsArray, got.items], [JSON.parse(text), false, []], text);
            }
    });

    it("reads a page of only white space as no envelope", () => {
        for (const whole of [0, 1 << 20]) {
            const got = scan(" \n\t ", [2], 1 << 20, whole);
            assert.deepEqual([got.envelope, got.itemsArray, got.items], [undefined, false, []]);
        }
    });
});
