import { strict as assert } from "assert";
import { noWildcardIamActions } from "../../policies/rules/noWildcardIamActions";

const policy = (statement: Record<string, unknown>) => ({
    type: "aws:iam/rolePolicy:RolePolicy",
    name: "p",
    inputs: { policy: JSON.stringify({ Version: "2012-10-17", Statement: [statement] }) },
});
const ROLE = "arn:aws:iam::210987654321:role/MDCContainersK8sKinesisToS3Role";

describe("no-wildcard-iam-actions and iam:PassRole", () => {
    it("tolerates iam:PassRole on named roles to named services only", () => {
        const narrow = {
            Effect: "Allow",
            Action: ["iam:PassRole"],
            Resource: [ROLE],
            Condition: { StringEquals: { "iam:PassedToService": ["firehose.amazonaws.com"] } },
        };
        assert.deepEqual(noWildcardIamActions.validate(policy(narrow)), []);
        const message = ["statement 0 grants iam:PassRole, which lets the holder hand roles to services"];
        assert.deepEqual(noWildcardIamActions.validate(policy({ ...narrow, Condition: undefined })), message);
        assert.deepEqual(
            noWildcardIamActions.validate(policy({ ...narrow, Resource: ["arn:aws:iam::210987654321:role/*"] })),
            message,
        );
    });
});
