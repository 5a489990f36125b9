/**
 * Reads a list answer with memory bounded whatever its objects' size. A page up to `maxObjectBytes`
 * (8 MiB by default; the usual page of 500 objects is about 1 MiB) is parsed whole, the fastest way,
 * and cannot hold an oversized object. A larger page is read as a stream of items: each element of
 * the top-level `items` array is cut out of the bytes as they arrive, parsed alone and handed to
 * `map` (normalisation), so memory holds one raw object and the mapped page, never the page's text
 * or its parsed whole; an object larger than `maxObjectBytes` is skipped without being held, and
 * reported.
 */

export interface OversizedObject {
    /** Position in the page's items. */
    index: number;
    bytes: number;
}

export interface ScannedList<U> {
    /** The list without its items (`"items":[]`), parsed: kind, metadata, continue token. */
    envelope: unknown;
    /** True when `items` was an array: the envelope's `items` is then empty by construction. */
    itemsArray: boolean;
    items: U[];
    oversized: OversizedObject[];
}

const Q = 34,
    BS = 92,
    LB = 123,
    RB = 125,
    LS = 91,
    RS = 93,
    COMMA = 44,
    COLON = 58;
const ENVELOPE_CAP = 1 << 20;

export class ListScanner<U> {
    private depth = 0;
    private inString = false;
    private escape = false;
    // Stryker disable next-line ArrayDeclaration: the first string at depth 1 resets it before any key is read
    private keyBytes: number[] = [];
    private candidateKey?: string;
    private lastKey?: string;
    private inItems = false;
    private itemsArray = false;
    private element: Buffer[] | undefined;
    private elementBytes = 0;
    private elementDropped = false;
    private index = 0;
    private envelope: Buffer[] = [];
    private envelopeBytes = 0;
    private readonly items: U[] = [];
    private readonly oversized: OversizedObject[] = [];
    /** The page's chunks while it is small enough to be parsed whole; undefined once streaming. */
    private pending: Buffer[] | undefined = [];
    private pendingBytes = 0;
    private announced = false;

    /**
     * `onItemsStart` is handed the list's `metadata.continue` as soon as `items` begins: Kubernetes
     * writes metadata first, so the next page can be asked for while this one streams in.
     */
    constructor(
        private readonly map: (raw: Record<string, unknown>) => U,
        private readonly maxObjectBytes: number,
        private readonly onItemsStart?: (continueToken: string | undefined) => void,
        /** Pages up to this many bytes are parsed whole (tests set 0 to stream every page). */
        private readonly wholePageBytes = maxObjectBytes,
    ) {
        if (wholePageBytes > maxObjectBytes)
            throw new Error("wholePageBytes over maxObjectBytes would let an oversized object through");
    }

    /** Hands on the continue token of `head`, the list's text up to and including `"items":[`. */
    private announceItems(head: string): void {
        if (!this.onItemsStart || this.announced) return;
        this.announced = true;
        let token: unknown;
        try {
            // Stryker disable next-line OptionalChaining: without metadata the TypeError is caught below, the same as no token
            token = (JSON.parse(head + "]}") as { metadata?: { continue?: unknown } }).metadata?.continue;
        } catch {
            // Stryker disable next-line BlockStatement: without the return the token is undefined and not handed on, the same
            return; // an envelope that does not close this way: the page's end will tell
        }
        if (typeof token === "string" && token) this.onItemsStart(token);
    }

    write(chunk: Buffer): void {
        if (!this.pending) return this.scan(chunk);
        this.pending.push(chunk);
        this.pendingBytes += chunk.length;
        // Stryker disable next-line ConditionalExpression,LogicalOperator,EqualityOperator: announceItems guards itself; this only bounds what is concatenated to look for the token
        if (!this.announced && this.onItemsStart && this.pendingBytes <= 1 << 16) {
            const head = Buffer.concat(this.pending);
            const at = head.indexOf('"items":[');
            // Stryker disable next-line EqualityOperator: a JSON object cannot hold `"items":[` at its first byte
            if (at >= 0) this.announceItems(head.toString("utf8", 0, at + 9));
        }
        // Stryker disable next-line ConditionalExpression,EqualityOperator: streaming a page that could be parsed whole gives the same list (listStream tests), only slower
        if (this.pendingBytes <= this.wholePageBytes) return;
        // Too large to hold whole: stream it, from its first byte.
        const held = this.pending;
        this.pending = undefined;
        for (const c of held) this.scan(c);
    }

    private keep(chunk: Buffer, from: number, to: number): void {
        // Stryker disable next-line ConditionalExpression,EqualityOperator: an empty piece adds nothing
        if (to <= from) return;
        this.envelopeBytes += to - from;
        if (this.envelopeBytes > ENVELOPE_CAP)
            throw new Error(`the list without its items is over ${ENVELOPE_CAP} bytes`);
        this.envelope.push(chunk.subarray(from, to));
    }

