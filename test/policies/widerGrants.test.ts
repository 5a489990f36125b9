import { strict as assert } from "assert";
import { evaluatePolicies, PolicyConfig } from "../../policies/evaluate";
import { WIDER_GRANT_KINDS, WIDER_GRANTS_CONFIG_KEY } from "../../policies/facts";
import { RULES } from "../../policies/rules";
import { ResourceView } from "../../policies/types";
import { toCrossGuard } from "../../policies/crossguard";
import { WIDER_GRANT_KINDS_BY_CLOUD, WIDER_GRANTS_KEY } from "../../domain/shared/widerGrants";
import { PROJECT } from "../../config";
import { loadAcknowledgedWiderGrants } from "../../config/widerGrants";
import { oidcProviderArn } from "../../domain/aws/facts";
import { trustPolicy } from "../../domain/aws/policyDocuments";

const res = (type: string, name: string, inputs: Record<string, unknown>): ResourceView => ({ type, name, inputs });
const RULE = "wider-grants-acknowledged";
const PROD: PolicyConfig = { [RULE]: { production: true } };
const ACCOUNT = "111122223333";
const settings = (acks?: string[]) =>
    res("agentless:stack:Settings", "settings", {
        stack: "s",
        cloud: "aws",
        production: true,
        ...(acks ? { acknowledgedWiderGrants: acks } : {}),
    });
const cluster = (region: string, name: string) =>
    res("agentless:aws:EksClusterAccess", `${region}-${name}`, {
        clusterName: name,
        region,
        authenticationMode: "API",
        mapToSystemMasters: false,
    });
const association = (policy: string) =>
    res("aws:eks/accessPolicyAssociation:AccessPolicyAssociation", "eu-west-1-shop-policy", {
        clusterName: "shop",
        region: "eu-west-1",
        principalArn: `arn:aws:iam::${ACCOUNT}:role/MDCContainersAgentlessDiscoveryK8sRole`,
        policyArn: `arn:aws:eks::aws:cluster-access-policy/${policy}`,
        accessScope: { type: "cluster" },
    });
const ACCOUNT_PROVIDER = oidcProviderArn("111122223333", "eu-west-1");
const TENANT = "00000000-0000-0000-0000-0000000000aa";
/** The trust Microsoft's template gives the role: Defender only. */
const DEFENDER_TRUST = trustPolicy(ACCOUNT_PROVIDER, TENANT);
const adoptedRole = (policies: unknown, trust: unknown = JSON.stringify(DEFENDER_TRUST)) =>
    res("agentless:aws:DiscoveryRole", "discovery", {
        roleName: "MDCContainersAgentlessDiscoveryK8sRole",
        adopted: { role: true, oidcProvider: true },
        adoptedRolePolicies: policies,
        ...(trust === null ? {} : { adoptedRoleTrust: trust }),
    });
const LEAST = {
    inline: [
        {
            name: "least",
            document: JSON.stringify({
                Version: "2012-10-17",
                Statement: [
                    {
                        Effect: "Allow",
                        Action: "eks:DescribeCluster",
                        Resource: "arn:aws:eks:eu-west-1:111122223333:cluster/shop",
                    },
                ],
            }),
        },
    ],
    attached: [],
};
/** Defender's trust with one more thing in it. */
const widerTrust = (change: (statements: Record<string, unknown>[]) => void) => {
    const doc = JSON.parse(JSON.stringify(DEFENDER_TRUST)) as { Statement: Record<string, unknown>[] };
    change(doc.Statement);
    return JSON.stringify(doc);
};
const doc = (statement: Record<string, unknown>) =>
    JSON.stringify({ Version: "2012-10-17", Statement: [{ Sid: "S", Effect: "Allow", ...statement }] });
const SHOP = `arn:aws:eks:eu-west-1:${ACCOUNT}:cluster/shop`;

