import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PlanDocument } from "../../plan/document";
import { ROOT, runCli, planJson } from "../helpers/cli";

/**
 * The gate as CI runs it: a plan made in one job, saved as JSON, gated in another. Each broken plan
 * file is a good plan changed one way, as a careless or hostile pull request might.
 */
describe("npm run gate (child process)", function () {
    this.timeout(180_000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gate-"));
    const plans: Record<string, PlanDocument> = {};

    before(async () => {
        for (const stack of ["k8s-dev", "aws-dev"]) {
            const r = await planJson(stack);
            assert.equal(r.code, 0, r.stderr);
            plans[stack] = JSON.parse(r.stdout) as PlanDocument;
        }
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    function write(name: string, doc: PlanDocument): string {
        const file = path.join(dir, `${name}.json`);
        fs.writeFileSync(file, JSON.stringify(doc));
        return file;
    }
    const clone = (stack: string): PlanDocument => JSON.parse(JSON.stringify(plans[stack])) as PlanDocument;

    it("passes a good stack evaluated in place, exit 0", async () => {
        const r = await runCli(["gate", "--stack", "azure-dev"]);
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stdout, "PASS: stack azure-dev, 0 violations, 0 mandatory\n");
    });

    it("passes the saved plans of the example stacks", async () => {
        for (const stack of Object.keys(plans)) {
            const r = await runCli(["gate", "--plan", write(`good-${stack}`, plans[stack])]);
            assert.equal(r.code, 0, `${stack}: ${r.stdout}${r.stderr}`);
            assert.match(r.stdout, new RegExp(`^PASS: stack ${stack}, \\d+ violations, 0 mandatory$`, "m"));
        }
    });

    const awsDoc = (doc: PlanDocument, type: string) => doc.resources.find((r) => r.type === type)!;
    const editPolicy = (doc: PlanDocument, edit: (policy: { Statement: Record<string, unknown>[] }) => void) => {
        const p = awsDoc(doc, "aws:iam/rolePolicy:RolePolicy");
        const policy = JSON.parse(p.inputs.policy as string);
        edit(policy);
        p.inputs.policy = JSON.stringify(policy);
    };

    it("fails a wildcard action in the discovery role's policy", async () => {
        const doc = clone("aws-dev");
        editPolicy(doc, (p) => {
            p.Statement[0].Action = ["eks:*"];
        });
        const r = await runCli(["gate", "--plan", write("wildcard", doc)]);
        assert.equal(r.code, 1);
        assert.match(
            r.stdout,
            /^\[mandatory\] no-wildcard-iam-actions on discovery-permissions: statement DescribeAndOpenClusters grants the wildcard action "eks:\*"$/m,
        );
        assert.match(
            r.stdout,
            /^\[mandatory\] eks-discovery-role-actions on discovery-permissions: the discovery role is granted "eks:\*", outside /m,
        );
    });

    it("fails an extra dangerous action", async () => {
        const doc = clone("aws-dev");
        editPolicy(doc, (p) => {
            (p.Statement[0].Action as string[]).push("eks:DeleteCluster");
        });
        const r = await runCli(["gate", "--plan", write("extra", doc)]);
        assert.equal(r.code, 1);
        assert.match(
            r.stdout,
            /^\[mandatory\] eks-discovery-role-actions on discovery-permissions: the discovery role is granted "eks:DeleteCluster", outside eks:UpdateClusterConfig, eks:DescribeCluster, /m,
        );
        assert.match(r.stdout, /^FAIL: stack aws-dev, \d+ violations, 1 mandatory$/m);
    });

    it("fails iam:PassRole added to the discovery role", async () => {
        const doc = clone("aws-dev");
        editPolicy(doc, (p) => {
            p.Statement.push({
                Effect: "Allow",
                Action: "iam:PassRole",
                Resource: "arn:aws:iam::123456789012:role/admin",
            });
        });
        const r = await runCli(["gate", "--plan", write("passrole", doc)]);
        assert.equal(r.code, 1);
        assert.match(
            r.stdout,
            /^\[mandatory\] no-wildcard-iam-actions on discovery-permissions: statement 1 grants iam:PassRole/m,
        );
    });

    it("fails a trust policy without the audience condition", async () => {
        const doc = clone("aws-dev");
        const role = awsDoc(doc, "aws:iam/role:Role");
        const trust = JSON.parse(role.inputs.assumeRolePolicy as string);
        delete trust.Statement[0].Condition.StringEquals["sts.windows.net/33e01921-4d64-4f8c-a055-5bdaffd5e33d/:aud"];
        role.inputs.assumeRolePolicy = JSON.stringify(trust);
        const r = await runCli(["gate", "--plan", write("no-aud", doc)]);
        assert.equal(r.code, 1);
        assert.match(
            r.stdout,
            /^\[mandatory\] eks-discovery-trust on discovery-role: statement DefenderAgentlessDiscovery lacks the condition StringEquals sts\.windows\.net\/33e01921-4d64-4f8c-a055-5bdaffd5e33d\/:aud = api:\/\/6610e979-c931-41ec-adc7-b9920c9d52f1$/m,
        );
    });

    const policyConfig = (name: string, config: object): string => {
        const file = path.join(dir, `${name}.json`);
        fs.writeFileSync(file, JSON.stringify(config));
        return file;
    };
    const PROD = {
        "no-attack-simulation-in-production": { production: true },
        "gatekeeper-deny-in-production": { production: true },
    };

    it("fails the attack simulation when the policy config says the stack is production", async () => {
        const r = await runCli([
            "gate",
            "--plan",
            write("sim-prod", clone("k8s-dev")),
            "--policy-config",
            policyConfig("prod", PROD),
        ]);
        assert.equal(r.code, 1);
        assert.match(
            r.stdout,
            /^\[mandatory\] no-attack-simulation-in-production on [\w-]+: the attack simulation is deployed in a production stack$/m,
        );
        assert.match(r.stdout, /^\[advisory\] gatekeeper-deny-in-production on /m);
        assert.match(r.stdout, /^FAIL: stack k8s-dev, \d+ violations, \d+ mandatory$/m);
    });

    it("does not take production from a resource the plan registers about itself", async () => {
        const doc = clone("k8s-dev");
        const settings = doc.resources.find((r) => r.type === "agentless:stack:Settings");
        if (settings) settings.inputs.production = true;
        const r = await runCli(["gate", "--plan", write("sim-self-prod", doc)]);
        assert.equal(r.code, 0, r.stdout);
        assert.doesNotMatch(r.stdout, /no-attack-simulation-in-production/);
        // And a production plan cannot escape by leaving that resource out.
        doc.resources = doc.resources.filter((x) => x.type !== "agentless:stack:Settings");
        const p = await runCli([
            "gate",
            "--plan",
            write("sim-no-settings", doc),
            "--policy-config",
            policyConfig("prod2", PROD),
        ]);
        assert.equal(p.code, 1, p.stdout);
    });

    it("refuses a policy config whose all is not a level (exit 2), instead of passing every mandatory violation", async () => {
        for (const [name, all, reason] of [
            ["typo", "mandatroy", 'has enforcement level "mandatroy"; expected one of advisory, mandatory, disabled'],
            ["bogus", "bogus", 'has enforcement level "bogus"; expected one of advisory, mandatory, disabled'],
            [
                "all-production",
                { enforcementLevel: "mandatory", production: "yes" },
                'has property "production"; allowed: enforcementLevel',
            ],
        ] as const) {
            const file = policyConfig(`all-${name}`, { ...PROD, all });
            const r = await runCli([
                "gate",
                "--plan",
                write(`sim-all-${name}`, clone("k8s-dev")),
                "--policy-config",
                file,
            ]);
            assert.equal(r.code, 2, r.stdout);
            assert.equal(r.stdout, "");
            assert.equal(r.stderr.trim(), `error: --policy-config ${file}: policy config for "all" ${reason}`);
        }
    });

    it("lets a policy config make a rule advisory, and the verdict follows", async () => {
        const cfg = policyConfig("policy-config", {
            ...PROD,
            "no-attack-simulation-in-production": { enforcementLevel: "advisory", production: true },
        });
        const r = await runCli(["gate", "--plan", write("sim-prod-2", clone("k8s-dev")), "--policy-config", cfg]);
        assert.equal(r.code, 0, r.stdout);
        assert.match(r.stdout, /^\[advisory\] no-attack-simulation-in-production on /m);
    });

    it("fails a discovery role on cluster/*", async () => {
        const doc = clone("aws-dev");
        editPolicy(doc, (p) => {
            p.Statement[0].Resource = ["arn:aws:eks:eu-west-1:123456789012:cluster/*"];
        });
        const r = await runCli(["gate", "--plan", write("cluster-star", doc)]);
        assert.equal(r.code, 1);
        assert.match(
            r.stdout,
            /^\[mandatory\] eks-discovery-role-actions on discovery-permissions: statement DescribeAndOpenClusters applies to "arn:aws:eks:eu-west-1:123456789012:cluster\/\*": a wildcard ARN covers clusters this stack does not onboard$/m,
        );
        assert.match(
            r.stdout,
            /^\[mandatory\] no-account-wide-iam-resources on discovery-permissions: statement DescribeAndOpenClusters grants eks:UpdateClusterConfig, eks:DescribeCluster on "arn:aws:eks:eu-west-1:123456789012:cluster\/\*" \(every name\); name the resources or a name prefix$/m,
        );
        assert.match(r.stdout, /^FAIL: stack aws-dev, \d+ violations, 2 mandatory$/m);
    });

    it("fails a single-object Statement granting more than discovery", async () => {
        const doc = clone("aws-dev");
        editPolicy(doc, (p) => {
            (p as unknown as { Statement: unknown }).Statement = {
                Effect: "Allow",
                Action: "eks:DeleteCluster",
                Resource: "arn:aws:eks:eu-west-1:123456789012:cluster/eks-payments-prod",
            };
        });
        const r = await runCli(["gate", "--plan", write("single-statement", doc)]);
        assert.equal(r.code, 1);
        assert.match(
            r.stdout,
            /^\[mandatory\] eks-discovery-role-actions on discovery-permissions: the discovery role is granted "eks:DeleteCluster", outside /m,
        );
    });

    it("fails a managed policy with a wildcard action", async () => {
        const doc = clone("aws-dev");
        doc.resources.push({
            type: "aws:iam/policy:Policy",
            name: "extra-managed",
            parent: "",
            op: "create",
            inputs: {
                policy: JSON.stringify({
                    Version: "2012-10-17",
                    Statement: { Effect: "Allow", Action: "eks:*", Resource: "*" },
                }),
            },
        } as unknown as PlanDocument["resources"][number]);
        const r = await runCli(["gate", "--plan", write("managed-wildcard", doc)]);
        assert.equal(r.code, 1);
        assert.match(
            r.stdout,
            /^\[mandatory\] no-wildcard-iam-actions on extra-managed: statement 0 grants the wildcard action "eks:\*"$/m,
        );
    });

    it("fails the access-entry escalation: the old unconditioned statement", async () => {
        const doc = clone("aws-dev");
        editPolicy(doc, (p) => {
            p.Statement.push({
                Sid: "ManageOwnAccessEntries",
                Effect: "Allow",
                Action: [
                    "eks:CreateAccessEntry",
                    "eks:ListAccessEntries",
                    "eks:AssociateAccessPolicy",
                    "eks:ListAssociatedAccessPolicies",
                ],
                Resource: [
                    "arn:aws:eks:eu-west-1:123456789012:cluster/eks-payments-prod",
                    "arn:aws:eks:eu-west-1:123456789012:access-entry/eks-payments-prod/*",
                ],
            });
        });
        const r = await runCli(["gate", "--plan", write("escalation", doc)]);
        assert.equal(r.code, 1);
        assert.match(
            r.stdout,
            /^\[mandatory\] eks-discovery-role-actions on discovery-permissions: statement ManageOwnAccessEntries grants eks:AssociateAccessPolicy without the condition StringEquals eks:policyArn = /m,
        );
        assert.match(
            r.stdout,
            /^\[mandatory\] eks-discovery-role-actions on discovery-permissions: statement ManageOwnAccessEntries grants eks:CreateAccessEntry without the condition StringEquals eks:principalArn = /m,
        );
        assert.match(
            r.stdout,
            /^\[mandatory\] eks-discovery-role-actions on discovery-permissions: statement ManageOwnAccessEntries applies to "arn:aws:eks:eu-west-1:123456789012:access-entry\/eks-payments-prod\/\*"; an access entry ARN must be the role's own/m,
        );
    });

    it("fails a floating chart version", async () => {
        const doc = clone("k8s-dev");
        doc.resources.find((r) => r.type === "kubernetes:helm.sh/v4:Chart")!.inputs.version = "latest";
        const r = await runCli(["gate", "--plan", write("chart", doc)]);
        assert.equal(r.code, 1);
        assert.match(
            r.stdout,
            /^\[mandatory\] helm-chart-versions-pinned on [\w-]+: chart \S+ version "latest" is not an exact version$/m,
        );
    });

    it("judges by the pack given with --policy-pack, not by the checkout's own policies", async () => {
        // A pack whose allow-list a pull request widened: the base branch's copy still refuses.
        const packs = fs.mkdtempSync(path.join(os.tmpdir(), "packs-"));
        try {
            fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(packs, "node_modules"), "dir");
            fs.cpSync(path.join(ROOT, "policies"), path.join(packs, "loose"), { recursive: true });
            const facts = path.join(packs, "loose", "facts.ts");
            fs.writeFileSync(
                facts,
                fs
                    .readFileSync(facts, "utf8")
                    .replace('"eks:UpdateClusterConfig",', '"eks:UpdateClusterConfig",\n    "eks:DeleteCluster",'),
            );
            const doc = clone("aws-dev");
            editPolicy(doc, (p) => {
                (p.Statement[0].Action as string[]).push("eks:DeleteCluster");
            });
            const file = write("loosened", doc);
            const loose = await runCli(["gate", "--plan", file, "--policy-pack", path.join(packs, "loose")]);
            assert.equal(loose.code, 0, loose.stdout + loose.stderr);
            const strict = await runCli(["gate", "--plan", file, "--policy-pack", path.join(ROOT, "policies")]);
            assert.equal(strict.code, 1);
            assert.match(strict.stdout, /the discovery role is granted "eks:DeleteCluster"/);
            const none = await runCli(["gate", "--plan", file, "--policy-pack", packs]);
            assert.equal(none.code, 2);
            assert.equal(
                none.stderr,
                `error: --policy-pack ${packs}: expected a policy pack folder holding rules/index.ts (exporting RULES) and evaluate.ts (exporting evaluatePolicies)\n`,
            );
        } finally {
            fs.rmSync(packs, { recursive: true, force: true });
        }
    });

    it("prints clear errors for a missing file, a file that is not a plan, and no target", async () => {
        const missing = await runCli(["gate", "--plan", path.join(dir, "nope.json")]);
        assert.equal(missing.code, 2);
        assert.match(missing.stderr, /^error: --plan .*nope\.json: no such file\n$/);
        const notPlan = path.join(dir, "not-plan.json");
        fs.writeFileSync(notPlan, JSON.stringify({ hello: 1 }));
        const bad = await runCli(["gate", "--plan", notPlan]);
        assert.equal(bad.code, 2);
        assert.match(bad.stderr, /not a plan document/);
        const none = await runCli(["gate"]);
        assert.equal(none.code, 2);
        assert.equal(none.stderr, "error: give --stack NAME to evaluate a stack, or --plan FILE for a saved plan\n");
    });
});
