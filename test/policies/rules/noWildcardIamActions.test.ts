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

describe("no-wildcard-iam-actions: iam:PassRole's resources and condition", () => {
    const pass = (statement: object) =>
        judge({ Sid: "Pass", Effect: "Allow", Action: "iam:PassRole", Resource: ROLE, ...statement });
    const FAILS = ["statement Pass grants iam:PassRole, which lets the holder hand roles to services"];
    const FIREHOSE = { StringEquals: { "iam:PassedToService": "firehose.amazonaws.com" } };

    it("passes a named role in another partition, and a list of named services", () => {
        assert.deepEqual(
            pass({ Resource: "arn:aws-cn:iam::123456789012:role/audit-log-firehose", Condition: FIREHOSE }),
            [],
        );
        assert.deepEqual(
            pass({
                Condition: {
                    StringEquals: { "iam:PassedToService": ["firehose.amazonaws.com", "logs.amazonaws.com"] },
                },
            }),
            [],
        );
    });

    it("fails a role ARN with a wildcard before or after it, no Resource, no service, and a service that is only a pattern", () => {
        for (const statement of [
            { Resource: `*${ROLE}`, Condition: FIREHOSE },
            { Resource: `${ROLE}*`, Condition: FIREHOSE },
            { Resource: undefined, Condition: FIREHOSE },
            { Condition: { StringEquals: { "iam:PassedToService": [] } } },
            { Condition: { StringLike: { "iam:PassedToService": "*.amazonaws.com" } } },
            { Condition: undefined },
        ]) {
            assert.deepEqual(pass(statement), FAILS, JSON.stringify(statement));
        }
    });
});

describe("no-wildcard-iam-actions: which documents", () => {
    const wide = JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }],
    });
    const validate = (type: string, inputs: Record<string, unknown>) =>
        noWildcardIamActions.validate({ type, name: "r", inputs });

    it("reads the role's inline policies, users' and groups' policies, and skips a document not known at preview", () => {
        const WILD = ['statement 0 grants the wildcard action "*"'];
        assert.deepEqual(
            validate("aws:iam/role:Role", { inlinePolicies: [null, { policy: "[unknown]" }, { policy: wide }] }),
            WILD,
        );
        assert.deepEqual(validate("aws:iam/userPolicy:UserPolicy", { user: "ci", policy: wide }), WILD);
        assert.deepEqual(validate("aws:iam/groupPolicy:GroupPolicy", { group: "ops", policy: wide }), WILD);
        assert.deepEqual(validate("aws:iam/rolePolicy:RolePolicy", { role: "r", policy: "[unknown]" }), []);
    });

    it("passes a role without inline policies and leaves other resources' documents alone", () => {
        assert.deepEqual(validate("aws:iam/role:Role", { name: "r" }), []);
        assert.deepEqual(validate("aws:iam/rolePolicy:RolePolicy", { role: "r" }), []);
        assert.deepEqual(validate("aws:s3/bucketPolicy:BucketPolicy", { bucket: "logs", policy: wide }), []);
    });

    it("fails a document that is not JSON", () => {
        assert.deepEqual(validate("aws:iam/policy:Policy", { policy: "{" }), ["the policy document is not valid JSON"]);
    });
});