/** Each wider grant the gate must catch: the plan's resources, its key, and the start of its message. */
const TABLE: { grant: string; resources: ResourceView[]; key: string; what: RegExp }[] = [
    {
        grant: "EKS access policy AmazonEKSClusterAdminPolicy (aws.accessPolicy or an override)",
        resources: [cluster("eu-west-1", "shop"), association("AmazonEKSClusterAdminPolicy")],
        key: "eks-access-policy:eu-west-1/shop:AmazonEKSClusterAdminPolicy",
        what: /associates arn:aws:eks::aws:cluster-access-policy\/AmazonEKSClusterAdminPolicy with the discovery role's access entry on eu-west-1\/shop, wider than AmazonEKSViewPolicy/,
    },
    {
        grant: "EKS access policy AmazonEKSAdminViewPolicy (reads Secrets)",
        resources: [cluster("eu-west-1", "shop"), association("AmazonEKSAdminViewPolicy")],
        key: "eks-access-policy:eu-west-1/shop:AmazonEKSAdminViewPolicy",
        what: /AmazonEKSAdminViewPolicy with the discovery role's access entry on eu-west-1\/shop/,
    },
    {
        grant: "EKS access policy AmazonEKSEditPolicy",
        resources: [cluster("eu-west-1", "shop"), association("AmazonEKSEditPolicy")],
        key: "eks-access-policy:eu-west-1/shop:AmazonEKSEditPolicy",
        what: /AmazonEKSEditPolicy/,
    },
    {
        grant: "an access entry with Kubernetes groups (an adopted entry's system:masters)",
        resources: [
            res("aws:eks/accessEntry:AccessEntry", "eu-west-1-shop-entry", {
                clusterName: "shop",
                region: "eu-west-1",
                kubernetesGroups: ["system:masters"],
            }),
        ],
        key: "eks-access-entry-groups:eu-west-1/shop",
        what: /carries the Kubernetes groups system:masters: whatever RBAC binds them to \(system:masters is cluster-admin\)/,
    },
    {
        grant: "aws-auth mapping to system:masters (mapToSystemMasters)",
        resources: [
            res("agentless:aws:EksClusterAccess", "eu-central-1-legacy", {
                clusterName: "legacy",
                region: "eu-central-1",
                authenticationMode: "CONFIG_MAP",
                mapToSystemMasters: true,
            }),
        ],
        key: "eks-system-masters:eu-central-1/legacy",
        what: /maps the discovery role to system:masters in aws-auth on eu-central-1\/legacy: cluster-admin/,
    },
    {
        grant: "an adopted role with eks:* on *",
        resources: [
            cluster("eu-west-1", "shop"),
            adoptedRole({ inline: [{ name: "all", document: doc({ Action: "eks:*", Resource: "*" }) }], attached: [] }),
        ],
        key: "eks-adopted-role:MDCContainersAgentlessDiscoveryK8sRole",
        what: /the adopted discovery role MDCContainersAgentlessDiscoveryK8sRole holds more than this stack would grant: inline policy all: the discovery role is granted "eks:\*"/,
    },
    {
        grant: "an adopted role with an attached managed policy",
        resources: [
            cluster("eu-west-1", "shop"),
            adoptedRole({
                inline: [],
                attached: [
                    {
                        arn: "arn:aws:iam::aws:policy/AdministratorAccess",
                        document: doc({ Action: "*", Resource: "*" }),
                    },
                ],
            }),
        ],
        key: "eks-adopted-role:MDCContainersAgentlessDiscoveryK8sRole",
        what: /managed policy arn:aws:iam::aws:policy\/AdministratorAccess: the discovery role is granted "\*"/,
    },
    {
        grant: "an adopted role that may associate any access policy (no eks:policyArn condition)",
        resources: [
            cluster("eu-west-1", "shop"),
            adoptedRole({
                inline: [
                    {
                        name: "entries",
                        document: doc({
                            Action: "eks:AssociateAccessPolicy",
                            Resource: `arn:aws:eks:eu-west-1:${ACCOUNT}:access-entry/shop/role/${ACCOUNT}/MDCContainersAgentlessDiscoveryK8sRole/*`,
                        }),
                    },
                ],
                attached: [],
            }),
        ],
        key: "eks-adopted-role:MDCContainersAgentlessDiscoveryK8sRole",
        what: /grants eks:AssociateAccessPolicy without the condition StringEquals eks:policyArn/,
    },
    {
        grant: "an adopted role whose policies were not read",
        resources: [cluster("eu-west-1", "shop"), adoptedRole(null)],
        key: "eks-adopted-role:MDCContainersAgentlessDiscoveryK8sRole",
        what: /permissions were not read \(the lookup or the cloud-state file does not list its policies\), so the gate could not judge them/,
    },
    {
        grant: "an adopted role that also trusts another OIDC provider",
        resources: [
            cluster("eu-west-1", "shop"),
            adoptedRole(
                LEAST,
                widerTrust((st) => {
                    (st[0].Principal as { Federated: unknown }).Federated = [
                        ACCOUNT_PROVIDER,
                        "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com",
                    ];
                }),
            ),
        ],
        key: "eks-adopted-trust:MDCContainersAgentlessDiscoveryK8sRole",
        what: /the adopted discovery role MDCContainersAgentlessDiscoveryK8sRole may be assumed by more than Defender: .*token\.actions\.githubusercontent\.com.*expected only the OIDC provider of sts\.windows\.net/,
    },
    {
        grant: "an adopted role whose trust has a second statement for an AWS account",
        resources: [
            cluster("eu-west-1", "shop"),
            adoptedRole(
                LEAST,
                widerTrust((st) => {
                    st.push({
                        Effect: "Allow",
                        Action: "sts:AssumeRole",
                        Principal: { AWS: "arn:aws:iam::444455556666:root" },
                    });
                }),
            ),
        ],
        key: "eks-adopted-trust:MDCContainersAgentlessDiscoveryK8sRole",
        what: /may be assumed by more than Defender: .*allows "sts:AssumeRole"; only sts:AssumeRoleWithWebIdentity is allowed/,
    },
    {
        grant: "an adopted role whose trust accepts a second audience",
        resources: [
            cluster("eu-west-1", "shop"),
            adoptedRole(
                LEAST,
                widerTrust((st) => {
                    const eq = (st[0].Condition as { StringEquals: Record<string, unknown> }).StringEquals;
                    for (const k of Object.keys(eq)) if (k.endsWith(":aud")) eq[k] = [eq[k], "api://another-app"];
                }),
            ),
        ],
        key: "eks-adopted-trust:MDCContainersAgentlessDiscoveryK8sRole",
        what: /may be assumed by more than Defender: .*lacks the condition StringEquals .*:aud = /,
    },
    {
        grant: "an adopted role whose trust was not read",
        resources: [cluster("eu-west-1", "shop"), adoptedRole(LEAST, null)],
        key: "eks-adopted-trust:MDCContainersAgentlessDiscoveryK8sRole",
        what: /trust policy was not read \(the lookup or the cloud-state file does not give it\), so the gate could not judge who may assume it/,
    },
    {
        grant: "GKE inventory role in a project (container.secrets.list)",
        resources: [
            res("gcp:projects/iAMMember:IAMMember", "discovery-inventory", {
                project: "contoso",
                role: "projects/contoso/roles/MDCGkeContainerInventoryCollectionRole",
                member: "serviceAccount:mdc@contoso.iam.gserviceaccount.com",
            }),
        ],
        key: "gke-inventory-role:projects/contoso",
        what: /grants MDCGkeContainerInventoryCollectionRole \(container.secrets.list, container.nodes.proxy\) in project contoso: Defender can list every Secret/,
    },
    {
        grant: "GCP organization scope",
        resources: [
            res("gcp:organizations/iAMMember:IAMMember", "discovery-container-viewer", {
                orgId: "123456789012",
                role: "roles/container.viewer",
                member: "serviceAccount:mdc@contoso.iam.gserviceaccount.com",
            }),
        ],
        key: "gcp-organization-scope:123456789012",
        what: /grants roles\/container.viewer on organization 123456789012: it reaches the clusters of every project in the organization/,
    },
];

