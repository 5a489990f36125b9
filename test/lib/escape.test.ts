import * as assert from "assert";
import { escapeControl } from "../../lib/escape";

describe("escapeControl", () => {
    it("makes newline, carriage return, tab, ESC, other C0, DEL, C1 and line separators visible", () => {
        assert.strictEqual(escapeControl("x\n✓ fake: complete"), "x\\n✓ fake: complete");
        assert.strictEqual(escapeControl("\x1b[2J\x1b[31mred\r\t"), "\\x1b[2J\\x1b[31mred\\r\\t");
        assert.strictEqual(escapeControl("a\x00b\x07c\x7fd\x9be\u2028f"), "a\\x00b\\x07c\\x7fd\\x9be\\u2028f");
    });

    it("keeps printable text, non-ASCII letters and backslashes, and escaping twice changes nothing", () => {
        const plain = "Pod team-0/app-ü C:\\data «ok» ✓";
        assert.strictEqual(escapeControl(plain), plain);
        const once = escapeControl("r\n\x1b[0m");
        assert.strictEqual(escapeControl(once), once);
    });
});
