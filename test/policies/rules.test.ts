import { strict as assert } from "assert";
import { evaluatePolicies, PolicyConfig, withEnforcement } from "../../policies/evaluate";
import { RULES } from "../../policies/rules";
import { defenderCidrsAllowed } from "../../policies/rules/defenderCidrsAllowed";
import { eksDiscoveryTrust } from "../../policies/rules/eksDiscoveryRole";
import { aksDiscoveryRoleIsBuiltIn, aksDiscoveryRoleScope } from "../../policies/rules/aksDiscoveryRoleAssignment";
import { awsAuthNoSystemMasters } from "../../policies/rules/awsAuthNoSystemMasters";
import { gatekeeperDenyInProduction } from "../../policies/rules/gatekeeperDenyInProduction";
import { gkeWriteRoleExact } from "../../policies/rules/gkeWriteRoleExact";
import { helmChartsPinned } from "../../policies/rules/helmChartsPinned";
import { accountWideReason, noAccountWideIamResources } from "../../policies/rules/noAccountWideIamResources";
import { noSimulationInProduction } from "../../policies/rules/noSimulationInProduction";
import { noWildcardIamActions } from "../../policies/rules/noWildcardIamActions";
import { trustedAccessDefenderRolesOnly } from "../../policies/rules/trustedAccessDefenderRolesOnly";
import { ResourceView } from "../../policies/types";

const SUB = "3f2a9c1e-7b4d-4e8a-9c62-1d5e8f0a7b34";
const res = (type: string, name: string, inputs: Record<string, unknown>): ResourceView => ({ type, name, inputs });
// What a program registers about itself; the rules must not take production from it.
const settings = (production: boolean) =>
    res("agentless:stack:Settings", "settings", { stack: "s", cloud: "azure", production });
const PROD = { "no-attack-simulation-in-production": { production: true } };
const doc = (...statements: object[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });

