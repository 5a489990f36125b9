import { strict as assert } from "assert";
import { permissionsPolicy, trustPolicy } from "../../../domain/aws/policyDocuments";
import { eksDiscoveryRoleActions, eksDiscoveryTrust } from "../../../policies/rules/eksDiscoveryRole";
import { ResourceView } from "../../../policies/types";

const ACCOUNT = "123456789012";
const TENANT = "7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f";
const ISSUER_PATH = "sts.windows.net/33e01921-4d64-4f8c-a055-5bdaffd5e33d/";
const PROVIDER = `arn:aws:iam::${ACCOUNT}:oidc-provider/${ISSUER_PATH}`;
const AUDIENCE = "api://6610e979-c931-41ec-adc7-b9920c9d52f1";
const A = `arn:aws:eks:eu-west-1:${ACCOUNT}:cluster/a`;
const VIEW = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy";
const ADMIN_VIEW = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminViewPolicy";
const CLUSTER_ADMIN = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy";
const tags = { "agentless-discovery:purpose": "defender-discovery" };
const res = (type: string, name: string, inputs: Record<string, unknown>): ResourceView => ({ type, name, inputs });
const ctx = { production: false };

/** The AWS program's plan: the pinned provider, the role with its trust, one cluster, the inline policy. */
function plan(policy: unknown, assumeRolePolicy: unknown = JSON.stringify(trustPolicy(PROVIDER, TENANT))) {
    return [
        res("pulumi:providers:aws", "aws", { allowedAccountIds: JSON.stringify([ACCOUNT]) }),
        res("aws:iam/role:Role", "discovery-role", { name: "MDCRole", tags, assumeRolePolicy }),
        res("agentless:aws:EksClusterAccess", "eks-a", { clusterName: "a", region: "eu-west-1" }),
        res("aws:iam/rolePolicy:RolePolicy", "discovery-permissions", { role: "MDCRole", policy }),
    ];
}
const actions = (rs: ResourceView[]) =>
    eksDiscoveryRoleActions.validateStack(rs, ctx).map((f) => `${f.resource}: ${f.message}`);
const trust = (rs: ResourceView[]) =>
    eksDiscoveryTrust.validateStack(rs, ctx).map((f) => `${f.resource}: ${f.message}`);

/** The access-entries document with the AssociateAccessPolicy condition naming `policies`. */
function associating(policies: string[]): string {
    const doc = permissionsPolicy("access-entries", [A], {
        roleName: "MDCRole",
        roleAccountId: ACCOUNT,
        accessPolicyArns: { [A]: VIEW },
    });
    const s = doc.Statement.find((x) => x.Sid === "AssociateOwnAccessPolicy")!;
    s.Condition!.StringEquals["eks:policyArn"] = policies;
    return JSON.stringify(doc);
}

describe("eks-discovery-role-actions: the access policy the role may associate with itself", () => {
    it("passes one or both read-only policies", () => {
        assert.deepEqual(actions(plan(associating([VIEW]))), []);
        assert.deepEqual(actions(plan(associating([VIEW, ADMIN_VIEW]))), []);
    });

    it("fails a list where only one of the policies is read-only: [View, ClusterAdmin] lets the role make itself admin", () => {
        for (const policies of [
            [VIEW, CLUSTER_ADMIN],
            [CLUSTER_ADMIN, VIEW],
        ]) {
            assert.deepEqual(
                actions(plan(associating(policies))),
                [
                    "discovery-permissions: statement AssociateOwnAccessPolicy grants eks:AssociateAccessPolicy without the condition StringEquals eks:policyArn = AmazonEKSViewPolicy or AmazonEKSAdminViewPolicy: it could associate AmazonEKSClusterAdminPolicy",
                ],
                JSON.stringify(policies),
            );
        }
    });
});

describe("eks-discovery-role-actions: a policy not known at preview", () => {
    it("fails it instead of skipping it, whatever stands for the unknown value", () => {
        for (const unknown of [undefined, "[unknown]", "[secret]"]) {
            assert.deepEqual(
                actions(plan(unknown)),
                ["discovery-permissions: the discovery role's policy is not known at preview; it cannot be judged"],
                String(unknown),
            );
        }
    });
});

