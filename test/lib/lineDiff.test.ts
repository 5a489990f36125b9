import { strict as assert } from "assert";
import { lineDiff } from "../../lib/lineDiff";

describe("lineDiff", () => {
    it("is empty for equal texts", () => {
        assert.deepEqual(lineDiff("a\nb\n", "a\nb\n"), []);
    });

    it("names the line each change starts at in the first text, removed lines before added ones", () => {
        assert.deepEqual(lineDiff("a\nb\nc\nd\n", "a\nx\nc\nd\ne\n"), ["@@ line 2", "-b", "+x", "@@ line 5", "+e"]);
    });

    it("keeps the common lines between two changes out of the output", () => {
        const before = ["k: 1", "a", "b", "c", "d", "z: 2"].join("\n");
        const after = ["k: 1", "a", "b2", "c", "d", "z: 3"].join("\n");
        assert.deepEqual(lineDiff(before, after), ["@@ line 3", "-b", "+b2", "@@ line 6", "-z: 2", "+z: 3"]);
    });
});