describe("wider grants: each is caught, and each acknowledged form passes", () => {
    for (const row of TABLE) {
        describe(row.grant, () => {
            const mine = (resources: ResourceView[], config?: PolicyConfig) =>
                evaluatePolicies(resources, RULES, config).filter((v) => v.policy === RULE);

            it("fails a production gate, naming the key to acknowledge it with", () => {
                const [v, ...rest] = mine([settings(), ...row.resources], PROD);
                assert.deepEqual(rest, []);
                assert.equal(v.level, "mandatory");
                assert.match(v.message, row.what);
                assert.ok(
                    v.message.startsWith(`wider grant ${row.key}: `) &&
                        v.message.endsWith(
                            `; to accept it, acknowledge it with ${WIDER_GRANTS_CONFIG_KEY}: ["${row.key}"]`,
                        ),
                    v.message,
                );
            });

            it("is advisory outside production", () => {
                const vs = mine([settings(), ...row.resources]);
                assert.deepEqual(
                    vs.map((v) => v.level),
                    ["advisory"],
                );
            });

            it("passes production once acknowledged, and still says so (advisory)", () => {
                const vs = mine([settings([row.key]), ...row.resources], PROD);
                assert.equal(vs.length, 1);
                assert.equal(vs[0].level, "advisory");
                assert.ok(
                    vs[0].message.startsWith(`wider grant ${row.key}, acknowledged in ${WIDER_GRANTS_CONFIG_KEY}: `),
                    vs[0].message,
                );
                assert.match(vs[0].message, row.what);
            });

            it("is not acknowledged by another grant's key", () => {
                const other = row.key.startsWith("gke") ? "gcp-organization-scope:1" : "eks-system-masters:x/y";
                const vs = mine([settings([other]), ...row.resources], PROD);
                assert.deepEqual(
                    vs.map((v) => v.level),
                    ["mandatory", "advisory"],
                );
                assert.equal(
                    vs[1].message,
                    `${WIDER_GRANTS_CONFIG_KEY} names "${other}", which this plan does not grant; remove it`,
                );
            });
        });
    }

    it("passes what discovery needs: the view policy, an entry without groups, an adopted role within the allow-list", () => {
        const resources = [
            settings(),
            cluster("eu-west-1", "shop"),
            association("AmazonEKSViewPolicy"),
            res("aws:eks/accessEntry:AccessEntry", "eu-west-1-shop-entry", {
                clusterName: "shop",
                region: "eu-west-1",
            }),
            adoptedRole({
                inline: [
                    {
                        name: "least",
                        document: doc({ Action: ["eks:DescribeCluster", "eks:UpdateClusterConfig"], Resource: SHOP }),
                    },
                ],
                attached: [],
            }),
            res("gcp:projects/iAMMember:IAMMember", "discovery-container-viewer", {
                project: "contoso",
                role: "roles/container.viewer",
            }),
        ];
        assert.deepEqual(
            evaluatePolicies(resources, RULES, PROD).filter((v) => v.policy === RULE),
            [],
        );
    });

    it("leaves a role the stack made to eks-discovery-role-actions (not adopted: not judged twice)", () => {
        const made = res("agentless:aws:DiscoveryRole", "discovery", {
            roleName: "R",
            adopted: { role: false, oidcProvider: false },
        });
        assert.deepEqual(
            evaluatePolicies([made], RULES, PROD).filter((v) => v.policy === RULE),
            [],
        );
    });

    it("reports only the production failures to CrossGuard, whose levels are per policy", async () => {
        const p = toCrossGuard(RULES.find((r) => r.name === RULE)!) as {
            validateStack: (args: unknown, report: (m: string) => void) => Promise<void> | void;
        };
        const row = TABLE[0];
        const run = async (production: boolean, acks?: string[]) => {
            const out: string[] = [];
            const resources = [settings(acks), ...row.resources].map((r) => ({
                type: r.type,
                name: r.name,
                props: r.inputs,
                urn: `urn:${r.name}`,
            }));
            await p.validateStack({ resources, getConfig: () => ({ production }) }, (m) => out.push(m));
            return out;
        };
        assert.equal((await run(true)).length, 1);
        assert.deepEqual(await run(false), []);
        assert.deepEqual(await run(true, [row.key]), []);
    });
});

