import { strict as assert } from "assert";
import { AksDiscoveryAccess, AksDiscoveryAccessArgs } from "../../components/azure/aksDiscoveryAccess";
import { ArcExtensions, ArcExtensionsArgs } from "../../components/azure/arcExtensions";
import { targetKey } from "../../components/azure/clusterTargets";
import { DefenderConnector, DefenderConnectorArgs } from "../../components/aws/defenderConnector";
import { DiscoveryRole, DiscoveryRoleArgs } from "../../components/aws/discoveryRole";
import { EksClusterAccess, EksClusterAccessArgs } from "../../components/aws/eksClusterAccess";
import { GkeDiscoveryAccess, GkeDiscoveryAccessArgs } from "../../components/gcp/gkeDiscoveryAccess";
import { later, smuggled } from "../helpers/outputs";
import { one, registered } from "../helpers/pulumi";

// later(v): an output of a user's own resource, known only once it resolves: what the components
// must accept wherever docs/library.md says "pulumi.Input".
const SUB = "6b1e0f3a-2c4d-4e5f-8a9b-0c1d2e3f4a5b";

describe("component arguments a user's program fills with outputs (docs/library.md)", () => {
    it("AksDiscoveryAccess: binds a cluster given by output resource group and name, under its plain key, in an output subscription", async () => {
        const rs = await registered(() => {
            new AksDiscoveryAccess("lib-aks", {
                subscriptionId: later(SUB),
                operator: "containers",
                clusters: [{ resourceGroup: later("rg-apps"), name: later("aks-apps"), key: "apps" }],
            });
        });
        const binding = one(rs, "azure-native:containerservice:TrustedAccessRoleBinding", "lib-aks-apps");
        assert.equal(binding.inputs.resourceGroupName, "rg-apps");
        assert.equal(binding.inputs.resourceName, "aks-apps");
        const ra = one(rs, "azure-native:authorization:RoleAssignment", "lib-aks-api-access");
        assert.equal(ra.inputs.scope, `/subscriptions/${SUB}`);
        assert.equal(
            ra.inputs.roleDefinitionId,
            `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/d5a2ae44-610b-4500-93be-660a0c5f5ca6`,
        );
    });

    it("ArcExtensions: installs the Azure Policy extension on a connected cluster given by outputs", async () => {
        const rs = await registered(() => {
            new ArcExtensions("lib-arc", {
                clusters: [{ resourceGroup: later("rg-edge"), name: later("arc-edge-1"), key: "edge-1" }],
                defender: false,
                azurePolicy: true,
            });
        });
        const ext = one(rs, "azure-native:kubernetesconfiguration:Extension", "lib-arc-edge-1-azure-policy");
        assert.equal(ext.inputs.clusterName, "arc-edge-1");
        assert.equal(ext.inputs.resourceGroupName, "rg-edge");
    });

    it("names the key as the cure when a cluster's resource group or name is an output and no key is given", () => {
        assert.equal(
            targetKey("AksDiscoveryAccess", "x", 0, { resourceGroup: "RG-Apps", name: "aks-1" }),
            "rg-apps-aks-1",
        );
        const cure =
            'must be a plain value, not an output: without a key, the cluster\'s resource group and name spell the key that names its resources (give a plain key, for example key: "apps")';
        assert.throws(
            () => targetKey("AksDiscoveryAccess", "lib-aks2", 1, { resourceGroup: "rg", name: later("aks") }),
            { message: `lib-aks2 (AksDiscoveryAccess): clusters[1].name ${cure}` },
        );
        assert.throws(
            () =>
                new ArcExtensions("lib-arc2", {
                    clusters: [{ resourceGroup: later("rg"), name: "arc-1" }],
                    defender: false,
                    azurePolicy: true,
                }),
            { message: `lib-arc2 (ArcExtensions): clusters[0].resourceGroup ${cure}` },
        );
    });

    it("checks every cluster before declaring anything: a refusal at the second cluster leaves no component and no binding", async () => {
        let refused: unknown;
        const rs = await registered(() => {
            try {
                new AksDiscoveryAccess("lib-aks-atomic", {
                    subscriptionId: "00000000-0000-0000-0000-000000000000",
                    operator: "containers",
                    clusters: [
                        { resourceGroup: "rg", name: "aks-1" },
                        { resourceGroup: "rg", name: later("aks-2") },
                    ],
                });
            } catch (e) {
                refused = e;
            }
            try {
                new ArcExtensions("lib-arc-atomic", {
                    clusters: [
                        { resourceGroup: "rg", name: "arc-1" },
                        { resourceGroup: later("rg"), name: "arc-2" },
                    ],
                    defender: false,
                    azurePolicy: true,
                });
            } catch (e) {
                refused = [refused, e];
            }
        });
        assert.deepEqual(
            (refused as Error[]).flat().map((e) => e.message.split(":")[0]),
            ["lib-aks-atomic (AksDiscoveryAccess)", "lib-arc-atomic (ArcExtensions)"],
        );
        assert.deepEqual(
            rs.map((r) => r.name),
            [],
        );
    });

    it("GkeDiscoveryAccess: creates the account, the role and its grants in an output project", async () => {
        const rs = await registered(() => {
            new GkeDiscoveryAccess("lib-gke", { projectId: later("apps-prod-4711"), scope: "project" });
        });
        assert.equal(one(rs, "gcp:serviceaccount/account:Account", "lib-gke-sa").inputs.project, "apps-prod-4711");
        assert.equal(
            one(rs, "gcp:projects/iAMCustomRole:IAMCustomRole", "lib-gke-role").inputs.project,
            "apps-prod-4711",
        );
        assert.deepEqual(
            rs
                .filter((r) => r.type === "gcp:projects/iAMMember:IAMMember")
                .map((r) => [r.name, r.inputs.project, r.inputs.role])
                .sort(),
            [
                ["lib-gke-cluster-write", "apps-prod-4711", "projects/apps-prod-4711/roles/MDCGkeClusterWriteRole"],
                ["lib-gke-container-viewer", "apps-prod-4711", "roles/container.viewer"],
            ],
        );
    });

    it("EksClusterAccess on a CONFIG_MAP cluster given by output name: its own provider is named after the component, its kubeconfig and identifier name the cluster", async () => {
        const rs = await registered(() => {
            new EksClusterAccess("lib-eks-cm", {
                clusterName: later("legacy-apps"),
                region: "eu-west-1",
                authenticationMode: "CONFIG_MAP",
                endpoint: { publicAccess: true, privateAccess: true, publicAccessCidrs: ["0.0.0.0/0"] },
                roleArn: "arn:aws:iam::111122223333:role/r",
            });
        });
        const provider = one(rs, "pulumi:providers:kubernetes", "lib-eks-cm-kubernetes");
        assert.equal(provider.parent, "lib-eks-cm");
        assert.equal(provider.inputs.clusterIdentifier, "eu-west-1-legacy-apps");
        const kubeconfig = JSON.parse(String(provider.inputs.kubeconfig));
        assert.equal(kubeconfig.clusters[0].cluster.server.endsWith(".gr7.eu-west-1.eks.amazonaws.com"), true);
        assert.deepEqual(kubeconfig.users[0].user.exec.args, [
            "eks",
            "get-token",
            "--cluster-name",
            "legacy-apps",
            "--region",
            "eu-west-1",
            "--output",
            "json",
        ]);
        assert.equal(one(rs, "agentless:aws:EksClusterAccess", "lib-eks-cm").inputs.clusterName, "legacy-apps");
    });

    it("refuses adopted grants (keyed by the role's name) with an output project, and an imported access entry with an output cluster name", () => {
        assert.throws(
            () =>
                new GkeDiscoveryAccess("lib-gke2", { projectId: later("p"), scope: "project", adopt: { grants: {} } }),
            {
                message:
                    "lib-gke2 (GkeDiscoveryAccess): projectId must be a plain value, not an output: adopt.grants is keyed by the custom role's full name, which it spells",
            },
        );
        assert.throws(
            () =>
                new GkeDiscoveryAccess("lib-gke3", {
                    projectId: "p",
                    scope: "organization",
                    organizationId: later("123"),
                    adopt: { grants: {} },
                }),
            {
                message:
                    "lib-gke3 (GkeDiscoveryAccess): organizationId must be a plain value, not an output: adopt.grants is keyed by the custom role's full name, which it spells",
            },
        );
        assert.throws(
            () =>
                new EksClusterAccess("lib-eks2", {
                    clusterName: later("apps"),
                    region: "eu-west-1",
                    authenticationMode: "API",
                    endpoint: { publicAccess: true, privateAccess: true, publicAccessCidrs: ["0.0.0.0/0"] },
                    roleArn: "arn:aws:iam::111122223333:role/r",
                    existingEntry: {
                        principalArn: "arn:aws:iam::111122223333:role/r",
                        type: "STANDARD",
                        kubernetesGroups: [],
                        tags: {},
                        clusterScopePolicyArns: [],
                    },
                }),
            {
                message:
                    "lib-eks2 (EksClusterAccess): clusterName must be a plain value, not an output: existingEntry is imported by an id that names the cluster",
            },
        );
    });

    describe("stops on an output where a plain value is required, naming the argument, the component and why", () => {
        type Case = [string, () => unknown];
        const ROLE = "arn:aws:iam::111122223333:role/r";
        const CLUSTER = "arn:aws:eks:eu-west-1:111122223333:cluster/apps";
        const role = (over: Partial<DiscoveryRoleArgs>): Case => [
            "lib-role-bad (DiscoveryRole)",
            () =>
                new DiscoveryRole("lib-role-bad", {
                    accessMode: "least-privilege",
                    azureTenantId: "t",
                    clusterArns: [CLUSTER],
                    ...over,
                }),
        ];
        const endpoint = { publicAccess: true, privateAccess: true, publicAccessCidrs: ["0.0.0.0/0"] };
        const access = (over: Partial<EksClusterAccessArgs>): Case => [
            "lib-eks-bad (EksClusterAccess)",
            () =>
                new EksClusterAccess("lib-eks-bad", {
                    clusterName: "apps",
                    region: "eu-west-1",
                    authenticationMode: "API",
                    endpoint,
                    roleArn: ROLE,
                    ...over,
                }),
        ];
        const connector = (over: Partial<DefenderConnectorArgs>): Case => [
            "lib-conn-bad (DefenderConnector)",
            () =>
                new DefenderConnector("lib-conn-bad", {
                    accountId: "111122223333",
                    connectorName: "c",
                    resourceGroupName: "rg",
                    location: "westeurope",
                    discoveryRoleArn: ROLE,
                    ...over,
                }),
        ];
        const aks = (over: Partial<AksDiscoveryAccessArgs>): Case => [
            "lib-aks-bad (AksDiscoveryAccess)",
            () =>
                new AksDiscoveryAccess("lib-aks-bad", {
                    subscriptionId: SUB,
                    operator: "containers",
                    clusters: [{ resourceGroup: "rg", name: "aks" }],
                    ...over,
                }),
        ];
        const arc = (over: Partial<ArcExtensionsArgs>): Case => [
            "lib-arc-bad (ArcExtensions)",
            () =>
                new ArcExtensions("lib-arc-bad", {
                    clusters: [{ resourceGroup: "rg", name: "arc" }],
                    defender: false,
                    azurePolicy: true,
                    ...over,
                }),
        ];
        const gke = (over: Partial<GkeDiscoveryAccessArgs>): Case => [
            "lib-gke-bad (GkeDiscoveryAccess)",
            () => new GkeDiscoveryAccess("lib-gke-bad", { projectId: "p", scope: "project", ...over }),
        ];
        const cases: [Case, string, string][] = [
            [
                role({ accessMode: smuggled(later("read-only")) }),
                "accessMode",
                "it decides which statements the permissions policy holds",
            ],
            [role({ roleName: smuggled(later("r")) }), "roleName", "it names the role and its policy"],
            [
                role({ oidcThumbprints: [smuggled(later("ab"))] }),
                "oidcThumbprints[0]",
                "whether it has any decides whether the created provider declares thumbprints",
            ],
            [
                role({
                    accessPolicyArns: {
                        [CLUSTER]: smuggled(later("arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy")),
                    },
                }),
                `accessPolicyArns.${CLUSTER}`,
                "it is keyed by cluster ARN, beside the view policy of every cluster",
            ],
            [
                role({ adoptedOidcProviderArn: smuggled(later("arn")) }),
                "adoptedOidcProviderArn",
                "an adopted provider is read by its id",
            ],
            [role({ adoptedRoleArn: smuggled(later("arn")) }), "adoptedRoleArn", "an adopted role is read by its id"],
            [
                role({ clusterArns: smuggled(later([CLUSTER])) }),
                "clusterArns",
                "its length decides whether the permissions policy exists (each ARN may be an output)",
            ],
            [
                access({ region: smuggled(later("eu-west-1")) }),
                "region",
                "it decides the access policy's partition, and goes into the kubeconfig's aws eks get-token",
            ],
            [
                access({ authenticationMode: smuggled(later("API")) }),
                "authenticationMode",
                "it decides between an access entry and aws-auth with reader RBAC",
            ],
            [
                access({ endpoint: { ...endpoint, publicAccessCidrs: [smuggled(later("0.0.0.0/0"))] } }),
                "endpoint.publicAccessCidrs[0]",
                "the network rules read it",
            ],
            [
                access({ accessPolicy: smuggled(later("AmazonEKSViewPolicy")) }),
                "accessPolicy",
                "it decides the policy association and whether an existing one is imported; the policy rules read its ARN",
            ],
            [
                access({ mapToSystemMasters: smuggled(later(false)) }),
                "mapToSystemMasters",
                "it decides whether the reader ClusterRole and its binding exist",
            ],
            [
                access({ awsAuth: { group: smuggled(later("readers")) } }),
                "awsAuth.group",
                "the aws-auth entry is merged from it, and it names the reader RBAC",
            ],
            [
                access({ manageLogging: smuggled(later(true)) }),
                "manageLogging",
                "it decides whether the logging resource exists",
            ],
            [
                access({ defenderEndpointAccess: smuggled(later(true)) }),
                "defenderEndpointAccess",
                "it decides whether the Defender endpoint access resource exists",
            ],
            [
                access({ existingEntry: smuggled(later({ principalArn: ROLE })) }),
                "existingEntry",
                "an existing access entry is imported by its id",
            ],
            [
                access({ authenticationMode: "CONFIG_MAP", kubeAccess: smuggled(later({ kind: "kubeconfig" })) }),
                "kubeAccess",
                "its kind decides how the component's own provider reaches the cluster",
            ],
            [
                access({
                    authenticationMode: "CONFIG_MAP",
                    kubeAccess: { kind: smuggled<"kubeconfig">(later("kubeconfig")) },
                }),
                "kubeAccess.kind",
                "it decides how the component's own provider reaches the cluster",
            ],
            [connector({ connectorName: smuggled(later("c")) }), "connectorName", "it names the security connector"],
            [connector({ adopt: smuggled(later({})) }), "adopt", "an existing connector is imported by its id"],
            [
                connector({ auditLogRoleArns: smuggled(later({})) }),
                "auditLogRoleArns",
                "whether it is given turns audit-log auto-provisioning on (each role ARN may be an output)",
            ],
            [aks({ operator: smuggled(later("containers")) }), "operator", "it decides which security operator exists"],
            [aks({ bindingName: smuggled(later("b")) }), "bindingName", "it names the trusted access role bindings"],
            [
                aks({ existing: { operator: smuggled(later({ id: "x", principalId: "p" })) } }),
                "existing.operator",
                "existing objects are imported by their ids, with the inputs they have",
            ],
            [
                aks({ clusters: smuggled(later([])) }),
                "clusters",
                "one binding exists per cluster (its resource group and name may be outputs)",
            ],
            [
                aks({
                    clusters: [
                        { resourceGroup: "rg", name: "a" },
                        { resourceGroup: later("rg"), name: "b", key: smuggled(later("b")) },
                    ],
                }),
                "clusters[1].key",
                "it names the cluster's resources",
            ],
            [
                aks({ clusters: [{ resourceGroup: "rg", name: "a", id: smuggled(later("/subscriptions/x")) }] }),
                "clusters[0].id",
                "it keys what the lookups found for the cluster",
            ],
            [
                aks({ clusters: [{ resourceGroup: "rg", name: "a", bindingName: smuggled(later("b")) }] }),
                "clusters[0].bindingName",
                "it names the cluster's binding",
            ],
            [arc({ defender: smuggled(later(true)) }), "defender", "it decides whether the Defender extensions exist"],
            [
                arc({ azurePolicy: smuggled(later(true)) }),
                "azurePolicy",
                "it decides whether the Azure Policy extensions exist",
            ],
            [
                arc({ logAnalyticsWorkspaceId: smuggled(later("/subscriptions/x")) }),
                "logAnalyticsWorkspaceId",
                "it is parsed into the workspace whose key is read",
            ],
            [
                arc({ existing: { "/subscriptions/x": [smuggled(later({ id: "e" }))] } }),
                "existing./subscriptions/x[0]",
                "existing extensions are imported by their ids, with the inputs they have",
            ],
            [
                arc({ clusters: smuggled(later([])) }),
                "clusters",
                "its clusters decide which extensions exist (their resource groups and names may be outputs)",
            ],
            [
                arc({ clusters: [{ resourceGroup: "rg", name: "a", key: smuggled(later("a")) }] }),
                "clusters[0].key",
                "it names the cluster's resources",
            ],
            [
                arc({ clusters: [{ resourceGroup: "rg", name: "a", id: smuggled(later("/subscriptions/x")) }] }),
                "clusters[0].id",
                "it keys what the lookups found for the cluster",
            ],
            [
                arc({ clusters: [{ resourceGroup: "rg", name: "a", defender: smuggled(later(true)) }] }),
                "clusters[0].defender",
                "it decides whether the cluster's Defender extension exists",
            ],
            [
                arc({ clusters: [{ resourceGroup: "rg", name: "a", azurePolicy: smuggled(later(true)) }] }),
                "clusters[0].azurePolicy",
                "it decides whether the cluster's Azure Policy extension exists",
            ],
            [
                gke({ scope: smuggled(later("organization")), organizationId: "1" }),
                "scope",
                "it decides whether the role and grants are the project's or the organization's",
            ],
            [gke({ serviceAccountName: smuggled(later("sa")) }), "serviceAccountName", "it names the service account"],
            [gke({ customRoleId: smuggled(later("r")) }), "customRoleId", "it names the custom role"],
            [
                gke({ inventoryRole: smuggled(later(true)) }),
                "inventoryRole",
                "it decides whether the inventory role and its grant exist",
            ],
            [
                gke({ adopt: { serviceAccount: smuggled(later({ importId: "x" })) } }),
                "adopt.serviceAccount",
                "adopted objects are imported by id, with the inputs they have",
            ],
        ];
        for (const [[component, make], path, why] of cases) {
            it(`${component}: ${path}`, () =>
                assert.throws(make, { message: `${component}: ${path} must be a plain value, not an output: ${why}` }));
        }
    });
});
