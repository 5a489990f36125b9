import { strict as assert } from "assert";
import { parseDocument } from "../../policies/iamDocuments";

describe("parseDocument", () => {
    it("reads a document without statements, JSON null, a number and a bare string as no statements, without error", () => {
        for (const doc of [
            '{"Version":"2012-10-17"}',
            "null",
            "5",
            '"text"',
            { Version: "2012-10-17" },
            null,
            undefined,
        ]) {
            assert.deepEqual(parseDocument(doc), { statements: [] }, JSON.stringify(doc));
        }
    });

    it("reads one statement object as a list of one", () => {
        const s = { Effect: "Allow", Action: "eks:DescribeCluster", Resource: "*" };
        assert.deepEqual(parseDocument(JSON.stringify({ Statement: s })), { statements: [s] });
    });
});
