import { strict as assert } from "assert";
import { readAwsCloudState, fileAwsLookup } from "../../../lookup/aws/stateFile";
import { LookupSource } from "../../../lookup/source";

const ACCOUNT = "111122223333";
const DOC = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "eks:DescribeCluster", Resource: "*" }] };
const role = (policies: unknown) => ({ roles: [{ name: "R", policies }] });

describe("cloud-state aws.roles[].policies (an adopted role's permissions)", () => {
    it("reads inline and attached policies as JSON text, and answers them from rolePolicies", async () => {
        const state = role({
            inline: [{ name: "eks", document: DOC }],
            attached: [{ arn: "arn:aws:iam::aws:policy/ReadOnlyAccess", document: DOC }],
        });
        const expected = {
            inline: [{ name: "eks", document: JSON.stringify(DOC) }],
            attached: [{ arn: "arn:aws:iam::aws:policy/ReadOnlyAccess", document: JSON.stringify(DOC) }],
        };
        assert.deepEqual(readAwsCloudState(state, "aws", ACCOUNT).roles[0].policies, expected);
        const source = {
            kind: "file",
            description: "f",
            file: () => ({ path: "f", sections: { aws: state } }),
        } as unknown as LookupSource;
        const lookup = fileAwsLookup(source, ACCOUNT);
        assert.deepEqual(await lookup.rolePolicies("R"), expected);
        assert.deepEqual(await lookup.findRole("R"), { name: "R", arn: `arn:aws:iam::${ACCOUNT}:role/R`, tags: {} });
        assert.equal(await lookup.rolePolicies("Other"), undefined);
    });

    it("answers undefined for a role whose policies the file does not list (the gate says it could not judge them)", async () => {
        const source = {
            kind: "file",
            description: "f",
            file: () => ({ path: "f", sections: { aws: { roles: [{ name: "R" }] } } }),
        } as unknown as LookupSource;
        assert.equal(await fileAwsLookup(source, ACCOUNT).rolePolicies("R"), undefined);
    });

    it("refuses a document that is not a mapping, a bad ARN, a repeated name and an unknown key, naming the key", () => {
        const cases: [unknown, string][] = [
            [
                { inline: [{ name: "eks", document: "{}" }] },
                'config key "aws.roles[0].policies.inline[0].document" has value "{}"; expected an IAM policy document as a YAML mapping { Version, Statement }',
            ],
            [
                { attached: [{ arn: "ReadOnlyAccess", document: DOC }] },
                'config key "aws.roles[0].policies.attached[0].arn" has value "ReadOnlyAccess"; expected a managed policy ARN such as arn:aws:iam::aws:policy/ReadOnlyAccess or arn:aws:iam::123456789012:policy/Name',
            ],
            [
                {
                    inline: [
                        { name: "eks", document: DOC },
                        { name: "eks", document: DOC },
                    ],
                },
                'config key "aws.roles[0].policies.inline[1]" has value "eks"',
            ],
            [{ managed: [] }, 'config key "aws.roles[0].policies.managed"'],
        ];
        for (const [policies, message] of cases) {
            assert.throws(
                () => readAwsCloudState(role(policies), "aws", ACCOUNT),
                (e: Error) => e.message.startsWith(message),
                JSON.stringify(policies),
            );
        }
    });
});
