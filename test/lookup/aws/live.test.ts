import { strict as assert } from "assert";
import { CreateClusterCommand, EKSClient } from "@aws-sdk/client-eks";
import {
    AttachRolePolicyCommand,
    CreateAccessKeyCommand,
    CreateOpenIDConnectProviderCommand,
    CreatePolicyCommand,
    CreateRoleCommand,
    PutRolePolicyCommand,
    CreateUserCommand,
    IAMClient,
    PutUserPolicyCommand,
} from "@aws-sdk/client-iam";
import { liveAwsLookup } from "../../../lookup/aws/live";
import { loadAwsConfig } from "../../../config/aws";
import { onboardAws } from "../../../stack/aws/onboarding";
import { ClusterProviders } from "../../../components/kubernetes/clusterProvider";
import { cloudSource } from "../../../lookup/source";
import { LookupError } from "../../../lib/errors";
import { Moto, startMoto } from "../../fixtures/motoServer";
import { startCloudApiServer } from "../../fixtures/cloudApiServer";
import { registered } from "../../helpers/pulumi";

// moto's account for any credentials.
const ACCOUNT = "123456789012";
const ISSUER = "https://sts.windows.net/33e01921-4d64-4f8c-a055-5bdaffd5e33d/";
const DUMMY = { accessKeyId: "testing", secretAccessKey: "testing" };
const TRUST = JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "eks.amazonaws.com" }, Action: "sts:AssumeRole" }],
});
// What Microsoft's template might leave on the role, and a managed policy someone attached later.
const INLINE = JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: ["eks:DescribeCluster"], Resource: "*" }],
});
const MANAGED = JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: "eks:*", Resource: "*" }],
});
const vpc = { subnetIds: ["subnet-1"], endpointPublicAccess: true, endpointPrivateAccess: false };

async function cluster(eks: EKSClient, name: string, extra: Record<string, unknown> = {}): Promise<void> {
    await eks.send(
        new CreateClusterCommand({
            name,
            roleArn: `arn:aws:iam::${ACCOUNT}:role/eks`,
            resourcesVpcConfig: vpc,
            ...extra,
        }),
    );
}

