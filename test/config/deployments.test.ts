import { strict as assert } from "assert";
import { cloudsTheStackReads, entryAgainstStack, parseDeployments } from "../../config/deployments";
import { deploymentJobs, snapshotJobs } from "../../config/deploymentMatrix";
import { kubeCredentialSteps } from "../../config/kubeCredentials";
import { loadKubernetesConfig } from "../../config/kubernetes";

const SUB = "9b1c4e2a-5d3f-4a6b-8c7d-2e1f0a9b8c7d";
const aws = {
    stack: "prod-aws",
    cloud: "aws",
    account: "111122223333",
    regions: ["eu-west-1", "us-east-1"],
    environment: "aws-prod",
    logins: ["azure"],
    backend: "s3://pulumi-state-111122223333/agentless",
};
const azure = { stack: "lab", cloud: "azure", account: SUB, regions: ["westeurope"], environment: "lab" };
const gcp = {
    stack: "proj",
    cloud: "gcp",
    account: "contoso-payments-prod",
    regions: ["europe-west1"],
    environment: "gcp-prod",
};
const store = {
    store: "s3://inventory-111122223333/snapshots",
    storeRegion: "eu-central-1",
    storeRole: "arn:aws:iam::111122223333:role/agentless-snapshot-store",
};

function message(doc: unknown): string {
    try {
        parseDeployments(doc);
    } catch (e) {
        assert.equal((e as Error).name, "ConfigError", String(e));
        return (e as Error).message;
    }
    assert.fail("expected a ConfigError");
}
const withEntry = (over: Record<string, unknown>) => ({ deployments: [{ ...aws, ...over }] });

