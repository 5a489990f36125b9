import { strict as assert } from "assert";
import { noWildcardIamActions } from "../../../policies/rules/noWildcardIamActions";

const ROLE = "arn:aws:iam::123456789012:role/audit-log-firehose";
const policy = (...statements: object[]) => ({
    type: "aws:iam/rolePolicy:RolePolicy",
    name: "p",
    inputs: { role: "r", policy: JSON.stringify({ Version: "2012-10-17", Statement: statements }) },
});
const judge = (...statements: object[]) => noWildcardIamActions.validate(policy(...statements));

describe("no-wildcard-iam-actions: what counts as a wildcard action", () => {
    it("fails an action with a ? wildcard, which IAM expands like *", () => {
        assert.deepEqual(judge({ Sid: "S", Effect: "Allow", Action: ["eks:DescribeCluste?"], Resource: "*" }), [
            'statement S grants the wildcard action "eks:DescribeCluste?"',
        ]);
        assert.deepEqual(judge({ Sid: "S", Effect: "Allow", Action: "iam:?assRole", Resource: ROLE }), [
            'statement S grants the wildcard action "iam:?assRole"',
        ]);
    });

    it("passes an action named in full", () => {
        assert.deepEqual(judge({ Sid: "S", Effect: "Allow", Action: "eks:DescribeCluster", Resource: "*" }), []);
    });
});

describe("no-wildcard-iam-actions: iam:PassRole", () => {
    const passRole = (Resource: string | string[]) => ({
        Sid: "Pass",
        Effect: "Allow",
        Action: "iam:PassRole",
        Resource,
        Condition: { StringEquals: { "iam:PassedToService": "firehose.amazonaws.com" } },
    });

    it("passes PassRole on named roles to a named service", () => {
        assert.deepEqual(judge(passRole([ROLE, "arn:aws:iam::123456789012:role/other"])), []);
    });

    it("fails PassRole when any one of its resources is not a named role, even if another is", () => {
        for (const other of ["*", "arn:aws:iam::123456789012:role/*", "arn:aws:s3:::bucket"]) {
            assert.deepEqual(
                judge(passRole([ROLE, other])),
                ["statement Pass grants iam:PassRole, which lets the holder hand roles to services"],
                other,
            );
        }
    });
});
