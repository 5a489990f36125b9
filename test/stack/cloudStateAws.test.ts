import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { AccessToken, TokenCredential } from "@azure/core-auth";
import { CreateClusterCommand, EKSClient } from "@aws-sdk/client-eks";
import {
    AttachRolePolicyCommand,
    CreateOpenIDConnectProviderCommand,
    CreatePolicyCommand,
    CreateRoleCommand,
    IAMClient,
    PutRolePolicyCommand,
} from "@aws-sdk/client-iam";
import { liveAwsLookup } from "../../lookup/aws/live";
import { onboardAws } from "../../stack/aws/onboarding";
import { readCloudState } from "../../stack/cloudState";
import { renderCloudState } from "../../lookup/stateExport";
import { ClusterProviders } from "../../components/kubernetes/clusterProvider";
import { cloudSource, fileSource } from "../../lookup/source";
import { loadStackConfig, StackConfig } from "../../config";
import { Moto, startMoto } from "../fixtures/motoServer";
import { Answer, CloudApiServer, RecordedCall, selfSignedCert, startCloudApiServer } from "../fixtures/cloudApiServer";
import { registered, takeNotes } from "../helpers/pulumi";
import { PlanResource } from "../../plan/mockRuntime";
import { PlanNote } from "../../stack/notes";

// moto's account for any credentials.
const ACCOUNT = "123456789012";
const TENANT = "7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f";
const SUB = "3f2a9c1e-7b4d-4e8a-9c62-1d5e8f0a7b34";
const ISSUER = "https://sts.windows.net/33e01921-4d64-4f8c-a055-5bdaffd5e33d/";
const OIDC_ARN = `arn:aws:iam::${ACCOUNT}:oidc-provider/sts.windows.net/33e01921-4d64-4f8c-a055-5bdaffd5e33d/`;
const DUMMY = { accessKeyId: "testing", secretAccessKey: "testing" };
const TOKEN = "fixture-arm-token";
const credential: TokenCredential = {
    async getToken(): Promise<AccessToken> {
        return { token: TOKEN, expiresOnTimestamp: Date.now() + 3_600_000 };
    },
};
// Microsoft's template's trust (docs/aws-discovery.md), written with the whitespace a person leaves.
const TRUST = JSON.stringify(
    {
        Version: "2012-10-17",
        Statement: [
            {
                Effect: "Allow",
                Principal: { Federated: OIDC_ARN },
                Action: "sts:AssumeRoleWithWebIdentity",
                Condition: {
                    StringEquals: {
                        "sts.windows.net/33e01921-4d64-4f8c-a055-5bdaffd5e33d/:aud":
                            "api://6610e979-c931-41ec-adc7-b9920c9d52f1",
                        "sts:RoleSessionName": `MicrosoftDefenderForClouds_${TENANT}`,
                    },
                },
            },
        ],
    },
    null,
    2,
);
const INLINE = JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: ["eks:DescribeCluster"], Resource: "*" }],
});
const MANAGED = JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: "eks:*", Resource: "*" }],
});

// The portal's connector for the account (ARM's SecurityConnectors_List, shaped like the spec's
// example GetSecurityConnectorsSubscription_example.json; docs/sources.md).
const CONNECTOR = {
    id: `/subscriptions/${SUB}/resourceGroups/rg-defender-portal/providers/Microsoft.Security/securityConnectors/aws-prod-account`,
    name: "aws-prod-account",
    type: "Microsoft.Security/securityConnectors",
    location: "westeurope",
    tags: { owner: "secops" },
    properties: {
        hierarchyIdentifier: ACCOUNT,
        environmentName: "AWS",
        environmentData: { environmentType: "AwsAccount", scanInterval: 4 },
        offerings: [
            {
                offeringType: "DefenderForContainersAws",
                mdcContainersAgentlessDiscoveryK8s: {
                    enabled: true,
                    cloudRoleArn: `arn:aws:iam::${ACCOUNT}:role/MDCContainersAgentlessDiscoveryK8sRole`,
                },
            },
        ],
    },
};

