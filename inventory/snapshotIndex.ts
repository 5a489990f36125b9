import { hash } from "crypto";
import * as fs from "fs";
import { Finding } from "./findings";
import { objectKey } from "./normalise";
import {
    findingProblem,
    headerProblem,
    kindsProblem,
    objectProblem,
    parseSnapshot,
    SCHEMA_VERSION,
    SnapshotDocument,
    SnapshotFormatError,
} from "./schema";

/**
 * One object of an index: the hash of its canonical text decides whether it changed, and `at` and
 * `length` say where its text is, so that the text is read back only for an object that changed.
 */
export interface IndexedObject {
    hash: string;
    at: number;
    length: number;
}

/** Reads an indexed object's text back from where the index was built: a file, a string, a list. */
export interface ObjectTexts {
    read(o: IndexedObject): string;
    /** Releases the file, if the texts are in one. */
    close(): void;
}

/**
 * What a diff needs from a snapshot: each object's hash by key (its text stays where it is), the
 * kinds that failed (their objects are unknown, not gone) and the findings by id. Built while a
 * snapshot streams, from a stored file read line by line, or from a parsed document.
 */
export interface SnapshotIndex {
    objects: Map<string, IndexedObject>;
    texts: ObjectTexts;
    erroredKinds: Set<string>;
    findings: Map<string, Finding>;
    /** Cluster-finding ids whose evidence was not read: neither opened nor closed. */
    unknownFindings: Set<string>;
}

export interface SnapshotHeader {
    cluster: SnapshotDocument["cluster"];
    startedAt: string;
}

/**
 * SHA-1 of the text's UTF-8 bytes: equal hashes stand for equal texts (an accidental collision of
 * two versions of one object is far less likely than a disk error), and 28 characters per object
 * replace the whole text.
 */
export function objectHash(text: string): string {
    return hash("sha1", text, "base64");
}

/** Texts held in a list (an index of a parsed document, or one built by a test): `at` is the position in it. */
export function listTexts(list: string[]): ObjectTexts {
    return { read: (o) => list[o.at], close: () => undefined };
}

/** Texts inside one string: `at` and `length` are in characters. */
function stringTexts(text: string): ObjectTexts {
    return { read: (o) => text.slice(o.at, o.at + o.length), close: () => undefined };
}

/** Texts inside a file: `at` and `length` are in bytes. The file is opened on the first read. */
export function fileTexts(file: string | number): ObjectTexts {
    let fd = typeof file === "number" ? file : -1;
    return {
        read(o) {
            if (fd < 0) fd = fs.openSync(file as string, "r");
            const buf = Buffer.allocUnsafe(o.length);
            let off = 0;
            while (off < o.length) {
                const n = fs.readSync(fd, buf, off, o.length - off, o.at + off);
                if (n === 0) throw new Error(`the snapshot file ended before an object it indexed (at byte ${o.at})`);
                off += n;
            }
            return buf.toString("utf8");
        },
        close() {
            if (fd >= 0) fs.closeSync(fd);
            fd = -1;
        },
    };
}

/** An index of objects given by key and text, each kept in a list. */
export function indexOfTexts(
    objects: Iterable<[string, string]>,
    rest: Omit<SnapshotIndex, "objects" | "texts">,
): SnapshotIndex {
    const list: string[] = [];
    const map = new Map<string, IndexedObject>();
    for (const [key, text] of objects) {
        map.set(key, { hash: objectHash(text), at: list.length, length: text.length });
        list.push(text);
    }
    return { objects: map, texts: listTexts(list), ...rest };
}