describe("policy rules", () => {
    it("every rule has a unique name, a description and a default level", () => {
        assert.equal(new Set(RULES.map((r) => r.name)).size, RULES.length);
        for (const r of RULES) {
            assert.ok(r.description.length > 10, r.name);
            assert.ok(["mandatory", "advisory"].includes(r.enforcementLevel), r.name);
        }
    });

    describe("no-wildcard-iam-actions", () => {
        const policy = (d: string) => res("aws:iam/rolePolicy:RolePolicy", "p", { role: "r", policy: d });
        it("passes named actions", () => {
            assert.deepEqual(
                noWildcardIamActions.validate(
                    policy(
                        doc({
                            Effect: "Allow",
                            Action: ["eks:DescribeCluster"],
                            Resource: "arn:aws:eks:eu-west-1:123456789012:cluster/a",
                        }),
                    ),
                ),
                [],
            );
        });
        it("fails wildcards, NotAction and iam:PassRole, in inline role policies too", () => {
            assert.deepEqual(
                noWildcardIamActions.validate(
                    policy(doc({ Sid: "All", Effect: "Allow", Action: "eks:*", Resource: "*" })),
                ),
                ['statement All grants the wildcard action "eks:*"'],
            );
            assert.deepEqual(
                noWildcardIamActions.validate(
                    policy(doc({ Effect: "Allow", Action: ["iam:PassRole", "eks:Describe*"] })),
                ),
                [
                    "statement 0 grants iam:PassRole, which lets the holder hand roles to services",
                    'statement 0 grants the wildcard action "eks:Describe*"',
                ],
            );
            assert.deepEqual(noWildcardIamActions.validate(policy(doc({ Effect: "Allow", NotAction: "iam:*" }))), [
                "statement 0 uses NotAction, which grants every other action",
            ]);
            const role = res("aws:iam/role:Role", "r", {
                inlinePolicies: [{ name: "x", policy: doc({ Effect: "Allow", Action: "*" }) }],
            });
            assert.deepEqual(noWildcardIamActions.validate(role), ['statement 0 grants the wildcard action "*"']);
        });
        it("ignores Deny statements, which may name wildcards safely", () => {
            assert.deepEqual(noWildcardIamActions.validate(policy(doc({ Effect: "Deny", Action: "*" }))), []);
        });
    });

    describe("no-account-wide-iam-resources", () => {
        const policy = (d: string) => res("aws:iam/rolePolicy:RolePolicy", "p", { role: "r", policy: d });
        it("names why a pattern reaches a whole account, and passes exact ARNs and name prefixes", () => {
            assert.equal(accountWideReason("*"), "every resource");
            assert.equal(accountWideReason("arn:aws:s3:::*"), "every name");
            assert.equal(accountWideReason("arn:aws:s3:::*/*"), "every name");
            assert.equal(accountWideReason("arn:aws:sqs:*:123456789012:*"), "every name");
            assert.equal(accountWideReason("arn:aws:firehose:*:123456789012:deliverystream/*"), "every name");
            assert.equal(accountWideReason("arn:aws:logs:*:123456789012:log-group:*:*"), "every name");
            assert.equal(accountWideReason("arn:aws:sqs:eu-west-1:*:ms-defender-a"), "every account");
            for (const ok of [
                "arn:aws:s3:::ms-defender-*",
                "arn:aws:s3:::ms-defender-*/*",
                "arn:aws:sqs:*:123456789012:azuredefender-*",
                "arn:aws:firehose:*:123456789012:deliverystream/ms-defender-*",
                "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/eks/a/cluster:*",
                "arn:aws:eks:eu-west-1:123456789012:access-entry/a/role/123456789012/R/*",
                "arn:aws:eks:eu-west-1:123456789012:cluster/a",
            ]) {
                assert.equal(accountWideReason(ok), undefined, ok);
            }
        });
        it('fails the old pipeline grants, NotResource and "*" except for DescribeLogGroups', () => {
            assert.deepEqual(
                noAccountWideIamResources.validate(
                    policy(
                        doc(
                            {
                                Sid: "Buckets",
                                Effect: "Allow",
                                Action: ["s3:GetObject"],
                                Resource: ["arn:aws:s3:::*/*"],
                            },
                            {
                                Sid: "Queues",
                                Effect: "Allow",
                                Action: "sqs:ReceiveMessage",
                                Resource: "arn:aws:sqs:*:123456789012:*",
                            },
                            {
                                Sid: "Other",
                                Effect: "Allow",
                                Action: "eks:DescribeCluster",
                                NotResource: "arn:aws:eks:eu-west-1:123456789012:cluster/a",
                            },
                            {
                                Sid: "Mixed",
                                Effect: "Allow",
                                Action: ["logs:DescribeLogGroups", "logs:PutRetentionPolicy"],
                                Resource: "*",
                            },
                        ),
                    ),
                ),
                [
                    'statement Buckets grants s3:GetObject on "arn:aws:s3:::*/*" (every name); name the resources or a name prefix',
                    'statement Queues grants sqs:ReceiveMessage on "arn:aws:sqs:*:123456789012:*" (every name); name the resources or a name prefix',
                    "statement Other uses NotResource, which grants every other resource",
                    'statement Mixed grants logs:DescribeLogGroups, logs:PutRetentionPolicy on "*" (every resource); name the resources or a name prefix',
                ],
            );
            assert.deepEqual(
                noAccountWideIamResources.validate(
                    policy(doc({ Effect: "Allow", Action: "logs:DescribeLogGroups", Resource: "*" })),
                ),
                [],
            );
            assert.deepEqual(
                noAccountWideIamResources.validate(policy(doc({ Effect: "Deny", Action: "*", Resource: "*" }))),
                [],
            );
        });
    });

    describe("aks-discovery-role-scope and aks-discovery-role-is-built-in", () => {
        const ra = (scope: string, role = "d5a2ae44-610b-4500-93be-660a0c5f5ca6", name = "discovery-api-access") =>
            res("azure-native:authorization:RoleAssignment", name, {
                scope,
                roleDefinitionId: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${role}`,
            });
        it("passes subscription and resource-group scope", () => {
            assert.deepEqual(aksDiscoveryRoleScope.validate(ra(`/subscriptions/${SUB}`)), []);
            assert.deepEqual(aksDiscoveryRoleScope.validate(ra(`/subscriptions/${SUB}/resourceGroups/rg`)), []);
        });
        it("fails a management group or the root scope", () => {
            assert.deepEqual(
                aksDiscoveryRoleScope.validate(ra("/providers/Microsoft.Management/managementGroups/corp")),
                [
                    'assigns the discovery role at scope "/providers/Microsoft.Management/managementGroups/corp", wider than a subscription',
                ],
            );
            assert.equal(aksDiscoveryRoleScope.validate(ra("/")).length, 1);
        });
        it("fails a discovery identity given another role, or none", () => {
            const op = res("azure-native:security:SecurityOperator", "discovery-operator", {});
            assert.deepEqual(
                aksDiscoveryRoleIsBuiltIn.validateStack([op, ra(`/subscriptions/${SUB}`)], { production: false }),
                [],
            );
            assert.deepEqual(
                aksDiscoveryRoleIsBuiltIn
                    .validateStack([op, ra(`/subscriptions/${SUB}`, "b24988ac-6180-42a0-ab88-20f7382dd24c")], {
                        production: false,
                    })
                    .map((f) => f.resource),
                ["discovery-api-access"],
            );
            assert.deepEqual(aksDiscoveryRoleIsBuiltIn.validateStack([op], { production: false }), [
                { resource: "discovery-operator", message: "the security operator has no discovery role assignment" },
            ]);
        });
    });

    describe("trusted-access-defender-roles-only", () => {
        const b = (roles: string[]) => res("azure-native:containerservice:TrustedAccessRoleBinding", "b", { roles });
        it("passes the Defender operator role", () => {
            assert.deepEqual(
                trustedAccessDefenderRolesOnly.validate(b(["Microsoft.Security/pricings/microsoft-defender-operator"])),
                [],
            );
        });
        it("fails any other role", () => {
            assert.deepEqual(
                trustedAccessDefenderRolesOnly.validate(
                    b([
                        "Microsoft.Security/pricings/microsoft-defender-operator",
                        "Microsoft.MachineLearningServices/workspaces/mlworkspace",
                    ]),
                ),
                [
                    'binds role "Microsoft.MachineLearningServices/workspaces/mlworkspace"; only Microsoft.Security/pricings/microsoft-defender-operator is allowed',
                ],
            );
        });
    });

    describe("gke-write-role-exact", () => {
        const role = (permissions: string[]) =>
            res("gcp:projects/iAMCustomRole:IAMCustomRole", "r", { roleId: "MDCGkeClusterWriteRole", permissions });
        it("passes exactly container.clusters.update", () =>
            assert.deepEqual(gkeWriteRoleExact.validate(role(["container.clusters.update"])), []));
        it("fails an extra permission", () => {
            assert.deepEqual(
                gkeWriteRoleExact.validate(role(["container.clusters.update", "container.clusters.delete"])),
                [
                    'custom role MDCGkeClusterWriteRole holds "container.clusters.delete"; it may hold only container.clusters.update',
                ],
            );
        });
        it("fails at organization scope too", () => {
            const org = res("gcp:organizations/iAMCustomRole:IAMCustomRole", "o", {
                roleId: "MDCGkeClusterWriteRole",
                permissions: ["container.clusters.get"],
            });
            assert.equal(gkeWriteRoleExact.validate(org).length, 2);
        });
    });

    describe("helm-chart-versions-pinned", () => {
        const chart = (version?: string) => res("kubernetes:helm.sh/v4:Chart", "c", { chart: "gatekeeper", version });
        it("passes an exact version", () => assert.deepEqual(helmChartsPinned.validate(chart("3.18.2")), []));
        it("fails a missing, ranged or latest version", () => {
            assert.deepEqual(helmChartsPinned.validate(chart()), [
                "chart gatekeeper has no version: it would float to the newest",
            ]);
            assert.deepEqual(helmChartsPinned.validate(chart("^3.18")), [
                'chart gatekeeper version "^3.18" is not an exact version',
            ]);
            assert.equal(helmChartsPinned.validate(chart("latest")).length, 1);
            assert.equal(helmChartsPinned.validate(chart("3.x")).length, 1);
        });
        it("judges a v4 Chart the engine analyzes with no inputs through the component that declares it", () => {
            // The Kubernetes provider registers the Chart it constructs with no inputs: that is all the engine's analyzer sees.
            assert.deepEqual(helmChartsPinned.validate(res("kubernetes:helm.sh/v4:Chart", "c", {})), []);
            const sensor = (chartVersion?: string) =>
                res("agentless:kubernetes:DefenderSensor", "eks-a-sensor", { chart: "defender-sensor", chartVersion });
            assert.deepEqual(helmChartsPinned.validate(sensor("0.9.2")), []);
            assert.deepEqual(helmChartsPinned.validate(sensor("~0.9")), [
                'chart defender-sensor version "~0.9" is not an exact version',
            ]);
            assert.deepEqual(
                helmChartsPinned.validate(res("agentless:kubernetes:Gatekeeper", "g", { chart: "gatekeeper" })),
                ["chart gatekeeper has no version: it would float to the newest"],
            );
        });
    });

    describe("no-attack-simulation-in-production", () => {
        const sim = res("agentless:kubernetes:AttackSimulation", "sim-aks-a", { scenario: "all" });
        it("passes a simulation outside production", () =>
            assert.deepEqual(
                noSimulationInProduction.validateStack([settings(false), sim], { production: false }),
                [],
            ));
        it("fails it in production, as the policy config says", () => {
            assert.deepEqual(evaluatePolicies([sim], [noSimulationInProduction], PROD), [
                {
                    policy: "no-attack-simulation-in-production",
                    level: "mandatory",
                    resource: "sim-aks-a",
                    message: "the attack simulation is deployed in a production stack",
                },
            ]);
        });
        it("ignores a production flag the program registers about itself", () => {
            assert.deepEqual(evaluatePolicies([settings(true), sim], [noSimulationInProduction]), []);
            assert.deepEqual(evaluatePolicies([settings(false), sim], [noSimulationInProduction], PROD).length, 1);
        });
    });

    describe("aws-auth-no-system-masters (advisory)", () => {
        const patch = (groups: string[]) =>
            res("kubernetes:core/v1:ConfigMapPatch", "aws-auth", {
                metadata: { name: "aws-auth", namespace: "kube-system" },
                data: {
                    mapRoles: `- rolearn: arn:aws:iam::123456789012:role/MDC\n  username: mdc\n  groups:\n${groups.map((g) => `    - ${g}`).join("\n")}\n`,
                },
            });
        it("passes a read-only group", () =>
            assert.deepEqual(awsAuthNoSystemMasters.validate(patch(["agentless-discovery:readers"])), []));
        it("flags system:masters", () => {
            assert.deepEqual(awsAuthNoSystemMasters.validate(patch(["system:masters"])), [
                "maps arn:aws:iam::123456789012:role/MDC to system:masters, which is cluster-admin",
            ]);
            assert.equal(awsAuthNoSystemMasters.enforcementLevel, "advisory");
        });
    });

    describe("gatekeeper-deny-in-production (advisory)", () => {
        const constraint = (enforcementAction: string) =>
            res("kubernetes:constraints.gatekeeper.sh/v1beta1:K8sPrivileged", "c1", {
                apiVersion: "constraints.gatekeeper.sh/v1beta1",
                kind: "K8sPrivileged",
                metadata: { name: "no-privileged" },
                spec: { enforcementAction },
            });
        it("passes deny in production and dryrun elsewhere", () => {
            assert.deepEqual(gatekeeperDenyInProduction.validateStack([constraint("deny")], { production: true }), []);
            assert.deepEqual(
                gatekeeperDenyInProduction.validateStack([constraint("dryrun")], { production: false }),
                [],
            );
        });
        it("flags warn or dryrun in production", () => {
            assert.deepEqual(gatekeeperDenyInProduction.validateStack([constraint("warn")], { production: true }), [
                {
                    resource: "c1",
                    message: 'constraint K8sPrivileged/no-privileged is in "warn" mode in a production stack',
                },
            ]);
        });
    });

    describe("enforcement overrides", () => {
        it("checks all like a rule's own entry: a bad level of all is an error, never a pass", () => {
            const sim = res("agentless:kubernetes:AttackSimulation", "sim", {});
            const prod = { "no-attack-simulation-in-production": { production: true } };
            for (const [all, message] of [
                [
                    "mandatroy",
                    'policy config for "all" has enforcement level "mandatroy"; expected one of advisory, mandatory, disabled',
                ],
                [
                    "bogus",
                    'policy config for "all" has enforcement level "bogus"; expected one of advisory, mandatory, disabled',
                ],
                [
                    { enforcementLevel: "mandatory", production: "yes" },
                    'policy config for "all" has property "production"; allowed: enforcementLevel',
                ],
                [
                    { enforcementLevel: 1 },
                    'policy config for "all" has enforcement level 1; expected one of advisory, mandatory, disabled',
                ],
                [
                    7,
                    'policy config for "all" has 7; expected an enforcement level (advisory, mandatory, disabled) or an object with enforcementLevel',
                ],
            ] as const) {
                const config = { ...prod, all } as PolicyConfig;
                assert.throws(
                    () => evaluatePolicies([sim], RULES, config),
                    (e: Error) => e.message === message,
                    JSON.stringify(all),
                );
            }
            assert.equal(evaluatePolicies([sim], RULES, { ...prod, all: "mandatory" })[0].level, "mandatory");
            assert.equal(
                evaluatePolicies([sim], RULES, { ...prod, all: { enforcementLevel: "advisory" } })[0].level,
                "advisory",
            );
        });
        it("turns a rule advisory or off, and rejects unknown rules and levels", () => {
            const sim = res("agentless:kubernetes:AttackSimulation", "sim", {});
            assert.equal(
                evaluatePolicies([sim], RULES, {
                    "no-attack-simulation-in-production": { enforcementLevel: "advisory", production: true },
                })[0].level,
                "advisory",
            );
            assert.deepEqual(
                evaluatePolicies([sim], RULES, {
                    "no-attack-simulation-in-production": { enforcementLevel: "disabled", production: true },
                }),
                [],
            );
            assert.throws(
                () => withEnforcement(RULES, { "no-attack-simulation-in-production": { production: "yes" } }),
                /^Error: policy config for "no-attack-simulation-in-production" has production "yes"; expected true or false$/,
            );
            assert.throws(
                () => withEnforcement(RULES, { "helm-chart-versions-pinned": { production: true } }),
                /^Error: policy config for "helm-chart-versions-pinned" has property "production"; allowed: enforcementLevel$/,
            );
            assert.throws(
                () => withEnforcement(RULES, { "no-such-rule": "advisory" }),
                /policy config names unknown rule "no-such-rule"/,
            );
            assert.throws(
                () => withEnforcement(RULES, { "helm-chart-versions-pinned": "warn" }),
                /policy config for "helm-chart-versions-pinned" has enforcement level "warn"; expected one of advisory, mandatory, disabled/,
            );
        });
    });
});

describe("AWS discovery role rules", () => {
    const tags = { "agentless-discovery:purpose": "defender-discovery" };
    const trust = (cond: Record<string, string>) =>
        JSON.stringify({
            Version: "2012-10-17",
            Statement: [
                {
                    Effect: "Allow",
                    Principal: {
                        Federated:
                            "arn:aws:iam::123456789012:oidc-provider/sts.windows.net/33e01921-4d64-4f8c-a055-5bdaffd5e33d/",
                    },
                    Action: "sts:AssumeRoleWithWebIdentity",
                    Condition: { StringEquals: cond },
                },
            ],
        });
    const goodCond = {
        "sts.windows.net/33e01921-4d64-4f8c-a055-5bdaffd5e33d/:aud": "api://6610e979-c931-41ec-adc7-b9920c9d52f1",
        "sts:RoleSessionName": "MicrosoftDefenderForClouds_[secret]",
    };
    const role = (assumeRolePolicy: string) =>
        res("aws:iam/role:Role", "discovery-role", { name: "MDCRole", tags, assumeRolePolicy });
    const ctx = { production: false };

    // eks-discovery-role-actions: test/policies/eksDiscoveryRole.test.ts
    it("passes the trust policy with both conditions and fails it without the session name or with another principal", () => {
        assert.deepEqual(eksDiscoveryTrust.validateStack([role(trust(goodCond))], ctx), []);
        const noSession = eksDiscoveryTrust.validateStack(
            [
                role(
                    trust({
                        "sts.windows.net/33e01921-4d64-4f8c-a055-5bdaffd5e33d/:aud":
                            "api://6610e979-c931-41ec-adc7-b9920c9d52f1",
                    }),
                ),
            ],
            ctx,
        );
        assert.deepEqual(
            noSession.map((f) => f.message),
            [
                "statement 0 lacks the condition StringEquals sts:RoleSessionName = MicrosoftDefenderForClouds_<tenant id>",
            ],
        );
        const other = JSON.parse(trust(goodCond));
        other.Statement[0].Principal = { AWS: "*" };
        assert.match(
            eksDiscoveryTrust.validateStack([role(JSON.stringify(other))], ctx)[0].message,
            /^statement 0 trusts \{"AWS":"\*"\}; expected only the OIDC provider of sts\.windows\.net/,
        );
    });
    it("advises on endpoints that keep Defender out", () => {
        const access = (publicAccess: boolean, cidrs: string[]) =>
            res("agentless:aws:EksClusterAccess", "eks-a", {
                clusterName: "a",
                endpointPublicAccess: publicAccess,
                endpointPrivateAccess: true,
                publicAccessCidrs: cidrs,
            });
        assert.deepEqual(defenderCidrsAllowed.validate(access(true, ["0.0.0.0/0"])), []);
        assert.deepEqual(
            defenderCidrsAllowed.validate(access(true, ["203.0.113.0/24", "172.212.245.192/28", "48.209.1.192/28"])),
            [],
        );
        assert.deepEqual(defenderCidrsAllowed.validate(access(true, ["203.0.113.0/24", "172.212.245.192/28"])), [
            "cluster a restricts its endpoint to 203.0.113.0/24, 172.212.245.192/28 without 48.209.1.192/28",
        ]);
        // SPEC §3: Defender does not open a private endpoint; the advisory agrees with the plan's network note.
        assert.deepEqual(defenderCidrsAllowed.validate(access(false, [])), [
            `cluster a has a private endpoint only, and Defender does not open it: enable public access restricted to 172.212.245.192/28 and 48.209.1.192/28 (aws.overrides."<region>/<name>".defenderEndpointAccess: true does it)`,
        ]);
        const opened = res("agentless:aws:EksClusterAccess", "eks-b", {
            clusterName: "b",
            endpointPublicAccess: false,
            endpointPrivateAccess: true,
            publicAccessCidrs: [],
            defenderEndpointAccess: true,
        });
        assert.deepEqual(defenderCidrsAllowed.validate(opened), [], "the stack opens the endpoint to Defender itself");
        assert.equal(defenderCidrsAllowed.enforcementLevel, "advisory");
    });
});