function armRoute(c: RecordedCall): Answer | undefined {
    if (c.authorization !== `Bearer ${TOKEN}`)
        return { status: 401, body: { error: { code: "AuthenticationFailed" } } };
    if (c.path === `/subscriptions/${SUB}/providers/Microsoft.Security/securityConnectors`)
        return { body: { value: [CONNECTOR] } };
    return undefined;
}

function stack(name: string, aws: Record<string, unknown>): StackConfig {
    return loadStackConfig(name, { cloud: "aws", azureTenantId: TENANT, aws: { accountId: ACCOUNT, ...aws } });
}

/** What the program declares and notes, as the offline plan would list them. */
async function planOf(run: () => Promise<unknown>): Promise<{ resources: PlanResource[]; notes: PlanNote[] }> {
    await takeNotes();
    const resources = await registered(run);
    return { resources, notes: await takeNotes() };
}

/**
 * Export, then plan from the exported file: the plan must be the one the live lookups give, byte
 * for byte (the notes name where the answers came from: the cloud, or the file).
 */
async function roundTrip(cfg: StackConfig, live: () => ReturnType<typeof liveAwsLookup>, dir: string) {
    const fromCloud = await planOf(() => onboardAws(cfg.aws!, TENANT, cloudSource(), new ClusterProviders(), live()));
    const file = path.join(dir, `${cfg.stack}.cloud.yaml`);
    const text = renderCloudState(await readCloudState(cfg, { cloud: "aws", lookup: live() }));
    fs.writeFileSync(file, text);
    const fromFile = await planOf(() => onboardAws(cfg.aws!, TENANT, fileSource(file), new ClusterProviders()));
    assert.ok(fromCloud.resources.length > 0);
    assert.equal(JSON.stringify(fromFile.resources, null, 1), JSON.stringify(fromCloud.resources, null, 1));
    assert.equal(
        JSON.stringify(fromFile.notes, null, 1).split(file).join("the cloud"),
        JSON.stringify(fromCloud.notes, null, 1),
    );
    return { text, fromCloud };
}

