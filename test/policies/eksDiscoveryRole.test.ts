import { strict as assert } from "assert";
import { ACTIONS_BY_MODE, DEFENDER_CIDRS } from "../../domain/aws/facts";
import { permissionsPolicy } from "../../domain/aws/policyDocuments";
import { DISCOVERY_ROLE_DEFINITION_GUID, TRUSTED_ACCESS_ROLE } from "../../domain/azure/facts";
import { CUSTOM_ROLE_PERMISSIONS } from "../../domain/gcp/facts";
import * as packFacts from "../../policies/facts";
import { eksDiscoveryRoleActions } from "../../policies/rules/eksDiscoveryRole";
import { noWildcardIamActions } from "../../policies/rules/noWildcardIamActions";
import { ResourceView } from "../../policies/types";

const ACCOUNT = "123456789012";
const A = `arn:aws:eks:eu-west-1:${ACCOUNT}:cluster/a`;
const B = `arn:aws:eks:us-east-1:${ACCOUNT}:cluster/b`;
const VIEW = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy";
const res = (type: string, name: string, inputs: Record<string, unknown>): ResourceView => ({ type, name, inputs });
const tags = { "agentless-discovery:purpose": "defender-discovery" };

/** A plan as the AWS program registers it: the pinned provider, the role, one access per cluster. */
function plan(policy: unknown, extra: ResourceView[] = []): ResourceView[] {
    return [
        res("pulumi:providers:aws", "aws", { allowedAccountIds: JSON.stringify([ACCOUNT]) }),
        res("aws:iam/role:Role", "discovery-role", { name: "MDCRole", tags }),
        res("agentless:aws:EksClusterAccess", "eks-a", { clusterName: "a", region: "eu-west-1" }),
        res("agentless:aws:EksClusterAccess", "eks-b", { clusterName: "b", region: "us-east-1" }),
        res("aws:iam/rolePolicy:RolePolicy", "discovery-permissions", {
            role: "MDCRole",
            policy: typeof policy === "string" ? policy : JSON.stringify(policy),
        }),
        ...extra,
    ];
}
const judge = (rs: ResourceView[]) =>
    eksDiscoveryRoleActions.validateStack(rs, { production: false }).map((f) => `${f.resource}: ${f.message}`);
const OWN = { roleName: "MDCRole", roleAccountId: ACCOUNT, accessPolicyArns: { [A]: VIEW, [B]: VIEW } };