describe("stacks/deployments.yaml", () => {
    it("reads the entries, with the entry's own cloud first among its logins, and the defaults", () => {
        const d = parseDeployments({ deployments: [aws, azure] });
        assert.deepEqual(d, {
            freshness: { maxAgeDays: 14, onStale: "warn" },
            deployments: [
                { ...aws, logins: ["aws", "azure"] },
                { ...azure, logins: ["azure"] },
            ],
        });
        assert.deepEqual(parseDeployments(null), { freshness: { maxAgeDays: 14, onStale: "warn" }, deployments: [] });
        assert.deepEqual(parseDeployments({ freshness: { maxAgeDays: 3, onStale: "fail" } }).freshness, {
            maxAgeDays: 3,
            onStale: "fail",
        });
    });

    it("names the key, the value and what is allowed for each bad value", () => {
        assert.equal(
            message(withEntry({ regions: ["eu-west-1", "eu-moon-1"] })),
            'config key "deployments[0].regions[1]" has value "eu-moon-1"; expected an AWS region: <area>-<direction>-<number> such as eu-west-1, with area one of us, eu, ap, sa, ca, me, af, il, mx, cn, us-gov, us-iso, us-isob, eu-isoe, us-isof, eusc-de and direction one of north, south, east, west, central, northeast, northwest, southeast, southwest',
        );
        assert.equal(
            message(withEntry({ regions: ["us-east-7"] })),
            'config key "deployments[0].regions[0]" has value "us-east-7"; expected an AWS region the AWS SDK lists; the nearest are us-east-1, us-east-2, ap-east-1 (a region AWS opened after this release: add it to the AWS SDK\'s region list)',
        );
        assert.equal(
            message({ deployments: [{ ...azure, regions: ["westeurop"] }] }),
            'config key "deployments[0].regions[0]" has value "westeurop"; expected an Azure location the provider lists; the nearest are westeurope, westus2, westus (a location missing from that list, such as westus3: add it to domain/azure/locations.ts)',
        );
        assert.equal(
            message({ deployments: [{ ...gcp, regions: ["europe_west1"] }] }),
            'config key "deployments[0].regions[0]" has value "europe_west1"; expected a Google Cloud region or zone such as europe-west1 or europe-west1-b',
        );
        assert.equal(
            message(withEntry({ regions: [] })),
            'config key "deployments[0].regions" has value []; expected a list of at least one region: the first is the default',
        );
        assert.equal(
            message(withEntry({ regions: ["eu-west-1", "eu-west-1"] })),
            'config key "deployments[0].regions[1]" has value "eu-west-1"; expected each region listed once; it is already listed at deployments[0].regions[0]',
        );
        assert.equal(
            message(withEntry({ account: 111122223333 })),
            'config key "deployments[0].account" has value 111122223333; expected a 12-digit AWS account id (quote it in YAML)',
        );
        assert.equal(
            message({ deployments: [{ ...azure, account: "not-a-guid" }] }),
            'config key "deployments[0].account" has value "not-a-guid"; expected an Azure subscription id: a GUID such as 00000000-0000-0000-0000-000000000000',
        );
        assert.equal(
            message(withEntry({ cloud: "k8s" })),
            'config key "deployments[0].cloud" has value "k8s"; expected one of aws, azure, gcp',
        );
        assert.equal(
            message(withEntry({ logins: ["aws"] })),
            'config key "deployments[0].logins[0]" has value "aws"; expected a cloud other than the entry\'s own (aws), which is always logged into: only the other clouds the stack reads',
        );
        assert.equal(
            message(withEntry({ environment: "aws prod" })),
            'config key "deployments[0].environment" has value "aws prod"; expected a GitHub environment name: 1 to 255 letters, digits, "-", "_" and "."',
        );
        assert.equal(
            message(withEntry({ backend: "ftp://state" })),
            'config key "deployments[0].backend" has value "ftp://state"; expected a Pulumi backend URL: s3://BUCKET[/PREFIX][?region=R], azblob://CONTAINER, gs://BUCKET[/PREFIX], file://PATH or https://HOST (a Pulumi Cloud)',
        );
        assert.equal(
            message(withEntry({ region: "eu-west-1" })),
            'config key "deployments[0].region" has value "eu-west-1"; expected no such key; allowed keys under "deployments[0]": stack, cloud, account, regions, environment, logins, backend',
        );
        assert.equal(
            message({ deployments: [aws, { ...azure, stack: "prod-aws" }] }),
            'config key "deployments[1]" has value "prod-aws"; expected each stack listed once; it is already listed at deployments[0]',
        );
        assert.equal(
            message({ freshness: { maxAgeDays: 0 } }),
            'config key "freshness.maxAgeDays" has value 0; expected a whole number of days from 1 to 365 (default 14)',
        );
        assert.equal(
            message({ freshness: { onStale: "error" } }),
            'config key "freshness.onStale" has value "error"; expected one of warn, fail',
        );
        assert.equal(
            message({ snapshot: { ...store, store: "s3://Inventory/x" } }),
            'config key "snapshot.store" has value "s3://Inventory/x"; expected an S3 location s3://BUCKET[/PREFIX], the bucket in lower case',
        );
        assert.equal(
            message({ deployments: [aws, gcp], snapshot: { ...store, storeRole: undefined } }),
            'config key "snapshot.storeRole" is missing; expected an IAM role ARN such as arn:aws:iam::123456789012:role/snapshot-store: the snapshot jobs of Azure and Google Cloud entries (deployments[1], proj) log into AWS with it to write s3://inventory-111122223333/snapshots',
        );
        assert.equal(
            message(["prod-aws"]),
            'config key "(the file)" has value ["prod-aws"]; expected a mapping with keys freshness, snapshot, deployments',
        );
    });

    it("an entry must match its stack's cloud and account, and log into every cloud the stack reads", () => {
        const [entry] = parseDeployments({ deployments: [{ ...azure, logins: ["aws"] }] }).deployments;
        const config = {
            "agentless-discovery:cloud": "azure",
            "agentless-discovery:azure": { subscriptionId: SUB },
            "agentless-discovery:kubernetes": {
                clusters: [
                    { name: "aks-lab", kind: "aks" },
                    { name: "eks-lab", kind: "eks" },
                    { name: "gke-lab", kind: "gke" },
                ],
            },
        };
        assert.deepEqual(
            [...cloudsTheStackReads(config).reads],
            [
                ["aws", 'its EKS cluster "eks-lab"'],
                ["gcp", 'its GKE cluster "gke-lab"'],
            ],
        );
        assert.equal(
            entryAgainstStack(entry, 0, config)?.message,
            'config key "deployments[0].logins" has value ["aws"]; expected a list that includes gcp: stacks/Pulumi.lab.yaml reads gcp (its GKE cluster "gke-lab"), so the job must log into it',
        );
        assert.equal(
            entryAgainstStack(entry, 0, { ...config, "agentless-discovery:cloud": "aws" })?.message,
            'config key "deployments[0].cloud" has value "azure"; expected "aws", the cloud of stacks/Pulumi.lab.yaml',
        );
        assert.equal(
            entryAgainstStack(entry, 0, {
                ...config,
                "agentless-discovery:azure": { subscriptionId: "3f2a9c1e-7b4d-4e8a-9c62-1d5e8f0a7b34" },
            })?.message,
            'config key "deployments[0].account" has value "9b1c4e2a-5d3f-4a6b-8c7d-2e1f0a9b8c7d"; expected "3f2a9c1e-7b4d-4e8a-9c62-1d5e8f0a7b34", the account of stacks/Pulumi.lab.yaml',
        );
        const [awsEntry] = parseDeployments({ deployments: [{ ...aws, logins: [] }] }).deployments;
        const awsConfig = {
            cloud: "aws",
            aws: { accountId: "111122223333", connector: { enabled: true, subscriptionId: SUB } },
        };
        assert.equal(
            entryAgainstStack(awsEntry, 0, awsConfig)?.message,
            'config key "deployments[0].logins" has value []; expected a list that includes azure: stacks/Pulumi.prod-aws.yaml reads azure (its connector\'s subscription), so the job must log into it',
        );
        const [withAzure] = parseDeployments({ deployments: [aws] }).deployments;
        assert.equal(entryAgainstStack(withAzure, 0, awsConfig), undefined);
        assert.equal(
            entryAgainstStack(awsEntry, 0, { ...awsConfig, aws: { ...awsConfig.aws, connector: { enabled: false } } }),
            undefined,
            "a disabled connector reads nothing",
        );
    });
});

