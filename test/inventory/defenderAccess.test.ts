import * as assert from "assert";
import { AccessEvidence, AccessInput, defenderAccess, rulesReadPods } from "../../inventory/defenderAccess";
import { normalise } from "../../inventory/normalise";

const READER_ROLE = {
    metadata: { name: "mdc-agentless-discovery-reader" },
    rules: [{ apiGroups: [""], resources: ["pods", "nodes"], verbs: ["get", "list", "watch"] }],
};
const NO_PODS_ROLE = {
    metadata: { name: "nodes-only" },
    rules: [{ apiGroups: [""], resources: ["nodes"], verbs: ["get", "list"] }],
};

function crb(name: string, role: string, subjects: { kind: string; name: string }[]) {
    return { metadata: { name }, roleRef: { kind: "ClusterRole", name: role }, subjects };
}

function evidence(objects: [string, object][], providerID?: string): AccessEvidence {
    const e = new AccessEvidence();
    if (providerID) e.add(normalise("Node", { metadata: { name: "n" }, spec: { providerID } }));
    for (const [kind, raw] of objects) e.add(normalise(kind, raw));
    return e;
}

function input(over: Partial<AccessInput>): AccessInput {
    return { source: "kubeconfig", evidence: new AccessEvidence(), unread: new Set(), ...over };
}

const ROLE_ARN = "arn:aws:iam::123456789012:role/MDCContainersAgentlessDiscoveryK8sRole";