describe("eks-discovery-role-actions", () => {
    it("passes what the component writes in both modes", () => {
        assert.deepEqual(judge(plan(permissionsPolicy("least-privilege", [A, B]))), []);
        assert.deepEqual(judge(plan(permissionsPolicy("access-entries", [A, B], OWN))), []);
    });

    it("fails cluster/* and any other wildcard, a cluster the plan does not onboard, and another account", () => {
        for (const [resource, expected] of [
            [
                `arn:aws:eks:eu-west-1:${ACCOUNT}:cluster/*`,
                `applies to "arn:aws:eks:eu-west-1:${ACCOUNT}:cluster/*": a wildcard ARN covers clusters this stack does not onboard`,
            ],
            [
                `arn:aws:eks:*:${ACCOUNT}:cluster/a`,
                `applies to "arn:aws:eks:*:${ACCOUNT}:cluster/a"; expected the ARNs of the clusters this stack onboards`,
            ],
            [
                `arn:aws:eks:eu-west-1:${ACCOUNT}:cluster/a?`,
                `applies to "arn:aws:eks:eu-west-1:${ACCOUNT}:cluster/a?": a wildcard ARN covers clusters this stack does not onboard`,
            ],
            [
                `arn:aws:eks:eu-west-1:${ACCOUNT}:cluster/c`,
                `applies to "arn:aws:eks:eu-west-1:${ACCOUNT}:cluster/c", a cluster this stack does not onboard`,
            ],
            [
                `arn:aws:eks:us-east-1:${ACCOUNT}:cluster/a`,
                `applies to "arn:aws:eks:us-east-1:${ACCOUNT}:cluster/a", a cluster this stack does not onboard`,
            ],
            [
                "arn:aws:eks:eu-west-1:210987654321:cluster/a",
                `applies to "arn:aws:eks:eu-west-1:210987654321:cluster/a" in account 210987654321; the stack is pinned to ${ACCOUNT}`,
            ],
            ["*", `applies to "*"; expected the ARNs of the clusters this stack onboards`],
        ]) {
            const found = judge(
                plan({
                    Version: "2012-10-17",
                    Statement: [
                        { Sid: "S", Effect: "Allow", Action: ["eks:DescribeCluster"], Resource: [A, resource] },
                    ],
                }),
            );
            assert.deepEqual(found, [`discovery-permissions: statement S ${expected}`], resource);
        }
    });

    it("reads a single-object Statement with string Action and Resource", () => {
        const single = {
            Version: "2012-10-17",
            Statement: {
                Effect: "Allow",
                Action: "eks:DeleteCluster",
                Resource: `arn:aws:eks:eu-west-1:${ACCOUNT}:cluster/*`,
            },
        };
        assert.deepEqual(judge(plan(single)), [
            'discovery-permissions: the discovery role is granted "eks:DeleteCluster", outside eks:UpdateClusterConfig, eks:DescribeCluster, eks:CreateAccessEntry, eks:ListAccessEntries, eks:AssociateAccessPolicy, eks:ListAssociatedAccessPolicies',
            `discovery-permissions: statement 0 applies to "arn:aws:eks:eu-west-1:${ACCOUNT}:cluster/*": a wildcard ARN covers clusters this stack does not onboard`,
        ]);
    });

    it("refuses NotAction and NotResource, which grant everything else", () => {
        const found = judge(
            plan({
                Version: "2012-10-17",
                Statement: [
                    { Sid: "NA", Effect: "Allow", NotAction: "iam:*", Resource: A },
                    { Sid: "NR", Effect: "Allow", Action: "eks:DescribeCluster", NotResource: B },
                ],
            }),
        );
        assert.deepEqual(found, [
            "discovery-permissions: statement NA uses NotAction: the discovery role's actions must be listed one by one",
            "discovery-permissions: statement NR uses NotResource: the discovery role's resources must be listed one by one",
        ]);
    });

    it("fails the old unconditioned access-entry statement (self-escalation to cluster admin)", () => {
        const old = {
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "ManageOwnAccessEntries",
                    Effect: "Allow",
                    Action: [...ACTIONS_BY_MODE["access-entries"].slice(2)],
                    Resource: [A, `arn:aws:eks:eu-west-1:${ACCOUNT}:access-entry/a/*`],
                },
            ],
        };
        assert.deepEqual(judge(plan(old)), [
            `discovery-permissions: statement ManageOwnAccessEntries applies to "arn:aws:eks:eu-west-1:${ACCOUNT}:access-entry/a/*"; an access entry ARN must be the role's own: access-entry/<cluster>/role/${ACCOUNT}/MDCRole/*`,
            "discovery-permissions: statement ManageOwnAccessEntries grants eks:CreateAccessEntry without the condition StringEquals eks:principalArn = the role's own ARN: it could create entries for any principal",
            "discovery-permissions: statement ManageOwnAccessEntries grants eks:AssociateAccessPolicy without the condition StringEquals eks:policyArn = AmazonEKSViewPolicy or AmazonEKSAdminViewPolicy: it could associate AmazonEKSClusterAdminPolicy",
        ]);
    });

    it("fails an access policy condition that names cluster admin, another principal, or another role's entry", () => {
        const doc = permissionsPolicy("access-entries", [A], OWN);
        const assoc = doc.Statement.find((s) => s.Sid === "AssociateOwnAccessPolicy")!;
        assoc.Condition = {
            StringEquals: {
                "eks:policyArn": "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
                "eks:accessScope": "cluster",
            },
        };
        const create = doc.Statement.find((s) => s.Sid === "CreateOwnAccessEntry")!;
        create.Condition = { StringLike: { "eks:principalArn": "arn:aws:iam::*:role/*" } };
        const list = doc.Statement.find((s) => s.Sid === "ListOwnAccessPolicies")!;
        list.Resource = [`arn:aws:eks:eu-west-1:${ACCOUNT}:access-entry/a/role/${ACCOUNT}/Admin/*`];
        const onlyA = plan(doc).filter((r) => r.name !== "eks-b");
        assert.deepEqual(judge(onlyA), [
            "discovery-permissions: statement CreateOwnAccessEntry grants eks:CreateAccessEntry without the condition StringEquals eks:principalArn = the role's own ARN: it could create entries for any principal",
            `discovery-permissions: statement ListOwnAccessPolicies applies to "arn:aws:eks:eu-west-1:${ACCOUNT}:access-entry/a/role/${ACCOUNT}/Admin/*"; an access entry ARN must be the role's own: access-entry/<cluster>/role/${ACCOUNT}/MDCRole/*`,
            "discovery-permissions: statement AssociateOwnAccessPolicy grants eks:AssociateAccessPolicy without the condition StringEquals eks:policyArn = AmazonEKSViewPolicy or AmazonEKSAdminViewPolicy: it could associate AmazonEKSClusterAdminPolicy",
        ]);
    });

    it("judges the role's inline policies and refuses managed ones, however attached", () => {
        const rs = plan(permissionsPolicy("least-privilege", [A, B]));
        rs[1] = res("aws:iam/role:Role", "discovery-role", {
            name: "MDCRole",
            tags,
            inlinePolicies: [
                {
                    name: "x",
                    policy: JSON.stringify({
                        Version: "2012-10-17",
                        Statement: { Effect: "Allow", Action: "eks:DescribeCluster", Resource: "*" },
                    }),
                },
            ],
            managedPolicyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"],
        });
        rs.push(
            res("aws:iam/policyAttachment:PolicyAttachment", "pa", {
                roles: ["MDCRole"],
                policyArn: "arn:aws:iam::123456789012:policy/p",
            }),
        );
        rs.push(
            res("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "rpa", {
                role: "MDCRole",
                policyArn: "arn:aws:iam::123456789012:policy/q",
            }),
        );
        assert.deepEqual(judge(rs), [
            "rpa: attaches managed policy arn:aws:iam::123456789012:policy/q to the discovery role; its permissions must be the inline least-privilege policy only",
            "pa: attaches managed policy arn:aws:iam::123456789012:policy/p to the discovery role; its permissions must be the inline least-privilege policy only",
            "discovery-role: attaches managed policy arn:aws:iam::aws:policy/ReadOnlyAccess to the discovery role",
            'discovery-role: statement 0 applies to "*"; expected the ARNs of the clusters this stack onboards',
        ]);
    });
});

