import { strict as assert } from "assert";
import { loadStackConfig } from "../../config";
import { loadAwsConfig } from "../../config/aws";

const TENANT = "7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f";
const MS_ISSUER_PATH = "sts.windows.net/33e01921-4d64-4f8c-a055-5bdaffd5e33d/";

function base(): Record<string, any> {
    return {
        accountId: "123456789012",
        region: "eu-west-1",
        clusters: [
            { name: "eks-a", authenticationMode: "API" },
            { name: "eks-b", region: "us-east-1", authenticationMode: "CONFIG_MAP" },
        ],
    };
}

function message(fn: () => unknown): string {
    try {
        fn();
    } catch (e) {
        assert.equal((e as Error).name, "ConfigError");
        return (e as Error).message;
    }
    assert.fail("no ConfigError thrown");
}

describe("AWS stack config", () => {
    it("reads aws.awsAuthExisting as keep, narrow or stop, and names key, value and choices when it is anything else", () => {
        for (const choice of ["keep", "narrow", "stop"]) assert.equal(loadAwsConfig({ ...base(), awsAuthExisting: choice }).awsAuth.existing, choice);
        assert.equal(message(() => loadAwsConfig({ ...base(), awsAuthExisting: "overwrite" })),
            'config key "aws.awsAuthExisting" has value "overwrite"; expected one of keep, narrow, stop');
    });

    it("fills Microsoft's names and least-privilege defaults", () => {
        const cfg = loadStackConfig("t", { cloud: "aws", aws: base(), azureTenantId: TENANT.toUpperCase() });
        assert.equal(cfg.azureTenantId, TENANT);
        const aws = cfg.aws!;
        assert.equal(aws.roleName, "MDCContainersAgentlessDiscoveryK8sRole");
        assert.equal(aws.accessMode, "least-privilege");
        assert.equal(aws.oidcProviderArn, undefined);
        assert.deepEqual(aws.awsAuth, { username: "MDCContainersAgentlessDiscoveryK8sRole", group: "mdc-agentless-discovery-readers", clusterRoleName: "mdc-agentless-discovery-reader", existing: "stop" });
        assert.equal(aws.connector, undefined);
        assert.deepEqual(aws.clusters[0], {
            name: "eks-a", region: "eu-west-1", authenticationMode: "API", tags: {}, excluded: false,
            endpoint: { publicAccess: true, privateAccess: false, publicAccessCidrs: ["0.0.0.0/0"] },
            accessPolicy: "AmazonEKSViewPolicy", mapToSystemMasters: false, enabledLogTypes: [], manageLogging: false,
        });
        assert.equal(aws.clusters[1].region, "us-east-1");
    });

    it("marks clusters tagged for exclusion and reads the connector block", () => {
        const v = base();
        v.clusters[1].tags = { ms_defender_container_exclude_agentless: "true" };
        v.connector = { subscriptionId: "3F2A9C1E-7B4D-4E8A-9C62-1D5E8F0A7B34", resourceGroupName: "rg-security", location: "westeurope" };
        const aws = loadAwsConfig(v);
        assert.deepEqual(aws.clusters.map((c) => c.excluded), [false, true]);
        assert.deepEqual(aws.connector, {
            enabled: true, subscriptionId: "3f2a9c1e-7b4d-4e8a-9c62-1d5e8f0a7b34", resourceGroupName: "rg-security",
            location: "westeurope", name: "aws-123456789012", auditLogsAutoProvisioning: true,
            auditLogRoleNames: {
                kubernetesService: "MDCContainersK8sRole", kubernetesDataCollection: "MDCContainersK8sDataCollectionRole",
                cloudWatchToKinesis: "MDCContainersK8sCloudWatchToKinesisRole", kinesisToS3: "MDCContainersK8sKinesisToS3Role",
            },
            auditLogExtraActions: {},
            auditLogResourcePrefixes: ["azuredefender-", "ms-defender-"],
        });
        assert.equal(loadAwsConfig({ ...v, connector: { ...v.connector, enabled: false } }).connector, undefined);
    });

    const bad: [string, (v: Record<string, any>) => void, string][] = [
        ["an account id that is not 12 digits", (v) => { v.accountId = "12345678901"; },
            `config key "aws.accountId" has value "12345678901"; expected a 12-digit AWS account id such as "123456789012" (quoted, so that leading zeros survive)`],
        ["an unquoted account id that lost its leading zero", (v) => { v.accountId = 12345678901; },
            `config key "aws.accountId" has value "12345678901"; expected a 12-digit AWS account id such as "123456789012" (quoted, so that leading zeros survive)`],
        ["a role name longer than 64 characters", (v) => { v.roleName = "R".repeat(65); },
            `config key "aws.roleName" has value "${"R".repeat(65)}"; expected an IAM role name: 1 to 64 characters, letters, digits and + = , . @ _ -`],
        ["a role name with a character IAM refuses", (v) => { v.roleName = "MDC/Discovery"; },
            `config key "aws.roleName" has value "MDC/Discovery"; expected an IAM role name: 1 to 64 characters, letters, digits and + = , . @ _ -`],
        ["an empty role name", (v) => { v.roleName = ""; },
            `config key "aws.roleName" has value ""; expected an IAM role name: 1 to 64 characters, letters, digits and + = , . @ _ -`],
        ["an unknown access mode", (v) => { v.accessMode = "admin"; },
            `config key "aws.accessMode" has value "admin"; expected one of least-privilege, access-entries`],
        ["an unknown authentication mode", (v) => { v.clusters[1].authenticationMode = "CONFIGMAP"; },
            `config key "aws.clusters[1].authenticationMode" has value "CONFIGMAP"; expected one of API, API_AND_CONFIG_MAP, CONFIG_MAP`],
        ["a missing authentication mode", (v) => { delete v.clusters[0].authenticationMode; },
            `config key "aws.clusters[0].authenticationMode" is missing; expected one of API, API_AND_CONFIG_MAP, CONFIG_MAP`],
        ["a malformed provider ARN", (v) => { v.oidcProviderArn = "arn:aws:iam::123456789012:role/x"; },
            `config key "aws.oidcProviderArn" has value "arn:aws:iam::123456789012:role/x"; expected an IAM OIDC provider ARN arn:aws:iam::<account id>:oidc-provider/${MS_ISSUER_PATH}`],
        ["a provider ARN for another issuer", (v) => { v.oidcProviderArn = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"; },
            `config key "aws.oidcProviderArn" has value "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"; expected the provider for Microsoft's issuer, arn:aws:iam::<account id>:oidc-provider/${MS_ISSUER_PATH}`],
        ["a provider ARN in another account", (v) => { v.oidcProviderArn = `arn:aws:iam::210987654321:oidc-provider/${MS_ISSUER_PATH}`; },
            `config key "aws.oidcProviderArn" has value "arn:aws:iam::210987654321:oidc-provider/${MS_ISSUER_PATH}"; expected a provider in this stack's account 123456789012: a role trusts only providers of its own account`],
        ["a cluster listed twice", (v) => { v.clusters.push({ name: "eks-a", region: "eu-west-1", authenticationMode: "API_AND_CONFIG_MAP" }); },
            `config key "aws.clusters[2]" has value "eu-west-1/eks-a"; expected each cluster (region/name) listed once; it is already listed at aws.clusters[0]`],
        ["a bad cluster name", (v) => { v.clusters[0].name = "-eks"; },
            `config key "aws.clusters[0].name" has value "-eks"; expected an EKS cluster name: 1 to 100 characters, starting with a letter or digit, then letters, digits, - and _`],
        ["a bad region", (v) => { v.clusters[0].region = "europe-west1"; },
            `config key "aws.clusters[0].region" has value "europe-west1"; expected an AWS region name such as eu-west-1`],
        ["an unknown access policy", (v) => { v.accessPolicy = "AmazonEKSReadOnly"; },
            `config key "aws.accessPolicy" has value "AmazonEKSReadOnly"; expected one of AmazonEKSViewPolicy, AmazonEKSAdminViewPolicy, AmazonEKSEditPolicy, AmazonEKSAdminPolicy, AmazonEKSClusterAdminPolicy`],
        ["system:masters asked for on an access-entry cluster", (v) => { v.clusters[0].mapToSystemMasters = true; },
            `config key "aws.clusters[0].mapToSystemMasters" has value true; expected no value while authenticationMode is API: it applies to aws-auth (CONFIG_MAP) only; use accessPolicy`],
        ["a bad CIDR", (v) => { v.clusters[0].endpoint = { publicAccessCidrs: ["10.0.0.0/33"] }; },
            `config key "aws.clusters[0].endpoint.publicAccessCidrs[0]" has value "10.0.0.0/33"; expected an IPv4 CIDR block such as 203.0.113.0/24`],
        ["an unknown log type", (v) => { v.clusters[0].enabledLogTypes = ["audits"]; },
            `config key "aws.clusters[0].enabledLogTypes[0]" has value "audits"; expected one of api, audit, authenticator, controllerManager, scheduler`],
        ["a typo in a key", (v) => { v.clusters[0].authMode = "API"; },
            `config key "aws.clusters[0].authMode" has value "API"; expected no such key; allowed keys under "aws.clusters[0]": name, region, authenticationMode, tags, endpoint, accessPolicy, mapToSystemMasters, enabledLogTypes, manageLogging`],
        ["a manageLogging that is not a boolean", (v) => { v.clusters[0].manageLogging = "yes"; },
            `config key "aws.clusters[0].manageLogging" has value "yes"; expected true or false`],
        ["a connector without subscription", (v) => { v.connector = { resourceGroupName: "rg", location: "westeurope" }; },
            `config key "aws.connector.subscriptionId" is missing; expected the Azure subscription id that holds the connector, a GUID such as 00000000-0000-0000-0000-000000000000 (or set aws.connector.enabled to false to manage the connector elsewhere)`],
    ];
    for (const [what, mutate, expected] of bad) {
        it(`rejects ${what}`, () => {
            const v = base();
            mutate(v);
            assert.equal(message(() => loadStackConfig("t", { cloud: "aws", aws: v, azureTenantId: TENANT })), expected);
        });
    }

    it("rejects a tenant id that is not a GUID, and a missing one", () => {
        assert.equal(message(() => loadStackConfig("t", { cloud: "aws", aws: base(), azureTenantId: "contoso.onmicrosoft.com" })),
            `config key "azureTenantId" has value "contoso.onmicrosoft.com"; expected the customer's Azure (Entra) tenant id, a GUID such as 00000000-0000-0000-0000-000000000000`);
        assert.equal(message(() => loadStackConfig("t", { cloud: "aws", aws: base() })),
            `config key "azureTenantId" is missing; expected the customer's Azure (Entra) tenant id, a GUID such as 00000000-0000-0000-0000-000000000000`);
    });

    it("rejects an aws stack without its aws block", () => {
        assert.equal(message(() => loadStackConfig("t", { cloud: "aws", azureTenantId: TENANT })),
            `config key "aws" is missing; expected an object with at least accountId and region (the stack's cloud is aws)`);
    });
});
