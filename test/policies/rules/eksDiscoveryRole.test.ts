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