describe("eks-discovery-trust: the audience", () => {
    it("passes the trust the component writes", () => {
        assert.deepEqual(trust(plan(associating([VIEW]))), []);
    });

    it("fails a trust that accepts a second audience besides Defender's", () => {
        const doc = trustPolicy(PROVIDER, TENANT);
        doc.Statement[0].Condition!.StringEquals[`${ISSUER_PATH}:aud`] = [AUDIENCE, "api://another-application"];
        assert.deepEqual(trust(plan(associating([VIEW]), JSON.stringify(doc))), [
            `discovery-role: statement DefenderAgentlessDiscovery lacks the condition StringEquals ${ISSUER_PATH}:aud = ${AUDIENCE}`,
        ]);
    });

    it("fails a trust that names a second OIDC provider besides Microsoft's", () => {
        const doc = trustPolicy(PROVIDER, TENANT) as unknown as {
            Statement: { Principal: { Federated: string | string[] } }[];
        };
        const federated = [PROVIDER, `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`];
        doc.Statement[0].Principal.Federated = federated;
        assert.deepEqual(trust(plan(associating([VIEW]), JSON.stringify(doc))), [
            `discovery-role: statement DefenderAgentlessDiscovery trusts ${JSON.stringify({ Federated: federated })}; expected only the OIDC provider of ${ISSUER_PATH}`,
        ]);
    });
});

const doc = (...Statement: unknown[]) => JSON.stringify({ Version: "2012-10-17", Statement });
const describeOn = (...Resource: string[]) => ({ Sid: "S", Effect: "Allow", Action: "eks:DescribeCluster", Resource });
const entryOn = (rest: string, account = ACCOUNT, region = "eu-west-1") =>
    `arn:aws:eks:${region}:${account}:access-entry/${rest}`;
const OWN_ENTRY = `role/${ACCOUNT}/MDCRole/*`;

describe("eks-discovery-role-actions: access entry ARNs", () => {
    it("passes the role's own entry on an onboarded cluster, whatever the length of the cluster's name", () => {
        const rs = plan(doc(describeOn(entryOn(`prod-eu/${OWN_ENTRY}`))));
        rs.push(res("agentless:aws:EksClusterAccess", "eks-prod", { clusterName: "prod-eu", region: "eu-west-1" }));
        assert.deepEqual(actions(rs), []);
    });

    it("fails an entry of the role's name in another account, one with a prefix or a suffix, and one on a cluster not onboarded", () => {
        const ownShape = `an access entry ARN must be the role's own: access-entry/<cluster>/role/${ACCOUNT}/MDCRole/*`;
        for (const [target, expected] of [
            [entryOn(`a/role/210987654321/MDCRole/*`), `; ${ownShape}`],
            [entryOn(`other/a/${OWN_ENTRY}`), `; ${ownShape}`],
            [entryOn(`a/${OWN_ENTRY}/extra`), `; ${ownShape}`],
            [entryOn(`c/${OWN_ENTRY}`), ", the entry on a cluster this stack does not onboard"],
            [entryOn(`a/${OWN_ENTRY}`, ACCOUNT, "us-east-1"), ", the entry on a cluster this stack does not onboard"],
        ]) {
            assert.deepEqual(
                actions(plan(doc(describeOn(target)))),
                [`discovery-permissions: statement S applies to "${target}"${expected}`],
                target,
            );
        }
    });
});

describe("eks-discovery-role-actions: the accounts the provider pins", () => {
    const other = `arn:aws:eks:eu-west-1:210987654321:cluster/a`;
    const withProvider = (inputs: Record<string, unknown>, extra: ResourceView[] = []) => {
        const rs = plan(doc(describeOn(other)));
        rs[0] = res("pulumi:providers:aws", "aws", inputs);
        return [...rs, ...extra];
    };

    it("reads the list the engine passes and names every pinned account", () => {
        assert.deepEqual(actions(withProvider({ allowedAccountIds: [ACCOUNT, "111122223333"] })), [
            `discovery-permissions: statement S applies to "${other}" in account 210987654321; the stack is pinned to ${ACCOUNT}, 111122223333`,
        ]);
    });

    it("judges no account when the provider pins none or its list is not known at preview", () => {
        for (const allowedAccountIds of [undefined, "[unknown]", "null"]) {
            assert.deepEqual(actions(withProvider({ allowedAccountIds })), [], String(allowedAccountIds));
        }
    });

    it("takes the pinning from the AWS provider only, not from another resource that carries the same input", () => {
        const decoy = res("agentless:aws:Settings", "decoy", { allowedAccountIds: ["210987654321"] });
        assert.deepEqual(actions(withProvider({ allowedAccountIds: [ACCOUNT] }, [decoy])), [
            `discovery-permissions: statement S applies to "${other}" in account 210987654321; the stack is pinned to ${ACCOUNT}`,
        ]);
    });
});

