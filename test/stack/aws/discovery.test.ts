import { strict as assert } from "assert";
import { onboardAws, readAws } from "../../../stack/aws/onboarding";
import { ClusterProviders } from "../../../components/kubernetes/clusterProvider";
import { loadAwsConfig } from "../../../config/aws";
import { CloudStateError } from "../../../lib/errors";
import { PlanResource } from "../../../plan/mockRuntime";
import { registered, takeNotes } from "../../helpers/pulumi";
import { stateLookup, stateSource } from "../../helpers/awsStateLookup";

const ACCOUNT = "444455556666";
const TENANT = "7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f";
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/MDCContainersAgentlessDiscoveryK8sRole`;
const ISSUER_PATH = "sts.windows.net/33e01921-4d64-4f8c-a055-5bdaffd5e33d/";

describe("the AWS cloud-state section", () => {
    const read = (aws: unknown) =>
        readAws(
            loadAwsConfig({ accountId: ACCOUNT, region: "eu-west-1" }),
            stateLookup(aws, ACCOUNT, "stacks/x.cloud.yaml"),
        );
    const bad: [string, unknown, string][] = [
        [
            "an unknown key",
            { clusters: [], role: [] },
            'cloud-state file stacks/x.cloud.yaml: key "aws.role" has value []; expected no such key; allowed keys under "aws": clusters, roles, oidcProvider',
        ],
        [
            "a cluster without its authentication mode",
            { clusters: [{ name: "a", region: "eu-west-1" }] },
            'cloud-state file stacks/x.cloud.yaml: key "aws.clusters[0].authenticationMode" is missing; expected one of API, API_AND_CONFIG_MAP, CONFIG_MAP',
        ],
        [
            "a wrong type",
            { clusters: [{ name: "a", region: "eu-west-1", authenticationMode: "API", tags: ["x"] }] },
            'cloud-state file stacks/x.cloud.yaml: key "aws.clusters[0].tags" has value ["x"]; expected a map of string keys to string values',
        ],
        [
            "a region that does not exist",
            { clusters: [{ name: "a", region: "eu-moon-1", authenticationMode: "API" }] },
            'cloud-state file stacks/x.cloud.yaml: key "aws.clusters[0].region" has value "eu-moon-1"; expected an AWS region: <area>-<direction>-<number> such as eu-west-1, with area one of us, eu, ap, sa, ca, me, af, il, mx, cn, us-gov, us-iso, us-isob, eu-isoe, us-isof, eusc-de and direction one of north, south, east, west, central, northeast, northwest, southeast, southwest',
        ],
        [
            "an access policy that does not exist",
            {
                clusters: [
                    {
                        name: "a",
                        region: "eu-west-1",
                        authenticationMode: "API",
                        accessEntries: [{ principalArn: ROLE_ARN, accessPolicies: ["View"] }],
                    },
                ],
            },
            'cloud-state file stacks/x.cloud.yaml: key "aws.clusters[0].accessEntries[0].accessPolicies[0]" has value "View"; expected one of AmazonEKSViewPolicy, AmazonEKSAdminViewPolicy, AmazonEKSEditPolicy, AmazonEKSAdminPolicy, AmazonEKSClusterAdminPolicy, or an access policy ARN arn:aws:eks::aws:cluster-access-policy/<Name>',
        ],
        [
            "a cluster listed twice",
            {
                clusters: [
                    { name: "a", region: "eu-west-1", authenticationMode: "API" },
                    { name: "a", region: "eu-west-1", authenticationMode: "CONFIG_MAP" },
                ],
            },
            'cloud-state file stacks/x.cloud.yaml: key "aws.clusters[1]" has value "eu-west-1/a"; expected each cluster (region/name) listed once; it is already listed at aws.clusters[0]',
        ],
    ];
    for (const [what, aws, message] of bad) {
        it(`rejects ${what}, naming the file, the key path, the value and what is allowed`, async () => {
            await assert.rejects(read(aws), (e: Error) => {
                assert.ok(e instanceof CloudStateError);
                assert.equal(e.message, message);
                return true;
            });
        });
    }
});

/** One cloud state of the same account; each test below is one state. */
interface State {
    clusters?: unknown[];
    roles?: unknown[];
    oidcProvider?: unknown;
}

const CONNECTED = {
    subscriptionId: "3f2a9c1e-7b4d-4e8a-9c62-1d5e8f0a7b34",
    resourceGroupName: "rg-security",
    location: "westeurope",
};
const shop = (region: string, extra: Record<string, unknown> = {}) => ({
    name: "shop",
    region,
    authenticationMode: "API",
    enabledLogTypes: ["audit", "authenticator"],
    ...extra,
});

async function plan(
    state: State,
    cfgExtra: Record<string, unknown> = {},
): Promise<{ rs: PlanResource[]; notes: string[] }> {
    const cfg = loadAwsConfig({
        accountId: ACCOUNT,
        region: "eu-west-1",
        regions: ["eu-west-1", "us-east-1"],
        connector: CONNECTED,
        ...cfgExtra,
    });
    await takeNotes();
    let failure: unknown;
    const rs = await registered(() => {
        onboardAws(cfg, TENANT, stateSource(state), new ClusterProviders(), stateLookup(state, ACCOUNT)).catch((e) => {
            failure = e;
        });
    });
    if (failure) throw Object.assign(failure as Error, { declared: rs.length });
    return { rs, notes: (await takeNotes()).map((n) => `${n.kind} ${n.subject}: ${n.message}`) };
}
const ops = (rs: PlanResource[]) =>
    rs
        .filter((r) => r.custom && !r.type.startsWith("pulumi:providers:"))
        .map((r) => `${r.op} ${r.name}${r.importId ? ` ${r.importId}` : ""}${r.id ? ` ${r.id}` : ""}`);

describe("onboardAws over several cloud states (mocks)", () => {
    it("fresh account: everything created, nothing imported or read but aws-auth", async () => {
        const { rs } = await plan({ clusters: [shop("eu-west-1")] });
        assert.deepEqual(
            ops(rs).filter((o) => !o.startsWith("create ")),
            [],
        );
        assert.ok(ops(rs).includes("create discovery-ASCDefendersOIDCIdentityProvider"));
        assert.ok(ops(rs).includes("create discovery-role"));
        assert.ok(ops(rs).includes("create eks-eu-west-1-shop-entry"));
    });

    it("Defender already on: provider and roles read, the access entry and its association imported with the ids AWS and Pulumi use", async () => {
        const { rs, notes } = await plan({
            oidcProvider: { tags: {} },
            roles: [
                { name: "MDCContainersAgentlessDiscoveryK8sRole" },
                { name: "MDCContainersK8sRole" },
                { name: "MDCContainersK8sDataCollectionRole" },
                { name: "MDCContainersK8sCloudWatchToKinesisRole" },
                { name: "MDCContainersK8sKinesisToS3Role" },
            ],
            clusters: [
                shop("eu-west-1", {
                    accessEntries: [
                        {
                            principalArn: ROLE_ARN,
                            kubernetesGroups: ["viewers"],
                            tags: { by: "defender" },
                            accessPolicies: ["AmazonEKSViewPolicy", "AmazonEKSEditPolicy"],
                        },
                    ],
                }),
            ],
        });
        assert.deepEqual(
            ops(rs)
                .filter((o) => !o.startsWith("create "))
                .sort(),
            [
                `import eks-eu-west-1-shop-entry shop:${ROLE_ARN}`,
                `import eks-eu-west-1-shop-policy shop#${ROLE_ARN}#arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy`,
                "read audit-logs-cloudWatchToKinesis MDCContainersK8sCloudWatchToKinesisRole",
                "read audit-logs-kinesisToS3 MDCContainersK8sKinesisToS3Role",
                "read audit-logs-kubernetesDataCollection MDCContainersK8sDataCollectionRole",
                "read audit-logs-kubernetesService MDCContainersK8sRole",
                `read discovery-ASCDefendersOIDCIdentityProvider arn:aws:iam::${ACCOUNT}:oidc-provider/${ISSUER_PATH}`,
                "read discovery-role MDCContainersAgentlessDiscoveryK8sRole",
            ],
        );
        assert.deepEqual(
            ops(rs).filter((o) => o.startsWith("create ")),
            ["create defender-connector"],
            "nothing of Defender's is created twice on the AWS side",
        );
        const entry = rs.find((r) => r.name === "eks-eu-west-1-shop-entry")!;
        assert.deepEqual(entry.inputs, {
            clusterName: "shop",
            region: "eu-west-1",
            principalArn: ROLE_ARN,
            type: "STANDARD",
            kubernetesGroups: ["viewers"],
            tags: { by: "defender" },
        });
        assert.ok(
            notes.includes(
                `info eu-west-1/shop: access entry for MDCContainersAgentlessDiscoveryK8sRole exists (Defender makes it in access-entries mode): imported and kept on destroy; ` +
                    "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy already associated: imported and kept on destroy; also associated (left as they are): arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy",
            ),
        );
        const connector = rs.find((r) => r.type === "azure-native:security:SecurityConnector")!;
        assert.equal(
            (connector.inputs.offerings as { mdcContainersAgentlessDiscoveryK8S: { cloudRoleArn: string } }[])[0]
                .mdcContainersAgentlessDiscoveryK8S.cloudRoleArn,
            ROLE_ARN,
        );
    });

    it("checks the trust of an adopted discovery role: a manual step when Defender could not assume it, never printing the tenant id", async () => {
        const provider = `arn:aws:iam::${ACCOUNT}:oidc-provider/${ISSUER_PATH}`;
        const trust = (session: string) => ({
            Version: "2012-10-17",
            Statement: [
                {
                    Effect: "Allow",
                    Principal: { Federated: provider },
                    Action: "sts:AssumeRoleWithWebIdentity",
                    Condition: {
                        StringEquals: {
                            [`${ISSUER_PATH}:aud`]: "api://6610e979-c931-41ec-adc7-b9920c9d52f1",
                            "sts:RoleSessionName": session,
                        },
                    },
                },
            ],
        });
        const state = (session: string) => ({
            oidcProvider: {},
            roles: [{ name: "MDCContainersAgentlessDiscoveryK8sRole", trustPolicy: trust(session) }],
            clusters: [shop("eu-west-1")],
        });
        const good = await plan(state(`MicrosoftDefenderForClouds_${TENANT}`));
        assert.deepEqual(
            good.notes.filter((n) => n.includes("cannot assume")),
            [],
        );
        const other = await plan(state("MicrosoftDefenderForClouds_00000000-0000-0000-0000-000000000000"));
        assert.deepEqual(
            other.notes.filter((n) => n.includes("cannot assume")),
            [
                `manual-step ${ROLE_ARN}: Defender cannot assume the existing discovery role: its trust policy has no statement allowing sts:AssumeRoleWithWebIdentity from ${provider} ` +
                    `with StringEquals ${ISSUER_PATH}:aud = api://6610e979-c931-41ec-adc7-b9920c9d52f1 and sts:RoleSessionName = MicrosoftDefenderForClouds_<azureTenantId>. ` +
                    "Fix it where the role is managed (its CloudFormation stack), or delete the role so that this stack creates it",
            ],
        );
        assert.ok(!other.notes.join("\n").includes(TENANT));
    });

    it("partial: objects this stack made (its tags) stay managed; only Microsoft's are adopted", async () => {
        const { rs } = await plan({
            oidcProvider: { tags: { "agentless-discovery:purpose": "defender-discovery" } },
            roles: [
                {
                    name: "MDCContainersAgentlessDiscoveryK8sRole",
                    tags: { "agentless-discovery:purpose": "defender-discovery" },
                },
                { name: "MDCContainersK8sRole" },
            ],
            clusters: [
                shop("eu-west-1", { accessEntries: [{ principalArn: ROLE_ARN }] }),
                shop("us-east-1", {
                    accessEntries: [
                        { principalArn: ROLE_ARN, tags: { "agentless-discovery:purpose": "defender-discovery" } },
                    ],
                }),
            ],
        });
        assert.deepEqual(
            ops(rs)
                .filter((o) => !o.startsWith("create "))
                .sort(),
            [
                `import eks-eu-west-1-shop-entry shop:${ROLE_ARN}`,
                "read audit-logs-kubernetesService MDCContainersK8sRole",
            ],
        );
        assert.ok(ops(rs).includes("create discovery-role"));
        assert.ok(ops(rs).includes("create discovery-permissions"));
        assert.ok(ops(rs).includes("create eks-eu-west-1-shop-policy"), "no association yet: created");
        const ours = rs.find((r) => r.name === "eks-us-east-1-shop-entry")!;
        assert.equal(ours.op, "create", "an entry an earlier run made (its tags) stays managed");
        assert.deepEqual(ours.inputs.tags, { "agentless-discovery:purpose": "defender-discovery" });
    });

    it("a cluster added, one removed, one excluded: names stay per <region>/<name>, the others' resources keep their names", async () => {
        const before = await plan({ clusters: [shop("eu-west-1"), shop("us-east-1", { name: "old" })] });
        const after = await plan({
            clusters: [
                shop("eu-west-1"),
                shop("us-east-1"),
                shop("eu-west-1", { name: "lab", tags: { ms_defender_container_exclude_agentless: "true" } }),
            ],
        });
        const names = (rs: PlanResource[]) =>
            new Set(rs.filter((r) => r.type === "agentless:aws:EksClusterAccess").map((r) => r.name));
        assert.deepEqual([...names(before.rs)], ["eks-eu-west-1-shop", "eks-us-east-1-old"]);
        assert.deepEqual([...names(after.rs)], ["eks-eu-west-1-shop", "eks-us-east-1-shop"]);
        assert.ok(
            after.notes.includes(
                "excluded eu-west-1/lab: left out: tagged ms_defender_container_exclude_agentless=true (Defender skips it)",
            ),
        );
        const policy = (rs: PlanResource[]) =>
            JSON.parse(String(rs.find((r) => r.name === "discovery-permissions")!.inputs.policy)).Statement[0].Resource;
        assert.deepEqual(policy(after.rs), [
            `arn:aws:eks:eu-west-1:${ACCOUNT}:cluster/shop`,
            `arn:aws:eks:us-east-1:${ACCOUNT}:cluster/shop`,
        ]);
    });

    it("a private cluster: a plain note without the opt-in, the endpoint resource with it", async () => {
        const priv = shop("eu-west-1", { endpoint: { publicAccess: false, privateAccess: true } });
        const without = await plan({ clusters: [priv] });
        assert.ok(
            without.notes.includes(
                "network eu-west-1/shop: API endpoint is private: discovery cannot reach this cluster (Defender does not open the endpoint); enable a restricted public endpoint that allows 172.212.245.192/28 and 48.209.1.192/28",
            ),
        );
        assert.ok(!without.rs.some((r) => r.name.endsWith("-defender-endpoint")));
        const opened = await plan(
            { clusters: [priv] },
            { overrides: { "eu-west-1/shop": { defenderEndpointAccess: true } } },
        );
        const res = opened.rs.find((r) => r.name === "eks-eu-west-1-shop-defender-endpoint")!;
        assert.equal(res.parent, "eks-eu-west-1-shop");
        assert.deepEqual(
            { ...res.inputs, __provider: undefined },
            {
                __provider: undefined,
                clusterName: "shop",
                region: "eu-west-1",
                cidrs: ["172.212.245.192/28", "48.209.1.192/28"],
            },
        );
        assert.ok(!opened.notes.some((n) => n.startsWith("network ")));
        assert.ok(
            opened.notes.includes(
                "info eu-west-1/shop: this stack adds 172.212.245.192/28 and 48.209.1.192/28 to the public endpoint's CIDRs (defenderEndpointAccess; " +
                    "the endpoint is private: a public endpoint restricted to them is enabled, private access stays on); destroy restores the endpoint as it was",
            ),
        );
    });

    it("a listed cluster the cloud does not have stops the program before anything is declared", async () => {
        await assert.rejects(
            plan({ clusters: [shop("eu-west-1")] }, { clusters: ["eu-west-1/shop", "us-east-1/gone"] }),
            {
                message:
                    'config key "aws.clusters[1]" has value "us-east-1/gone"; expected a cluster that discovery found in eu-west-1, us-east-1; it found eu-west-1/shop',
                declared: 0,
            },
        );
    });

    it("an override naming no discovered cluster stops the program before anything is declared", async () => {
        const priv = shop("eu-west-1", { endpoint: { publicAccess: false, privateAccess: true } });
        await assert.rejects(
            plan(
                { clusters: [priv, shop("us-east-1")] },
                { overrides: { "eu-west-1/shp": { defenderEndpointAccess: true } } },
            ),
            {
                message:
                    'config key "aws.overrides.eu-west-1/shp" has value "eu-west-1/shp"; expected a cluster that discovery found in eu-west-1, us-east-1; it found eu-west-1/shop, us-east-1/shop',
                declared: 0,
            },
        );
    });
});
