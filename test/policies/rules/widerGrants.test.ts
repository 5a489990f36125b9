import { strict as assert } from "assert";
import { trustPolicy } from "../../../domain/aws/policyDocuments";
import { widerGrants, widerGrantsAcknowledged } from "../../../policies/rules/widerGrants";
import { ResourceView } from "../../../policies/types";

const res = (type: string, name: string, inputs: Record<string, unknown>): ResourceView => ({ type, name, inputs });
const ACCOUNT = "111122223333";
const ROLE = "MDCContainersAgentlessDiscoveryK8sRole";
const KEY_TAIL = 'to accept it, acknowledge it with agentless-discovery:acknowledgedWiderGrants: ["';
const PROVIDER = `arn:aws:iam::${ACCOUNT}:oidc-provider/sts.windows.net/33e01921-4d64-4f8c-a055-5bdaffd5e33d/`;
const TRUST = trustPolicy(PROVIDER, "00000000-0000-0000-0000-0000000000aa");
const shop = res("agentless:aws:EksClusterAccess", "eu-west-1-shop", { clusterName: "shop", region: "eu-west-1" });
const association = (name: string, inputs: Record<string, unknown>) =>
    res("aws:eks/accessPolicyAssociation:AccessPolicyAssociation", name, inputs);
const adopted = (inputs: Record<string, unknown>) =>
    res("agentless:aws:DiscoveryRole", "discovery", {
        roleName: ROLE,
        adopted: { role: true, oidcProvider: true },
        adoptedRoleTrust: JSON.stringify(TRUST),
        adoptedRolePolicies: { inline: [], attached: [] },
        ...inputs,
    });
const settings = (acknowledgedWiderGrants: unknown[]) =>
    res("agentless:stack:Settings", "settings", { stack: "s", cloud: "aws", acknowledgedWiderGrants });
const run = (resources: ResourceView[], production = true) =>
    widerGrantsAcknowledged
        .validateStack(resources, { production })
        .map((m) => `${m.advisory ? "advisory" : "mandatory"} ${m.resource}: ${m.message}`);

describe("wider-grants-acknowledged: EKS grants, as the reviewer reads them", () => {
    it("names an access policy and a cluster not known at preview as [unknown]", () => {
        assert.deepEqual(run([association("assoc", {})]), [
            `mandatory assoc: wider grant eks-access-policy:[unknown]/[unknown]:[unknown]: associates [unknown] with the discovery role's access entry on [unknown]/[unknown], wider than AmazonEKSViewPolicy; ${KEY_TAIL}eks-access-policy:[unknown]/[unknown]:[unknown]"]`,
        ]);
    });

    it("lists every Kubernetes group of an adopted access entry", () => {
        const entry = res("aws:eks/accessEntry:AccessEntry", "entry", {
            clusterName: "shop",
            region: "eu-west-1",
            kubernetesGroups: ["system:masters", "viewers"],
        });
        assert.deepEqual(run([entry]), [
            `mandatory entry: wider grant eks-access-entry-groups:eu-west-1/shop: the discovery role's access entry on eu-west-1/shop carries the Kubernetes groups system:masters, viewers: whatever RBAC binds them to (system:masters is cluster-admin) is granted beside the access policy; ${KEY_TAIL}eks-access-entry-groups:eu-west-1/shop"]`,
        ]);
    });

    it("reports a grant once, by the first resource that makes it", () => {
        const inputs = {
            clusterName: "shop",
            region: "eu-west-1",
            policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
        };
        assert.deepEqual(
            widerGrants([association("first", inputs), association("second", inputs)]).map((g) => g.resource),
            ["first"],
        );
    });
});

describe("wider-grants-acknowledged: an adopted role", () => {
    const where = `mandatory discovery: wider grant eks-adopted-role:${ROLE}: the adopted discovery role ${ROLE} holds more than this stack would grant: `;

    it("fails a managed policy whose document was not read, and joins every problem found", () => {
        const wide = JSON.stringify({
            Version: "2012-10-17",
            Statement: [{ Sid: "S", Effect: "Allow", Action: "eks:DescribeCluster", Resource: "*" }],
        });
        const role = adopted({
            adoptedRolePolicies: {
                inline: [{ name: "own", document: wide }],
                attached: [{ arn: "arn:aws:iam::aws:policy/ReadOnlyAccess" }],
            },
        });
        assert.deepEqual(run([shop, role]), [
            `${where}inline policy own: statement S applies to "*"; expected the ARNs of the clusters this stack onboards; managed policy arn:aws:iam::aws:policy/ReadOnlyAccess: its document was not read; ${KEY_TAIL}eks-adopted-role:${ROLE}"]`,
        ]);
    });

    it("fails a trust that is not JSON, and joins every trust problem found", () => {
        const trustWhere = `mandatory discovery: wider grant eks-adopted-trust:${ROLE}: the adopted discovery role ${ROLE} may be assumed by more than Defender: `;
        assert.deepEqual(run([shop, adopted({ adoptedRoleTrust: "{" })]), [
            `${trustWhere}the policy document is not valid JSON; ${KEY_TAIL}eks-adopted-trust:${ROLE}"]`,
        ]);
        const open = { Sid: "Any", Effect: "Allow", Principal: "*", Action: "sts:AssumeRoleWithWebIdentity" };
        const trust = JSON.stringify({ Version: "2012-10-17", Statement: [open] });
        assert.deepEqual(run([shop, adopted({ adoptedRoleTrust: trust })]), [
            `${trustWhere}statement Any trusts "*"; expected only the OIDC provider of sts.windows.net/33e01921-4d64-4f8c-a055-5bdaffd5e33d/; ` +
                `statement Any lacks the condition StringEquals sts.windows.net/33e01921-4d64-4f8c-a055-5bdaffd5e33d/:aud = api://6610e979-c931-41ec-adc7-b9920c9d52f1; ` +
                `statement Any lacks the condition StringEquals sts:RoleSessionName = MicrosoftDefenderForClouds_<tenant id>; ${KEY_TAIL}eks-adopted-trust:${ROLE}"]`,
        ]);
    });

    it("leaves alone a role the stack makes, which carries no adoption record", () => {
        const made = res("agentless:aws:DiscoveryRole", "discovery", { roleName: ROLE });
        assert.deepEqual(run([shop, made]), []);
    });
});

