import { strict as assert } from "assert";
import {
    ACCESS_ENTRY_ACTIONS,
    ACTIONS_BY_MODE,
    clusterArn,
    DEFENDER_CIDRS,
    LEAST_PRIVILEGE_ACTIONS,
} from "../../../domain/aws/facts";
import { allowedActions, permissionsPolicy, trustPolicy } from "../../../domain/aws/policyDocuments";
import { evaluate } from "../../helpers/iamEvaluator";
import {
    cidrContains,
    cidrsWithDefender,
    endpointNetworkNote,
    missingDefenderCidrs,
    restrictedEndpointCommand,
} from "../../../domain/aws/endpointAccess";

const PROVIDER = "arn:aws:iam::123456789012:oidc-provider/sts.windows.net/33e01921-4d64-4f8c-a055-5bdaffd5e33d/";
const TENANT = "7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f";
const A = clusterArn("eu-west-1", "123456789012", "eks-a");
const B = clusterArn("us-east-1", "123456789012", "eks-b");
const ROLE = "arn:aws:iam::123456789012:role/MDCContainersAgentlessDiscoveryK8sRole";
const VIEW = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy";
const ADMIN_VIEW = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminViewPolicy";
const CLUSTER_ADMIN = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy";

describe("discovery role policy documents", () => {
    it("trusts only Defender's web identity from Microsoft's tenant, for this customer's session", () => {
        assert.deepEqual(trustPolicy(PROVIDER, TENANT), {
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "DefenderAgentlessDiscovery",
                    Effect: "Allow",
                    Principal: { Federated: PROVIDER },
                    Action: "sts:AssumeRoleWithWebIdentity",
                    Condition: {
                        StringEquals: {
                            "sts.windows.net/33e01921-4d64-4f8c-a055-5bdaffd5e33d/:aud":
                                "api://6610e979-c931-41ec-adc7-b9920c9d52f1",
                            "sts:RoleSessionName": `MicrosoftDefenderForClouds_${TENANT}`,
                        },
                    },
                },
            ],
        });
    });

    it("least-privilege holds exactly DescribeCluster and UpdateClusterConfig on the listed clusters", () => {
        const doc = permissionsPolicy("least-privilege", [B, A]);
        assert.deepEqual(doc, {
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "DescribeAndOpenClusters",
                    Effect: "Allow",
                    Action: ["eks:UpdateClusterConfig", "eks:DescribeCluster"],
                    Resource: [
                        "arn:aws:eks:eu-west-1:123456789012:cluster/eks-a",
                        "arn:aws:eks:us-east-1:123456789012:cluster/eks-b",
                    ],
                },
            ],
        });
    });

    const OWN = {
        roleName: "MDCContainersAgentlessDiscoveryK8sRole",
        roleAccountId: "123456789012",
        accessPolicyArns: { [A]: VIEW, [B]: VIEW },
    };

    it("access-entries narrows the four access-entry actions to the role's own entry and the view policy", () => {
        const doc = permissionsPolicy("access-entries", [A], OWN);
        assert.deepEqual(allowedActions(doc).sort(), [
            "eks:AssociateAccessPolicy",
            "eks:CreateAccessEntry",
            "eks:DescribeCluster",
            "eks:ListAccessEntries",
            "eks:ListAssociatedAccessPolicies",
            "eks:UpdateClusterConfig",
        ]);
        const own =
            "arn:aws:eks:eu-west-1:123456789012:access-entry/eks-a/role/123456789012/MDCContainersAgentlessDiscoveryK8sRole/*";
        assert.deepEqual(doc.Statement.slice(1), [
            { Sid: "ListAccessEntries", Effect: "Allow", Action: "eks:ListAccessEntries", Resource: [A] },
            {
                Sid: "CreateOwnAccessEntry",
                Effect: "Allow",
                Action: "eks:CreateAccessEntry",
                Resource: [A],
                Condition: { StringEquals: { "eks:principalArn": ROLE }, Null: { "eks:kubernetesGroups": "true" } },
            },
            {
                Sid: "ListOwnAccessPolicies",
                Effect: "Allow",
                Action: "eks:ListAssociatedAccessPolicies",
                Resource: [own],
            },
            {
                Sid: "AssociateOwnAccessPolicy",
                Effect: "Allow",
                Action: "eks:AssociateAccessPolicy",
                Resource: [own],
                Condition: { StringEquals: { "eks:policyArn": VIEW, "eks:accessScope": "cluster" } },
            },
        ]);
    });

    describe("access-entries, evaluated as IAM would (test/helpers/iamEvaluator)", () => {
        const doc = permissionsPolicy("access-entries", [A, B], OWN);
        const ownEntry =
            "arn:aws:eks:eu-west-1:123456789012:access-entry/eks-a/role/123456789012/MDCContainersAgentlessDiscoveryK8sRole/5ec6a1b2-0000-4000-8000-000000000001";
        const otherEntry =
            "arn:aws:eks:eu-west-1:123456789012:access-entry/eks-a/role/123456789012/SomeoneElse/5ec6a1b2-0000-4000-8000-000000000002";
        const ask = (action: string, resource: string, context: Record<string, string | string[]> = {}) =>
            evaluate([doc], { action, resource, context });
        const associate = (resource: string, policy: string, scope = "cluster") =>
            ask("eks:AssociateAccessPolicy", resource, { "eks:policyArn": policy, "eks:accessScope": scope });

        it("allows creating its own entry, associating the view policy with it at cluster scope, and listing", () => {
            assert.equal(ask("eks:CreateAccessEntry", A, { "eks:principalArn": ROLE }), "Allow");
            assert.equal(associate(ownEntry, VIEW), "Allow");
            assert.equal(ask("eks:ListAccessEntries", B), "Allow");
            assert.equal(ask("eks:ListAssociatedAccessPolicies", ownEntry), "Allow");
            assert.equal(ask("eks:DescribeCluster", A), "Allow");
        });

        it("denies AmazonEKSClusterAdminPolicy (or any other policy) on its own entry, and namespace scope", () => {
            assert.equal(associate(ownEntry, CLUSTER_ADMIN), "ImplicitDeny");
            assert.equal(
                associate(ownEntry, "arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy"),
                "ImplicitDeny",
            );
            assert.equal(associate(ownEntry, VIEW, "namespace"), "ImplicitDeny");
            assert.equal(ask("eks:AssociateAccessPolicy", ownEntry, {}), "ImplicitDeny");
        });

        it("denies touching another principal's entry, even with the view policy", () => {
            assert.equal(associate(otherEntry, VIEW), "ImplicitDeny");
            assert.equal(associate(otherEntry, CLUSTER_ADMIN), "ImplicitDeny");
            assert.equal(ask("eks:ListAssociatedAccessPolicies", otherEntry), "ImplicitDeny");
        });

        it("denies creating an entry for another principal, or one with Kubernetes groups", () => {
            assert.equal(
                ask("eks:CreateAccessEntry", A, { "eks:principalArn": "arn:aws:iam::123456789012:role/SomeoneElse" }),
                "ImplicitDeny",
            );
            assert.equal(ask("eks:CreateAccessEntry", A, {}), "ImplicitDeny");
            assert.equal(
                ask("eks:CreateAccessEntry", A, {
                    "eks:principalArn": ROLE,
                    "eks:kubernetesGroups": ["system:masters"],
                }),
                "ImplicitDeny",
            );
        });

        it("denies every cluster but the listed ones: cluster/*, another cluster, another account", () => {
            assert.equal(ask("eks:DescribeCluster", "arn:aws:eks:eu-west-1:123456789012:cluster/*"), "ImplicitDeny");
            assert.equal(
                ask("eks:DescribeCluster", "arn:aws:eks:eu-west-1:123456789012:cluster/eks-c"),
                "ImplicitDeny",
            );
            assert.equal(
                ask("eks:CreateAccessEntry", "arn:aws:eks:eu-west-1:123456789012:cluster/eks-c", {
                    "eks:principalArn": ROLE,
                }),
                "ImplicitDeny",
            );
            assert.equal(
                ask("eks:UpdateClusterConfig", "arn:aws:eks:eu-west-1:210987654321:cluster/eks-a"),
                "ImplicitDeny",
            );
            assert.equal(ask("eks:DeleteCluster", A), "ImplicitDeny");
        });

        it("the old unconditioned statement allowed exactly these escalations", () => {
            const old = {
                Version: "2012-10-17",
                Statement: [
                    {
                        Effect: "Allow",
                        Action: [...ACCESS_ENTRY_ACTIONS],
                        Resource: [A, "arn:aws:eks:eu-west-1:123456789012:access-entry/eks-a/*"],
                    },
                ],
            };
            assert.equal(
                evaluate([old], {
                    action: "eks:AssociateAccessPolicy",
                    resource: ownEntry,
                    context: { "eks:policyArn": CLUSTER_ADMIN, "eks:accessScope": "cluster" },
                }),
                "Allow",
            );
            assert.equal(
                evaluate([old], {
                    action: "eks:AssociateAccessPolicy",
                    resource: otherEntry,
                    context: { "eks:policyArn": CLUSTER_ADMIN },
                }),
                "Allow",
            );
            assert.equal(
                evaluate([old], {
                    action: "eks:CreateAccessEntry",
                    resource: A,
                    context: { "eks:principalArn": "arn:aws:iam::123456789012:role/SomeoneElse" },
                }),
                "Allow",
            );
        });

        it("gives each cluster only its own configured access policy", () => {
            const mixed = permissionsPolicy("access-entries", [A, B], {
                ...OWN,
                accessPolicyArns: { [A]: VIEW, [B]: ADMIN_VIEW },
            });
            const entryB =
                "arn:aws:eks:us-east-1:123456789012:access-entry/eks-b/role/123456789012/MDCContainersAgentlessDiscoveryK8sRole/x";
            const ctx = (p: string) => ({ "eks:policyArn": p, "eks:accessScope": "cluster" });
            assert.equal(
                evaluate([mixed], { action: "eks:AssociateAccessPolicy", resource: entryB, context: ctx(ADMIN_VIEW) }),
                "Allow",
            );
            assert.equal(
                evaluate([mixed], {
                    action: "eks:AssociateAccessPolicy",
                    resource: ownEntry,
                    context: ctx(ADMIN_VIEW),
                }),
                "ImplicitDeny",
            );
            assert.equal(
                evaluate([mixed], { action: "eks:AssociateAccessPolicy", resource: ownEntry, context: ctx(VIEW) }),
                "Allow",
            );
        });

        it("writes one association statement per access policy, numbered in the policies' order", () => {
            const doc = permissionsPolicy("access-entries", [A, B], {
                ...OWN,
                accessPolicyArns: { [A]: VIEW, [B]: ADMIN_VIEW },
            });
            const entry = (arn: string) =>
                arn.replace(
                    /:cluster\/(.+)$/,
                    ":access-entry/$1/role/123456789012/MDCContainersAgentlessDiscoveryK8sRole/*",
                );
            assert.deepEqual(
                doc.Statement.filter((s) => s.Action === "eks:AssociateAccessPolicy"),
                [
                    {
                        Sid: "AssociateOwnAccessPolicy1",
                        Effect: "Allow",
                        Action: "eks:AssociateAccessPolicy",
                        Resource: [entry(B)],
                        Condition: { StringEquals: { "eks:policyArn": ADMIN_VIEW, "eks:accessScope": "cluster" } },
                    },
                    {
                        Sid: "AssociateOwnAccessPolicy2",
                        Effect: "Allow",
                        Action: "eks:AssociateAccessPolicy",
                        Resource: [entry(A)],
                        Condition: { StringEquals: { "eks:policyArn": VIEW, "eks:accessScope": "cluster" } },
                    },
                ],
            );
        });

        it("refuses access-entries mode without the role and its policies", () => {
            assert.throws(
                () => permissionsPolicy("access-entries", [A]),
                /needs the role's name, account and access policies/,
            );
            assert.throws(
                () => permissionsPolicy("access-entries", [A], { ...OWN, accessPolicyArns: {} }),
                /no access policy ARN for cluster arn:aws:eks:eu-west-1:123456789012:cluster\/eks-a/,
            );
        });
    });

    it("never holds a wildcard action or a bare * resource in either mode", () => {
        for (const mode of ["least-privilege", "access-entries"] as const) {
            const doc = permissionsPolicy(mode, [A, B], OWN);
            assert.deepEqual(allowedActions(doc).sort(), [...ACTIONS_BY_MODE[mode]].sort());
            for (const s of doc.Statement) {
                for (const a of [s.Action].flat()) assert.ok(!a.includes("*"), `${mode}: action ${a}`);
                for (const r of s.Resource ?? [])
                    assert.ok(
                        r !== "*" && r.startsWith("arn:aws:eks:") && !/:cluster\/\*/.test(r),
                        `${mode}: resource ${r}`,
                    );
            }
        }
        assert.deepEqual([...LEAST_PRIVILEGE_ACTIONS], ["eks:UpdateClusterConfig", "eks:DescribeCluster"]);
    });

    it("refuses to write a statement without clusters", () => {
        assert.throws(() => permissionsPolicy("least-privilege", []), /needs at least one cluster ARN/);
    });

    it("spells cluster ARNs in the region's partition", () => {
        assert.equal(clusterArn("cn-north-1", "123456789012", "c"), "arn:aws-cn:eks:cn-north-1:123456789012:cluster/c");
        assert.equal(
            clusterArn("us-gov-west-1", "123456789012", "c"),
            "arn:aws-us-gov:eks:us-gov-west-1:123456789012:cluster/c",
        );
    });
});