describe("the workflows' job matrices", () => {
    it("one job per deployed stack, with the logins and their defaults, all strings and booleans", () => {
        const d = parseDeployments({ deployments: [aws, azure, gcp] });
        assert.deepEqual(
            deploymentJobs(d, (s) => s === "lab"),
            [
                {
                    stack: "prod-aws",
                    cloud: "aws",
                    account: "111122223333",
                    region: "eu-west-1",
                    regions: "eu-west-1 us-east-1",
                    awsRegion: "eu-west-1",
                    azureSubscription: "",
                    gcpProject: "",
                    environment: "aws-prod",
                    aws: true,
                    azure: true,
                    gcp: false,
                    kubernetes: false,
                    backend: "s3://pulumi-state-111122223333/agentless",
                },
                {
                    stack: "lab",
                    cloud: "azure",
                    account: SUB,
                    region: "westeurope",
                    regions: "westeurope",
                    awsRegion: "",
                    azureSubscription: SUB,
                    gcpProject: "",
                    environment: "lab",
                    aws: false,
                    azure: true,
                    gcp: false,
                    kubernetes: true,
                    backend: "",
                },
                {
                    stack: "proj",
                    cloud: "gcp",
                    account: "contoso-payments-prod",
                    region: "europe-west1",
                    regions: "europe-west1",
                    awsRegion: "",
                    azureSubscription: "",
                    gcpProject: "contoso-payments-prod",
                    environment: "gcp-prod",
                    aws: false,
                    azure: false,
                    gcp: true,
                    kubernetes: false,
                    backend: "",
                },
            ],
        );
    });

    it("snapshots one job per account (two stacks of one account are one job, with both stacks' regions), none without a store", () => {
        const second = { ...aws, stack: "prod-aws-2", regions: ["us-east-1", "ap-southeast-2"], environment: "other" };
        const d = parseDeployments({ deployments: [aws, second, gcp], snapshot: store });
        assert.deepEqual(snapshotJobs(d), [
            {
                name: "aws-111122223333",
                cloud: "aws",
                account: "111122223333",
                environment: "aws-prod",
                aws: true,
                azure: false,
                gcp: false,
                awsRegion: "eu-west-1",
                azureSubscription: "",
                gcpProject: "",
                discovery: "--cloud aws --region eu-west-1 --region us-east-1 --region ap-southeast-2",
                store: "s3://inventory-111122223333/snapshots",
                storeRegion: "eu-central-1",
                storeRole: "",
                retain: 60,
            },
            {
                name: "gcp-contoso-payments-prod",
                cloud: "gcp",
                account: "contoso-payments-prod",
                environment: "gcp-prod",
                aws: false,
                azure: false,
                gcp: true,
                awsRegion: "",
                azureSubscription: "",
                gcpProject: "contoso-payments-prod",
                discovery: "--cloud gcp --project contoso-payments-prod",
                store: "s3://inventory-111122223333/snapshots",
                storeRegion: "eu-central-1",
                storeRole: "arn:aws:iam::111122223333:role/agentless-snapshot-store",
                retain: 60,
            },
        ]);
        assert.equal(
            snapshotJobs(parseDeployments({ deployments: [{ ...azure }], snapshot: store }))[0].discovery,
            `--cloud azure --subscription ${SUB}`,
        );
        assert.deepEqual(snapshotJobs(parseDeployments({ deployments: [aws] })), []);
    });
});