describe("wider-grants-acknowledged: GCP grants", () => {
    it("names the organization of an inventory role granted there, beside the organization scope", () => {
        const member = res("gcp:organizations/iAMMember:IAMMember", "org-inventory", {
            orgId: "123456789012",
            role: "organizations/123456789012/roles/MDCGkeContainerInventoryCollectionRole",
            member: "serviceAccount:mdc@contoso.iam.gserviceaccount.com",
        });
        assert.deepEqual(run([member]), [
            `mandatory org-inventory: wider grant gke-inventory-role:organizations/123456789012: grants MDCGkeContainerInventoryCollectionRole (container.secrets.list, container.nodes.proxy) in organization 123456789012: Defender can list every Secret, values included, in every cluster there; ${KEY_TAIL}gke-inventory-role:organizations/123456789012"]`,
            `mandatory org-inventory: wider grant gcp-organization-scope:123456789012: grants organizations/123456789012/roles/MDCGkeContainerInventoryCollectionRole on organization 123456789012: it reaches the clusters of every project in the organization, not only the stack's; ${KEY_TAIL}gcp-organization-scope:123456789012"]`,
        ]);
    });

    it("finds no grant in a project role binding, an organization's custom role, or a role that only names the inventory role", () => {
        const resources = [
            res("gcp:projects/iAMMember:IAMMember", "viewer", { project: "contoso", role: "roles/container.viewer" }),
            res("gcp:organizations/iAMCustomRole:IAMCustomRole", "org-role", {
                orgId: "123456789012",
                roleId: "MDCGkeClusterWriteRole",
                permissions: ["container.clusters.update"],
            }),
            res("gcp:projects/iAMCustomRole:IAMCustomRole", "inventory-definition", {
                project: "contoso",
                role: "projects/contoso/roles/MDCGkeContainerInventoryCollectionRole",
            }),
        ];
        assert.deepEqual(run(resources), []);
    });
});

describe("wider-grants-acknowledged: the acknowledgements", () => {
    const admin = association("admin", {
        clusterName: "shop",
        region: "eu-west-1",
        policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
    });
    const edit = association("edit", {
        clusterName: "shop",
        region: "eu-west-1",
        policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy",
    });
    const ADMIN_KEY = "eks-access-policy:eu-west-1/shop:AmazonEKSClusterAdminPolicy";

    it("reads them from the stack's settings only, skipping what is not a string", () => {
        const lookalike = res("agentless:aws:EksClusterAccess", "lookalike", { acknowledgedWiderGrants: [ADMIN_KEY] });
        assert.deepEqual(run([lookalike, settings([42, null]), admin]), [
            `mandatory admin: wider grant ${ADMIN_KEY}: associates arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy with the discovery role's access entry on eu-west-1/shop, wider than AmazonEKSViewPolicy; ${KEY_TAIL}${ADMIN_KEY}"]`,
        ]);
    });

    it("takes one of two grants as acknowledged without calling the key stale, and names a stale key for the stack", () => {
        assert.deepEqual(run([settings([ADMIN_KEY, "gke-inventory-role:projects/gone"]), admin, edit]), [
            `advisory admin: wider grant ${ADMIN_KEY}, acknowledged in agentless-discovery:acknowledgedWiderGrants: associates arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy with the discovery role's access entry on eu-west-1/shop, wider than AmazonEKSViewPolicy`,
            `mandatory edit: wider grant eks-access-policy:eu-west-1/shop:AmazonEKSEditPolicy: associates arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy with the discovery role's access entry on eu-west-1/shop, wider than AmazonEKSViewPolicy; ${KEY_TAIL}eks-access-policy:eu-west-1/shop:AmazonEKSEditPolicy"]`,
            'advisory : agentless-discovery:acknowledgedWiderGrants names "gke-inventory-role:projects/gone", which this plan does not grant; remove it',
        ]);
    });
});
