import { strict as assert } from "assert";
import { loadStackConfig } from "../../config";
import { loadAwsConfig } from "../../config/aws";
import { configErrorMessage } from "../helpers/configError";

const TENANT = "7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f";
const MS_ISSUER_PATH = "sts.windows.net/33e01921-4d64-4f8c-a055-5bdaffd5e33d/";

function base(): Record<string, unknown> {
    return {
        accountId: "123456789012",
        region: "eu-west-1",
        regions: ["eu-west-1", "us-east-1"],
    };
}

const message = configErrorMessage;

describe("AWS stack config", () => {
    it("reads aws.awsAuthExisting as keep, narrow or stop, and names key, value and choices when it is anything else", () => {
        for (const choice of ["keep", "narrow", "stop"])
            assert.equal(loadAwsConfig({ ...base(), awsAuthExisting: choice }).awsAuth.existing, choice);
        assert.equal(
            message(() => loadAwsConfig({ ...base(), awsAuthExisting: "overwrite" })),
            'config key "aws.awsAuthExisting" has value "overwrite"; expected one of keep, narrow, stop',
        );
    });

    it("fills Microsoft's names and least-privilege defaults", () => {
        const cfg = loadStackConfig("t", { cloud: "aws", aws: base(), azureTenantId: TENANT.toUpperCase() });
        assert.equal(cfg.azureTenantId, TENANT);
        const aws = cfg.aws!;
        assert.equal(aws.roleName, "MDCContainersAgentlessDiscoveryK8sRole");
        assert.equal(aws.accessMode, "least-privilege");
        assert.equal(aws.oidcProviderArn, undefined);
        assert.deepEqual(aws.awsAuth, {
            username: "MDCContainersAgentlessDiscoveryK8sRole",
            group: "mdc-agentless-discovery-readers",
            clusterRoleName: "mdc-agentless-discovery-reader",
            existing: "stop",
        });
        assert.equal(aws.connector, undefined);
        assert.deepEqual(aws.regions, ["eu-west-1", "us-east-1"]);
        assert.equal(aws.clusters, undefined, "no list: every discovered cluster");
        assert.deepEqual([aws.include, aws.exclude, aws.overrides], [[], [], {}]);
        assert.deepEqual(
            loadAwsConfig({ accountId: "123456789012", region: "ap-south-1" }).regions,
            ["ap-south-1"],
            "the provider's region by default",
        );
    });

    it("reads an explicit cluster list, include/exclude filters (one or a list) and per-cluster overrides keyed by <region>/<name>", () => {
        const listed = loadAwsConfig({
            ...base(),
            clusters: ["eu-west-1/eks-a", "us-east-1/eks-a"],
            exclude: [{ names: ["*-tmp"] }, { tags: { env: "lab" } }],
        });
        assert.deepEqual(listed.clusters, [
            { region: "eu-west-1", name: "eks-a" },
            { region: "us-east-1", name: "eks-a" },
        ]);
        assert.deepEqual(
            listed.exclude,
            [
                { names: ["*-tmp"], tags: {}, attributes: {} },
                { names: [], tags: { env: "lab" }, attributes: {} },
            ],
            "filters apply beside a list, as on every cloud",
        );
        const filtered = loadAwsConfig({
            ...base(),
            include: { names: ["prod-*", "us-east-1/batch-?"] },
            exclude: { tags: { team: "sandbox", "do-not-scan": "*" } },
            overrides: {
                "us-east-1/legacy": { manageLogging: true, defenderEndpointAccess: "true", mapToSystemMasters: false },
                "eu-west-1/prod-api": { accessPolicy: "AmazonEKSAdminViewPolicy" },
            },
        });
        assert.deepEqual(filtered.include, [{ names: ["prod-*", "us-east-1/batch-?"], tags: {}, attributes: {} }]);
        assert.deepEqual(filtered.exclude, [
            { names: [], tags: { team: "sandbox", "do-not-scan": "*" }, attributes: {} },
        ]);
        assert.deepEqual(filtered.overrides, {
            "us-east-1/legacy": { manageLogging: true, defenderEndpointAccess: true, mapToSystemMasters: false },
            "eu-west-1/prod-api": { accessPolicy: "AmazonEKSAdminViewPolicy" },
        });
    });

    it("reads the connector block", () => {
        const connector = {
            subscriptionId: "3F2A9C1E-7B4D-4E8A-9C62-1D5E8F0A7B34",
            resourceGroupName: "rg-security",
            location: "westeurope",
        };
        const v = { ...base(), connector };
        const aws = loadAwsConfig(v);
        assert.deepEqual(aws.connector, {
            enabled: true,
            subscriptionId: "3f2a9c1e-7b4d-4e8a-9c62-1d5e8f0a7b34",
            resourceGroupName: "rg-security",
            location: "westeurope",
            name: "aws-123456789012",
            auditLogsAutoProvisioning: true,
            auditLogRoleNames: {
                kubernetesService: "MDCContainersK8sRole",
                kubernetesDataCollection: "MDCContainersK8sDataCollectionRole",
                cloudWatchToKinesis: "MDCContainersK8sCloudWatchToKinesisRole",
                kinesisToS3: "MDCContainersK8sKinesisToS3Role",
            },
            auditLogExtraActions: {},
            auditLogResourcePrefixes: ["azuredefender-", "ms-defender-"],
        });
        assert.equal(loadAwsConfig({ ...v, connector: { ...connector, enabled: false } }).connector, undefined);
    });

    const bad: [string, (v: Record<string, unknown>) => void, string][] = [
        [
            "an account id that is not 12 digits",
            (v) => {
                v.accountId = "12345678901";
            },
            `config key "aws.accountId" has value "12345678901"; expected a 12-digit AWS account id such as "123456789012" (quoted, so that leading zeros survive)`,
        ],
        [
            "an unquoted account id that lost its leading zero",
            (v) => {
                v.accountId = 12345678901;
            },
            `config key "aws.accountId" has value "12345678901"; expected a 12-digit AWS account id such as "123456789012" (quoted, so that leading zeros survive)`,
        ],
        [
            "a role name longer than 64 characters",
            (v) => {
                v.roleName = "R".repeat(65);
            },
            `config key "aws.roleName" has value "${"R".repeat(65)}"; expected an IAM role name: 1 to 64 characters, letters, digits and + = , . @ _ -`,
        ],
        [
            "a role name with a character IAM refuses",
            (v) => {
                v.roleName = "MDC/Discovery";
            },
            `config key "aws.roleName" has value "MDC/Discovery"; expected an IAM role name: 1 to 64 characters, letters, digits and + = , . @ _ -`,
        ],
        [
            "an empty role name",
            (v) => {
                v.roleName = "";
            },
            `config key "aws.roleName" has value ""; expected an IAM role name: 1 to 64 characters, letters, digits and + = , . @ _ -`,
        ],
        [
            "an unknown access mode",
            (v) => {
                v.accessMode = "admin";
            },
            `config key "aws.accessMode" has value "admin"; expected one of least-privilege, access-entries`,
        ],
        [
            "a region that does not exist",
            (v) => {
                v.regions = ["eu-west-1", "eu-middle-1"];
            },
            `config key "aws.regions[1]" has value "eu-middle-1"; expected an AWS region: <area>-<direction>-<number> such as eu-west-1, with area one of us, eu, ap, sa, ca, me, af, il, mx, cn, us-gov, us-iso, us-isob, eu-isoe, us-isof, eusc-de and direction one of north, south, east, west, central, northeast, northwest, southeast, southwest`,
        ],
        [
            "a region listed twice",
            (v) => {
                v.regions = ["eu-west-1", "eu-west-1"];
            },
            `config key "aws.regions[1]" has value "eu-west-1"; expected each region listed once; it is already listed at aws.regions[0]`,
        ],
        [
            "an empty region list",
            (v) => {
                v.regions = [];
            },
            `config key "aws.regions" has value []; expected at least one AWS region whose EKS clusters are discovered`,
        ],
        [
            "a listed cluster with facts (they are discovered now)",
            (v) => {
                v.clusters = [{ name: "eks-a", authenticationMode: "API" }];
            },
            `config key "aws.clusters[0]" has value {"name":"eks-a","authenticationMode":"API"}; expected a cluster as "<region>/<name>", such as "eu-west-1/eks-prod": clusters and their facts (authenticationMode) are discovered; per-cluster settings go under aws.overrides`,
        ],
        [
            "a listed cluster without its region",
            (v) => {
                v.clusters = ["eks-a"];
            },
            `config key "aws.clusters[0]" has value "eks-a"; expected a cluster as "<region>/<name>", such as "eu-west-1/eks-prod"`,
        ],
        [
            "a listed cluster outside aws.regions",
            (v) => {
                v.clusters = ["ap-south-1/eks-a"];
            },
            `config key "aws.clusters[0]" has value "ap-south-1/eks-a"; expected a cluster in one of aws.regions (eu-west-1, us-east-1): discovery reads only those`,
        ],
        [
            "a cluster listed twice",
            (v) => {
                v.clusters = ["eu-west-1/eks-a", "eu-west-1/EKS-A"];
            },
            `config key "aws.clusters[1]" has value "eu-west-1/EKS-A"; expected each cluster (region/name) listed once; it is already listed at aws.clusters[0]`,
        ],
        [
            "a bad cluster name",
            (v) => {
                v.clusters = ["eu-west-1/-eks"];
            },
            `config key "aws.clusters[0]" has value "eu-west-1/-eks"; expected a cluster as "<region>/<name>", such as "eu-west-1/eks-prod"; after the "/": an EKS cluster name: 1 to 100 characters, starting with a letter or digit, then letters, digits, - and _`,
        ],
        [
            "an empty filter",
            (v) => {
                v.include = {};
            },
            `config key "aws.include" has value {}; expected a filter with at least one of names, tags (an empty filter would match every cluster)`,
        ],
        [
            "a filter criterion another cloud has",
            (v) => {
                v.exclude = [{ names: ["x"] }, { resourceGroups: ["rg"] }];
            },
            `config key "aws.exclude[1].resourceGroups" has value ["rg"]; expected no such key; allowed keys under "aws.exclude[1]": names, tags`,
        ],
        [
            "a filter glob with a character no cluster name has",
            (v) => {
                v.include = { names: ["prod.*"] };
            },
            `config key "aws.include.names[0]" has value "prod.*"; expected a cluster name glob (* and ? wildcards), or "<region glob>/<name glob>"`,
        ],
        [
            "an override key that is not <region>/<name>",
            (v) => {
                v.overrides = { "eks-a": { manageLogging: true } };
            },
            `config key "aws.overrides.eks-a" has value "eks-a"; expected a cluster as "<region>/<name>", such as "eu-west-1/eks-prod"`,
        ],
        [
            "an unknown override setting",
            (v) => {
                v.overrides = { "eu-west-1/eks-a": { openEndpoint: true } };
            },
            `config key "aws.overrides.eu-west-1/eks-a.openEndpoint" has value true; expected no such key; allowed keys under "aws.overrides.eu-west-1/eks-a": accessPolicy, mapToSystemMasters, manageLogging, defenderEndpointAccess`,
        ],
        [
            "an override that is not a boolean",
            (v) => {
                v.overrides = { "eu-west-1/eks-a": { defenderEndpointAccess: "yes" } };
            },
            `config key "aws.overrides.eu-west-1/eks-a.defenderEndpointAccess" has value "yes"; expected true or false`,
        ],
        [
            "a malformed provider ARN",
            (v) => {
                v.oidcProviderArn = "arn:aws:iam::123456789012:role/x";
            },
            `config key "aws.oidcProviderArn" has value "arn:aws:iam::123456789012:role/x"; expected an IAM OIDC provider ARN arn:aws:iam::<account id>:oidc-provider/${MS_ISSUER_PATH}`,
        ],
        [
            "a provider ARN for another issuer",
            (v) => {
                v.oidcProviderArn = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com";
            },
            `config key "aws.oidcProviderArn" has value "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"; expected the provider for Microsoft's issuer, arn:aws:iam::<account id>:oidc-provider/${MS_ISSUER_PATH}`,
        ],
        [
            "a provider ARN in another account",
            (v) => {
                v.oidcProviderArn = `arn:aws:iam::210987654321:oidc-provider/${MS_ISSUER_PATH}`;
            },
            `config key "aws.oidcProviderArn" has value "arn:aws:iam::210987654321:oidc-provider/${MS_ISSUER_PATH}"; expected a provider in this stack's account 123456789012: a role trusts only providers of its own account`,
        ],
        [
            "a bad region",
            (v) => {
                v.region = "europe-west1";
            },
            `config key "aws.region" has value "europe-west1"; expected an AWS region name such as eu-west-1`,
        ],
        [
            "an unknown access policy",
            (v) => {
                v.accessPolicy = "AmazonEKSReadOnly";
            },
            `config key "aws.accessPolicy" has value "AmazonEKSReadOnly"; expected one of AmazonEKSViewPolicy, AmazonEKSAdminViewPolicy, AmazonEKSEditPolicy, AmazonEKSAdminPolicy, AmazonEKSClusterAdminPolicy`,
        ],
        [
            "a connector without subscription",
            (v) => {
                v.connector = { resourceGroupName: "rg", location: "westeurope" };
            },
            `config key "aws.connector.subscriptionId" is missing; expected the Azure subscription id that holds the connector, a GUID such as 00000000-0000-0000-0000-000000000000 (or set aws.connector.enabled to false to manage the connector elsewhere)`,
        ],
    ];
    for (const [what, mutate, expected] of bad) {
        it(`rejects ${what}`, () => {
            const v = base();
            mutate(v);
            assert.equal(
                message(() => loadStackConfig("t", { cloud: "aws", aws: v, azureTenantId: TENANT })),
                expected,
            );
        });
    }

    it("rejects a tenant id that is not a GUID, and a missing one", () => {
        assert.equal(
            message(() =>
                loadStackConfig("t", { cloud: "aws", aws: base(), azureTenantId: "contoso.onmicrosoft.com" }),
            ),
            `config key "azureTenantId" has value "contoso.onmicrosoft.com"; expected the customer's Azure (Entra) tenant id, a GUID such as 00000000-0000-0000-0000-000000000000`,
        );
        assert.equal(
            message(() => loadStackConfig("t", { cloud: "aws", aws: base() })),
            `config key "azureTenantId" is missing; expected the customer's Azure (Entra) tenant id, a GUID such as 00000000-0000-0000-0000-000000000000`,
        );
    });

    it("rejects an aws stack without its aws block", () => {
        assert.equal(
            message(() => loadStackConfig("t", { cloud: "aws", azureTenantId: TENANT })),
            `config key "aws" is missing; expected an object with at least accountId and region (the stack's cloud is aws)`,
        );
    });
});