describe("the acknowledgement key (agentless-discovery:acknowledgedWiderGrants)", () => {
    it("knows the same kinds as the pack", () => {
        assert.deepEqual(
            Object.values(WIDER_GRANT_KINDS_BY_CLOUD)
                .flatMap((k) => Object.keys(k))
                .sort(),
            [...WIDER_GRANT_KINDS].sort(),
        );
        assert.equal(`${PROJECT}:${WIDER_GRANTS_KEY}`, WIDER_GRANTS_CONFIG_KEY);
    });

    it("takes each table key on its cloud's stack", () => {
        for (const row of TABLE) {
            const cloud = row.key.startsWith("eks") ? "aws" : "gcp";
            assert.deepEqual(loadAcknowledgedWiderGrants([row.key], cloud), [row.key]);
        }
        assert.deepEqual(loadAcknowledgedWiderGrants(undefined, "aws"), []);
    });

    it("refuses a kind of another cloud, an unknown kind, a non-string, a repeat and a non-list, naming key and value", () => {
        const cases: [unknown, "aws" | "gcp" | "azure", string][] = [
            [
                ["gke-inventory-role:projects/contoso"],
                "aws",
                'config key "acknowledgedWiderGrants[0]" has value "gke-inventory-role:projects/contoso"; expected a wider grant as the gate names it on a stack of cloud aws: eks-access-policy:<region>/<cluster>:<access policy>, eks-access-entry-groups:<region>/<cluster>, eks-system-masters:<region>/<cluster>, eks-adopted-role:<role name>, eks-adopted-trust:<role name>',
            ],
            [
                ["secrets"],
                "gcp",
                'config key "acknowledgedWiderGrants[0]" has value "secrets"; expected a wider grant as the gate names it on a stack of cloud gcp: gke-inventory-role:projects/<project id> or organizations/<organization id>, gcp-organization-scope:<organization id>',
            ],
            [
                [true],
                "azure",
                'config key "acknowledgedWiderGrants[0]" has value true; expected nothing: a stack of cloud azure makes no wider grant to acknowledge',
            ],
            [
                ["gcp-organization-scope:1", "gcp-organization-scope:1"],
                "gcp",
                'config key "acknowledgedWiderGrants[1]" has value "gcp-organization-scope:1"; expected each wider grant once',
            ],
            [
                "gcp-organization-scope:1",
                "gcp",
                'config key "acknowledgedWiderGrants" has value "gcp-organization-scope:1"; expected a list of wider grants such as the gate names them',
            ],
            [
                ["Xeks-adopted-role:MDCRole"],
                "aws",
                'config key "acknowledgedWiderGrants[0]" has value "Xeks-adopted-role:MDCRole"; expected a wider grant as the gate names it on a stack of cloud aws: eks-access-policy:<region>/<cluster>:<access policy>, eks-access-entry-groups:<region>/<cluster>, eks-system-masters:<region>/<cluster>, eks-adopted-role:<role name>, eks-adopted-trust:<role name>',
            ],
            [
                ["gcp-organization-scope:1 gke-inventory-role:projects/contoso"],
                "gcp",
                'config key "acknowledgedWiderGrants[0]" has value "gcp-organization-scope:1 gke-inventory-role:projects/contoso"; expected a wider grant as the gate names it on a stack of cloud gcp: gke-inventory-role:projects/<project id> or organizations/<organization id>, gcp-organization-scope:<organization id>',
            ],
            [
                [["gcp-organization-scope:1"]],
                "gcp",
                'config key "acknowledgedWiderGrants[0]" has value ["gcp-organization-scope:1"]; expected a wider grant as the gate names it on a stack of cloud gcp: gke-inventory-role:projects/<project id> or organizations/<organization id>, gcp-organization-scope:<organization id>',
            ],
        ];
        for (const [value, cloud, message] of cases) {
            assert.throws(
                () => loadAcknowledgedWiderGrants(value, cloud),
                (e: Error) => e.message === message,
                JSON.stringify(value),
            );
        }
    });
});