describe("the live AWS lookup against moto_server", function () {
    this.timeout(90_000);
    let moto: Moto;

    before(async () => {
        moto = await startMoto();
        const eu = new EKSClient({ region: "eu-west-1", endpoint: moto.url, credentials: DUMMY });
        const us = new EKSClient({ region: "us-east-1", endpoint: moto.url, credentials: DUMMY });
        const iam = new IAMClient({ region: "us-east-1", endpoint: moto.url, credentials: DUMMY });
        await cluster(eu, "shop", { tags: { team: "shop", ms_defender_container_exclude_agentless: "false" } });
        await cluster(eu, "batch", {
            logging: {
                clusterLogging: [
                    { types: ["api", "audit"], enabled: true },
                    { types: ["scheduler"], enabled: false },
                ],
            },
        });
        await cluster(us, "shop", {
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
        await iam.send(
            new CreateOpenIDConnectProviderCommand({
                Url: "https://token.actions.githubusercontent.com",
                ClientIDList: ["sts.amazonaws.com"],
                ThumbprintList: ["a".repeat(40)],
            }),
        );
        await iam.send(
            new CreateOpenIDConnectProviderCommand({
                Url: ISSUER,
                ClientIDList: ["api://6610e979-c931-41ec-adc7-b9920c9d52f1"],
                ThumbprintList: ["b".repeat(40)],
            }),
        );
        for (const c of [eu, us, iam]) c.destroy();
    });
    after(async () => {
        await moto?.stop();
    });

    it("lists each region's clusters with ARN, authentication mode, endpoint, log types and tags; same name in two regions stays two clusters", async () => {
        const lookup = liveAwsLookup({
            accountId: ACCOUNT,
            region: "eu-west-1",
            endpoint: moto.url,
            credentials: DUMMY,
        });
        try {
            assert.deepEqual(await lookup.listClusters("eu-west-1"), [
                {
                    name: "batch",
                    region: "eu-west-1",
                    arn: `arn:aws:eks:eu-west-1:${ACCOUNT}:cluster/batch`,
                    // moto reports no accessConfig: a cluster older than access entries, CONFIG_MAP.
                    authenticationMode: "CONFIG_MAP",
                    endpoint: { publicAccess: true, privateAccess: false, publicAccessCidrs: ["0.0.0.0/0"] },
                    enabledLogTypes: ["api", "audit"],
                    tags: {},
                },
                {
                    name: "shop",
                    region: "eu-west-1",
                    arn: `arn:aws:eks:eu-west-1:${ACCOUNT}:cluster/shop`,
                    authenticationMode: "CONFIG_MAP",
                    endpoint: { publicAccess: true, privateAccess: false, publicAccessCidrs: ["0.0.0.0/0"] },
                    enabledLogTypes: [],
                    tags: { team: "shop", ms_defender_container_exclude_agentless: "false" },
                },
            ]);
            const [us] = await lookup.listClusters("us-east-1");
            assert.equal(us.arn, `arn:aws:eks:us-east-1:${ACCOUNT}:cluster/shop`);
            assert.deepEqual(us.endpoint, {
                publicAccess: false,
                privateAccess: true,
                publicAccessCidrs: ["0.0.0.0/0"],
            });
            assert.deepEqual(await lookup.listClusters("ap-south-1"), []);
        } finally {
            lookup.close();
        }
    });

    it("reads an existing role's inline and attached policies, documents decoded, for the gate to judge", async () => {
        const lookup = liveAwsLookup({
            accountId: ACCOUNT,
            region: "eu-west-1",
            endpoint: moto.url,
            credentials: DUMMY,
        });
        try {
            const policies = await lookup.rolePolicies("MDCContainersAgentlessDiscoveryK8sRole");
            assert.deepEqual(
                {
                    inline: policies!.inline.map((p) => ({ name: p.name, document: JSON.parse(p.document) })),
                    attached: policies!.attached.map((p) => ({ arn: p.arn, document: JSON.parse(p.document) })),
                },
                {
                    inline: [{ name: "eks-discovery", document: JSON.parse(INLINE) }],
                    attached: [{ arn: `arn:aws:iam::${ACCOUNT}:policy/eks-everything`, document: JSON.parse(MANAGED) }],
                },
            );
        } finally {
            lookup.close();
        }
    });

    it("finds an existing role with its tags, answers undefined for a missing one, and finds Microsoft's OIDC provider among others", async () => {
        const lookup = liveAwsLookup({
            accountId: ACCOUNT,
            region: "eu-west-1",
            endpoint: moto.url,
            credentials: DUMMY,
        });
        try {
            assert.deepEqual(await lookup.findRole("MDCContainersAgentlessDiscoveryK8sRole"), {
                name: "MDCContainersAgentlessDiscoveryK8sRole",
                arn: `arn:aws:iam::${ACCOUNT}:role/MDCContainersAgentlessDiscoveryK8sRole`,
                tags: { "made-by": "cloudformation" },
                trustPolicy: TRUST,
            });
            assert.equal(await lookup.findRole("MDCContainersK8sRole"), undefined);
            assert.deepEqual(await lookup.findOidcProvider(), {
                arn: `arn:aws:iam::${ACCOUNT}:oidc-provider/sts.windows.net/33e01921-4d64-4f8c-a055-5bdaffd5e33d/`,
                clientIds: ["api://6610e979-c931-41ec-adc7-b9920c9d52f1"],
                tags: {},
            });
        } finally {
            lookup.close();
        }
    });

    it("drives the program: every discovered cluster bound under its <region>/<name>, Microsoft's provider and role read", async () => {
        const cfg = loadAwsConfig({ accountId: ACCOUNT, region: "eu-west-1", regions: ["eu-west-1", "us-east-1"] });
        const all = await registered(() =>
            onboardAws(
                cfg,
                "7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f",
                cloudSource(),
                new ClusterProviders(),
                liveAwsLookup({ accountId: ACCOUNT, region: "eu-west-1", endpoint: moto.url, credentials: DUMMY }),
            ),
        );
        assert.deepEqual(
            all
                .filter((r) => r.type === "agentless:aws:EksClusterAccess")
                .map((r) => r.name)
                .sort(),
            ["eks-eu-west-1-batch", "eks-eu-west-1-shop", "eks-us-east-1-shop"],
        );
        assert.deepEqual(
            all
                .filter((r) => r.op === "read" && r.type.startsWith("aws:"))
                .map((r) => `${r.name} ${r.id}`)
                .sort(),
            [
                `discovery-ASCDefendersOIDCIdentityProvider arn:aws:iam::${ACCOUNT}:oidc-provider/sts.windows.net/33e01921-4d64-4f8c-a055-5bdaffd5e33d/`,
                "discovery-role MDCContainersAgentlessDiscoveryK8sRole",
            ],
        );
    });

    it("refuses clusters of another account than aws.accountId (a stale profile), naming both", async () => {
        const lookup = liveAwsLookup({
            accountId: "999988887777",
            region: "eu-west-1",
            endpoint: moto.url,
            credentials: DUMMY,
        });
        try {
            await assert.rejects(lookup.listClusters("eu-west-1"), (e: Error) => {
                assert.ok(e instanceof LookupError);
                assert.equal(
                    e.message,
                    `cloud lookup eks:DescribeCluster in eu-west-1/batch failed: the credentials reach account ${ACCOUNT}, not aws.accountId 999988887777; nothing is declared for eu-west-1/batch until it succeeds`,
                );
                return true;
            });
        } finally {
            lookup.close();
        }
    });
});

describe("the live AWS lookup with IAM enforced (moto_server, a user allowed EKS reads only)", function () {
    this.timeout(90_000);
    let moto: Moto;
    let creds: { accessKeyId: string; secretAccessKey: string };

    before(async () => {
        // The first three calls are unauthenticated (set-up); every later one is checked against IAM.
        process.env.INITIAL_NO_AUTH_ACTION_COUNT = "3";
        try {
            moto = await startMoto();
        } finally {
            delete process.env.INITIAL_NO_AUTH_ACTION_COUNT;
        }
        const iam = new IAMClient({ region: "us-east-1", endpoint: moto.url, credentials: DUMMY });
        await iam.send(new CreateUserCommand({ UserName: "deployer" }));
        await iam.send(
            new PutUserPolicyCommand({
                UserName: "deployer",
                PolicyName: "eks-read",
                PolicyDocument: JSON.stringify({
                    Version: "2012-10-17",
                    Statement: [
                        { Effect: "Allow", Action: ["eks:ListClusters", "eks:DescribeCluster"], Resource: "*" },
                    ],
                }),
            }),
        );
        const key = (await iam.send(new CreateAccessKeyCommand({ UserName: "deployer" }))).AccessKey!;
        creds = { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! };
        iam.destroy();
    });
    after(async () => {
        await moto?.stop();
    });

    it("turns a denied iam:GetRole into a LookupError naming the call, the scope and AWS's reason, and the program declares nothing", async () => {
        const lookup = liveAwsLookup({
            accountId: ACCOUNT,
            region: "eu-west-1",
            endpoint: moto.url,
            credentials: creds,
        });
        assert.deepEqual(await lookup.listClusters("eu-west-1"), [], "EKS reads are allowed");
        await assert.rejects(lookup.findRole("MDCContainersAgentlessDiscoveryK8sRole"), (e: Error) => {
            assert.ok(e instanceof LookupError);
            assert.equal(e.call, "iam:GetRole");
            assert.equal(e.scope, `account ${ACCOUNT}, role MDCContainersAgentlessDiscoveryK8sRole`);
            assert.match(
                e.reason,
                /^AccessDenied: User: arn:aws:iam::123456789012:user\/deployer is not authorized to perform: iam:GetRole/,
            );
            return true;
        });
        lookup.close();

        let failure: unknown;
        const rs = await registered(() => {
            const cfg = loadAwsConfig({ accountId: ACCOUNT, region: "eu-west-1" });
            return onboardAws(
                cfg,
                "7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f",
                cloudSource(),
                new ClusterProviders(),
                liveAwsLookup({ accountId: ACCOUNT, region: "eu-west-1", endpoint: moto.url, credentials: creds }),
            ).catch((e) => {
                failure = e;
            });
        });
        assert.ok(failure instanceof LookupError, String(failure));
        assert.match(
            (failure as Error).message,
            /^cloud lookup iam:ListOpenIDConnectProviders in account 123456789012 failed: AccessDenied: /,
        );
        assert.deepEqual(rs, [], "no resource declared, so none is deleted");
    });
});

describe("the live AWS lookup of access entries (EKS REST fixture on loopback)", () => {
    const ROLE = `arn:aws:iam::${ACCOUNT}:role/MDCContainersAgentlessDiscoveryK8sRole`;
    const facts = (name: string) => ({
        name,
        region: "eu-west-1",
        arn: `arn:aws:eks:eu-west-1:${ACCOUNT}:cluster/${name}`,
        authenticationMode: "API" as const,
        endpoint: { publicAccess: true, privateAccess: false, publicAccessCidrs: ["0.0.0.0/0"] },
        enabledLogTypes: [],
        tags: {},
    });

    it("finds the role's entry with its groups, tags and cluster-scope policies; none where it is absent; a denied call names EKS's reason", async () => {
        const server = await startCloudApiServer((call) => {
            const entries = /^\/clusters\/([^/]+)\/access-entries$/.exec(call.path);
            if (entries?.[1] === "denied") {
                return {
                    status: 403,
                    headers: { "x-amzn-errortype": "AccessDeniedException" },
                    body: { message: "User: deployer is not authorized to perform: eks:ListAccessEntries" },
                };
            }
            if (entries) {
                // Two pages: the principal is on the second.
                if (entries[1] === "with" && !call.query.nextToken)
                    return { body: { accessEntries: [`arn:aws:iam::${ACCOUNT}:role/node`], nextToken: "p2" } };
                return {
                    body: { accessEntries: entries[1] === "with" ? [ROLE] : [`arn:aws:iam::${ACCOUNT}:role/node`] },
                };
            }
            if (
                call.path === `/clusters/with/access-entries/${encodeURIComponent(ROLE)}` ||
                call.path === `/clusters/with/access-entries/${ROLE}`
            ) {
                return {
                    body: {
                        accessEntry: {
                            principalArn: ROLE,
                            type: "STANDARD",
                            kubernetesGroups: ["viewers"],
                            tags: { by: "defender" },
                        },
                    },
                };
            }
            if (/^\/clusters\/with\/access-entries\/.+\/access-policies$/.test(call.path)) {
                return {
                    body: {
                        associatedAccessPolicies: [
                            {
                                policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy",
                                accessScope: { type: "cluster" },
                            },
                            {
                                policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy",
                                accessScope: { type: "namespace", namespaces: ["x"] },
                            },
                        ],
                    },
                };
            }
            return undefined;
        });
        const lookup = liveAwsLookup({
            accountId: ACCOUNT,
            region: "eu-west-1",
            endpoint: server.url,
            credentials: DUMMY,
        });
        try {
            assert.deepEqual(await lookup.findAccessEntry(facts("with"), ROLE), {
                principalArn: ROLE,
                type: "STANDARD",
                kubernetesGroups: ["viewers"],
                tags: { by: "defender" },
                clusterScopePolicyArns: ["arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy"],
            });
            assert.equal(await lookup.findAccessEntry(facts("without"), ROLE), undefined);
            await assert.rejects(lookup.findAccessEntry(facts("denied"), ROLE), {
                name: "LookupError",
                message:
                    "cloud lookup eks:ListAccessEntries in eu-west-1/denied failed: AccessDeniedException: User: deployer is not authorized to perform: eks:ListAccessEntries; nothing is declared for eu-west-1/denied until it succeeds",
            });
        } finally {
            lookup.close();
            await server.close();
        }
    });
});