describe("AWS stack config: every key's shape, defaults and brownfield settings", () => {
    const ISSUER_ARN = `arn:aws:iam::123456789012:oidc-provider/${MS_ISSUER_PATH}`;
    const THUMB = "9E99A48A9960B14926BB7F3B02E22DA2B0AB7280";

    it("takes an unquoted 12-digit account id, and names a missing or fractional one as it is", () => {
        assert.equal(loadAwsConfig({ ...base(), accountId: 123456789012 }).accountId, "123456789012");
        const expected = `expected a 12-digit AWS account id such as "123456789012" (quoted, so that leading zeros survive)`;
        assert.equal(
            message(() => loadAwsConfig({ region: "eu-west-1" })),
            `config key "aws.accountId" is missing; ${expected}`,
        );
        assert.equal(
            message(() => loadAwsConfig({ ...base(), accountId: 123456789012.5 })),
            `config key "aws.accountId" has value 123456789012.5; ${expected}`,
        );
    });

    it("adopts an existing OIDC provider for Microsoft's issuer, with or without the trailing slash, and then manages no thumbprint", () => {
        for (const arn of [ISSUER_ARN, ISSUER_ARN.slice(0, -1)]) {
            const aws = loadAwsConfig({ ...base(), oidcProviderArn: arn });
            assert.deepEqual([aws.oidcProviderArn, aws.oidcThumbprints], [arn, []], arn);
        }
        assert.equal(
            message(() => loadAwsConfig({ ...base(), oidcProviderArn: ISSUER_ARN, oidcThumbprints: [THUMB] })),
            `config key "aws.oidcThumbprints" has value ["${THUMB}"]; expected no value while aws.oidcProviderArn names an existing provider: this stack does not manage that provider`,
        );
        assert.equal(
            message(() => loadAwsConfig({ ...base(), oidcProviderArn: 42 })),
            `config key "aws.oidcProviderArn" has value 42; expected an IAM OIDC provider ARN arn:aws:iam::<account id>:oidc-provider/${MS_ISSUER_PATH}`,
        );
    });

    it("reads the thumbprints of a provider the stack creates in lower case, and names a bad one", () => {
        assert.deepEqual(loadAwsConfig({ ...base(), oidcThumbprints: [THUMB] }).oidcThumbprints, [THUMB.toLowerCase()]);
        assert.equal(
            message(() => loadAwsConfig({ ...base(), oidcThumbprints: [THUMB, "abc"] })),
            `config key "aws.oidcThumbprints[1]" has value "abc"; expected a SHA-1 thumbprint: 40 hexadecimal characters`,
        );
        assert.equal(
            message(() => loadAwsConfig({ ...base(), oidcThumbprints: THUMB })),
            `config key "aws.oidcThumbprints" has value "${THUMB}"; expected a list of SHA-1 thumbprints`,
        );
    });

    it("reads every aws-auth setting, and names a bad cluster role name", () => {
        const aws = loadAwsConfig({
            ...base(),
            roleName: "DefenderReader",
            awsAuth: { username: "defender", group: "defender-readers", clusterRoleName: "defender-reader" },
        });
        assert.deepEqual(aws.awsAuth, {
            username: "defender",
            group: "defender-readers",
            clusterRoleName: "defender-reader",
            existing: "stop",
        });
        assert.equal(
            loadAwsConfig({ ...base(), roleName: "DefenderReader" }).awsAuth.username,
            "DefenderReader",
            "the username defaults to the role name",
        );
        assert.equal(
            message(() => loadAwsConfig({ ...base(), awsAuth: { clusterRoleName: "Defender_Reader" } })),
            `config key "aws.awsAuth.clusterRoleName" has value "Defender_Reader"; expected a Kubernetes name: 1 to 63 lower-case letters, digits, '-' and '.', starting and ending alphanumeric`,
        );
    });

    it("treats a null cluster list and null overrides as absent", () => {
        const aws = loadAwsConfig({ ...base(), clusters: null, overrides: null });
        assert.deepEqual([aws.clusters, aws.overrides], [undefined, {}]);
    });

    it("never turns on system:masters, logging or endpoint access from a blank override value", () => {
        assert.deepEqual(
            loadAwsConfig({
                ...base(),
                overrides: {
                    "eu-west-1/eks-a": { mapToSystemMasters: null, manageLogging: null, defenderEndpointAccess: null },
                },
            }).overrides,
            { "eu-west-1/eks-a": { mapToSystemMasters: false, manageLogging: false, defenderEndpointAccess: false } },
        );
    });

    it("reads every connector setting of the audit-log pipeline", () => {
        const connector = {
            subscriptionId: "3f2a9c1e-7b4d-4e8a-9c62-1d5e8f0a7b34",
            resourceGroupName: "rg-security",
            location: "westeurope",
            auditLogsAutoProvisioning: "false",
            auditLogRoleNames: { kinesisToS3: "ContosoKinesisToS3" },
            auditLogExtraActions: { kubernetesService: ["firehose:ListTagsForDeliveryStream", "sqs:GetQueueUrl"] },
            auditLogResourcePrefixes: ["contoso-defender-"],
        };
        const aws = loadAwsConfig({ ...base(), connector });
        assert.deepEqual(
            [
                aws.connector!.auditLogsAutoProvisioning,
                aws.connector!.auditLogRoleNames,
                aws.connector!.auditLogExtraActions,
                aws.connector!.auditLogResourcePrefixes,
            ],
            [
                false,
                {
                    kubernetesService: "MDCContainersK8sRole",
                    kubernetesDataCollection: "MDCContainersK8sDataCollectionRole",
                    cloudWatchToKinesis: "MDCContainersK8sCloudWatchToKinesisRole",
                    kinesisToS3: "ContosoKinesisToS3",
                },
                { kubernetesService: ["firehose:ListTagsForDeliveryStream", "sqs:GetQueueUrl"] },
                ["contoso-defender-"],
            ],
        );
    });

    const CONNECTOR = {
        subscriptionId: "3f2a9c1e-7b4d-4e8a-9c62-1d5e8f0a7b34",
        resourceGroupName: "rg-security",
        location: "westeurope",
    };
    const REGION_EXPECTED =
        "an AWS region: <area>-<direction>-<number> such as eu-west-1, with area one of us, eu, ap, sa, ca, me, af, il, mx, cn, us-gov, us-iso, us-isob, eu-isoe, us-isof, eusc-de and direction one of north, south, east, west, central, northeast, northwest, southeast, southwest";
    const CLUSTER = `a cluster as "<region>/<name>", such as "eu-west-1/eks-prod"`;
    const bad: [string, Record<string, unknown>, string][] = [
        [
            "regions that are not a list",
            { regions: "eu-west-1" },
            `config key "aws.regions" has value "eu-west-1"; expected a list of AWS regions`,
        ],
        [
            "a region AWS does not have, in the list",
            { regions: ["eu-west-1", "eu-west-9x"] },
            `config key "aws.regions[1]" has value "eu-west-9x"; expected an AWS region name such as eu-west-1`,
        ],
        [
            "a cluster list that is not a list",
            { clusters: "eu-west-1/eks-a" },
            `config key "aws.clusters" has value "eu-west-1/eks-a"; expected a list of clusters as "<region>/<name>"`,
        ],
        [
            "an empty cluster list",
            { clusters: [] },
            `config key "aws.clusters" has value []; expected at least one cluster; leave aws.clusters out to onboard every discovered cluster`,
        ],
        [
            "a cluster that is not a string",
            { clusters: [42] },
            `config key "aws.clusters[0]" has value 42; expected ${CLUSTER}`,
        ],
        [
            "a cluster written as an object without facts",
            { clusters: [{ name: "eks-a" }] },
            `config key "aws.clusters[0]" has value {"name":"eks-a"}; expected ${CLUSTER}: clusters and their facts are discovered; per-cluster settings go under aws.overrides`,
        ],
        [
            "a cluster whose region is not an AWS region",
            { clusters: ["europe-west1/eks-a"] },
            `config key "aws.clusters[0]" has value "europe-west1/eks-a"; expected ${CLUSTER}; "europe-west1" is not an AWS region`,
        ],
        [
            "a cluster name with a slash",
            { clusters: ["eu-west-1/team/eks"] },
            `config key "aws.clusters[0]" has value "eu-west-1/team/eks"; expected ${CLUSTER}; after the "/": an EKS cluster name: 1 to 100 characters, starting with a letter or digit, then letters, digits, - and _`,
        ],
        [
            "overrides that are not a map",
            { overrides: ["eu-west-1/eks-a"] },
            `config key "aws.overrides" has value ["eu-west-1/eks-a"]; expected a map from ${CLUSTER} to settings`,
        ],
        [
            "an override of a cluster outside aws.regions",
            { overrides: { "ap-south-1/eks-a": { manageLogging: true } } },
            `config key "aws.overrides.ap-south-1/eks-a" has value {"manageLogging":true}; expected settings of a cluster in one of aws.regions (eu-west-1, us-east-1)`,
        ],
        [
            "an override access policy EKS does not have",
            { overrides: { "eu-west-1/eks-a": { accessPolicy: "AmazonEKSReadOnly" } } },
            `config key "aws.overrides.eu-west-1/eks-a.accessPolicy" has value "AmazonEKSReadOnly"; expected one of AmazonEKSViewPolicy, AmazonEKSAdminViewPolicy, AmazonEKSEditPolicy, AmazonEKSAdminPolicy, AmazonEKSClusterAdminPolicy`,
        ],
        [
            "a mapToSystemMasters override that is not a boolean",
            { overrides: { "eu-west-1/eks-a": { mapToSystemMasters: "yes" } } },
            `config key "aws.overrides.eu-west-1/eks-a.mapToSystemMasters" has value "yes"; expected true or false`,
        ],
        [
            "a manageLogging override that is not a boolean",
            { overrides: { "eu-west-1/eks-a": { manageLogging: 1 } } },
            `config key "aws.overrides.eu-west-1/eks-a.manageLogging" has value 1; expected true or false`,
        ],
        [
            "a connector key of another cloud",
            { connector: { ...CONNECTOR, projectNumber: "1" } },
            `config key "aws.connector.projectNumber" has value "1"; expected no such key; allowed keys under "aws.connector": enabled, subscriptionId, resourceGroupName, location, name, auditLogsAutoProvisioning, auditLogRoleNames, auditLogExtraActions, auditLogResourcePrefixes`,
        ],
        [
            "an audit-log switch that is not a boolean",
            { connector: { ...CONNECTOR, auditLogsAutoProvisioning: "on" } },
            `config key "aws.connector.auditLogsAutoProvisioning" has value "on"; expected true or false`,
        ],
        [
            "a pipeline role name IAM refuses",
            { connector: { ...CONNECTOR, auditLogRoleNames: { kinesisToS3: "Kinesis/S3" } } },
            `config key "aws.connector.auditLogRoleNames.kinesisToS3" has value "Kinesis/S3"; expected an IAM role name: 1 to 64 characters, letters, digits and + = , . @ _ -`,
        ],
        [
            "a pipeline role of no such name",
            { connector: { ...CONNECTOR, auditLogRoleNames: { s3: "S3" } } },
            `config key "aws.connector.auditLogRoleNames.s3" has value "S3"; expected no such key; allowed keys under "aws.connector.auditLogRoleNames": kubernetesService, kubernetesDataCollection, cloudWatchToKinesis, kinesisToS3`,
        ],
        [
            "an extra action with a wildcard",
            { connector: { ...CONNECTOR, auditLogExtraActions: { cloudWatchToKinesis: ["firehose:*"] } } },
            `config key "aws.connector.auditLogExtraActions.cloudWatchToKinesis[0]" has value "firehose:*"; expected an IAM action without wildcards, such as firehose:ListTagsForDeliveryStream`,
        ],
        [
            "extra actions that are not a list",
            { connector: { ...CONNECTOR, auditLogExtraActions: { kinesisToS3: "s3:PutObject" } } },
            `config key "aws.connector.auditLogExtraActions.kinesisToS3" has value "s3:PutObject"; expected a list of IAM actions`,
        ],
        [
            "a resource prefix too short",
            { connector: { ...CONNECTOR, auditLogResourcePrefixes: ["ms"] } },
            `config key "aws.connector.auditLogResourcePrefixes[0]" has value "ms"; expected a name prefix of 3 to 40 lowercase letters, digits or hyphens, starting with a letter or digit, such as ms-defender- (the pipeline roles may only touch streams, queues and buckets whose names start with it)`,
        ],
    ];
    for (const [what, over, expected] of bad) {
        it(`rejects ${what}, naming key, value and what is allowed`, () => {
            assert.equal(
                message(() => loadAwsConfig({ ...base(), ...over })),
                expected,
            );
        });
    }

    it("names a listed region that AWS does not have in the words discovery uses", () => {
        assert.equal(
            message(() => loadAwsConfig({ ...base(), regions: ["eu-middle-1"] })),
            `config key "aws.regions[0]" has value "eu-middle-1"; expected ${REGION_EXPECTED}`,
        );
    });
});
