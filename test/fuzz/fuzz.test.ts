import { strict as assert } from "assert";
import { formatReport, FuzzOptions, runFuzz } from "./run";
import { TARGETS } from "./targets";

describe("fuzzer (npm run fuzz)", function () {
    this.timeout(120_000);

    it("a bounded run over every parser: no crash, no hang (seed 20261207, 25 cases each)", async () => {
        const opts: FuzzOptions = {
            seed: 20261207,
            cases: 25,
            seconds: 60,
            targets: TARGETS.filter((t) => !t.hidden).map((t) => t.name),
            hangMs: 5000,
        };
        const report = await runFuzz(opts);
        assert.deepEqual(report.failures, [], formatReport(report, opts));
        assert.deepEqual(Object.keys(report.counts), ["stack", "cloud-state", "kubeconfig", "snapshot", "list"]);
        for (const [t, c] of Object.entries(report.counts)) {
            assert.equal(c.accepted + c.clean, 25, t);
            // Mutations that keep nothing valid, or nothing invalid, would test little.
            assert.ok(c.accepted > 0 && c.clean > 0, `${t}: ${JSON.stringify(c)}`);
        }
    });

    it("classifies a crash and a hang, goes on after the hang, and prints the seed and the rerun command", async () => {
        const opts: FuzzOptions = { seed: 1, cases: 20, seconds: 60, targets: ["selftest"], hangMs: 500 };
        const report = await runFuzz(opts);
        assert.deepEqual(
            report.failures.map((f) => `${f.kind} ${f.index}`),
            ["crash 0", "crash 3", "crash 7", "hang 19"],
        );
        const { slowestMs: _, slowestCase: __, ...counts } = report.counts.selftest;
        assert.deepEqual(counts, { accepted: 11, clean: 5, crash: 3, hang: 1 });
        const text = formatReport(report, opts);
        assert.match(text, /^fuzz seed 1\n/);
        assert.ok(
            text.includes(
                "HANG selftest case 19: no answer within 500 ms\n  rerun: npm run fuzz -- --seed 1 --target selftest --case 19\n  or with the cases before it: npm run fuzz -- --seed 1 --target selftest --cases 20\n",
            ),
            text,
        );
        assert.ok(
            text.includes("CRASH selftest case 3: TypeError: Cannot read properties of undefined (reading 'x')\n"),
            text,
        );
        assert.match(text, /FAIL: 4 crash\(es\) or hang\(s\)\n$/);
    });
});
