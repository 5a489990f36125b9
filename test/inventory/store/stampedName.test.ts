import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { LocalStore } from "../../../inventory/store/local";
import { byStampedName, stampedName } from "../../../inventory/store/types";

const X = "2026-11-24T20-00-00-000Z";
const Y = "2026-11-24T20-00-00-001Z";

describe("snapshot and run record names with a same-millisecond suffix", () => {
    it("are <stamp>.json, then <stamp>-1.json, <stamp>-2.json...", () => {
        assert.deepEqual(
            [0, 1, 2, 10].map((n) => stampedName(X, n)),
            [`${X}.json`, `${X}-1.json`, `${X}-2.json`, `${X}-10.json`],
        );
    });

    it("sort oldest first by stamp, then by suffix as a number", () => {
        const names = [`${Y}.json`, `${X}-10.json`, `${X}.json`, `${X}-2.json`, `${X}-1.json`];
        assert.deepEqual([...names].sort(byStampedName), [
            `${X}.json`,
            `${X}-1.json`,
            `${X}-2.json`,
            `${X}-10.json`,
            `${Y}.json`,
        ]);
    });

    it("local store: without a pointer the newest suffix is the latest, and retention removes the oldest", async () => {
        const out = fs.mkdtempSync(path.join(os.tmpdir(), "stamped-name-"));
        try {
            const commit = async (store: LocalStore, stamp: string, run: number) => {
                const p = await store.begin("shop", stamp);
                fs.writeSync(p.fd, `{"run":${run}}\n`);
                return path.basename((await store.commit(p)).location);
            };
            const names: string[] = [];
            for (let run = 0; run < 11; run++) names.push(await commit(new LocalStore(out, 20), X, run));
            assert.deepEqual(
                names,
                Array.from({ length: 11 }, (_, n) => stampedName(X, n)),
            );
            fs.rmSync(path.join(out, "shop", "latest"));
            const latest = await new LocalStore(out, 20).readLatest("shop");
            assert.deepEqual([path.basename(latest!.location), JSON.parse(latest!.text).run], [`${X}-10.json`, 10]);
            await commit(new LocalStore(out, 3), Y, 11);
            assert.deepEqual(
                fs
                    .readdirSync(path.join(out, "shop"))
                    .filter((f) => f.endsWith(".json"))
                    .sort(byStampedName),
                [`${X}-9.json`, `${X}-10.json`, `${Y}.json`],
            );
        } finally {
            fs.rmSync(out, { recursive: true, force: true });
        }
    });
});
