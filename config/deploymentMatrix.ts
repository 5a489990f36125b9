import { Cloud, Deployment, Deployments } from "./deployments";

/**
 * The workflows' job matrices, made from `stacks/deployments.yaml` so that the workflows hold no
 * per-account logic: a job reads its cloud, account, regions, environment and logins from its
 * matrix entry. Every value is a string or a boolean, as GitHub's expressions compare them.
 */

export interface DeploymentJob {
    stack: string;
    cloud: Cloud;
    account: string;
    /** The default region (the first listed): `aws-region` of the AWS login. */
    region: string;
    /** Every region, space-separated. */
    regions: string;
    /**
     * The defaults of the logins when the entry is that cloud's ("" otherwise: the environment's
     * AWS_REGION, AZURE_SUBSCRIPTION_ID or GOOGLE_CLOUD_PROJECT variable then applies).
     */
    awsRegion: string;
    azureSubscription: string;
    gcpProject: string;
    environment: string;
    aws: boolean;
    azure: boolean;
    gcp: boolean;
    /** The stack configures Kubernetes clusters: the job gets their credentials through the clouds' plug-ins. */
    kubernetes: boolean;
    /** `pulumi login` URL; "" for the CLI's default (Pulumi Cloud, or PULUMI_BACKEND_URL). */
    backend: string;
}

export function deploymentJobs(d: Deployments, hasKubernetes: (stack: string) => boolean): DeploymentJob[] {
    return d.deployments.map((e) => ({
        stack: e.stack,
        cloud: e.cloud,
        account: e.account,
        region: e.regions[0],
        regions: e.regions.join(" "),
        awsRegion: e.cloud === "aws" ? e.regions[0] : "",
        azureSubscription: e.cloud === "azure" ? e.account : "",
        gcpProject: e.cloud === "gcp" ? e.account : "",
        environment: e.environment,
        aws: e.logins.includes("aws"),
        azure: e.logins.includes("azure"),
        gcp: e.logins.includes("gcp"),
        kubernetes: hasKubernetes(e.stack),
        backend: e.backend ?? "",
    }));
}

export interface SnapshotJob {
    /** `<cloud>-<account>`: the job's name and the artifact's. */
    name: string;
    cloud: Cloud;
    account: string;
    environment: string;
    /** The one cloud this job logs into for discovery, and its defaults (see DeploymentJob). */
    aws: boolean;
    azure: boolean;
    gcp: boolean;
    awsRegion: string;
    azureSubscription: string;
    gcpProject: string;
    /** The arguments of `npm run snapshot` that select this account's clusters. */
    discovery: string;
    store: string;
    storeRegion: string;
    /** "" for an AWS account: its own login writes the store; else the role assumed for the store. */
    storeRole: string;
    retain: number;
}

/**
 * One discovery job per account, subscription or project (two stacks in one account are one job,
 * with the union of their regions, through the first entry's environment).
 */
export function snapshotJobs(d: Deployments): SnapshotJob[] {
    const snap = d.snapshot;
    if (!snap) return [];
    const byAccount = new Map<string, { first: Deployment; regions: string[] }>();
    for (const e of d.deployments) {
        const key = `${e.cloud}-${e.account.toLowerCase()}`;
        const seen = byAccount.get(key);
        if (!seen) byAccount.set(key, { first: e, regions: [...e.regions] });
        else for (const r of e.regions) if (!seen.regions.includes(r)) seen.regions.push(r);
    }
    return [...byAccount.entries()].map(([name, { first, regions }]) => ({
        name,
        cloud: first.cloud,
        account: first.account,
        environment: first.environment,
        aws: first.cloud === "aws",
        azure: first.cloud === "azure",
        gcp: first.cloud === "gcp",
        awsRegion: first.cloud === "aws" ? regions[0] : "",
        azureSubscription: first.cloud === "azure" ? first.account : "",
        gcpProject: first.cloud === "gcp" ? first.account : "",
        discovery: discoveryArgs(first.cloud, first.account, regions),
        store: snap.store,
        storeRegion: snap.storeRegion,
        storeRole: first.cloud === "aws" ? "" : (snap.storeRole ?? ""),
        retain: snap.retain,
    }));
}

function discoveryArgs(cloud: Cloud, account: string, regions: string[]): string {
    switch (cloud) {
        case "aws":
            return ["--cloud aws", ...regions.map((r) => `--region ${r}`)].join(" ");
        case "azure":
            return `--cloud azure --subscription ${account}`;
        case "gcp":
            return `--cloud gcp --project ${account}`;
    }
}
