import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ROOT, runCli } from "../helpers/cli";

const EXAMPLES = path.join(ROOT, "examples", "stacks");
const example = (file: string) => fs.readFileSync(path.join(EXAMPLES, file), "utf8");
const ACK = "agentless-discovery:acknowledgedWiderGrants";

/** Replaces one exact line of an example, so that a changed example fails here loudly. */
function edit(text: string, line: string, replacement: string): string {
    assert.ok(text.includes(line), `the example has no line ${JSON.stringify(line)}`);
    return text.replace(line, replacement);
}

const AWS_ADMIN = edit(
    example("Pulumi.aws-brownfield.yaml"),
    "    accessMode: least-privilege\n",
    "    accessMode: least-privilege\n    accessPolicy: AmazonEKSClusterAdminPolicy\n",
);
const ADMIN_KEYS = [
    "eks-access-policy:eu-west-1/eks-shop:AmazonEKSClusterAdminPolicy",
    "eks-access-policy:eu-central-1/eks-shop:AmazonEKSClusterAdminPolicy",
    "eks-access-policy:eu-central-1/eks-internal:AmazonEKSClusterAdminPolicy",
    "eks-adopted-role:MDCContainersAgentlessDiscoveryK8sRole",
];
const ROLE_LINE = "    - name: MDCContainersAgentlessDiscoveryK8sRole\n";
/** The brownfield account, its discovery role holding what Microsoft's template could have given it. */
const rolePolicies = (yaml: string) =>
    edit(
        example("aws-brownfield.cloud.yaml"),
        ROLE_LINE,
        ROLE_LINE + yaml.replace(/^/gm, "      ").replace(/ +$/gm, "") + "\n",
    );
const GCP_ORG = edit(
    example("Pulumi.gcp-dev.yaml"),
    "    scope: project\n",
    '    scope: organization\n    organizationId: "123456789012"\n    inventoryRole: true\n',
);
const GCP_ORG_STATE = edit(
    example("gcp-dev.cloud.yaml"),
    "\ngcp:\n",
    '\ngcp:\n  organizations:\n    "123456789012": { customRoles: [], grants: [] }\n',
);

/** The sensor and Gatekeeper with Helm on the brownfield account's eu-west-1/eks-shop. */
const HELM_ON_EKS_SHOP = `  agentless-discovery:kubernetes:
    clusters:
      - name: eks-shop-dublin
        kind: eks
        accountId: "111122223333"
        region: eu-west-1
        clusterName: eks-shop
        access:
          context: arn:aws:eks:eu-west-1:111122223333:cluster/eks-shop
    sensor:
      enabled: true
      chartVersion: 0.9.2
    gatekeeper:
      enabled: true
      chartVersion: 3.18.2
      enforcement: warn
`;

