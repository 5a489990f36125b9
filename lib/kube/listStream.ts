/**
 * Reads a list answer as a stream of items: each element of the top-level `items` array is cut out
 * of the bytes as they arrive, parsed alone and handed to `map` (normalisation), so memory holds one
 * raw object and the mapped page, never the page's text or its parsed whole. An object larger
 * than `maxObjectBytes` is skipped without being held, and reported.
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

const Q = 34, BS = 92, LB = 123, RB = 125, LS = 91, RS = 93, COMMA = 44, COLON = 58;
const WS = new Set([32, 9, 10, 13]);
const ENVELOPE_CAP = 1 << 20;

export class ListScanner<U> {
    private depth = 0;
    private inString = false;
    private escape = false;
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

    constructor(private readonly map: (raw: Record<string, unknown>) => U, private readonly maxObjectBytes: number) {}

    private keep(chunk: Buffer, from: number, to: number): void {
        if (to <= from) return;
        this.envelopeBytes += to - from;
        if (this.envelopeBytes > ENVELOPE_CAP) throw new Error(`the list without its items is over ${ENVELOPE_CAP} bytes`);
        this.envelope.push(chunk.subarray(from, to));
    }

    private take(chunk: Buffer, from: number, to: number): void {
        if (to <= from) return;
        this.elementBytes += to - from;
        if (this.elementDropped) return;
        if (this.elementBytes > this.maxObjectBytes) {
            this.elementDropped = true;
            this.element = [];
            return;
        }
        // A view, not a copy: it pins at most one socket chunk per piece until the element is parsed.
        this.element!.push(chunk.subarray(from, to));
    }

    private finishElement(chunk: Buffer, from: number, to: number): void {
        this.take(chunk, from, to);
        if (this.elementDropped) this.oversized.push({ index: this.index, bytes: this.elementBytes });
        else this.items.push(this.map(JSON.parse(Buffer.concat(this.element!).toString("utf8"))));
        this.element = undefined;
        this.elementBytes = 0;
        this.elementDropped = false;
        this.index++;
    }

    write(chunk: Buffer): void {
        let mark = 0; // start of the bytes not yet given to the envelope or the element
        for (let i = 0; i < chunk.length; i++) {
            const c = chunk[i];
            if (this.inString) {
                if (!this.escape && c !== BS && c !== Q && (this.depth !== 1 || this.element)) {
                    // Fast path through long strings (annotations, labels): jump to the next quote and
                    // count the backslashes before it; an odd count means it is escaped.
                    let q = chunk.indexOf(Q, i);
                    for (;;) {
                        if (q < 0) {
                            let n = 0;
                            while (n < chunk.length - i && chunk[chunk.length - 1 - n] === BS) n++;
                            this.escape = n % 2 === 1;
                            i = chunk.length;
                            break;
                        }
                        let n = 0;
                        while (q - 1 - n >= i && chunk[q - 1 - n] === BS) n++;
                        if (n % 2 === 0) {
                            i = q - 1; // the loop's increment lands on the closing quote
                            break;
                        }
                        q = chunk.indexOf(Q, q + 1);
                    }
                    continue;
                }
                if (this.escape) this.escape = false;
                else if (c === BS) this.escape = true;
                else if (c === Q) {
                    this.inString = false;
                    if (this.depth === 1 && !this.element) this.candidateKey = Buffer.from(this.keyBytes).toString("utf8");
                } else if (this.depth === 1 && this.keyBytes.length < 64) this.keyBytes.push(c);
                continue;
            }
            if (this.inItems && this.depth === 1 && !this.element) {
                // Between elements of items: commas and spaces are dropped, a map starts an element.
                if (c === RS) {
                    this.inItems = false;
                    mark = i;
                    continue;
                }
                if (c === COMMA || WS.has(c)) {
                    mark = i + 1;
                    continue;
                }
                if (c !== LB) {
                    throw new NonObjectItem(this.index, c === Q ? "a string" : c === LS ? "a JSON array" : c === 110 ? "null" : c === 116 || c === 102 ? "a boolean" : "a number");
                }
                this.element = [];
                mark = i;
            }
            if (c === Q) {
                this.inString = true;
                if (this.depth === 1) this.keyBytes = [];
            } else if (c === LB || c === LS) {
                if (c === LS && this.depth === 1 && !this.element && this.lastKey === "items") {
                    this.keep(chunk, mark, i + 1);
                    mark = i + 1;
                    this.inItems = true;
                    this.itemsArray = true;
                    continue; // depth stays: elements sit at depth 1 inside items
                }
                this.depth++;
            } else if (c === RB || c === RS) {
                this.depth--;
                if (this.element && this.depth === 1 && this.inItems) {
                    this.finishElement(chunk, mark, i + 1);
                    mark = i + 1;
                }
            } else if (c === COLON && this.depth === 1 && !this.element) {
                this.lastKey = this.candidateKey;
            } else if (c === COMMA && this.depth === 1 && !this.element) {
                this.lastKey = undefined;
            }
        }
        if (this.element) this.take(chunk, mark, chunk.length);
        else this.keep(chunk, mark, chunk.length);
    }

    finish(): ScannedList<U> {
        const text = Buffer.concat(this.envelope).toString("utf8");
        return { envelope: text.trim() ? JSON.parse(text) : undefined, itemsArray: this.itemsArray, items: this.items, oversized: this.oversized };
    }
}

export class NonObjectItem extends Error {
    constructor(readonly index: number, readonly what: string) {
        super(`items[${index}] that is ${what}`);
    }
}
