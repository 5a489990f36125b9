import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { diffIndexes } from "../../inventory/diff";
import { indexFromFile, indexFromText, SnapshotIndex } from "../../inventory/snapshotIndex";

const GOLDEN = path.join(__dirname, "..", "fixtures", "golden", "snapshot-1.json");

/** Each object's key, hash and text as read back, the findings and the errored kinds. */
function seen(x: SnapshotIndex): unknown[] {
    return [
        [...x.objects].map(([key, o]) => [key, o.hash, x.texts.read(o)]),
        [...x.findings.keys()],
        [...x.erroredKinds],
    ];
}

describe("snapshot index from a file, line by line", () => {
    it("locates every object by its bytes: lines longer than the read chunk, multi-byte characters before and inside them", () => {
        const text = fs.readFileSync(GOLDEN, "utf8");
        // 2.6 MiB of two-, three- and four-byte characters in one pod's labels: the line spans three 1 MiB chunks.
        const big = "é€😀".repeat(290_000);
        const edited = text.replace('"labels":{', `"labels":{"big":"${big}",`);
        assert.notStrictEqual(edited, text);
        const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "index-")), "s.json");
        fs.writeFileSync(file, edited);
        const fromFile = indexFromFile(fs.openSync(file, "r"), file);
        try {
            assert.deepStrictEqual(seen(fromFile.index), seen(indexFromText(edited, file).index));
            assert.deepStrictEqual(fromFile.header, indexFromText(edited, file).header);
            const diff = diffIndexes(indexFromText(text, GOLDEN).index, fromFile.index);
            assert.deepStrictEqual(
                diff.changed.map((c) => [c.key, c.fields]),
                [["Node/node-0", ["labels"]]],
            );
        } finally {
            fromFile.index.texts.close();
        }
    });

    it("refuses a file cut anywhere inside its last object as not complete, naming it", () => {
        const text = fs.readFileSync(GOLDEN, "utf8");
        const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "index-")), "cut.json");
        fs.writeFileSync(file, text.slice(0, text.indexOf('"kinds":') - 40));
        assert.throws(
            () => indexFromFile(fs.openSync(file, "r"), file),
            // Node 22's JSON.parse adds the line and column to Node 20's message.
            (e: Error) =>
                e.message === `${file} is not a complete snapshot (Unterminated string in JSON at position 229)` ||
                e.message ===
                    `${file} is not a complete snapshot (Unterminated string in JSON at position 229 (line 1 column 230))`,
        );
    });

    it("reads a snapshot in another layout (reformatted by hand) by parsing it whole", () => {
        const text = fs.readFileSync(GOLDEN, "utf8");
        const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "index-")), "pretty.json");
        fs.writeFileSync(file, JSON.stringify(JSON.parse(text), null, 2));
        const pretty = indexFromFile(fs.openSync(file, "r"), file).index;
        const lines = indexFromText(text, GOLDEN).index;
        assert.deepStrictEqual(seen(pretty), seen(lines));
    });
});
