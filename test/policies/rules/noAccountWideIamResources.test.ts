import { strict as assert } from "assert";
import { noAccountWideIamResources } from "../../../policies/rules/noAccountWideIamResources";

const ACCOUNT = "123456789012";
const validate = (type: string, inputs: Record<string, unknown>) =>
    noAccountWideIamResources.validate({ type, name: "audit-log-pipeline", inputs });
const judge = (...Statement: object[]) =>
    validate("aws:iam/rolePolicy:RolePolicy", {
        role: "audit-log-firehose",
        policy: JSON.stringify({ Version: "2012-10-17", Statement }),
    });
const grant = (Action: string | string[], Resource: string) => judge({ Sid: "S", Effect: "Allow", Action, Resource });
const fails = (actions: string, resource: string, reason: string) => [
    `statement S grants ${actions} on "${resource}" (${reason}); name the resources or a name prefix`,
];

describe("no-account-wide-iam-resources: resource patterns", () => {
    it("passes the objects of a named bucket and a queue without a type prefix", () => {
        assert.deepEqual(grant("s3:GetObject", "arn:aws:s3:::ms-defender-audit-logs/*"), []);
        assert.deepEqual(grant("sqs:ReceiveMessage", `arn:aws:sqs:eu-west-1:${ACCOUNT}:azuredefender-queue`), []);
    });

    it("fails a wildcard anywhere in the account segment, not only an account of '*'", () => {
        for (const account of ["*", "1234567890??", "*012"]) {
            const arn = `arn:aws:sqs:eu-west-1:${account}:azuredefender-queue`;
            const reason = account === "*" ? "every account" : `every account that matches "${account}"`;
            assert.deepEqual(grant("sqs:ReceiveMessage", arn), fails("sqs:ReceiveMessage", arn, reason), account);
        }
    });

    it("leaves to IAM, which refuses them, a malformed ARN and a URN", () => {
        for (const resource of ["arn:aws:sqs:eu-west-1:*", "urn:aws:sqs:eu-west-1:*:queue"]) {
            assert.deepEqual(grant("sqs:ReceiveMessage", resource), [], resource);
        }
    });
});

describe("no-account-wide-iam-resources: actions that only exist on '*'", () => {
    it("tolerates DescribeLogGroups on '*' in any letter case, and on '*' only", () => {
        assert.deepEqual(grant("LOGS:describeloggroups", "*"), []);
        const anyAccount = "arn:aws:logs:eu-west-1:*:log-group:*";
        assert.deepEqual(
            grant("logs:DescribeLogGroups", anyAccount),
            fails("logs:DescribeLogGroups", anyAccount, "every account"),
        );
    });

    it("fails '*' under NotAction, naming the actions it leaves out", () => {
        assert.deepEqual(judge({ Sid: "S", Effect: "Allow", NotAction: ["iam:*", "sts:*"], Resource: "*" }), [
            'statement S grants every action but iam:*, sts:* on "*" (every resource); name the resources or a name prefix',
        ]);
    });
});

describe("no-account-wide-iam-resources: documents", () => {
    it("skips a document not known at preview, one that is not JSON (no-wild-card-iam-actions names it), and a resource without one", () => {
        assert.deepEqual(validate("aws:iam/policy:Policy", { policy: "[unknown]" }), []);
        assert.deepEqual(validate("aws:iam/policy:Policy", { policy: "{" }), []);
        assert.deepEqual(validate("aws:iam/policy:Policy", {}), []);
    });
});
