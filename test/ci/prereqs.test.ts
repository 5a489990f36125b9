import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ROOT } from "../helpers/cli";

const SCRIPT = path.join(ROOT, "scripts", "test-prereqs.sh");

/** A PATH holding only the named programs (as symlinks), so the script sees a machine without the others. */
function pathWith(programs: string[]): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "prereqs-"));
    for (const p of programs) {
        const found = spawnSync("bash", ["-c", `command -v ${p}`], { encoding: "utf8" }).stdout.trim();
        if (found) fs.symlinkSync(found, path.join(dir, p));
    }
    return dir;
}

describe("scripts/test-prereqs.sh (run by .ci/run and pr.yml before npm test)", () => {
    it("passes on this machine, which has moto, openssl and script", () => {
        const r = spawnSync("bash", [SCRIPT], { encoding: "utf8" });
        assert.equal(r.status, 0, r.stderr);
        assert.equal(r.stderr, "");
    });

    it("names each missing program and how to install it, and exits 1", () => {
        // No apt-get, sudo, pip or python3 on this PATH: nothing can be installed, everything is reported.
        const r = spawnSync("/bin/bash", [SCRIPT], { encoding: "utf8", env: { PATH: pathWith(["id", "env"]) } });
        assert.equal(r.status, 1);
        assert.deepEqual(r.stderr.trim().split("\n"), [
            "test prerequisite missing: python3 (apt-get install python3)",
            "test prerequisite missing: openssl (apt-get install openssl)",
            "test prerequisite missing: script from util-linux (apt-get install bsdutils)",
            "test prerequisite missing: go 1.26 or later, for npm run test:engines (https://go.dev/doc/install)",
        ]);
    });

    it(".ci/run checks the prerequisites before installing and testing", () => {
        const lines = fs.readFileSync(path.join(ROOT, ".ci", "run"), "utf8").split("\n");
        const at = (l: string) => lines.indexOf(l);
        assert.ok(at("bash scripts/test-prereqs.sh") >= 0);
        assert.ok(at("bash scripts/test-prereqs.sh") < at("npm ci --no-audit --no-fund"));
        assert.ok(at("npm ci --no-audit --no-fund") < at("npm test"));
    });
});
