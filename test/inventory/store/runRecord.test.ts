import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { spawnSync } from "child_process";
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

    it("leave nothing under a record's name when the run is killed while writing it, and the next run takes the name", async () => {
        const out = fs.mkdtempSync(path.join(os.tmpdir(), "run-record-kill-"));
        try {
            const stamp = "2026-11-24T20-00-00-000Z";
            const local = path.join(__dirname, "../../../inventory/store/local");
            // The child dies (SIGKILL, as a kill -9 or the OOM killer would) at its first write of record bytes.
            const child = spawnSync(
                process.execPath,
                [
                    "--import",
                    "tsx",
                    "-e",
                    `const fs = require("fs");
                     fs.writeSync = () => process.kill(process.pid, "SIGKILL");
                     const { LocalStore } = require(${JSON.stringify(local)});
                     void new LocalStore(${JSON.stringify(out)}, 1).writeRun(${JSON.stringify(stamp)}, { run: "killed" });`,
                ],
                { encoding: "utf8" },
            );
            assert.equal(child.signal, "SIGKILL", child.stderr);
            const runs = path.join(out, "runs");
            assert.deepEqual(
                fs.readdirSync(runs).filter((f) => !f.startsWith(".tmp-")),
                [],
                "no record name is visible with less than the whole record",
            );
            const file = await new LocalStore(out, 1).writeRun(stamp, { run: "next" });
            assert.equal(path.basename(file), `${stamp}.json`);
            assert.equal(JSON.parse(fs.readFileSync(file, "utf8")).run, "next");
            assert.deepEqual(fs.readdirSync(runs), [`${stamp}.json`], "the killed run's temporary file is swept");
        } finally {
            fs.rmSync(out, { recursive: true, force: true });
        }
    });
});
