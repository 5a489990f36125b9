import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { planJson, ROOT, runCli } from "../../helpers/cli";

interface Doc {
    resources: {
        type: string;
        name: string;
        parent: string;
        op: string;
        importId?: string;
        id?: string;
        inputs: Record<string, unknown>;
    }[];
    violations: { policy: string; level: string; resource: string }[];
    notes: { kind: string; subject: string; message: string }[];
}

const ACCOUNT = "111122223333";
const ROLE = `arn:aws:iam::${ACCOUNT}:role/MDCContainersAgentlessDiscoveryK8sRole`;

const UNREAD_ROLE = {
    policy: "wider-grants-acknowledged",
    level: "advisory",
    resource: "discovery",
    message:
        "wider grant eks-adopted-role:MDCContainersAgentlessDiscoveryK8sRole: the adopted discovery role MDCContainersAgentlessDiscoveryK8sRole's permissions were not read " +
        "(the lookup or the cloud-state file does not list its policies), so the gate could not judge them; " +
        'to accept it, acknowledge it with agentless-discovery:acknowledgedWiderGrants: ["eks-adopted-role:MDCContainersAgentlessDiscoveryK8sRole"]',
};

describe("npm run plan / gate -- --stack aws-brownfield (Defender already on)", function () {
    this.timeout(120_000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "aws-brownfield-"));
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("reads Microsoft's provider and roles, imports Defender's access entries, narrows aws-auth keeping the node role, opens the private cluster", async () => {
        const res = await planJson("aws-brownfield");
        assert.equal(res.code, 0, res.stderr);
        const doc = JSON.parse(res.stdout) as Doc;
        const adopted = doc.resources
            .filter((r) => r.op !== "create")
            .map((r) => `${r.op} ${r.type} ${r.name} ${r.importId ?? r.id}`);
        assert.deepEqual(adopted.sort(), [
            // The provider's region is eu-west-1: the other region's import names its region (Pulumi AWS v7).
            `import aws:eks/accessEntry:AccessEntry eks-eu-central-1-eks-shop-entry eks-shop:${ROLE}@eu-central-1`,
            `import aws:eks/accessEntry:AccessEntry eks-eu-west-1-eks-shop-entry eks-shop:${ROLE}`,
            `import aws:eks/accessPolicyAssociation:AccessPolicyAssociation eks-eu-west-1-eks-shop-policy eks-shop#${ROLE}#arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy`,
            // Connected in the Defender portal under another name and resource group: adopted, no second connector.
            "import azure-native:security:SecurityConnector defender-connector /subscriptions/3f2a9c1e-7b4d-4e8a-9c62-1d5e8f0a7b34/resourceGroups/rg-defender-portal/providers/Microsoft.Security/securityConnectors/aws-prod-account",
            `read aws:iam/openIdConnectProvider:OpenIdConnectProvider discovery-ASCDefendersOIDCIdentityProvider arn:aws:iam::${ACCOUNT}:oidc-provider/sts.windows.net/33e01921-4d64-4f8c-a055-5bdaffd5e33d/`,
            "read aws:iam/role:Role audit-logs-kubernetesService MDCContainersK8sRole",
            "read aws:iam/role:Role discovery-role MDCContainersAgentlessDiscoveryK8sRole",
            "read kubernetes:core/v1:ConfigMap eks-eu-central-1-eks-legacy-aws-auth-current kube-system/aws-auth",
        ]);
        // Same name, two regions: two clusters, each with its own resources.
        assert.deepEqual(
            doc.resources
                .filter((r) => r.type === "agentless:aws:EksClusterAccess")
                .map((r) => r.name)
                .sort(),
            [
                "eks-eu-central-1-eks-internal",
                "eks-eu-central-1-eks-legacy",
                "eks-eu-central-1-eks-shop",
                "eks-eu-west-1-eks-shop",
            ],
        );
        const patch = doc.resources.find((r) => r.type === "kubernetes:core/v1:ConfigMapPatch")!;
        assert.equal(
            (patch.inputs.data as { mapRoles: string }).mapRoles,
            [
                "- groups:",
                "  - system:bootstrappers",
                "  - system:nodes",
                `  rolearn: arn:aws:iam::${ACCOUNT}:role/eks-legacy-node-group-role`,
                "  username: system:node:{{EC2PrivateDNSName}}",
                `- rolearn: ${ROLE}`,
                "  username: MDCContainersAgentlessDiscoveryK8sRole",
                "  groups:",
                "    - mdc-agentless-discovery-readers",
                "",
            ].join("\n"),
        );
        const endpoint = doc.resources.find((r) => r.name === "eks-eu-central-1-eks-internal-defender-endpoint")!;
        assert.deepEqual(endpoint.inputs.cidrs, ["172.212.245.192/28", "48.209.1.192/28"]);
        assert.equal(
            doc.resources.filter((r) => r.type === "aws:iam/rolePolicy:RolePolicy" && r.name.startsWith("discovery"))
                .length,
            0,
            "Microsoft's role keeps its own permissions",
        );
        const kinds = doc.notes.map((n) => `${n.kind} ${n.subject}: ${n.message}`);
        assert.ok(kinds.includes("excluded eu-west-1/eks-ci-scratch: left out: matches aws.exclude (names *-scratch)"));
        assert.ok(
            kinds.includes(
                "excluded eu-west-1/eks-lab: left out: tagged ms_defender_container_exclude_agentless=true (Defender skips it)",
            ),
        );
        // The private cluster is opened by the stack: nothing to advise there. The one advisory is the
        // adopted role, whose policies the example's cloud-state file does not list: the gate says
        // it could not judge them (a production gate would fail until they are listed or acknowledged).
        assert.deepEqual(doc.violations, [UNREAD_ROLE]);
    });

    it("passes the gate on adopted objects", async () => {
        const r = await runCli(["gate", "--stack", "aws-brownfield"]);
        assert.equal(r.code, 0, r.stdout + r.stderr);
        assert.equal(
            r.stdout,
            `[advisory] wider-grants-acknowledged on discovery: ${UNREAD_ROLE.message}\nPASS: stack aws-brownfield, 1 violations, 0 mandatory\n`,
        );
    });

    it("plans a cluster added to the cloud with no edit to the stack, leaving the other clusters' resources as they were", async () => {
        const base = fs.readFileSync(path.join(ROOT, "examples", "stacks", "aws-dev.cloud.yaml"), "utf8");
        const added = path.join(dir, "added.cloud.yaml");
        fs.writeFileSync(
            added,
            base +
                "    - name: eks-new\n      region: us-east-1\n      authenticationMode: API\n      enabledLogTypes: [audit, authenticator]\n",
        );
        const [before, after] = await Promise.all([
            planJson("aws-dev"),
            runCli(["plan", "--stack", "aws-dev", "--format", "json", "--cloud-state", added]),
        ]);
        assert.equal(after.code, 0, after.stderr);
        const by = (d: Doc) => new Map(d.resources.map((r) => [`${r.type} ${r.name}`, r]));
        const b = by(JSON.parse(before.stdout) as Doc);
        const a = by(JSON.parse(after.stdout) as Doc);
        const gained = [...a.keys()].filter((k) => !b.has(k)).sort();
        assert.deepEqual(gained, [
            "agentless:aws:EksClusterAccess eks-us-east-1-eks-new",
            "aws:eks/accessEntry:AccessEntry eks-us-east-1-eks-new-entry",
            "aws:eks/accessPolicyAssociation:AccessPolicyAssociation eks-us-east-1-eks-new-policy",
        ]);
        assert.deepEqual(
            [...b.keys()].filter((k) => !a.has(k)),
            [],
        );
        for (const k of [
            "aws:eks/accessEntry:AccessEntry eks-eu-west-1-eks-payments-prod-entry",
            "kubernetes:core/v1:ConfigMapPatch eks-us-east-1-eks-legacy-batch-aws-auth",
        ]) {
            assert.deepEqual(a.get(k), b.get(k), `${k} unchanged`);
        }
        assert.ok(
            JSON.stringify(a.get("aws:iam/rolePolicy:RolePolicy discovery-permissions")!.inputs.policy).includes(
                "cluster/eks-new",
            ),
        );
    });

    it("stops on a bad cloud-state file naming the file, the key path, the value and what is allowed, and plans nothing", async () => {
        const bad = path.join(dir, "bad.cloud.yaml");
        fs.writeFileSync(
            bad,
            "aws:\n  clusters:\n    - name: eks-a\n      region: eu-west-1\n      authenticationMode: CONFIGMAP\n",
        );
        const r = await runCli(["plan", "--stack", "aws-dev", "--format", "json", "--cloud-state", bad]);
        assert.equal(r.code, 2);
        assert.equal(r.stdout, "");
        assert.equal(
            r.stderr,
            `error: cloud-state file ${bad}: key "aws.clusters[0].authenticationMode" has value "CONFIGMAP"; expected one of API, API_AND_CONFIG_MAP, CONFIG_MAP\n`,
        );
    });
});
