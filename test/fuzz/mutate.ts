/**
 * Seeded inputs for the fuzzer: a small PRNG (mulberry32) and mutations of a seed's bytes. The
 * input of case `i` of target `t` under seed `s` depends on (s, t, i) alone, so one case can be
 * rerun without the ones before it (`npm run fuzz -- --seed S --target T --case I`).
 */

export type Rng = () => number;

export function mulberry32(seed: number): Rng {
    let a = seed >>> 0;
    return () => {
        a = (a + 0x6d2b79f5) >>> 0;
        let t = a;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}

/** FNV-1a of the parts: the case's own seed. */
export function caseSeed(seed: number, target: string, index: number): number {
    let h = 0x811c9dc5;
    for (const ch of `${seed}/${target}/${index}`) {
        h ^= ch.charCodeAt(0);
        h = Math.imul(h, 0x01000193) >>> 0;
    }
    return h;
}

const int = (rng: Rng, n: number) => Math.floor(rng() * n);
const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[int(rng, xs.length)];

/** Tokens that parsers of YAML, JSON and these files' shapes stumble on. */
export const COMMON_TOKENS = [
    "null",
    "~",
    "[]",
    "{}",
    "true",
    "0",
    "-1",
    "1e309",
    "1234567890123456789012",
    ".inf",
    "-.inf",
    ".nan",
    '""',
    "''",
    "&a",
    "*a",
    "!!binary",
    "!!str",
    "<<: *a",
    "- ",
    ": ",
    "? ",
    "#",
    "|",
    ">-",
    "---",
    "...",
    "\t",
    "\n",
    "\r\n",
    "\u0000",
    "\u001b[31m",
    "\u2028",
    "\ufeff",
    "\\",
    '"',
    "'",
    ",",
    "{",
    "}",
    "[",
    "]",
    "__proto__",
    "constructor",
    "toString",
    "hasOwnProperty",
    "é",
    "😀",
    "\ud800",
];

/** Random JSON values, a few levels deep: the raw material of generated (not mutated) inputs. */
export function randomValue(rng: Rng, depth = 0): unknown {
    const r = rng();
    if (depth > 3 || r < 0.35) {
        return pick(rng, [
            null,
            true,
            false,
            0,
            -1,
            3.5,
            1e21,
            "",
            "x",
            "us-east-1",
            "https://10.0.0.1:6443",
            pick(rng, COMMON_TOKENS),
        ]);
    }
    if (r < 0.65) return Array.from({ length: int(rng, 4) }, () => randomValue(rng, depth + 1));
    const o: Record<string, unknown> = {};
    for (let i = int(rng, 5); i > 0; i--)
        o[pick(rng, [...COMMON_TOKENS, "name", "kind", "items"])] = randomValue(rng, depth + 1);
    return o;
}

/** One mutation of `b`; `others` are the target's other seeds (for splicing), `tokens` its own words. */
function mutateOnce(rng: Rng, b: Buffer, others: Buffer[], tokens: readonly string[]): Buffer {
    const at = int(rng, b.length + 1);
    const span = Math.min(b.length - at, 1 + int(rng, 64));
    const token = Buffer.from(pick(rng, tokens), "utf8");
    switch (int(rng, 10)) {
        case 0: {
            if (!b.length) return token;
            const c = Buffer.from(b);
            c[Math.min(at, b.length - 1)] ^= 1 << int(rng, 8);
            return c;
        }
        case 1:
            return Buffer.concat([b.subarray(0, at), b.subarray(at + span)]);
        case 2:
            return Buffer.concat([b.subarray(0, at + span), b.subarray(at, at + span), b.subarray(at + span)]);
        case 3:
        case 4:
            return Buffer.concat([b.subarray(0, at), token, b.subarray(at)]);
        case 5:
            return Buffer.concat([b.subarray(0, at), token, b.subarray(at + span)]);
        case 6:
            return b.subarray(0, at);
        case 7: {
            const o = others.length ? pick(rng, others) : b;
            return Buffer.concat([b.subarray(0, at), o.subarray(int(rng, o.length + 1))]);
        }
        case 8: {
            // Deep nesting: far past what a recursive reader survives.
            const n = pick(rng, [70, 1000, 5000]);
            const open = pick(rng, ["[", '{"a":', "- ", "a:\n "]);
            return Buffer.concat([b.subarray(0, at), Buffer.from(open.repeat(n)), b.subarray(at)]);
        }
        default: {
            // A long run of one token: big scalars, many keys.
            return Buffer.concat([
                b.subarray(0, at),
                Buffer.from(pick(rng, tokens).repeat(1 + int(rng, 2000))),
                b.subarray(at),
            ]);
        }
    }
}

export const MAX_INPUT_BYTES = 64 << 10;

/** A case's input: mostly 1 to 4 mutations of a seed; sometimes generated from random values, or random bytes. */
export function makeInput(rng: Rng, seeds: Buffer[], tokens: readonly string[]): Buffer {
    const r = rng();
    if (r < 0.08) return Buffer.from(JSON.stringify(randomValue(rng)), "utf8");
    if (r < 0.1) return Buffer.from(Array.from({ length: int(rng, 256) }, () => int(rng, 256)));
    let b = pick(rng, seeds);
    for (let n = 1 + int(rng, 4); n > 0; n--) b = mutateOnce(rng, b, seeds, [...tokens, ...COMMON_TOKENS]);
    // Bounded, so that a case's time says something about the parser: the `yaml` package reads some
    // malformed documents at about 13 µs a byte (docs/verification.md, "Fuzzing").
    return b.subarray(0, MAX_INPUT_BYTES);
}