describe("Defender's access per cluster", () => {
    it("a rule set reads pods only with list on pods of the core group (or a wildcard)", () => {
        assert.strictEqual(rulesReadPods([{ apiGroups: [""], resources: ["pods"], verbs: ["list"] }]), true);
        assert.strictEqual(rulesReadPods([{ apiGroups: ["*"], resources: ["*"], verbs: ["*"] }]), true);
        assert.strictEqual(rulesReadPods([{ apiGroups: [""], resources: ["pods"], verbs: ["get"] }]), false);
        assert.strictEqual(rulesReadPods([{ apiGroups: ["apps"], resources: ["pods"], verbs: ["list"] }]), false);
    });

    describe("AKS", () => {
        it("is granted by the ClusterRoleBinding AKS makes of the trusted access role binding", () => {
            const e = evidence([
                [
                    "ClusterRoleBinding",
                    crb("aks-defender", "aks:trustedaccessrole:defender-containers:microsoft-defender-operator", []),
                ],
            ]);
            assert.deepStrictEqual(defenderAccess(input({ source: "azure", evidence: e })), {
                state: "granted",
                cloud: "azure",
                evidence: [
                    "ClusterRoleBinding aks-defender binds ClusterRole aks:trustedaccessrole:defender-containers:microsoft-defender-operator (AKS trusted access)",
                ],
            });
        });

        it("is missing without it, with what to deploy, and unknown when ClusterRoleBindings were not read", () => {
            const e = evidence(
                [["ClusterRoleBinding", crb("other", "view", [{ kind: "User", name: "x" }])]],
                "azure:///subscriptions/s/x",
            );
            assert.deepStrictEqual(defenderAccess(input({ evidence: e })), {
                state: "missing",
                cloud: "azure",
                reason: "no ClusterRoleBinding to aks:trustedaccessrole:defender-containers:microsoft-defender-operator or aks:trustedaccessrole:defender-cloudposture:microsoft-defender-operator",
                remedy: "create the trusted access role binding with role Microsoft.Security/pricings/microsoft-defender-operator: turn on the AgentlessDiscoveryForKubernetes extension of the Defender plan, or run `pulumi up` for the stack that onboards this subscription",
            });
            assert.deepStrictEqual(
                defenderAccess(input({ source: "azure", unread: new Set(["ClusterRoleBinding"]) })),
                { state: "unknown", cloud: "azure", reason: "ClusterRoleBinding could not be read" },
            );
        });

        it("takes the ClusterRole names it looks for from the caller (the Containers one is inferred)", () => {
            const e = evidence([["ClusterRoleBinding", crb("b", "custom:defender", [])]]);
            const ids = { awsRoleName: "r", gcpServiceAccount: "s", aksClusterRoles: ["custom:defender"] };
            assert.strictEqual(defenderAccess(input({ source: "azure", evidence: e }), ids).state, "granted");
        });
    });

    describe("AKS trusted access bindings read from Azure", () => {
        const azure = (bindings: unknown) =>
            defenderAccess(input({ source: "azure", cloudFacts: { trustedAccessRoleBindings: bindings } }));

        it("are granted by Defender's role in whatever letter case Azure returned it", () => {
            assert.deepStrictEqual(
                azure([{ name: "defender", roles: ["microsoft.security/pricings/MICROSOFT-DEFENDER-OPERATOR"] }]),
                {
                    state: "granted",
                    cloud: "azure",
                    evidence: [
                        "trusted access role binding defender grants Microsoft.Security/pricings/microsoft-defender-operator",
                    ],
                },
            );
        });

        it("are not granted by another role of Microsoft.Security", () => {
            const v = azure([
                { name: "other", roles: ["Microsoft.Security/pricings/microsoft-defender-operator-admin"] },
            ]);
            assert.strictEqual(v.state, "missing");
        });
    });

    describe("EKS", () => {
        const bound = [
            ["ClusterRole", READER_ROLE],
            ["ClusterRole", NO_PODS_ROLE],
            [
                "ClusterRoleBinding",
                crb("readers", "mdc-agentless-discovery-reader", [
                    { kind: "Group", name: "mdc-agentless-discovery-readers" },
                ]),
            ],
            ["ClusterRoleBinding", crb("nodes", "nodes-only", [{ kind: "Group", name: "node-viewers" }])],
        ] as [string, object][];

        it("is granted by an aws-auth entry whose group a ClusterRoleBinding gives a role that lists pods", () => {
            const v = defenderAccess(
                input({
                    source: "aws",
                    cloudFacts: { authenticationMode: "CONFIG_MAP" },
                    evidence: evidence(bound),
                    awsAuth: {
                        state: "read",
                        mapRoles: [
                            { rolearn: "arn:aws:iam::123456789012:role/node", username: "n", groups: ["system:nodes"] },
                            { rolearn: ROLE_ARN, username: "mdc", groups: ["mdc-agentless-discovery-readers"] },
                        ],
                    },
                }),
            );
            assert.deepStrictEqual(v, {
                state: "granted",
                cloud: "aws",
                evidence: [
                    `aws-auth maps ${ROLE_ARN} to group(s) mdc-agentless-discovery-readers`,
                    "ClusterRoleBinding readers binds Group mdc-agentless-discovery-readers to ClusterRole mdc-agentless-discovery-reader, which lists pods",
                ],
            });
        });

        it("is granted by system:masters, and by an access entry's view policy over the cluster", () => {
            const masters = defenderAccess(
                input({
                    source: "aws",
                    cloudFacts: { authenticationMode: "CONFIG_MAP" },
                    awsAuth: {
                        state: "read",
                        mapRoles: [{ rolearn: ROLE_ARN, username: "m", groups: ["system:masters"] }],
                    },
                }),
            );
            assert.deepStrictEqual(
                masters.state === "granted" && masters.evidence[1],
                "group system:masters holds every permission",
            );
            const entry = defenderAccess(
                input({
                    source: "aws",
                    cloudFacts: {
                        authenticationMode: "API",
                        defenderAccessEntries: [
                            {
                                principalArn: ROLE_ARN,
                                kubernetesGroups: [],
                                policies: [
                                    {
                                        policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy",
                                        accessScope: "namespace",
                                    },
                                    {
                                        policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy",
                                        accessScope: "cluster",
                                    },
                                ],
                            },
                        ],
                    },
                }),
            );
            assert.deepStrictEqual(entry, {
                state: "granted",
                cloud: "aws",
                evidence: [
                    `access entry ${ROLE_ARN} has arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy over the cluster`,
                ],
            });
        });

        it("is missing when the role is mapped to groups that cannot list pods, or not mapped at all", () => {
            const weak = defenderAccess(
                input({
                    source: "aws",
                    cloudFacts: { authenticationMode: "CONFIG_MAP" },
                    evidence: evidence(bound),
                    awsAuth: {
                        state: "read",
                        mapRoles: [{ rolearn: ROLE_ARN, username: "m", groups: ["node-viewers"] }],
                    },
                }),
            );
            assert.deepStrictEqual(weak, {
                state: "missing",
                cloud: "aws",
                reason: `aws-auth maps ${ROLE_ARN} to group(s) node-viewers, but none of it grants read access`,
                remedy: "give role MDCContainersAgentlessDiscoveryK8sRole an aws-auth mapRoles entry bound to a read-only ClusterRole: run `pulumi up` for the stack that onboards this account",
            });
            const none = defenderAccess(
                input({
                    source: "aws",
                    cloudFacts: { authenticationMode: "API_AND_CONFIG_MAP", defenderAccessEntries: [] },
                    awsAuth: { state: "absent" },
                }),
            );
            assert.strictEqual(
                none.state === "missing" && none.reason,
                "no aws-auth entry or access entry for role MDCContainersAgentlessDiscoveryK8sRole",
            );
        });

        it("is unknown when aws-auth or the access entries could not be read, or the authentication mode is not known", () => {
            assert.deepStrictEqual(
                defenderAccess(
                    input({
                        source: "aws",
                        cloudFacts: {
                            authenticationMode: "API_AND_CONFIG_MAP",
                            accessEntriesError: "AccessDeniedException: no",
                        },
                        awsAuth: { state: "unreadable", reason: "GET ... answered 403 Forbidden" },
                    }),
                ),
                {
                    state: "unknown",
                    cloud: "aws",
                    reason: "the aws-auth ConfigMap (GET ... answered 403 Forbidden) could not be read; the EKS access entries (AccessDeniedException: no) could not be read",
                },
            );
            // From a kubeconfig, the nodes say EKS but not the authentication mode: absent from aws-auth proves nothing.
            assert.deepStrictEqual(
                defenderAccess(
                    input({ evidence: evidence([], "aws:///eu-west-1a/i-0abc"), awsAuth: { state: "absent" } }),
                ),
                {
                    state: "unknown",
                    cloud: "aws",
                    reason: "the cluster's authentication mode is not known (snapshot it with --cloud aws)",
                },
            );
        });

        it("matches the role by the last segment of an IAM role ARN only", () => {
            const v = defenderAccess(
                input({
                    source: "aws",
                    cloudFacts: { authenticationMode: "CONFIG_MAP" },
                    awsAuth: {
                        state: "read",
                        mapRoles: [
                            {
                                rolearn: "arn:aws:iam::123456789012:role/MDCContainersAgentlessDiscoveryK8sRole-old",
                                username: "",
                                groups: ["system:masters"],
                            },
                            {
                                rolearn: "arn:aws:iam::123456789012:user/MDCContainersAgentlessDiscoveryK8sRole",
                                username: "",
                                groups: ["system:masters"],
                            },
                        ],
                    },
                }),
            );
            assert.strictEqual(v.state, "missing");
        });
    });

    describe("GKE", () => {
        const SA = "mdc-containers-k8s-operator@shop-prod.iam.gserviceaccount.com";
        it("is granted by roles/container.viewer on the project, or by RBAC for the service account", () => {
            const iam = defenderAccess(
                input({
                    source: "gcp",
                    cloudFacts: {
                        id: "projects/shop-prod/locations/europe-west1/clusters/c",
                        defenderProjectRoles: ["roles/container.viewer"],
                    },
                }),
            );
            assert.deepStrictEqual(iam, {
                state: "granted",
                cloud: "gcp",
                evidence: [`project shop-prod grants roles/container.viewer to serviceAccount:${SA}`],
            });
            const rbac = defenderAccess(
                input({
                    evidence: evidence(
                        [
                            ["ClusterRole", READER_ROLE],
                            [
                                "ClusterRoleBinding",
                                crb("mdc", "mdc-agentless-discovery-reader", [{ kind: "User", name: SA }]),
                            ],
                        ],
                        "gce://shop-prod/europe-west1-b/gke-node-1",
                    ),
                }),
            );
            assert.strictEqual(rbac.state, "granted");
        });

        it("is unknown while the project's IAM policy is not read, and missing once it is read without the role", () => {
            const id = "projects/shop-prod/locations/europe-west1/clusters/c";
            assert.deepStrictEqual(defenderAccess(input({ source: "gcp", cloudFacts: { id } })), {
                state: "unknown",
                cloud: "gcp",
                reason: `the project's IAM policy for serviceAccount:${SA} could not be read (not read by discovery)`,
            });
            assert.deepStrictEqual(
                defenderAccess(input({ source: "gcp", cloudFacts: { id, defenderProjectRoles: ["roles/viewer"] } })),
                {
                    state: "missing",
                    cloud: "gcp",
                    reason: `serviceAccount:${SA} holds no roles/container.viewer on project shop-prod and no ClusterRoleBinding that lists pods`,
                    remedy: `grant roles/container.viewer to serviceAccount:${SA}: run \`pulumi up\` for the stack that onboards this project`,
                },
            );
        });
    });

    it("is unknown, saying why, for a kubeconfig cluster whose nodes name no cloud", () => {
        assert.deepStrictEqual(defenderAccess(input({ evidence: evidence([], "fixture://n") })), {
            state: "unknown",
            cloud: null,
            reason: "the cluster's cloud is not known: it came from a kubeconfig and its nodes name no aws, azure or gce provider",
        });
    });
});