describe("no-wildcard-iam-actions on every document shape", () => {
    it("checks managed policies (aws:iam/policy:Policy) like inline ones, single-object Statements included", () => {
        const single = JSON.stringify({
            Version: "2012-10-17",
            Statement: { Effect: "Allow", Action: "eks:*", Resource: A },
        });
        assert.deepEqual(noWildcardIamActions.validate(res("aws:iam/policy:Policy", "managed", { policy: single })), [
            'statement 0 grants the wildcard action "eks:*"',
        ]);
        assert.deepEqual(
            noWildcardIamActions.validate(res("aws:iam/role:Role", "r", { inlinePolicies: [{ policy: single }] })),
            ['statement 0 grants the wildcard action "eks:*"'],
        );
        assert.deepEqual(
            noWildcardIamActions.validate(
                res("aws:iam/rolePolicy:RolePolicy", "p", {
                    policy: {
                        Version: "2012-10-17",
                        Statement: { Effect: "Allow", Action: "eks:Describe*", Resource: A },
                    },
                }),
            ),
            ['statement 0 grants the wildcard action "eks:Describe*"'],
        );
    });
});

describe("the pack's own facts", () => {
    it("hold what the components use, so the gate passes the project's own plans", () => {
        for (const a of ACTIONS_BY_MODE["access-entries"]) assert.ok(packFacts.EKS_DISCOVERY_ACTIONS.includes(a), a);
        assert.deepEqual([...packFacts.DEFENDER_CIDRS], [...DEFENDER_CIDRS]);
        assert.equal(packFacts.AKS_DISCOVERY_ROLE_GUID, DISCOVERY_ROLE_DEFINITION_GUID);
        assert.equal(packFacts.TRUSTED_ACCESS_ROLE, TRUSTED_ACCESS_ROLE);
        assert.deepEqual([...packFacts.GKE_WRITE_ROLE_PERMISSIONS], [...CUSTOM_ROLE_PERMISSIONS]);
    });
});
