import { strict as assert } from "assert";
import { EksClusterAccess } from "../../components/aws/eksClusterAccess";
import { diffPlans, renderChangesMarkdown, renderChangesText } from "../../plan/diff";
import { PlanDocument, planDocument } from "../../plan/document";
import { renderMarkdown, renderTable } from "../../plan/format";
import { one, registered } from "../helpers/pulumi";

type R = PlanDocument["resources"][number];
const ROLE = "arn:aws:iam::111122223333:role/MDCContainersAgentlessDiscoveryK8sRole";
const role: R = {
    type: "aws:iam/role:Role",
    name: "discovery-role",
    parent: "discovery",
    op: "create",
    inputs: { name: "MDCContainersAgentlessDiscoveryK8sRole" },
};
const entry: R = {
    type: "aws:eks/accessEntry:AccessEntry",
    name: "eks-a-entry",
    parent: "access",
    op: "import",
    importId: `a:${ROLE}`,
    retainOnDelete: true,
    inputs: { clusterName: "a" },
};
const patch: R = {
    type: "kubernetes:core/v1:ConfigMapPatch",
    name: "eks-b-aws-auth",
    parent: "access",
    op: "create",
    retainOnDelete: true,
    inputs: {},
};

describe("plan: what `pulumi destroy` would leave (retainOnDelete)", () => {
    it("records retainOnDelete from the register request, only on the resources that set it", async () => {
        const rs = await registered(
            () =>
                new EksClusterAccess("retain-eks", {
                    clusterName: "apps",
                    region: "eu-west-1",
                    authenticationMode: "API",
                    roleArn: ROLE,
                    endpoint: { publicAccess: true, privateAccess: true, publicAccessCidrs: ["0.0.0.0/0"] },
                    existingEntry: {
                        principalArn: ROLE,
                        type: "STANDARD",
                        kubernetesGroups: [],
                        tags: {},
                        clusterScopePolicyArns: [],
                    },
                }),
        );
        const doc = planDocument("s", rs, [], []);
        const at = (name: string) => JSON.stringify(doc.resources.find((r) => r.name === name));
        assert.equal(
            at("retain-eks-entry"),
            JSON.stringify({
                type: "aws:eks/accessEntry:AccessEntry",
                name: "retain-eks-entry",
                parent: "retain-eks",
                op: "import",
                // No providerRegion given: the component cannot know the provider's region, so the id names its own.
                importId: `apps:${ROLE}@eu-west-1`,
                retainOnDelete: true,
                inputs: { clusterName: "apps", principalArn: ROLE, region: "eu-west-1", type: "STANDARD" },
            }),
        );
        // Not associated yet: the policy association is created, and destroy deletes it.
        assert.equal(
            at("retain-eks-policy"),
            JSON.stringify({
                type: "aws:eks/accessPolicyAssociation:AccessPolicyAssociation",
                name: "retain-eks-policy",
                parent: "retain-eks",
                op: "create",
                inputs: {
                    accessScope: { type: "cluster" },
                    clusterName: "apps",
                    policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy",
                    principalArn: ROLE,
                    region: "eu-west-1",
                },
            }),
        );
        assert.equal(one(rs, "agentless:aws:EksClusterAccess", "retain-eks").retainOnDelete, undefined);
    });

    it("marks kept resources in the table's OP column and the summary, and leaves a table without any as it was", () => {
        const table = renderTable({ stack: "s", violations: [], notes: [], resources: [role, entry, patch] });
        assert.match(
            table,
            /^Plan for stack s: 3 resources \(2 create, 1 import, 0 read; 2 kept on destroy\), 0 policy violations \(0 mandatory\)$/m,
        );
        assert.match(table, /^OP {13}TYPE/m);
        assert.match(table, /^create {9}aws:iam\/role:Role +discovery-role +discovery$/m);
        assert.match(
            table,
            /^import \(kept\) {2}aws:eks\/accessEntry:AccessEntry +eks-a-entry +access\n {4}\(import a:arn:aws:iam::111122223333:role\/MDCContainersAgentlessDiscoveryK8sRole\)$/m,
        );
        assert.match(table, /^create \(kept\) {2}kubernetes:core\/v1:ConfigMapPatch +eks-b-aws-auth +access$/m);
        const plain = renderTable({ stack: "s", violations: [], notes: [], resources: [role] });
        assert.match(plain, /^Plan for stack s: 1 resources \(1 create, 0 import, 0 read\), 0 policy/m);
        assert.match(plain, /^OP {6}TYPE/m);
    });

    it("marks kept resources in the markdown's op column", () => {
        const md = renderMarkdown({ stack: "s", violations: [], notes: [], resources: [role, entry, patch] });
        assert.match(
            md,
            /^3 resources \(2 create, 1 import, 0 read; 2 kept on destroy\), 0 policy violations \(0 mandatory\)$/m,
        );
        assert.match(md, /^\| create \| `aws:iam\/role:Role` \| `discovery-role` \| `discovery` \|$/m);
        assert.match(
            md,
            /^\| import a:arn:aws:iam::111122223333:role\/MDCContainersAgentlessDiscoveryK8sRole \(kept\) \| `aws:eks\/accessEntry:AccessEntry` \| `eks-a-entry` \| `access` \|$/m,
        );
        assert.match(
            md,
            /^\| create \(kept\) \| `kubernetes:core\/v1:ConfigMapPatch` \| `eks-b-aws-auth` \| `access` \|$/m,
        );
    });

    it("--against: a resource whose retainOnDelete changed is changed in that field; added and removed ones say they are kept", () => {
        const created: R = {
            type: entry.type,
            name: entry.name,
            parent: entry.parent,
            op: "create",
            inputs: entry.inputs,
        };
        const c = diffPlans(
            { resources: [role, { ...patch, retainOnDelete: undefined }, created] },
            { resources: [role, patch, entry] },
            "old.json",
        );
        assert.deepEqual(c.changed, [
            { type: "kubernetes:core/v1:ConfigMapPatch", name: "eks-b-aws-auth", fields: ["retainOnDelete"] },
            {
                type: "aws:eks/accessEntry:AccessEntry",
                name: "eks-a-entry",
                fields: ["importId", "op", "retainOnDelete"],
            },
        ]);
        const gone = diffPlans({ resources: [role, entry] }, { resources: [role, patch] }, "old.json");
        assert.deepEqual(gone.added, [
            { type: "kubernetes:core/v1:ConfigMapPatch", name: "eks-b-aws-auth", op: "create", retainOnDelete: true },
        ]);
        assert.deepEqual(gone.removed, [
            { type: "aws:eks/accessEntry:AccessEntry", name: "eks-a-entry", op: "import", retainOnDelete: true },
        ]);
        assert.deepEqual(renderChangesText(gone), [
            "CHANGES AGAINST old.json: 1 added, 1 removed, 0 changed",
            "  + create (kept) kubernetes:core/v1:ConfigMapPatch eks-b-aws-auth",
            "  - import (kept) aws:eks/accessEntry:AccessEntry eks-a-entry",
        ]);
        assert.deepEqual(renderChangesMarkdown(gone, (s) => s).slice(4), [
            "| change | op | type | name | fields |",
            "|---|---|---|---|---|",
            "| added | create (kept) | `kubernetes:core/v1:ConfigMapPatch` | `eks-b-aws-auth` | |",
            "| removed | import (kept) | `aws:eks/accessEntry:AccessEntry` | `eks-a-entry` | |",
            "",
        ]);
        assert.deepEqual(
            diffPlans({ resources: [role, entry, patch] }, { resources: [role, entry, patch] }, "old.json").changed,
            [],
        );
    });
});