describe("eks-discovery-role-actions: which clusters count as onboarded", () => {
    it("counts only an EksClusterAccess, not an access entry that names another cluster with its region", () => {
        const c = `arn:aws:eks:eu-west-1:${ACCOUNT}:cluster/c`;
        const rs = plan(doc(describeOn(c)));
        rs.push(res("aws:eks/accessEntry:AccessEntry", "entry-c", { clusterName: "c", region: "eu-west-1" }));
        assert.deepEqual(actions(rs), [
            `discovery-permissions: statement S applies to "${c}", a cluster this stack does not onboard`,
        ]);
    });
});

describe("eks-discovery-role-actions: the access-entry conditions", () => {
    const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/MDCRole`;
    const create = (Condition: unknown) => ({
        Sid: "C",
        Effect: "Allow",
        Action: "eks:CreateAccessEntry",
        Resource: entryOn(`a/${OWN_ENTRY}`),
        Condition,
    });
    const associate = (Condition: unknown) => ({
        Sid: "P",
        Effect: "Allow",
        Action: "eks:AssociateAccessPolicy",
        Resource: entryOn(`a/${OWN_ENTRY}`),
        Condition,
    });
    const noPrincipal =
        "discovery-permissions: statement C grants eks:CreateAccessEntry without the condition StringEquals eks:principalArn = the role's own ARN: it could create entries for any principal";
    const noPolicy =
        "discovery-permissions: statement P grants eks:AssociateAccessPolicy without the condition StringEquals eks:policyArn = AmazonEKSViewPolicy or AmazonEKSAdminViewPolicy: it could associate AmazonEKSClusterAdminPolicy";

    it("passes the role's own ARN and a read policy under ArnEquals as under StringEquals", () => {
        assert.deepEqual(actions(plan(doc(create({ ArnEquals: { "eks:principalArn": ROLE_ARN } })))), []);
        assert.deepEqual(actions(plan(doc(associate({ ArnEquals: { "eks:policyArn": VIEW } })))), []);
    });

    it("fails an empty list of values, and a list where only one principal is the role", () => {
        assert.deepEqual(actions(plan(doc(create({ StringEquals: { "eks:principalArn": [] } })))), [noPrincipal]);
        assert.deepEqual(actions(plan(doc(associate({ StringEquals: { "eks:policyArn": [] } })))), [noPolicy]);
        const two = [ROLE_ARN, `arn:aws:iam::${ACCOUNT}:role/Admin`];
        assert.deepEqual(actions(plan(doc(create({ StringEquals: { "eks:principalArn": two } })))), [noPrincipal]);
    });

    it("reads a dot in the role's name as a dot, not as any character", () => {
        const dotted = (principal: string) => {
            const rs = plan(
                doc({
                    ...create({ StringEquals: { "eks:principalArn": principal } }),
                    Resource: entryOn(`a/role/${ACCOUNT}/Defender.Discovery/*`),
                }),
            );
            rs[1] = res("aws:iam/role:Role", "discovery-role", { name: "Defender.Discovery", tags });
            rs[3] = res("aws:iam/rolePolicy:RolePolicy", "discovery-permissions", {
                role: "Defender.Discovery",
                policy: rs[3].inputs.policy,
            });
            return actions(rs);
        };
        assert.deepEqual(dotted(`arn:aws:iam::${ACCOUNT}:role/Defender.Discovery`), []);
        assert.deepEqual(dotted(`arn:aws:iam::${ACCOUNT}:role/DefenderXDiscovery`), [noPrincipal]);
    });
});

describe("eks-discovery-role-actions: statement shapes", () => {
    it("skips Deny statements, which only narrow the grant", () => {
        const deny = { Sid: "D", Effect: "Deny", Action: "*", Resource: "*" };
        assert.deepEqual(actions(plan(doc(describeOn(A), deny))), []);
    });

    it("fails a statement without Resource, and a policy that is not JSON", () => {
        assert.deepEqual(actions(plan(doc({ Sid: "S", Effect: "Allow", Action: "eks:DescribeCluster" }))), [
            "discovery-permissions: statement S has no Resource",
        ]);
        assert.deepEqual(actions(plan(doc({ Sid: "S", Effect: "Allow", NotAction: "iam:*" }))), [
            "discovery-permissions: statement S uses NotAction: the discovery role's actions must be listed one by one",
        ]);
        assert.deepEqual(actions(plan("{not json")), ["discovery-permissions: the policy document is not valid JSON"]);
    });
});

describe("eks-discovery-role-actions: which role and which documents", () => {
    const wide = doc({ Sid: "W", Effect: "Allow", Action: "eks:DeleteCluster", Resource: "*" });

    it("judges only the role tagged as the discovery role, not another role of the account or its policies", () => {
        const rs = plan(doc(describeOn(A)));
        rs.push(res("aws:iam/role:Role", "ci-role", { name: "CiRole", inlinePolicies: [{ name: "x", policy: wide }] }));
        rs.push(res("aws:iam/role:Role", "ops-role", { name: "OpsRole", tags: { team: "ops" } }));
        rs.push(res("aws:iam/rolePolicy:RolePolicy", "ops-permissions", { role: "OpsRole", policy: wide }));
        rs.push(res("aws:iam/policyAttachment:PolicyAttachment", "ops-pa", { roles: ["OpsRole"], policyArn: "p" }));
        rs.push(res("aws:iam/policy:Policy", "tagged-policy", { tags, policy: wide }));
        // An instance profile is often named for its role and may carry the same tags: it is no role.
        rs.push(
            res("aws:iam/instanceProfile:InstanceProfile", "ops-profile", { name: "OpsRole", role: "OpsRole", tags }),
        );
        assert.deepEqual(actions(rs), []);
    });

    it("refuses a managed policy attached to several roles, the discovery role among them", () => {
        const rs = plan(doc(describeOn(A)));
        rs.push(
            res("aws:iam/policyAttachment:PolicyAttachment", "shared", {
                roles: ["OpsRole", "MDCRole"],
                policyArn: "arn:aws:iam::aws:policy/AdministratorAccess",
            }),
        );
        assert.deepEqual(actions(rs), [
            "shared: attaches managed policy arn:aws:iam::aws:policy/AdministratorAccess to the discovery role; its permissions must be the inline least-privilege policy only",
        ]);
    });

    it("judges an auto-named role by its resource name, the name the mock gives it", () => {
        const rs = plan(doc(describeOn(entryOn(`a/role/${ACCOUNT}/discovery-role/*`))));
        rs[1] = res("aws:iam/role:Role", "discovery-role", { tags });
        rs[3] = res("aws:iam/rolePolicy:RolePolicy", "discovery-permissions", {
            role: "discovery-role",
            policy: rs[3].inputs.policy,
        });
        assert.deepEqual(actions(rs), []);
    });

    it("fails an inline policy entry whose document is not known at preview", () => {
        const rs = plan(doc(describeOn(A)));
        rs[1] = res("aws:iam/role:Role", "discovery-role", { name: "MDCRole", tags, inlinePolicies: [null] });
        assert.deepEqual(actions(rs), [
            "discovery-role: the discovery role's policy is not known at preview; it cannot be judged",
        ]);
    });
});

describe("eks-discovery-trust: statements, principals and actions", () => {
    const good = () => trustPolicy(PROVIDER, TENANT).Statement[0] as unknown as Record<string, unknown>;
    const judged = (...statements: unknown[]) => trust(plan(doc(describeOn(A)), doc(...statements)));
    const where = "discovery-role: statement DefenderAgentlessDiscovery";

    it("skips Deny statements, and fails a trust that only denies", () => {
        const deny = { Sid: "D", Effect: "Deny", Principal: "*", Action: "sts:AssumeRole" };
        assert.deepEqual(judged(good(), deny), []);
        assert.deepEqual(judged(deny), ["discovery-role: the trust policy allows nothing"]);
    });

    it("fails a second action, another OIDC provider, a missing or string principal, and another audience", () => {
        const github = `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`;
        const twoActions = ["sts:AssumeRoleWithWebIdentity", "sts:AssumeRole"];
        assert.deepEqual(judged({ ...good(), Action: twoActions }), [
            `${where} allows ${JSON.stringify(twoActions)}; only sts:AssumeRoleWithWebIdentity is allowed`,
        ]);
        assert.deepEqual(judged({ ...good(), Principal: { Federated: github } }), [
            `${where} trusts {"Federated":"${github}"}; expected only the OIDC provider of ${ISSUER_PATH}`,
        ]);
        assert.deepEqual(judged({ ...good(), Principal: undefined }), [
            `${where} trusts undefined; expected only the OIDC provider of ${ISSUER_PATH}`,
        ]);
        assert.deepEqual(judged({ ...good(), Principal: "*" }), [
            `${where} trusts "*"; expected only the OIDC provider of ${ISSUER_PATH}`,
        ]);
        const other = good();
        (other.Condition as { StringEquals: Record<string, string> }).StringEquals[`${ISSUER_PATH}:aud`] =
            "api://another-application";
        assert.deepEqual(judged(other), [`${where} lacks the condition StringEquals ${ISSUER_PATH}:aud = ${AUDIENCE}`]);
    });

    it("skips a trust not known at preview (the OIDC provider's ARN), and fails one that is not JSON", () => {
        for (const unknown of ["[unknown]", "[secret]"]) assert.deepEqual(trust(plan(doc(), unknown)), [], unknown);
        assert.deepEqual(trust(plan(doc(), "{not json")), ["discovery-role: the policy document is not valid JSON"]);
    });
});
