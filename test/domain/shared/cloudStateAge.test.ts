import { strict as assert } from "assert";
import { describeFreshness, freshnessOf, readAtOf } from "../../../domain/shared/cloudStateAge";

const NOW = new Date("2026-12-07T02:30:00Z");
const file = (header: string) => `${header}\ndescription: exported\naws:\n  clusters: []\n`;

describe("cloud-state file age (the # read-at: header)", () => {
    it("reads the time from the leading comment lines only", () => {
        assert.deepEqual(readAtOf(file("# exported by npm run cloud-state\n# read-at: 2026-12-01T10:00:00Z")), {
            kind: "dated",
            at: new Date("2026-12-01T10:00:00Z"),
        });
        assert.deepEqual(readAtOf("\n# read-at: 2026-12-01T10:00:00+02:00\n"), {
            kind: "dated",
            at: new Date("2026-12-01T08:00:00Z"),
        });
        // A read-at line after the first YAML line is content, not the header.
        assert.deepEqual(readAtOf("description: x\n# read-at: 2026-12-01T10:00:00Z\n"), { kind: "undated" });
        assert.deepEqual(readAtOf(file("# written by hand")), { kind: "undated" });
    });

    it("refuses a time without a zone or a date alone, which would be read in the runner's zone", () => {
        assert.deepEqual(readAtOf("# read-at: 2026-12-01\n"), { kind: "malformed", value: "2026-12-01" });
        assert.deepEqual(readAtOf("# read-at: 2026-12-01T10:00:00\n"), {
            kind: "malformed",
            value: "2026-12-01T10:00:00",
        });
        assert.deepEqual(readAtOf("# read-at: 2026-13-45T10:00:00Z\n"), {
            kind: "malformed",
            value: "2026-13-45T10:00:00Z",
        });
    });

    it("is fresh up to exactly maxAgeDays and stale one second later", () => {
        const at = (iso: string) => freshnessOf(file(`# read-at: ${iso}`), NOW, 7);
        assert.equal(at("2026-11-30T02:30:00Z").state, "fresh");
        const stale = at("2026-11-30T02:29:59Z");
        assert.equal(stale.state, "stale");
        assert.equal(at("2026-12-07T02:30:00Z").state, "fresh");
        assert.deepEqual(at("2026-12-07T02:34:00Z"), {
            state: "fresh",
            readAt: new Date("2026-12-07T02:34:00Z"),
            ageDays: 0,
        });
        assert.equal(at("2026-12-07T02:36:00Z").state, "future", "more than the clock tolerance ahead");
        assert.deepEqual(freshnessOf(file("# no header"), NOW, 7), { state: "undated" });
    });

    it("says what was found and what to do", () => {
        const f = (h: string) => describeFreshness("stacks/prod.cloud.yaml", freshnessOf(file(h), NOW, 14), 14, "prod");
        assert.equal(
            f("# read-at: 2026-12-04T02:30:00Z"),
            "stacks/prod.cloud.yaml: read at 2026-12-04T02:30:00.000Z, 3.0 days ago (at most 14)",
        );
        assert.equal(
            f("# read-at: 2026-11-01T14:30:00Z"),
            "stacks/prod.cloud.yaml: read at 2026-11-01T14:30:00.000Z, 35.5 days ago, more than 14; run npm run cloud-state -- --stack prod (or the cloud-state workflow) and commit the file",
        );
        assert.equal(
            f("# by hand"),
            'stacks/prod.cloud.yaml: no "# read-at: <time>" header, so its age is unknown (written by hand?); run npm run cloud-state -- --stack prod (or the cloud-state workflow) and commit the file',
        );
        assert.equal(
            f("# read-at: yesterday"),
            'stacks/prod.cloud.yaml: header "# read-at: yesterday" is not an RFC 3339 time such as 2026-12-07T02:30:00Z; run npm run cloud-state -- --stack prod (or the cloud-state workflow) and commit the file',
        );
    });
});
