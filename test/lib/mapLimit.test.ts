import { strict as assert } from "assert";
import { allInOrder, mapLimit, mapLimitPerGroup } from "../../lib/mapLimit";
import { LookupError } from "../../lib/errors";
import { inFlight } from "../helpers/inFlight";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const gauge = inFlight;

describe("mapLimit", () => {
    it("answers in the items' order although later items finish first, with never more than limit in flight", async () => {
        const g = gauge();
        const items = Array.from({ length: 20 }, (_, i) => i);
        // Earlier items take longer: they finish last.
        const out = await mapLimit(items, 4, (i, index) => g.run([], String(i), 20 - i, () => `c${i}@${index}`));
        assert.deepEqual(
            out,
            items.map((i) => `c${i}@${i}`),
        );
        assert.equal(g.max(), 4);
        assert.deepEqual(g.started, items.map(String), "items start in order");
    });

    it("with limit 1 runs one call at a time, as the loop it replaces did", async () => {
        const g = gauge();
        assert.deepEqual(await mapLimit(["a", "b", "c"], 1, (x) => g.run([], x, 2, () => x.toUpperCase())), [
            "A",
            "B",
            "C",
        ]);
        assert.equal(g.max(), 1);
    });

    it("answers [] for no items without calling, and uses no more workers than items", async () => {
        const g = gauge();
        assert.deepEqual(await mapLimit([], 8, () => g.run([], "x", 1, () => 1)), []);
        assert.deepEqual(g.started, []);
        assert.deepEqual(await mapLimit([1, 2], 64, (x) => g.run([], String(x), 1, () => x * 2)), [2, 4]);
        assert.equal(g.max(), 2);
    });

    it("starts no further call after a failure and rejects with the LookupError of the earliest failing item, whatever finished first", async () => {
        const g = gauge();
        const items = Array.from({ length: 30 }, (_, i) => `eu-west-1/c${String(i).padStart(2, "0")}`);
        // c03 fails late, c05 fails at once: the sequential loop would have reported c03.
        const fail = new Set(["eu-west-1/c03", "eu-west-1/c05"]);
        await assert.rejects(
            mapLimit(items, 4, (scope) =>
                g.run([], scope, scope.endsWith("c03") ? 30 : 1, () => {
                    if (fail.has(scope))
                        throw new LookupError("eks:DescribeCluster", scope, "AccessDeniedException: denied");
                    return scope;
                }),
            ),
            (e: Error) => {
                assert.ok(e instanceof LookupError);
                assert.equal(
                    e.message,
                    "cloud lookup eks:DescribeCluster in eu-west-1/c03 failed: AccessDeniedException: denied; nothing is declared for eu-west-1/c03 until it succeeds",
                );
                return true;
            },
        );
        // c05 failed while c03, c04, c06 and c07 ran (c06 and c07 started as c04 and c05's slots freed), then nothing else started.
        assert.ok(g.started.length < items.length, `${g.started.length} calls started`);
        assert.ok(!g.started.includes("eu-west-1/c10"), g.started.join(" "));
        assert.equal(g.max(), 4);
    });

    it("catches a function that throws synchronously", async () => {
        await assert.rejects(
            mapLimit([1, 2, 3], 2, (x) => {
                if (x === 2) throw new Error("sync 2");
                return Promise.resolve(x);
            }),
            { message: "sync 2" },
        );
    });

    it("refuses a limit that is not a whole number of at least 1", async () => {
        for (const bad of [0, -1, 1.5, Number.NaN]) {
            await assert.rejects(
                mapLimit([1], bad, async (x) => x),
                { name: "RangeError", message: `mapLimit: limit ${bad} is not an integer of at least 1` },
            );
        }
    });
});

describe("mapLimitPerGroup", () => {
    it("runs the groups side by side, at most limit per group, and answers in the items' order", async () => {
        const g = gauge();
        const items = ["eu-west-1", "us-east-1", "ap-south-1"].flatMap((r) =>
            Array.from({ length: 9 }, (_, i) => `${r}/c${i}`),
        );
        // Interleave the regions so that grouping, not input order, decides what runs together.
        const mixed = items.map((_, i) => items[(i * 7) % items.length]);
        const region = (s: string) => s.split("/")[0];
        const out = await mapLimitPerGroup(mixed, region, 3, (s) => g.run([region(s)], s, 5, () => s.toUpperCase()));
        assert.deepEqual(
            out,
            mixed.map((s) => s.toUpperCase()),
        );
        for (const r of ["eu-west-1", "us-east-1", "ap-south-1"]) assert.equal(g.max(r), 3, r);
        assert.equal(g.max(), 9, "three regions at three calls each");
    });

    it("rejects with the earliest failing group's error (in order of first appearance)", async () => {
        const items = ["b/1", "a/1", "b/2", "a/2"];
        await assert.rejects(
            mapLimitPerGroup(
                items,
                (s) => s[0],
                2,
                async (s) => {
                    // a fails first in time, but b comes first in the items.
                    await sleep(s === "b/2" ? 20 : 1);
                    if (s.endsWith("/2")) throw new Error(`failed ${s}`);
                    return s;
                },
            ),
            { message: "failed b/2" },
        );
    });
});

describe("allInOrder", () => {
    it("runs every lookup side by side and answers in the given order", async () => {
        const gauge = inFlight();
        const out = await allInOrder([
            gauge.run([], "slow", 30, () => "a"),
            gauge.run([], "fast", 5, () => 2),
            Promise.resolve(undefined),
        ] as const);
        assert.deepEqual(out, ["a", 2, undefined]);
        assert.equal(gauge.max(), 2);
    });

    it("lets every lookup finish, then rejects with the first failure in the given order, not in time", async () => {
        const gauge = inFlight();
        let lateDone = false;
        const fail = (label: string, ms: number) =>
            gauge.run([], label, ms, () => {
                throw new LookupError("iam:GetRole", label, "AccessDenied");
            });
        await assert.rejects(
            allInOrder([
                gauge.run([], "ok", 1, () => 1),
                fail("roles/first-in-order", 40),
                fail("roles/first-in-time", 1),
                gauge.run([], "late", 60, () => {
                    lateDone = true;
                }),
            ] as const),
            { message: /roles\/first-in-order/ },
        );
        assert.ok(lateDone, "a lookup still running when another failed is awaited, so nothing is left unhandled");
    });
});
