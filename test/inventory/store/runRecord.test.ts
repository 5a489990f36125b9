import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { LocalStore } from "../../../inventory/store/local";

describe("run records of runs started in the same millisecond", () => {
    it("are kept side by side, the second and third with a suffix, none overwritten", async () => {
        const out = fs.mkdtempSync(path.join(os.tmpdir(), "run-record-"));
        try {
            const store = new LocalStore(out, 1);
            const stamp = "2026-11-24T20-00-00-000Z";
            const files = await Promise.all([1, 2, 3].map((run) => store.writeRun(stamp, { run })));
            assert.deepEqual(
                files.map((f) => path.basename(f)),
                [`${stamp}.json`, `${stamp}-1.json`, `${stamp}-2.json`],
            );
            assert.deepEqual(
                files.map((f) => JSON.parse(fs.readFileSync(f, "utf8")).run),
                [1, 2, 3],
            );
            assert.equal(fs.statSync(files[1]).mode & 0o777, 0o600);
            assert.deepEqual(fs.readdirSync(path.join(out, "runs")).sort(), [
                `${stamp}-1.json`,
                `${stamp}-2.json`,
                `${stamp}.json`,
            ]);
        } finally {
            fs.rmSync(out, { recursive: true, force: true });
        }
    });
});
