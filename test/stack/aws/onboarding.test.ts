import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { loadAwsConfig } from "../../../config/aws";
import { DiscoveryRole } from "../../../components/aws/discoveryRole";
import { onboardAws } from "../../../stack/aws/onboarding";
import { ClusterProviders } from "../../../components/kubernetes/clusterProvider";
import { trustPolicy } from "../../../domain/aws/policyDocuments";
import { byType, one, registered, takeNotes } from "../../helpers/pulumi";
import { stateLookup, stateSource } from "../../helpers/awsStateLookup";

const ACCOUNT = "210987654321";
const TENANT = "7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f";
const ISSUER_PATH = "sts.windows.net/33e01921-4d64-4f8c-a055-5bdaffd5e33d/";
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/MDCContainersAgentlessDiscoveryK8sRole`;

function valueOf<T>(o: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) =>
        o.apply((v) => {
            resolve(v);
            return v;
        }),
    );
}

describe("DiscoveryRole", () => {
    it("creates Microsoft's OIDC provider and a role whose trust and permissions are exact", async () => {
        let role!: DiscoveryRole;
        const rs = await registered(
            () => {
                role = new DiscoveryRole("dr1", {
                    accessMode: "least-privilege",
                    azureTenantId: TENANT,
                    clusterArns: [`arn:aws:eks:eu-west-1:${ACCOUNT}:cluster/a`],
                });
            },
            { awsAccountId: ACCOUNT },
        );

        const oidc = one(rs, "aws:iam/openIdConnectProvider:OpenIdConnectProvider");
        assert.deepEqual(oidc.inputs, {
            url: "https://sts.windows.net/33e01921-4d64-4f8c-a055-5bdaffd5e33d/",
            clientIdLists: ["api://6610e979-c931-41ec-adc7-b9920c9d52f1"],
            tags: { "agentless-discovery:purpose": "defender-discovery" },
        });

        const r = one(rs, "aws:iam/role:Role");
        assert.equal(r.inputs.name, "MDCContainersAgentlessDiscoveryK8sRole");
        assert.deepEqual(r.inputs.tags, { "agentless-discovery:purpose": "defender-discovery" });
        // The trust policy names the customer's tenant, an identifier the plan prints (docs/sources.md).
        assert.equal(
            JSON.parse(r.inputs.assumeRolePolicy as string).Statement[0].Condition.StringEquals["sts:RoleSessionName"],
            `MicrosoftDefenderForClouds_${TENANT}`,
        );
        assert.equal(r.inputs.managedPolicyArns, undefined);
        assert.equal(r.inputs.inlinePolicies, undefined);
        const trust = JSON.parse(await valueOf(role.role.assumeRolePolicy));
        const providerArn = `arn:aws:iam::${ACCOUNT}:oidc-provider/${ISSUER_PATH}`;
        assert.deepEqual(trust, trustPolicy(providerArn, TENANT));
        assert.deepEqual(trust.Statement[0].Condition, {
            StringEquals: {
                [`${ISSUER_PATH}:aud`]: "api://6610e979-c931-41ec-adc7-b9920c9d52f1",
                "sts:RoleSessionName": `MicrosoftDefenderForClouds_${TENANT}`,
            },
        });
        assert.equal(trust.Statement[0].Principal?.Federated, providerArn);
        assert.equal(trust.Statement[0].Action, "sts:AssumeRoleWithWebIdentity");

        const p = one(rs, "aws:iam/rolePolicy:RolePolicy");
        assert.equal(p.inputs.role, "MDCContainersAgentlessDiscoveryK8sRole");
        assert.deepEqual(JSON.parse(String(p.inputs.policy)).Statement, [
            {
                Sid: "DescribeAndOpenClusters",
                Effect: "Allow",
                Action: ["eks:UpdateClusterConfig", "eks:DescribeCluster"],
                Resource: [`arn:aws:eks:eu-west-1:${ACCOUNT}:cluster/a`],
            },
        ]);
        assert.equal(byType(rs, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").length, 0);
        assert.equal(byType(rs, "aws:iam/policy:Policy").length, 0);
        assert.equal(await valueOf(role.arn), ROLE_ARN);
    });

    it("reuses an existing provider and, in access-entries mode, adds the four access-entry actions", async () => {
        const existing = `arn:aws:iam::${ACCOUNT}:oidc-provider/${ISSUER_PATH}`;
        let role!: DiscoveryRole;
        const rs = await registered(
            () => {
                role = new DiscoveryRole("dr2", {
                    roleName: "DefenderDiscovery",
                    accessMode: "access-entries",
                    existingOidcProviderArn: existing,
                    azureTenantId: TENANT,
                    clusterArns: [`arn:aws:eks:eu-west-1:${ACCOUNT}:cluster/a`],
                });
            },
            { awsAccountId: ACCOUNT },
        );
        assert.equal(byType(rs, "aws:iam/openIdConnectProvider:OpenIdConnectProvider").length, 0);
        assert.equal(JSON.parse(await valueOf(role.role.assumeRolePolicy)).Statement[0].Principal.Federated, existing);
        const statements = JSON.parse(String(one(rs, "aws:iam/rolePolicy:RolePolicy").inputs.policy)).Statement;
        assert.deepEqual(
            statements.map((s: { Action: string[] }) => s.Action),
            [
                ["eks:UpdateClusterConfig", "eks:DescribeCluster"],
                "eks:ListAccessEntries",
                "eks:CreateAccessEntry",
                "eks:ListAssociatedAccessPolicies",
                "eks:AssociateAccessPolicy",
            ],
        );
        // Without an explicit access policy the role may associate only the view policy, only with its own entry.
        assert.deepEqual(statements[4].Resource, [
            `arn:aws:eks:eu-west-1:${ACCOUNT}:access-entry/a/role/${ACCOUNT}/DefenderDiscovery/*`,
        ]);
        assert.deepEqual(statements[4].Condition, {
            StringEquals: {
                "eks:policyArn": "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy",
                "eks:accessScope": "cluster",
            },
        });
        assert.deepEqual(statements[2].Condition.StringEquals, {
            "eks:principalArn": `arn:aws:iam::${ACCOUNT}:role/DefenderDiscovery`,
        });
        const component = one(rs, "agentless:aws:DiscoveryRole");
        assert.equal(component.inputs.existingOidcProviderArn, existing);
        assert.equal(component.inputs.roleName, "DefenderDiscovery");
    });
});

describe("onboardAws", () => {
    const EXISTING = [
        "# managed by eksctl",
        "- groups:",
        "  - system:bootstrappers",
        "  - system:nodes",
        `  rolearn: arn:aws:iam::${ACCOUNT}:role/eksctl-ob-nodegroup-NodeInstanceRole-ABC`,
        "  username: system:node:{{EC2PrivateDNSName}}",
        "",
    ].join("\n");

    it("binds each cluster by its authentication mode, skips the excluded one and connects the account to Defender", async () => {
        const cfg = loadAwsConfig({
            accountId: ACCOUNT,
            region: "eu-central-1",
            regions: ["eu-central-1", "us-west-2"],
            overrides: { "eu-central-1/ob-both": { accessPolicy: "AmazonEKSAdminViewPolicy" } },
            connector: {
                subscriptionId: "3f2a9c1e-7b4d-4e8a-9c62-1d5e8f0a7b34",
                resourceGroupName: "rg-security",
                location: "westeurope",
            },
        });
        const state = {
            clusters: [
                {
                    name: "ob-api",
                    region: "eu-central-1",
                    authenticationMode: "API",
                    endpoint: { publicAccessCidrs: ["198.51.100.0/24"] },
                    enabledLogTypes: ["audit", "authenticator"],
                },
                {
                    name: "ob-cm",
                    region: "us-west-2",
                    authenticationMode: "CONFIG_MAP",
                    endpoint: { publicAccess: false, privateAccess: true },
                    awsAuth: { mapRoles: EXISTING },
                },
                {
                    name: "ob-both",
                    region: "eu-central-1",
                    authenticationMode: "API_AND_CONFIG_MAP",
                    enabledLogTypes: ["audit"],
                },
                {
                    name: "ob-skip",
                    region: "eu-central-1",
                    authenticationMode: "API",
                    tags: { ms_defender_container_exclude_agentless: "true" },
                },
            ],
        };
        await takeNotes();
        // As in the plan, the mocks answer the program's read of each cluster's aws-auth from the state.
        const rs = await registered(
            () => {
                void onboardAws(cfg, TENANT, stateSource(state), new ClusterProviders(), stateLookup(state, ACCOUNT));
            },
            { cloudState: stateSource(state) },
        );
        const notes = await takeNotes();

        const provider = one(rs, "pulumi:providers:aws");
        assert.equal(provider.inputs.region, "eu-central-1");
        assert.deepEqual(JSON.parse(String(provider.inputs.allowedAccountIds)), [ACCOUNT]);

        const policy = JSON.parse(
            String(one(rs, "aws:iam/rolePolicy:RolePolicy", "discovery-permissions").inputs.policy),
        );
        assert.deepEqual(policy.Statement[0].Resource, [
            `arn:aws:eks:eu-central-1:${ACCOUNT}:cluster/ob-api`,
            `arn:aws:eks:eu-central-1:${ACCOUNT}:cluster/ob-both`,
            `arn:aws:eks:us-west-2:${ACCOUNT}:cluster/ob-cm`,
        ]);

        const entries = byType(rs, "aws:eks/accessEntry:AccessEntry");
        assert.deepEqual(entries.map((e) => e.inputs.clusterName).sort(), ["ob-api", "ob-both"]);
        for (const e of entries) {
            assert.equal(e.inputs.principalArn, ROLE_ARN);
            assert.equal(e.inputs.type, "STANDARD");
            assert.equal(e.inputs.region, "eu-central-1");
        }
        const assoc = byType(rs, "aws:eks/accessPolicyAssociation:AccessPolicyAssociation");
        assert.deepEqual(assoc.map((a) => [a.inputs.clusterName, a.inputs.policyArn, a.inputs.accessScope]).sort(), [
            ["ob-api", "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy", { type: "cluster" }],
            ["ob-both", "arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminViewPolicy", { type: "cluster" }],
        ]);
        assert.ok(!rs.some((r) => JSON.stringify(r.inputs).includes("ob-skip")), "nothing for the excluded cluster");

        const patch = one(rs, "kubernetes:core/v1:ConfigMapPatch");
        assert.deepEqual(patch.inputs.metadata, {
            name: "aws-auth",
            namespace: "kube-system",
            annotations: { "pulumi.com/patchForce": "true", "pulumi.com/patchFieldManager": "agentless-discovery" },
        });
        assert.equal(
            (patch.inputs.data as Record<string, string>).mapRoles,
            EXISTING +
                `- rolearn: ${ROLE_ARN}\n  username: MDCContainersAgentlessDiscoveryK8sRole\n  groups:\n    - mdc-agentless-discovery-readers\n`,
        );
        assert.equal(patch.parent, "eks-us-west-2-ob-cm");
        const configMaps = byType(rs, "kubernetes:core/v1:ConfigMap");
        assert.deepEqual(
            configMaps.map((r) => [r.op, r.id]),
            [["read", "kube-system/aws-auth"]],
            "aws-auth is read, never owned",
        );

        const binding = one(rs, "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding");
        assert.deepEqual(binding.inputs.subjects, [
            { apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: "mdc-agentless-discovery-readers" },
        ]);
        assert.deepEqual(binding.inputs.roleRef, {
            apiGroup: "rbac.authorization.k8s.io",
            kind: "ClusterRole",
            name: "mdc-agentless-discovery-reader",
        });
        const clusterRole = one(rs, "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole");
        for (const rule of clusterRole.inputs.rules as { verbs: string[]; resources: string[] }[]) {
            assert.deepEqual(rule.verbs, ["get", "list", "watch"]);
            assert.ok(!rule.resources.includes("*") && !rule.resources.includes("secrets"));
        }
        const kube = one(rs, "pulumi:providers:kubernetes", "us-west-2-ob-cm");
        assert.match(String(kube.inputs.kubeconfig), /"--cluster-name","ob-cm","--region","us-west-2"/);

        const access = byType(rs, "agentless:aws:EksClusterAccess");
        assert.deepEqual(access.map((a) => a.name).sort(), [
            "eks-eu-central-1-ob-api",
            "eks-eu-central-1-ob-both",
            "eks-us-west-2-ob-cm",
        ]);
        assert.deepEqual(one(rs, "agentless:aws:EksClusterAccess", "eks-eu-central-1-ob-api").inputs, {
            clusterName: "ob-api",
            region: "eu-central-1",
            authenticationMode: "API",
            endpointPublicAccess: true,
            endpointPrivateAccess: false,
            publicAccessCidrs: ["198.51.100.0/24"],
            mapToSystemMasters: false,
            accessPolicyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy",
            manageLogging: false,
            defenderEndpointAccess: false,
            existingAccessEntry: false,
        });
        assert.deepEqual(
            byType(rs, "pulumi-nodejs:dynamic:Resource"),
            [],
            "logging and the endpoint are not managed unless asked",
        );
        assert.deepEqual(
            rs.filter((r) => r.op !== "create").map((r) => [r.op, r.type]),
            [["read", "kubernetes:core/v1:ConfigMap"]],
            "a fresh account: nothing adopted",
        );

        const connector = one(rs, "azure-native:security:SecurityConnector");
        assert.equal(connector.inputs.environmentName, "AWS");
        assert.equal(connector.inputs.hierarchyIdentifier, ACCOUNT);
        assert.equal(connector.inputs.securityConnectorName, `aws-${ACCOUNT}`);
        assert.equal(connector.inputs.resourceGroupName, "rg-security");
        assert.deepEqual(connector.inputs.environmentData, { environmentType: "AwsAccount" });
        assert.deepEqual(connector.inputs.offerings, [
            {
                offeringType: "DefenderForContainersAws",
                mdcContainersAgentlessDiscoveryK8S: { enabled: true, cloudRoleArn: ROLE_ARN },
                enableAuditLogsAutoProvisioning: true,
                kubernetesService: { cloudRoleArn: `arn:aws:iam::${ACCOUNT}:role/MDCContainersK8sRole` },
                kubernetesDataCollection: {
                    cloudRoleArn: `arn:aws:iam::${ACCOUNT}:role/MDCContainersK8sDataCollectionRole`,
                },
                cloudWatchToKinesis: {
                    cloudRoleArn: `arn:aws:iam::${ACCOUNT}:role/MDCContainersK8sCloudWatchToKinesisRole`,
                },
                kinesisToS3: { cloudRoleArn: `arn:aws:iam::${ACCOUNT}:role/MDCContainersK8sKinesisToS3Role` },
                enableDefenderAgentAutoProvisioning: false,
                enablePolicyAgentAutoProvisioning: false,
            },
        ]);
        assert.equal(
            one(rs, "pulumi:providers:azure-native").inputs.subscriptionId,
            "3f2a9c1e-7b4d-4e8a-9c62-1d5e8f0a7b34",
        );

        const byKind = (kind: string) => notes.filter((n) => n.kind === kind).map((n) => `${n.subject}: ${n.message}`);
        assert.ok(
            byKind("info").includes(
                "us-west-2/ob-cm: eks:UpdateClusterConfig also lets Defender switch this cluster's authentication mode from CONFIG_MAP to API_AND_CONFIG_MAP (to create its access entry); the switch cannot be undone",
            ),
        );
        assert.equal(
            byKind("info").filter((n) => n.includes("CONFIG_MAP to API_AND_CONFIG_MAP")).length,
            1,
            "only CONFIG_MAP clusters get the note",
        );
        assert.deepEqual(byKind("excluded"), [
            "eu-central-1/ob-skip: left out: tagged ms_defender_container_exclude_agentless=true (Defender skips it)",
        ]);
        assert.deepEqual(byKind("network"), [
            "eu-central-1/ob-api: public API endpoint is restricted to 198.51.100.0/24: add 172.212.245.192/28 and 48.209.1.192/28 to publicAccessCidrs so that Defender can reach it",
            "us-west-2/ob-cm: API endpoint is private: discovery cannot reach this cluster (Defender does not open the endpoint); enable a restricted public endpoint that allows 172.212.245.192/28 and 48.209.1.192/28",
        ]);
        assert.deepEqual(
            byKind("manual-step").sort(),
            [
                'eu-central-1/ob-api: so that Defender can reach the API endpoint (this stack does not change the cluster\'s network unless aws.overrides."eu-central-1/ob-api".defenderEndpointAccess is true): aws eks update-cluster-config --region eu-central-1 --name ob-api --resources-vpc-config endpointPublicAccess=true,endpointPrivateAccess=false,publicAccessCidrs=198.51.100.0/24,172.212.245.192/28,48.209.1.192/28',
                'us-west-2/ob-cm: so that Defender can reach the API endpoint (this stack does not change the cluster\'s network unless aws.overrides."us-west-2/ob-cm".defenderEndpointAccess is true): aws eks update-cluster-config --region us-west-2 --name ob-cm --resources-vpc-config endpointPublicAccess=true,endpointPrivateAccess=true,publicAccessCidrs=172.212.245.192/28,48.209.1.192/28',
                `eu-central-1/ob-both: turn on control-plane logging authenticator (this stack does not manage the cluster itself): aws eks update-cluster-config --region eu-central-1 --name ob-both --logging '{"clusterLogging":[{"types":["authenticator"],"enabled":true}]}'`,
                `us-west-2/ob-cm: turn on control-plane logging audit, authenticator (this stack does not manage the cluster itself): aws eks update-cluster-config --region us-west-2 --name ob-cm --logging '{"clusterLogging":[{"types":["audit","authenticator"],"enabled":true}]}'`,
            ].sort(),
        );
    });

    it("maps the role to system:masters only when asked, and then creates no reader role", async () => {
        const cfg = loadAwsConfig({
            accountId: ACCOUNT,
            region: "eu-central-1",
            overrides: { "eu-central-1/ob-masters": { mapToSystemMasters: true } },
        });
        const state = {
            clusters: [
                {
                    name: "ob-masters",
                    region: "eu-central-1",
                    authenticationMode: "CONFIG_MAP",
                    enabledLogTypes: ["audit", "authenticator"],
                    awsAuth: { mapRoles: "" },
                },
            ],
        };
        await takeNotes();
        // As in the plan, the mocks answer the program's read of each cluster's aws-auth from the state.
        const rs = await registered(
            () => {
                void onboardAws(cfg, TENANT, stateSource(state), new ClusterProviders(), stateLookup(state, ACCOUNT));
            },
            { cloudState: stateSource(state) },
        );
        const notes = await takeNotes();
        assert.equal(
            (one(rs, "kubernetes:core/v1:ConfigMapPatch").inputs.data as Record<string, string>).mapRoles,
            `- rolearn: ${ROLE_ARN}\n  username: MDCContainersAgentlessDiscoveryK8sRole\n  groups:\n    - system:masters\n`,
        );
        assert.equal(byType(rs, "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole").length, 0);
        assert.equal(one(rs, "agentless:aws:EksClusterAccess").inputs.mapToSystemMasters, true);
        assert.equal(byType(rs, "azure-native:security:SecurityConnector").length, 0);
        assert.ok(notes.some((n) => n.kind === "info" && n.message.includes("system:masters (explicit opt-in")));
        assert.ok(
            notes.some((n) => n.kind === "manual-step" && n.message.includes("no Defender connector in this stack")),
        );
    });

    it("passes aws.awsAuthExisting to the aws-auth merge: narrow rewrites the system:masters entry Microsoft's script left", async () => {
        const microsoft = `${EXISTING}- rolearn: ${ROLE_ARN}\n  username: MDCContainersAgentlessDiscoveryK8sRole\n  groups:\n    - system:masters\n`;
        const cfg = loadAwsConfig({ accountId: ACCOUNT, region: "eu-central-1", awsAuthExisting: "narrow" });
        const state = {
            clusters: [
                {
                    name: "ob-ms",
                    region: "eu-central-1",
                    authenticationMode: "CONFIG_MAP",
                    enabledLogTypes: ["audit", "authenticator"],
                    awsAuth: { mapRoles: microsoft },
                },
            ],
        };
        await takeNotes();
        // As in the plan, the mocks answer the program's read of each cluster's aws-auth from the state.
        const rs = await registered(
            () => {
                void onboardAws(cfg, TENANT, stateSource(state), new ClusterProviders(), stateLookup(state, ACCOUNT));
            },
            { cloudState: stateSource(state) },
        );
        await takeNotes();
        assert.equal(
            (one(rs, "kubernetes:core/v1:ConfigMapPatch").inputs.data as Record<string, string>).mapRoles,
            `${EXISTING}- rolearn: ${ROLE_ARN}\n  username: MDCContainersAgentlessDiscoveryK8sRole\n  groups:\n    - mdc-agentless-discovery-readers\n`,
        );
    });

    it("turns logging on where manageLogging is set: an info note instead of the manual step, none when both types are on", async () => {
        const cfg = loadAwsConfig({
            accountId: ACCOUNT,
            region: "ap-south-1",
            overrides: { "ap-south-1/ml-some": { manageLogging: true }, "ap-south-1/ml-all": { manageLogging: true } },
        });
        const state = {
            clusters: [
                { name: "ml-some", region: "ap-south-1", authenticationMode: "API", enabledLogTypes: ["api", "audit"] },
                {
                    name: "ml-all",
                    region: "ap-south-1",
                    authenticationMode: "API",
                    enabledLogTypes: ["audit", "authenticator"],
                },
                { name: "ml-manual", region: "ap-south-1", authenticationMode: "API", enabledLogTypes: ["api"] },
            ],
        };
        await takeNotes();
        // As in the plan, the mocks answer the program's read of each cluster's aws-auth from the state.
        const rs = await registered(
            () => {
                void onboardAws(cfg, TENANT, stateSource(state), new ClusterProviders(), stateLookup(state, ACCOUNT));
            },
            { cloudState: stateSource(state) },
        );
        const notes = (await takeNotes()).filter((n) => n.subject.startsWith("ap-south-1/ml-"));

        const logging = byType(rs, "pulumi-nodejs:dynamic:Resource");
        // Discovery answers in name order.
        assert.deepEqual(
            logging.map((r) => [r.name, r.parent]),
            [
                ["eks-ap-south-1-ml-all-logging", "eks-ap-south-1-ml-all"],
                ["eks-ap-south-1-ml-some-logging", "eks-ap-south-1-ml-some"],
            ],
        );
        assert.deepEqual(
            { ...logging[1].inputs, __provider: undefined },
            {
                __provider: undefined,
                clusterName: "ml-some",
                region: "ap-south-1",
                logTypes: ["audit", "authenticator"],
            },
        );
        assert.equal(one(rs, "agentless:aws:EksClusterAccess", "eks-ap-south-1-ml-some").inputs.manageLogging, true);
        assert.equal(one(rs, "agentless:aws:EksClusterAccess", "eks-ap-south-1-ml-manual").inputs.manageLogging, false);

        const logNotes = notes
            .filter((n) => n.message.includes("control-plane logging"))
            .map((n) => `${n.kind} ${n.subject}: ${n.message}`);
        assert.deepEqual(
            logNotes.sort(),
            [
                "info ap-south-1/ml-some: this stack turns on control-plane logging authenticator (manageLogging; types already on are kept) and turns off only those on destroy",
                `manual-step ap-south-1/ml-manual: turn on control-plane logging audit, authenticator (this stack does not manage the cluster itself): aws eks update-cluster-config --region ap-south-1 --name ml-manual --logging '{"clusterLogging":[{"types":["audit","authenticator"],"enabled":true}]}'`,
            ].sort(),
        );
    });
});