    private take(chunk: Buffer, from: number, to: number): void {
        // Stryker disable next-line ConditionalExpression,EqualityOperator: an empty piece adds nothing
        if (to <= from) return;
        this.elementBytes += to - from;
        // Stryker disable next-line ConditionalExpression: a dropped element is over the limit, so the check below drops it again
        if (this.elementDropped) return;
        if (this.elementBytes > this.maxObjectBytes) {
            this.elementDropped = true;
            // Stryker disable next-line ArrayDeclaration: a dropped element's pieces are never read
            this.element = [];
            return;
        }
        // A view, not a copy: it pins at most one socket chunk per piece until the element is parsed.
        this.element!.push(chunk.subarray(from, to));
    }

    private finishElement(chunk: Buffer, from: number, to: number): void {
        // Stryker disable next-line ConditionalExpression,EqualityOperator,ArithmeticOperator: which path parses an element within the limit changes only the copying, not the item
        if (this.elementDropped || this.element!.length > 0 || to - from + this.elementBytes > this.maxObjectBytes) {
            this.take(chunk, from, to);
            if (this.elementDropped) this.oversized.push({ index: this.index, bytes: this.elementBytes });
            else this.items.push(this.map(JSON.parse(Buffer.concat(this.element!).toString("utf8"))));
        } else {
            // The usual case, an element within one socket chunk: decoded straight from it, no copy.
            this.items.push(this.map(JSON.parse(chunk.toString("utf8", from, to))));
        }
        this.element = undefined;
        this.elementBytes = 0;
        this.elementDropped = false;
        this.index++;
    }

    /**
     * Inside an element, from `i`: only strings and nesting matter, so this loop keeps its state in
     * locals (the hot path of a 50,000-pod list). Returns the index of the element's closing brace,
     * or -1 when the chunk ends first (the state is kept for the next chunk).
     */
    private scanElement(chunk: Buffer, i: number): number {
        const n = chunk.length;
        let depth = this.depth;
        let inString = this.inString;
        let escape = this.escape;
        for (; i < n; i++) {
            const c = chunk[i];
            if (inString) {
                if (escape) escape = false;
                else if (c === BS) escape = true;
                else if (c === Q) inString = false;
                else {
                    // Most strings are short keys and values: look a few bytes ahead inline, and
                    // jump through a long one (annotations, labels) with indexOf. Skipping less of
                    // the string is only slower: the byte loop above reads any byte the same.
                    // Stryker disable BlockStatement,MethodExpression,ArithmeticOperator,ConditionalExpression,EqualityOperator: skipping less only costs time (see above); the tests cut strings at every byte

                    let j = i + 1;
                    const stop = Math.min(n, i + 48);
                    while (j < stop && chunk[j] !== Q && chunk[j] !== BS) j++;
                    if (j < stop) {
                        i = j - 1; // the next iteration handles the quote or backslash
                    } else if (j < n) {
                        const q = chunk.indexOf(Q, j);
                        if (q < 0) {
                            escape = chunk[n - 1] === BS && trailingBackslashes(chunk, n) % 2 === 1;
                            break;
                        }
                        // The quote closes the string unless an odd run of backslashes escapes it.
                        i = trailingBackslashes(chunk, q) % 2 === 1 ? q : q - 1;
                        if (i === q) continue; // escaped: still in the string, keep scanning after it
                    } else {
                        break; // the chunk ends inside the look-ahead, which stops at a backslash: none is pending
                    }
                }
                // Stryker restore BlockStatement,MethodExpression,ArithmeticOperator,ConditionalExpression,EqualityOperator
                continue;
            }
            if (c === Q) inString = true;
            else if (c === LB || c === LS) depth++;
            else if (c === RB || c === RS) {
                if (--depth === 1) {
                    this.depth = depth;
                    this.inString = false;
                    this.escape = false;
                    return i;
                }
            }
        }
        this.depth = depth;
        this.inString = inString;
        this.escape = escape;
        return -1;
    }

