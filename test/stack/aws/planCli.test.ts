import { strict as assert } from "assert";
import { runCli, planJson } from "../../helpers/cli";

interface Doc {
    stack: string;
    resources: { type: string; name: string; parent: string; inputs: Record<string, unknown> }[];
    notes: { kind: string; subject: string; message: string }[];
}

describe("npm run plan -- --stack aws-dev", () => {
    it("plans the example account offline: role, one access entry, the aws-auth patch and the connector", async () => {
        const res = await planJson("aws-dev");
        assert.equal(res.code, 0, res.stderr);
        const doc = JSON.parse(res.stdout) as Doc;
        assert.equal(doc.stack, "aws-dev");
        const of = (type: string) => doc.resources.filter((r) => r.type === type);

        const [role] = of("aws:iam/role:Role");
        assert.equal(role.inputs.name, "MDCContainersAgentlessDiscoveryK8sRole");
        // The trust policy is shown whole: the tenant id is an identifier, not a credential (docs/sources.md).
        const trust = JSON.parse(role.inputs.assumeRolePolicy as string);
        assert.deepEqual(trust.Statement[0].Condition.StringEquals, {
            "sts.windows.net/33e01921-4d64-4f8c-a055-5bdaffd5e33d/:aud": "api://6610e979-c931-41ec-adc7-b9920c9d52f1",
            "sts:RoleSessionName": "MicrosoftDefenderForClouds_7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f",
        });

        const policy = JSON.parse(of("aws:iam/rolePolicy:RolePolicy")[0].inputs.policy as string);
        assert.deepEqual(
            policy.Statement.flatMap((s: { Action: string[] }) => s.Action),
            ["eks:UpdateClusterConfig", "eks:DescribeCluster"],
        );
        assert.deepEqual(policy.Statement[0].Resource, [
            "arn:aws:eks:eu-west-1:123456789012:cluster/eks-payments-prod",
            "arn:aws:eks:us-east-1:123456789012:cluster/eks-legacy-batch",
        ]);

        assert.deepEqual(
            of("aws:eks/accessEntry:AccessEntry").map((r) => r.inputs.clusterName),
            ["eks-payments-prod"],
        );
        const [patch] = of("kubernetes:core/v1:ConfigMapPatch");
        assert.equal(patch.parent, "eks-us-east-1-eks-legacy-batch");
        assert.match(
            (patch.inputs.data as { mapRoles: string }).mapRoles,
            /^- groups:\n[\s\S]*role\/example-existing-node-group-role\n[\s\S]*- rolearn: arn:aws:iam::123456789012:role\/MDCContainersAgentlessDiscoveryK8sRole\n/,
        );
        assert.ok(
            doc.resources.every((r) => !JSON.stringify(r).includes("eks-sandbox")),
            "nothing for the excluded cluster",
        );

        const [connector] = of("azure-native:security:SecurityConnector");
        assert.equal(connector.inputs.hierarchyIdentifier, "123456789012");
        assert.equal(
            (connector.inputs.offerings as { mdcContainersAgentlessDiscoveryK8S: { cloudRoleArn: string } }[])[0]
                .mdcContainersAgentlessDiscoveryK8S.cloudRoleArn,
            "arn:aws:iam::123456789012:role/MDCContainersAgentlessDiscoveryK8sRole",
        );

        const kinds = doc.notes.map((n) => `${n.kind} ${n.subject}`);
        assert.ok(kinds.includes("excluded eu-west-1/eks-sandbox"));
        assert.ok(kinds.includes("network eu-west-1/eks-payments-prod"));
        assert.ok(kinds.includes("network us-east-1/eks-legacy-batch"));
        assert.ok(
            !doc.notes.some(
                (n) =>
                    n.kind === "manual-step" &&
                    n.subject === "us-east-1/eks-legacy-batch" &&
                    n.message.includes("logging"),
            ),
            "manageLogging replaces the logging manual step",
        );
        assert.deepEqual(
            doc.notes.filter((n) => n.message.includes("control-plane logging")),
            [
                {
                    kind: "info",
                    subject: "us-east-1/eks-legacy-batch",
                    message:
                        "this stack turns on control-plane logging audit, authenticator (manageLogging; types already on are kept) and turns off only those on destroy",
                },
            ],
        );

        // eks-legacy-batch has manageLogging: the dynamic resource under its component, provider code elided.
        const logging = of("pulumi-nodejs:dynamic:Resource");
        assert.equal(logging.length, 1);
        assert.equal(logging[0].name, "eks-us-east-1-eks-legacy-batch-logging");
        assert.equal(logging[0].parent, "eks-us-east-1-eks-legacy-batch");
        assert.deepEqual(logging[0].inputs, {
            __provider: "[dynamic provider]",
            clusterName: "eks-legacy-batch",
            region: "us-east-1",
            logTypes: ["audit", "authenticator"],
        });
        assert.ok(res.stdout.length < 200_000, `the plan stays readable: ${res.stdout.length} characters`);
    });

    it("stops on a config error with the key, the value and what is allowed, and plans nothing", async () => {
        const bad = JSON.stringify({ accountId: "123456789012", region: "eu-west-1", accessMode: "admin" });
        const res = await runCli([
            "plan",
            "--stack",
            "aws-dev",
            "--format",
            "json",
            "--config",
            `agentless-discovery:aws=${bad}`,
        ]);
        assert.equal(res.code, 2);
        assert.equal(res.stdout, "");
        assert.equal(
            res.stderr,
            `error: config key "aws.accessMode" has value "admin"; expected one of least-privilege, access-entries\n`,
        );
    });
});