export function indexOf(doc: SnapshotDocument): SnapshotIndex {
    const objects = new Map<string, string>();
    // A carried kind stands as the last snapshot that read it saw it, not as the pages read before the error.
    const carried = new Set(doc.carried?.kinds ?? []);
    for (const [kind, list] of Object.entries(doc.objects))
        if (!carried.has(kind)) for (const o of list) objects.set(objectKey(o), JSON.stringify(o));
    for (const o of doc.carriedObjects ?? []) objects.set(objectKey(o), JSON.stringify(o));
    const erroredKinds = new Set(
        Object.entries(doc.kinds)
            .filter(([k, v]) => v.error && !carried.has(k))
            .map(([k]) => k),
    );
    const findings = new Map(
        [...doc.findings.filter((f) => !carried.has(f.subject.kind)), ...(doc.carriedFindings ?? [])].map((f) => [
            f.id,
            f,
        ]),
    );
    return indexOfTexts(objects, {
        erroredKinds,
        findings,
        unknownFindings: new Set((doc.unknownFindings ?? []).map((u) => u.id)),
    });
}

const PREFIX = `{"schemaVersion":${SCHEMA_VERSION},"tool":"agentless-discovery",`;

/**
 * The index of a snapshot this tool wrote, one line at a time: the writer puts the header, each
 * object, the kinds table and each finding on lines of their own, so only one line is parsed at a
 * time and the object's line is its own canonical text.
 */
class LineIndexer {
    readonly index: SnapshotIndex;
    header: SnapshotHeader | undefined;
    private sawKinds = false;
    private complete = false;
    private readonly carried = new Set<string>();
    private inFindings = false;

    constructor(texts: ObjectTexts) {
        this.index = {
            objects: new Map(),
            texts,
            erroredKinds: new Set(),
            findings: new Map(),
            unknownFindings: new Set(),
        };
    }

    /** One line without its newline; `at` and `length` locate it without a trailing comma. */
    line(line: string, at: number, length: number): void {
        const index = this.index;
        if (line.endsWith(",")) line = line.slice(0, -1);
        if (!this.header) {
            const h = JSON.parse(line + "}") as SnapshotDocument;
            const p = headerProblem(h);
            if (p) throw new Error(p);
            this.header = { cluster: h.cluster, startedAt: h.startedAt };
        } else if (line.startsWith('{"kind":')) {
            const o = JSON.parse(line);
            const p = objectProblem(o, "an object");
            if (p) throw new Error(p);
            index.objects.set(objectKey(o), { hash: objectHash(line), at, length });
        } else if (line.startsWith('{"id":')) {
            const f = JSON.parse(line) as Finding;
            const p = findingProblem(f, "a finding");
            if (p) throw new Error(p);
            if (!(this.inFindings && this.carried.has(f.subject.kind))) index.findings.set(f.id, f);
        } else if (line.startsWith('"findings":[')) {
            this.inFindings = true;
        } else if (line.startsWith('"kinds":')) {
            this.sawKinds = true;
            const kinds = JSON.parse(line.slice('"kinds":'.length)) as SnapshotDocument["kinds"];
            const p = kindsProblem(kinds);
            if (p) throw new Error(p);
            for (const [k, v] of Object.entries(kinds)) if (v.error) index.erroredKinds.add(k);
        } else if (line.startsWith('"carried":')) {
            // Written after the kinds line: a carried kind is known, as of the snapshot it came from.
            // The objects section is behind, the carried objects and all findings ahead: a carried kind
            // stands as the last snapshot that read it saw it, not as the pages read before the error.
            for (const k of (JSON.parse(line.slice('"carried":'.length)) as { kinds: string[] }).kinds) {
                index.erroredKinds.delete(k);
                this.carried.add(k);
            }
            for (const key of [...index.objects.keys()])
                if (this.carried.has(key.slice(0, key.indexOf("/")))) index.objects.delete(key);
        } else if (line.startsWith('"unknownFindings":')) {
            for (const u of JSON.parse(line.slice('"unknownFindings":'.length)) as { id: string }[])
                index.unknownFindings.add(u.id);
        } else if (line.startsWith('"finishedAt":')) {
            this.complete = true;
        }
    }