describe("cluster credentials through the clouds' plug-ins", () => {
    const rid = (kind: string, name: string) => `/subscriptions/${SUB}/resourceGroups/rg-lab/providers/${kind}/${name}`;
    const k8s = loadKubernetesConfig(
        {
            clusters: [
                {
                    name: "aks-lab",
                    kind: "aks",
                    resourceId: rid("Microsoft.ContainerService/managedClusters", "aks-lab"),
                    region: "westeurope",
                    access: { context: "aks-lab" },
                },
                {
                    name: "eks-lab",
                    kind: "eks",
                    accountId: "123456789012",
                    region: "eu-west-1",
                    clusterName: "lab-dublin",
                    access: { context: "eks-lab", kubeconfig: "/k/eks" },
                },
                {
                    name: "gke-lab",
                    kind: "gke",
                    projectId: "contoso-lab",
                    location: "europe-west1",
                    access: { context: "gke_contoso-lab_europe-west1_gke-lab" },
                },
                {
                    name: "arc-lab",
                    kind: "arc",
                    resourceId: rid("Microsoft.Kubernetes/connectedClusters", "arc-lab"),
                    region: "francecentral",
                    access: { context: "arc-lab" },
                },
            ],
        },
        false,
    )!;

    it("writes each context under its access.context name, then converts the AKS contexts to the az login", () => {
        const { steps, notes } = kubeCredentialSteps(k8s.clusters, "/k/config");
        assert.deepEqual(
            steps.map((s) => [s.argv.join(" "), s.kubeconfig]),
            [
                [
                    `az aks get-credentials --subscription ${SUB} --resource-group rg-lab --name aks-lab --context aks-lab --file /k/config --overwrite-existing`,
                    "/k/config",
                ],
                [
                    "aws eks update-kubeconfig --name lab-dublin --region eu-west-1 --alias eks-lab --kubeconfig /k/eks",
                    "/k/eks",
                ],
                // gcloud's own context name is the one asked for: nothing to rename.
                [
                    "gcloud container clusters get-credentials gke-lab --location europe-west1 --project contoso-lab",
                    "/k/config",
                ],
                ["kubelogin convert-kubeconfig --login azurecli --kubeconfig /k/config", "/k/config"],
            ],
        );
        assert.deepEqual(notes, [
            'arc-lab: an Arc-enabled cluster is reached through "az connectedk8s proxy", which must run for the whole job; its context "arc-lab" is not written here',
        ]);
    });
});
