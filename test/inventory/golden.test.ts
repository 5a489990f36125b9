import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { produceGolden } from "../fixtures/goldenSnapshots";

const GOLDEN = path.join(__dirname, "..", "fixtures", "golden");

describe("snapshot and diff output, byte for byte", function () {
    this.timeout(60_000);

    it("writes the same snapshot files, run diffs and `snapshot diff` text as the code before hashed indexes", async () => {
        const files = await produceGolden();
        if (process.env.GOLDEN_WRITE === "1")
            for (const [name, text] of files) fs.writeFileSync(path.join(GOLDEN, name), text);
        assert.deepStrictEqual([...files.keys()].sort(), fs.readdirSync(GOLDEN).sort());
        for (const [name, text] of files)
            assert.strictEqual(text, fs.readFileSync(path.join(GOLDEN, name), "utf8"), name);
    });
});
