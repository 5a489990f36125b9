import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { writeFileAtomic } from "../../lib/atomicWrite";

describe("writeFileAtomic", () => {
    let dir: string;
    beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "atomic-"))));
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("replaces a file whole, keeping its permission bits, and leaves no temporary file", () => {
        const f = path.join(dir, "s.cloud.yaml");
        fs.writeFileSync(f, "old\n", { mode: 0o600 });
        writeFileAtomic(f, "new\n");
        assert.equal(fs.readFileSync(f, "utf8"), "new\n");
        assert.equal(fs.statSync(f).mode & 0o777, 0o600);
        assert.deepEqual(fs.readdirSync(dir), ["s.cloud.yaml"]);
    });

    it("on a failed rename (the target is a directory) throws, removes its temporary file and leaves the target as it was", () => {
        const target = path.join(dir, "taken");
        fs.mkdirSync(target);
        fs.writeFileSync(path.join(target, "inside"), "x");
        assert.throws(
            () => writeFileAtomic(target, "new\n"),
            (e: NodeJS.ErrnoException) => {
                assert.ok(["EISDIR", "ENOTEMPTY", "EEXIST"].includes(e.code ?? ""), e.code);
                return true;
            },
        );
        assert.deepEqual(fs.readdirSync(dir), ["taken"]);
        assert.deepEqual(fs.readdirSync(target), ["inside"]);
    });
});