    private scan(chunk: Buffer): void {
        let mark = 0; // start of the bytes not yet given to the envelope or the element
        for (let i = 0; i < chunk.length; i++) {
            if (this.element) {
                const end = this.scanElement(chunk, i);
                if (end < 0) break;
                this.finishElement(chunk, mark, end + 1);
                mark = end + 1;
                i = end;
                continue;
            }
            const c = chunk[i];
            if (this.inString) {
                // Outside elements: the envelope's keys and values, a few hundred bytes a page.
                if (this.escape) this.escape = false;
                else if (c === BS) this.escape = true;
                else if (c === Q) {
                    this.inString = false;
                    // Stryker disable next-line ConditionalExpression: in JSON a colon at depth 1 follows a depth-1 key, which sets it again
                    if (this.depth === 1) this.candidateKey = Buffer.from(this.keyBytes).toString("utf8");
                    // Stryker disable next-line ConditionalExpression,LogicalOperator,EqualityOperator: deeper strings come after their key is read and before the next resets it; the cap only bounds memory, "items" is 5 bytes
                } else if (this.depth === 1 && this.keyBytes.length < 64) this.keyBytes.push(c);
                continue;
            }
            // Stryker disable next-line ConditionalExpression: between items the depth is always 1 (elements are read by scanElement)
            if (this.inItems && this.depth === 1) {
                // Between elements of items: commas and spaces are dropped, a map starts an element.
                if (c === RS) {
                    this.inItems = false;
                    mark = i;
                    continue;
                }
                if (c === COMMA || c === 32 || c === 10 || c === 13 || c === 9) {
                    mark = i + 1;
                    continue;
                }
                if (c !== LB) {
                    throw new NonObjectItem(
                        this.index,
                        c === Q
                            ? "a string"
                            : c === LS
                              ? "a JSON array"
                              : c === 110
                                ? "null"
                                : c === 116 || c === 102
                                  ? "a boolean"
                                  : "a number",
                    );
                }
                this.element = [];
                this.depth = 2;
                mark = i;
                continue;
            }
            if (c === Q) {
                this.inString = true;
                // Stryker disable next-line ConditionalExpression: bytes of deeper strings are not collected, so emptying there changes nothing
                if (this.depth === 1) this.keyBytes = [];
            } else if (c === LB || c === LS) {
                if (c === LS && this.depth === 1 && this.lastKey === "items") {
                    this.keep(chunk, mark, i + 1);
                    mark = i + 1;
                    this.inItems = true;
                    this.itemsArray = true;
                    this.announceItems(Buffer.concat(this.envelope).toString("utf8"));
                    continue; // depth stays: elements sit at depth 1 inside items
                }
                this.depth++;
            } else if (c === RB || c === RS) {
                this.depth--;
                // Stryker disable next-line ConditionalExpression,LogicalOperator: a byte outside strings at depth 1 is a colon after a key or a comma after a value, and a deeper colon repeats the last key
            } else if (c === COLON && this.depth === 1) {
                this.lastKey = this.candidateKey;
                // Stryker disable next-line ConditionalExpression,EqualityOperator,BlockStatement: the next key's colon sets lastKey before any bracket at depth 1
            } else if (c === COMMA && this.depth === 1) {
                this.lastKey = undefined;
            }
        }
        if (this.element) this.take(chunk, mark, chunk.length);
        else this.keep(chunk, mark, chunk.length);
    }

    finish(): ScannedList<U> {
        if (this.pending) return this.finishWhole(Buffer.concat(this.pending).toString("utf8"));
        const text = Buffer.concat(this.envelope).toString("utf8");
        return {
            envelope: text.trim() ? JSON.parse(text) : undefined,
            itemsArray: this.itemsArray,
            items: this.items,
            oversized: this.oversized,
        };
    }

    private finishWhole(text: string): ScannedList<U> {
        const body: unknown = text.trim() ? JSON.parse(text) : undefined;
        const list = body as { items?: unknown } | undefined;
        if (typeof list !== "object" || list === null || Array.isArray(list) || !Array.isArray(list.items))
            return { envelope: body, itemsArray: false, items: [], oversized: [] };
        const raw = list.items as unknown[];
        const bad = raw.findIndex((x) => typeof x !== "object" || x === null || Array.isArray(x));
        if (bad >= 0) throw new NonObjectItem(bad, describe(raw[bad]));
        const items = raw.map((x) => this.map(x as Record<string, unknown>));
        return { envelope: { ...list, items: [] }, itemsArray: true, items, oversized: [] };
    }
}

/** What a JSON value is, in the words of the errors. */
function describe(v: unknown): string {
    return v === null
        ? "null"
        : Array.isArray(v)
          ? "a JSON array"
          : typeof v === "string"
            ? "a string"
            : typeof v === "boolean"
              ? "a boolean"
              : "a number";
}

export class NonObjectItem extends Error {
    constructor(
        readonly index: number,
        readonly what: string,
    ) {
        super(`items[${index}] that is ${what}`);
    }
}

/** How many backslashes stand right before `at`. */
function trailingBackslashes(chunk: Buffer, at: number): number {
    let n = 0;
    // Before the chunk's start the index reads undefined, which is no backslash.
    while (chunk[at - 1 - n] === BS) n++;
    return n;
}