describe("npm run gate: wider grants on real stacks, and their acknowledgement in the plan", function () {
    this.timeout(240_000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gate-wider-"));
    const env = { AGENTLESS_STACKS_DIR: dir };
    const prod = path.join(dir, "production.json");
    const stack = (name: string, config: string, cloudState: string) => {
        fs.writeFileSync(path.join(dir, `Pulumi.${name}.yaml`), config);
        fs.writeFileSync(path.join(dir, `${name}.cloud.yaml`), cloudState);
    };
    before(() => {
        fs.writeFileSync(prod, JSON.stringify({ "wider-grants-acknowledged": { production: true } }));
        stack("aws-admin", AWS_ADMIN, example("aws-brownfield.cloud.yaml"));
        stack(
            "aws-admin-ack",
            AWS_ADMIN + `  ${ACK}:\n${ADMIN_KEYS.map((k) => `    - ${k}\n`).join("")}`,
            example("aws-brownfield.cloud.yaml"),
        );
        stack(
            "aws-role-wide",
            example("Pulumi.aws-brownfield.yaml"),
            rolePolicies(
                [
                    "policies:",
                    "  inline:",
                    "    - name: eks-discovery",
                    "      document:",
                    '        Version: "2012-10-17"',
                    "        Statement:",
                    "          - Effect: Allow",
                    "            Action: [eks:DescribeCluster, eks:AssociateAccessPolicy]",
                    '            Resource: "*"',
                    "  attached: []",
                ].join("\n"),
            ),
        );
        stack(
            "aws-role-narrow",
            example("Pulumi.aws-brownfield.yaml"),
            rolePolicies(
                [
                    "policies:",
                    "  inline:",
                    "    - name: eks-discovery",
                    "      document:",
                    '        Version: "2012-10-17"',
                    "        Statement:",
                    "          - Effect: Allow",
                    "            Action: [eks:DescribeCluster, eks:UpdateClusterConfig]",
                    "            Resource:",
                    "              - arn:aws:eks:eu-west-1:111122223333:cluster/eks-shop",
                    "              - arn:aws:eks:eu-central-1:111122223333:cluster/eks-shop",
                    "  attached: []",
                ].join("\n"),
            ),
        );
        stack("gcp-org", GCP_ORG, GCP_ORG_STATE);
        let state = example("aws-brownfield.cloud.yaml");
        for (const flag of ["enableDefenderAgentAutoProvisioning", "enablePolicyAgentAutoProvisioning"])
            state = edit(state, `        ${flag}: false\n`, `        ${flag}: true\n`);
        stack("aws-helm", example("Pulumi.aws-brownfield.yaml") + HELM_ON_EKS_SHOP, state);
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("fails a production gate on AmazonEKSClusterAdminPolicy where Microsoft's role exists, one violation per cluster, and on the unread role", async () => {
        const r = await runCli(["gate", "--stack", "aws-admin", "--policy-config", prod], { env });
        assert.equal(r.code, 1, r.stdout + r.stderr);
        for (const key of ADMIN_KEYS) {
            assert.match(
                r.stdout,
                new RegExp(
                    `^\\[mandatory\\] wider-grants-acknowledged on [\\w-]+: wider grant ${key.replace(/[/.]/g, "\\$&")}: `,
                    "m",
                ),
            );
        }
        assert.match(r.stdout, /^FAIL: stack aws-admin, 4 violations, 4 mandatory$/m);
        // Outside production the same grants are reported, as advisory.
        const dev = await runCli(["gate", "--stack", "aws-admin"], { env });
        assert.equal(dev.code, 0, dev.stdout);
        assert.match(dev.stdout, /^PASS: stack aws-admin, 4 violations, 0 mandatory$/m);
    });

    it("passes them once the stack's config acknowledges each, and the plan shows the acknowledgement", async () => {
        const r = await runCli(["gate", "--stack", "aws-admin-ack", "--policy-config", prod], { env });
        assert.equal(r.code, 0, r.stdout + r.stderr);
        for (const key of ADMIN_KEYS) {
            assert.match(
                r.stdout,
                new RegExp(
                    `^\\[advisory\\] wider-grants-acknowledged on [\\w-]+: wider grant ${key.replace(/[/.]/g, "\\$&")}, acknowledged in ${ACK}: `,
                    "m",
                ),
            );
        }
        const plan = await runCli(["plan", "--stack", "aws-admin-ack", "--format", "json"], { env });
        assert.equal(plan.code, 0, plan.stderr);
        const doc = JSON.parse(plan.stdout) as {
            resources: { type: string; inputs: Record<string, unknown> }[];
            notes: { kind: string; subject: string; message: string }[];
        };
        assert.deepEqual(
            doc.resources.find((x) => x.type === "agentless:stack:Settings")!.inputs.acknowledgedWiderGrants,
            ADMIN_KEYS,
        );
        assert.deepEqual(
            doc.notes.filter((n) => n.message.startsWith("wider grants acknowledged")),
            [
                {
                    kind: "info",
                    subject: "aws-admin-ack",
                    message: `wider grants acknowledged (${ACK}): ${ADMIN_KEYS.join(", ")}; the gate reports each as advisory instead of failing a production stack`,
                },
            ],
        );
    });

    it("judges an adopted role's policies from the cloud-state file as if the stack had made them", async () => {
        const wide = await runCli(["gate", "--stack", "aws-role-wide", "--policy-config", prod], { env });
        assert.equal(wide.code, 1, wide.stdout + wide.stderr);
        assert.match(
            wide.stdout,
            /^\[mandatory\] wider-grants-acknowledged on discovery: wider grant eks-adopted-role:MDCContainersAgentlessDiscoveryK8sRole: the adopted discovery role MDCContainersAgentlessDiscoveryK8sRole holds more than this stack would grant: inline policy eks-discovery: statement 0 applies to "\*"; expected the ARNs of the clusters this stack onboards; inline policy eks-discovery: statement 0 grants eks:AssociateAccessPolicy without the condition StringEquals eks:policyArn = AmazonEKSViewPolicy or AmazonEKSAdminViewPolicy: it could associate AmazonEKSClusterAdminPolicy; to accept it/m,
        );
        const narrow = await runCli(["gate", "--stack", "aws-role-narrow", "--policy-config", prod], { env });
        assert.equal(narrow.code, 0, narrow.stdout + narrow.stderr);
        assert.doesNotMatch(narrow.stdout, /wider-grants-acknowledged/);
    });

    it("fails a production gate on GKE's inventory role and the organization scope", async () => {
        const r = await runCli(["gate", "--stack", "gcp-org", "--policy-config", prod], { env });
        assert.equal(r.code, 1, r.stdout + r.stderr);
        assert.match(
            r.stdout,
            /^\[mandatory\] wider-grants-acknowledged on discovery-inventory: wider grant gke-inventory-role:organizations\/123456789012: grants MDCGkeContainerInventoryCollectionRole \(container\.secrets\.list, container\.nodes\.proxy\) in organization 123456789012: Defender can list every Secret/m,
        );
        assert.match(
            r.stdout,
            /^\[mandatory\] wider-grants-acknowledged on discovery-container-viewer: wider grant gcp-organization-scope:123456789012: /m,
        );
        assert.match(r.stdout, /^FAIL: stack gcp-org, 2 violations, 2 mandatory$/m);
        const plan = await runCli(["plan", "--stack", "gcp-org", "--format", "json"], { env });
        const notes = (JSON.parse(plan.stdout) as { notes: { message: string }[] }).notes.map((n) => n.message);
        assert.ok(
            notes.some((m) => m.startsWith("MDCGkeContainerInventoryCollectionRole granted (gcp.inventoryRole)")),
            "the plan notes the inventory role",
        );
    });

    it("fails the Helm sensor and Gatekeeper on a cluster whose adopted connector auto-provisions the sensor and the policy agent", async () => {
        const r = await runCli(["gate", "--stack", "aws-helm"], { env });
        assert.equal(r.code, 1, r.stdout + r.stderr);
        const lines = r.stdout.split("\n").filter((l) => l.includes("sensor-helm-or-connector-auto-provisioning"));
        assert.deepEqual(lines, [
            "[mandatory] sensor-helm-or-connector-auto-provisioning on eks-shop-dublin-sensor: installs the Defender sensor with Helm on cluster eu-west-1/eks-shop of AWS account 111122223333, " +
                "whose connector defender-connector has DefenderForContainersAws.enableDefenderAgentAutoProvisioning on: two routes on one cluster, which Microsoft says not to mix; " +
                "turn the connector's auto-provisioning off in Defender for Cloud (Environment settings), or set sensor: false on that cluster in kubernetes.clusters",
            "[mandatory] sensor-helm-or-connector-auto-provisioning on eks-shop-dublin-gatekeeper: installs Gatekeeper (the policy agent's engine) with Helm on cluster eu-west-1/eks-shop of AWS account 111122223333, " +
                "whose connector defender-connector has DefenderForContainersAws.enablePolicyAgentAutoProvisioning on: two routes on one cluster, which Microsoft says not to mix; " +
                "turn the connector's auto-provisioning off in Defender for Cloud (Environment settings), or set kubernetes.gatekeeper.enabled: false",
        ]);
    });
});