    finish(where: string): { header: SnapshotHeader; index: SnapshotIndex } {
        if (!this.header || !this.sawKinds || !this.complete)
            throw new SnapshotFormatError(`${where} is not a complete snapshot (it ends early)`);
        return { header: this.header, index: this.index };
    }
}

function notComplete(where: string, e: unknown): SnapshotFormatError {
    return new SnapshotFormatError(`${where} is not a complete snapshot (${(e as Error).message})`);
}

/**
 * Builds the index of a snapshot held as text without parsing the whole document (LineIndexer). Any
 * other layout of a valid snapshot (reformatted by hand) falls back to a full parse.
 */
export function indexFromText(text: string, where: string): { header: SnapshotHeader; index: SnapshotIndex } {
    if (!text.startsWith(PREFIX)) {
        const doc = parseSnapshot(text, where);
        return { header: { cluster: doc.cluster, startedAt: doc.startedAt }, index: indexOf(doc) };
    }
    const indexer = new LineIndexer(stringTexts(text));
    try {
        for (let start = 0; start < text.length;) {
            let end = text.indexOf("\n", start);
            if (end < 0) end = text.length;
            const line = text.slice(start, end);
            indexer.line(line, start, line.endsWith(",") ? line.length - 1 : line.length);
            start = end + 1;
        }
    } catch (e) {
        throw notComplete(where, e);
    }
    return indexer.finish(where);
}

const CHUNK = 1 << 20;

/**
 * The index of a snapshot file read line by line, a megabyte at a time: memory holds the index (a
 * hash per object) and one line, never the file's text. The objects' texts stay in the file, which
 * `index.texts` keeps open for the diff to read changed objects back; the caller closes it. A file
 * in any other layout is read whole and parsed (indexFromText). `fd` is an open regular file
 * (lib/regularFile.ts's openRegularFile): on an error it is closed here.
 */
export function indexFromFile(fd: number, where: string): { header: SnapshotHeader; index: SnapshotIndex } {
    const texts = fileTexts(fd);
    try {
        const chunk = Buffer.allocUnsafe(CHUNK);
        let pos = 0;
        let n = fs.readSync(fd, chunk, 0, CHUNK, 0);
        if (n < PREFIX.length || chunk.toString("utf8", 0, PREFIX.length) !== PREFIX) {
            const parts: Buffer[] = [];
            while (n > 0) {
                parts.push(Buffer.from(chunk.subarray(0, n)));
                pos += n;
                n = fs.readSync(fd, chunk, 0, CHUNK, pos);
            }
            texts.close();
            return indexFromText(Buffer.concat(parts).toString("utf8"), where);
        }
        const indexer = new LineIndexer(texts);
        // A line longer than what is left of a chunk is gathered from the parts of several.
        let pending: Buffer[] = [];
        let lineAt = 0;
        const take = (bytes: Buffer, at: number) => {
            let length = bytes.length;
            if (length && bytes[length - 1] === 0x2c) length--;
            indexer.line(bytes.toString("utf8"), at, length);
        };
        try {
            while (n > 0) {
                const view = chunk.subarray(0, n);
                let start = 0;
                for (let nl = view.indexOf(10, start); nl >= 0; nl = view.indexOf(10, start)) {
                    if (pending.length) {
                        pending.push(view.subarray(start, nl));
                        take(Buffer.concat(pending), lineAt);
                        pending = [];
                    } else take(view.subarray(start, nl), pos + start);
                    start = nl + 1;
                    lineAt = pos + start;
                }
                if (start < n) pending.push(Buffer.from(view.subarray(start)));
                pos += n;
                n = fs.readSync(fd, chunk, 0, CHUNK, pos);
            }
            if (pending.length) take(Buffer.concat(pending), lineAt);
        } catch (e) {
            throw notComplete(where, e);
        }
        return indexer.finish(where);
    } catch (e) {
        texts.close();
        throw e;
    }
}
