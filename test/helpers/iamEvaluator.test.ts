import { strict as assert } from "assert";
import { actionMatches, arnMatches, evaluate } from "./iamEvaluator";

// The evaluator proves the discovery role's least privilege, so its own semantics are checked here
// against the examples of AWS's IAM User Guide (sources in docs/policies.md).
const allow = (extra: Record<string, unknown>) => ({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", ...extra }],
});

describe("IAM evaluator (AWS's documented semantics)", () => {
    it("matches actions case-insensitively with * and ? (IAM JSON policy elements: Action)", () => {
        assert.equal(actionMatches("s3:Get*", "s3:getobject"), true);
        assert.equal(actionMatches("iam:*AccessKey*", "iam:CreateAccessKey"), true);
        assert.equal(actionMatches("ec2:Describe?nstances", "ec2:DescribeInstances"), true);
        assert.equal(actionMatches("eks:Describe*", "eks:UpdateClusterConfig"), false);
    });

    it("matches ARNs segment by segment, the resource part across slashes (IAM JSON policy elements: Resource)", () => {
        assert.equal(
            arnMatches("arn:aws:s3:::my_corporate_bucket/*", "arn:aws:s3:::my_corporate_bucket/uploads/file.txt"),
            true,
        );
        assert.equal(
            arnMatches(
                "arn:aws:iam::123456789012:user/Development/*",
                "arn:aws:iam::123456789012:user/Development/product_1234/joe",
            ),
            true,
        );
        assert.equal(
            arnMatches("arn:aws:eks:*:123456789012:cluster/*", "arn:aws:eks:eu-west-1:123456789012:cluster/a"),
            true,
        );
        assert.equal(
            arnMatches("arn:aws:eks:*:123456789012:cluster/*", "arn:aws:eks:eu-west-1:210987654321:cluster/a"),
            false,
        );
        assert.equal(arnMatches("arn:aws:eks:eu-west-1:1*:cluster/a", "arn:aws:eks:eu-west-1:123:x:cluster/a"), false);
        assert.equal(arnMatches("*", "arn:aws:eks:eu-west-1:123456789012:cluster/a"), true);
    });

    it("an explicit Deny overrides any Allow; nothing allowed is an implicit deny (policy evaluation logic)", () => {
        const docs = [
            allow({ Action: "s3:*", Resource: "*" }),
            { Version: "2012-10-17", Statement: { Effect: "Deny", Action: "s3:DeleteBucket", Resource: "*" } },
        ];
        assert.equal(evaluate(docs, { action: "s3:GetObject", resource: "arn:aws:s3:::b/k" }), "Allow");
        assert.equal(evaluate(docs, { action: "s3:DeleteBucket", resource: "arn:aws:s3:::b" }), "ExplicitDeny");
        assert.equal(evaluate(docs, { action: "ec2:RunInstances", resource: "*" }), "ImplicitDeny");
    });

    it("NotAction with Allow grants every other action; NotResource every other resource (IAM User Guide examples)", () => {
        const doc = allow({ NotAction: "iam:*", Resource: "*" });
        assert.equal(evaluate([doc], { action: "s3:GetObject", resource: "arn:aws:s3:::b/k" }), "Allow");
        assert.equal(
            evaluate([doc], { action: "iam:CreateUser", resource: "arn:aws:iam::123456789012:user/x" }),
            "ImplicitDeny",
        );
        const nr = allow({
            Action: "s3:*",
            NotResource: ["arn:aws:s3:::HRBucket/Payroll", "arn:aws:s3:::HRBucket/Payroll/*"],
        });
        assert.equal(
            evaluate([nr], { action: "s3:GetObject", resource: "arn:aws:s3:::HRBucket/Payroll/x" }),
            "ImplicitDeny",
        );
        assert.equal(evaluate([nr], { action: "s3:GetObject", resource: "arn:aws:s3:::HRBucket/Other" }), "Allow");
    });

    it("values of one key are ORed, keys and operators ANDed; a missing key fails StringEquals, passes StringNotEquals and ...IfExists", () => {
        const doc = allow({
            Action: "s3:GetObject",
            Resource: "*",
            Condition: {
                StringEquals: { "aws:PrincipalTag/department": ["finance", "hr"], "aws:PrincipalTag/role": "audit" },
            },
        });
        const get = (context: Record<string, string>) =>
            evaluate([doc], { action: "s3:GetObject", resource: "arn:aws:s3:::b/k", context });
        assert.equal(get({ "aws:PrincipalTag/department": "hr", "aws:PrincipalTag/role": "audit" }), "Allow");
        assert.equal(get({ "aws:PrincipalTag/department": "it", "aws:PrincipalTag/role": "audit" }), "ImplicitDeny");
        assert.equal(get({ "aws:PrincipalTag/department": "hr" }), "ImplicitDeny");
        const neg = allow({
            Action: "s3:*",
            Resource: "*",
            Condition: { StringNotEquals: { "aws:RequestedRegion": "eu-west-1" } },
        });
        assert.equal(evaluate([neg], { action: "s3:GetObject", resource: "*" }), "Allow");
        assert.equal(
            evaluate([neg], { action: "s3:GetObject", resource: "*", context: { "aws:RequestedRegion": "eu-west-1" } }),
            "ImplicitDeny",
        );
        const ifx = allow({
            Action: "ec2:RunInstances",
            Resource: "*",
            Condition: { StringEqualsIfExists: { "ec2:InstanceType": ["t2.micro"] } },
        });
        assert.equal(evaluate([ifx], { action: "ec2:RunInstances", resource: "*" }), "Allow");
        assert.equal(
            evaluate([ifx], { action: "ec2:RunInstances", resource: "*", context: { "ec2:InstanceType": "m5.large" } }),
            "ImplicitDeny",
        );
    });

    it("StringLike and ArnLike/ArnEquals take wildcards; Null tests presence", () => {
        const like = allow({
            Action: "s3:ListBucket",
            Resource: "*",
            Condition: { StringLike: { "s3:prefix": ["home/*"] } },
        });
        assert.equal(
            evaluate([like], { action: "s3:ListBucket", resource: "*", context: { "s3:prefix": "home/joe" } }),
            "Allow",
        );
        assert.equal(
            evaluate([like], { action: "s3:ListBucket", resource: "*", context: { "s3:prefix": "etc/" } }),
            "ImplicitDeny",
        );
        const arn = allow({
            Action: "sns:Publish",
            Resource: "*",
            Condition: { ArnLike: { "aws:SourceArn": "arn:aws:s3:::*" } },
        });
        assert.equal(
            evaluate([arn], {
                action: "sns:Publish",
                resource: "*",
                context: { "aws:SourceArn": "arn:aws:s3:::bucket" },
            }),
            "Allow",
        );
        assert.equal(
            evaluate([arn], {
                action: "sns:Publish",
                resource: "*",
                context: { "aws:SourceArn": "arn:aws:sqs:us-east-1:1:q" },
            }),
            "ImplicitDeny",
        );
        const eq = allow({
            Action: "sns:Publish",
            Resource: "*",
            Condition: { ArnEquals: { "aws:SourceArn": "arn:aws:iam::1:role/r" } },
        });
        assert.equal(
            evaluate([eq], {
                action: "sns:Publish",
                resource: "*",
                context: { "aws:SourceArn": "arn:aws:iam::1:role/r2" },
            }),
            "ImplicitDeny",
        );
        const nul = allow({ Action: "ec2:*", Resource: "*", Condition: { Null: { "aws:TokenIssueTime": "true" } } });
        assert.equal(evaluate([nul], { action: "ec2:RunInstances", resource: "*" }), "Allow");
        assert.equal(
            evaluate([nul], {
                action: "ec2:RunInstances",
                resource: "*",
                context: { "aws:TokenIssueTime": "2024-01-01T00:00:00Z" },
            }),
            "ImplicitDeny",
        );
    });

    it("ForAnyValue needs one match, ForAllValues every value and is true for an absent key (multivalued context keys)", () => {
        const any = allow({
            Action: "ec2:CreateTags",
            Resource: "*",
            Condition: { "ForAnyValue:StringEquals": { "aws:TagKeys": ["environment", "cost-center"] } },
        });
        const all = allow({
            Action: "ec2:CreateTags",
            Resource: "*",
            Condition: { "ForAllValues:StringEquals": { "aws:TagKeys": ["environment", "cost-center"] } },
        });
        const tag = (doc: unknown, keys?: string[]) =>
            evaluate([doc], { action: "ec2:CreateTags", resource: "*", context: { "aws:TagKeys": keys } });
        assert.equal(tag(any, ["environment", "other"]), "Allow");
        assert.equal(tag(any, ["other"]), "ImplicitDeny");
        assert.equal(tag(any), "ImplicitDeny");
        assert.equal(tag(all, ["environment", "cost-center"]), "Allow");
        assert.equal(tag(all, ["environment", "other"]), "ImplicitDeny");
        assert.equal(tag(all), "Allow");
    });

    it("reads a single-object Statement, string Action/Resource and JSON strings", () => {
        const doc = JSON.stringify({
            Version: "2012-10-17",
            Statement: {
                Effect: "Allow",
                Action: "eks:DescribeCluster",
                Resource: "arn:aws:eks:eu-west-1:1:cluster/a",
            },
        });
        assert.equal(
            evaluate([doc], { action: "eks:DescribeCluster", resource: "arn:aws:eks:eu-west-1:1:cluster/a" }),
            "Allow",
        );
        assert.equal(
            evaluate([doc], { action: "eks:DescribeCluster", resource: "arn:aws:eks:eu-west-1:1:cluster/b" }),
            "ImplicitDeny",
        );
    });
});