describe("npm run cloud-state on AWS (moto_server, and ARM's connectors on loopback): export, then plan from the file", function () {
    this.timeout(120_000);
    let moto: Moto;
    let arm: CloudApiServer;
    let ca: string;
    let dir: string;

    before(async () => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "cloud-state-aws-"));
        const cert = selfSignedCert();
        ca = cert.cert;
        [moto, arm] = await Promise.all([
            startMoto(),
            startCloudApiServer(armRoute, { tls: cert, lifetimeMs: 120_000 }),
        ]);
    });
    after(async () => {
        await Promise.all([moto?.stop(), arm?.close()]);
        fs.rmSync(dir, { recursive: true, force: true });
    });

    const live = () =>
        liveAwsLookup({
            accountId: ACCOUNT,
            region: "eu-west-1",
            endpoint: moto.url,
            credentials: DUMMY,
            azure: {
                credential,
                endpoint: arm.url,
                pipeline: { tlsOptions: { ca }, retryOptions: { maxRetries: 0 } },
            },
        });

    it("a fresh account (nothing in it): the file says so, and the plan from it creates what the live plan creates", async () => {
        const cfg = stack("aws-fresh", { region: "eu-west-1", regions: ["eu-west-1"] });
        const { text, fromCloud } = await roundTrip(cfg, live, dir);
        assert.equal(
            text,
            [
                "description: What AWS account 123456789012 (eu-west-1) answered the lookups of stack aws-fresh, read by npm run cloud-state (docs/cloud-state.md).",
                "aws:",
                "  clusters: []",
                "  roles: []",
                "",
            ].join("\n"),
        );
        assert.ok(fromCloud.resources.every((r) => r.op === "create"));
    });

    it("a brownfield account (clusters in two regions, Microsoft's role, provider and audit-log role, the portal's connector): the same plan, adoptions included", async () => {
        const eu = new EKSClient({ region: "eu-west-1", endpoint: moto.url, credentials: DUMMY });
        const de = new EKSClient({ region: "eu-central-1", endpoint: moto.url, credentials: DUMMY });
        const iam = new IAMClient({ region: "us-east-1", endpoint: moto.url, credentials: DUMMY });
        const vpc = { subnetIds: ["subnet-1"], endpointPublicAccess: true, endpointPrivateAccess: false };
        const eks = (c: EKSClient, name: string, extra: Record<string, unknown> = {}) =>
            c.send(
                new CreateClusterCommand({
                    name,
                    roleArn: `arn:aws:iam::${ACCOUNT}:role/eks`,
                    resourcesVpcConfig: vpc,
                    ...extra,
                }),
            );
        await eks(eu, "eks-shop", { tags: { team: "shop", env: "prod" } });
        await eks(eu, "eks-lab", { tags: { ms_defender_container_exclude_agentless: "true" } });
        await eks(de, "eks-shop", {
            logging: { clusterLogging: [{ types: ["audit", "authenticator"], enabled: true }] },
        });
        await eks(de, "eks-internal", {
            resourcesVpcConfig: { ...vpc, endpointPublicAccess: false, endpointPrivateAccess: true },
        });
        await iam.send(
            new CreateRoleCommand({
                RoleName: "MDCContainersAgentlessDiscoveryK8sRole",
                AssumeRolePolicyDocument: TRUST,
                Tags: [{ Key: "made-by", Value: "cloudformation" }],
            }),
        );
        await iam.send(
            new PutRolePolicyCommand({
                RoleName: "MDCContainersAgentlessDiscoveryK8sRole",
                PolicyName: "eks-discovery",
                PolicyDocument: INLINE,
            }),
        );
        const managed = await iam.send(
            new CreatePolicyCommand({ PolicyName: "eks-everything", PolicyDocument: MANAGED }),
        );
        await iam.send(
            new AttachRolePolicyCommand({
                RoleName: "MDCContainersAgentlessDiscoveryK8sRole",
                PolicyArn: managed.Policy!.Arn,
            }),
        );
        await iam.send(new CreateRoleCommand({ RoleName: "MDCContainersK8sRole", AssumeRolePolicyDocument: TRUST }));
        await iam.send(
            new CreateOpenIDConnectProviderCommand({
                Url: ISSUER,
                ClientIDList: ["api://6610e979-c931-41ec-adc7-b9920c9d52f1"],
                ThumbprintList: ["b".repeat(40)],
            }),
        );
        for (const c of [eu, de, iam]) c.destroy();

        const cfg = stack("aws-brownfield-moto", {
            region: "eu-west-1",
            regions: ["eu-west-1", "eu-central-1"],
            connector: {
                enabled: true,
                subscriptionId: SUB,
                resourceGroupName: "rg-security",
                location: "westeurope",
                name: `aws-${ACCOUNT}`,
                auditLogsAutoProvisioning: true,
            },
        });
        const { text, fromCloud } = await roundTrip(cfg, live, dir);
        const ops = fromCloud.resources.filter((r) => r.op !== "create").map((r) => `${r.op} ${r.type}`);
        assert.deepEqual(ops.sort(), [
            "import azure-native:security:SecurityConnector",
            "read aws:iam/openIdConnectProvider:OpenIdConnectProvider",
            "read aws:iam/role:Role",
            "read aws:iam/role:Role",
            // moto reports no access config: three CONFIG_MAP clusters onboarded, each aws-auth read.
            "read kubernetes:core/v1:ConfigMap",
            "read kubernetes:core/v1:ConfigMap",
            "read kubernetes:core/v1:ConfigMap",
        ]);
        // Every cluster of both regions, the roles with their documents, the provider, the connector.
        assert.match(text, /^ {4}- name: eks-internal\n {6}region: eu-central-1\n/m);
        assert.match(text, /^ {4}- name: eks-lab\n {6}region: eu-west-1\n/m);
        // The document keeps IAM's key order, its date quoted for YAML 1.1 readers.
        assert.match(text, /^ {6}trustPolicy:\n {8}Version: "2012-10-17"\n {8}Statement:\n {10}- Effect: Allow\n/m);
        assert.match(text, /^securityConnectors:\n {2}- id: \/subscriptions\/3f2a9c1e-/m);
        assert.doesNotMatch(text, /testing|fixture-arm-token/, "no credential in the file");
    });
});