describe("endpoint reachability for Defender", () => {
    it("knows which Defender CIDRs an allow list covers", () => {
        assert.equal(cidrContains("172.212.0.0/16", "172.212.245.192/28"), true);
        assert.equal(cidrContains("172.212.245.200/29", "172.212.245.192/28"), false);
        assert.deepEqual(
            missingDefenderCidrs({ publicAccess: true, privateAccess: false, publicAccessCidrs: ["0.0.0.0/0"] }),
            [],
        );
        assert.deepEqual(
            missingDefenderCidrs({
                publicAccess: true,
                privateAccess: true,
                publicAccessCidrs: ["203.0.113.0/24", "48.209.1.192/28"],
            }),
            ["172.212.245.192/28"],
        );
        assert.deepEqual(
            missingDefenderCidrs({ publicAccess: false, privateAccess: true, publicAccessCidrs: ["0.0.0.0/0"] }),
            [...DEFENDER_CIDRS],
        );
    });

    it("adds Defender's CIDRs to the existing ones, keeping them, in the restricted-endpoint command", () => {
        assert.deepEqual(cidrsWithDefender(["198.51.100.0/24", "48.209.1.0/24"]), [
            "198.51.100.0/24",
            "48.209.1.0/24",
            "172.212.245.192/28",
        ]);
        assert.equal(
            restrictedEndpointCommand("c1", "eu-west-1", {
                publicAccess: false,
                privateAccess: true,
                publicAccessCidrs: ["0.0.0.0/0"],
            }),
            "aws eks update-cluster-config --region eu-west-1 --name c1 --resources-vpc-config endpointPublicAccess=true,endpointPrivateAccess=true,publicAccessCidrs=172.212.245.192/28,48.209.1.192/28",
        );
    });

    it("writes a note only for private or restricted endpoints", () => {
        assert.equal(
            endpointNetworkNote({ publicAccess: true, privateAccess: false, publicAccessCidrs: ["0.0.0.0/0"] }),
            undefined,
        );
        assert.equal(
            endpointNetworkNote({ publicAccess: false, privateAccess: true, publicAccessCidrs: [] }),
            "API endpoint is private: discovery cannot reach this cluster (Defender does not open the endpoint); enable a restricted public endpoint that allows 172.212.245.192/28 and 48.209.1.192/28",
        );
        assert.equal(
            endpointNetworkNote({ publicAccess: true, privateAccess: false, publicAccessCidrs: ["10.0.0.0/8"] }),
            "public API endpoint is restricted to 10.0.0.0/8: add 172.212.245.192/28 and 48.209.1.192/28 to publicAccessCidrs so that Defender can reach it",
        );
    });
});
