import { ConfigError } from "../lib/errors";
import { awsRegionProblem, unlistedAwsRegion } from "../domain/aws/regions";
import { unlistedAzureLocation } from "../domain/azure/locations";
import { GUID_RULE, isPlainObject, join, list, object, oneOf, optionalString, requiredString, unique } from "./read";

/**
 * `stacks/deployments.yaml`: the stacks that are deployed for real, each with the account it lives
 * in and the GitHub environment that holds its OIDC identity. The workflows build their matrices
 * from it (`npm run deployments -- matrix`), so adding an account is adding an entry here.
 */

export const CLOUDS = ["aws", "azure", "gcp"] as const;
export type Cloud = (typeof CLOUDS)[number];

export const STALE_ACTIONS = ["warn", "fail"] as const;
export type StaleAction = (typeof STALE_ACTIONS)[number];

export interface Deployment {
    stack: string;
    cloud: Cloud;
    /** AWS account id, Azure subscription id or Google Cloud project id. */
    account: string;
    /** AWS regions, Azure locations, or Google Cloud regions and zones; the first is the default. */
    regions: string[];
    /** The GitHub environment whose variables name the OIDC identities (docs/gate-and-ci.md). */
    environment: string;
    /** Every cloud the job logs into: its own first, then the others the stack reads. */
    logins: Cloud[];
    /** The Pulumi backend (`pulumi login <url>`); absent: the Pulumi CLI's default. */
    backend?: string;
}

export interface Freshness {
    maxAgeDays: number;
    onStale: StaleAction;
}

export interface SnapshotStore {
    /** `s3://BUCKET[/PREFIX]`: the store `npm run snapshot -- --out` writes the history to. */
    store: string;
    storeRegion: string;
    /** The role the jobs of Azure and Google Cloud entries assume to write the store. */
    storeRole?: string;
    retain: number;
}

export interface Deployments {
    freshness: Freshness;
    snapshot?: SnapshotStore;
    deployments: Deployment[];
}

export const DEFAULT_FRESHNESS: Freshness = { maxAgeDays: 14, onStale: "warn" };
const DEFAULT_RETAIN = 60;

const STACK = {
    expected: 'a stack name: letters, digits, "-", "_" and "." (stacks/Pulumi.<stack>.yaml)',
    pattern: /^[\w.-]+$/,
};
// Limited to characters that need no quoting in a job's `environment:`, a log line or a file name.
const ENVIRONMENT = {
    expected: 'a GitHub environment name: 1 to 255 letters, digits, "-", "_" and "."',
    pattern: /^[\w.-]{1,255}$/,
};
const AWS_ACCOUNT = { expected: "a 12-digit AWS account id (quote it in YAML)", pattern: /^\d{12}$/ };
const GCP_PROJECT = {
    expected: "a Google Cloud project id: 6 to 30 lower-case letters, digits and hyphens, starting with a letter",
    pattern: /^[a-z][-a-z0-9]{4,28}[a-z0-9]$/,
};
const AZURE_LOCATION = { expected: "an Azure location such as westeurope", pattern: /^[a-z][a-z0-9]+$/ };
const GCP_LOCATION = {
    expected: "a Google Cloud region or zone such as europe-west1 or europe-west1-b",
    pattern: /^[a-z]+-[a-z]+\d(?:-[a-z])?$/,
};
const BACKEND = {
    expected:
        "a Pulumi backend URL: s3://BUCKET[/PREFIX][?region=R], azblob://CONTAINER, gs://BUCKET[/PREFIX], file://PATH or https://HOST (a Pulumi Cloud)",
    pattern: /^(s3|azblob|gs):\/\/[^\s/]+(\/\S*)?$|^file:\/\/\S+$|^https:\/\/[^\s/]+\/?$/,
};
const S3_STORE = {
    expected: "an S3 location s3://BUCKET[/PREFIX], the bucket in lower case",
    pattern: /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/\S*)?$/,
};
const ROLE_ARN = {
    expected: "an IAM role ARN such as arn:aws:iam::123456789012:role/snapshot-store",
    pattern: /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/,
};

function region(cloud: Cloud, v: unknown, path: string): string {
    switch (cloud) {
        case "aws": {
            const r = requiredString(v, path, { expected: "an AWS region such as eu-west-1" });
            const malformed = awsRegionProblem(r);
            if (malformed)
                throw new ConfigError(
                    path,
                    r,
                    malformed.replace(/^--region "[^"]*" is not an AWS region; expected /, "an AWS region: "),
                );
            const unlisted = unlistedAwsRegion(r, "the AWS SDK's region list");
            if (unlisted) throw new ConfigError(path, r, unlisted);
            return r;
        }
        case "azure": {
            const l = requiredString(v, path, AZURE_LOCATION);
            const unlisted = unlistedAzureLocation(l, "domain/azure/locations.ts");
            if (unlisted) throw new ConfigError(path, l, unlisted);
            return l;
        }
        case "gcp":
            return requiredString(v, path, GCP_LOCATION);
    }
}

function account(cloud: Cloud, v: unknown, path: string): string {
    switch (cloud) {
        case "aws":
            return requiredString(v, path, AWS_ACCOUNT);
        case "azure":
            return requiredString(v, path, {
                ...GUID_RULE,
                expected: `an Azure subscription id: ${GUID_RULE.expected}`,
            });
        case "gcp":
            return requiredString(v, path, GCP_PROJECT);
    }
}

function deployment(item: unknown, p: string): Deployment {
    const raw = object(item, p, ["stack", "cloud", "account", "regions", "environment", "logins", "backend"]);
    const stack = requiredString(raw.stack, join(p, "stack"), STACK);
    const cloud = oneOf(raw.cloud, join(p, "cloud"), CLOUDS);
    const acct = account(cloud, raw.account, join(p, "account"));
    const regionsPath = join(p, "regions");
    if (raw.regions === undefined || raw.regions === null)
        throw new ConfigError(regionsPath, undefined, "a list of at least one region: the first is the default");
    const regions = list(raw.regions, regionsPath, "regions").map((r, i) => region(cloud, r, join(regionsPath, i)));
    if (!regions.length)
        throw new ConfigError(regionsPath, raw.regions, "a list of at least one region: the first is the default");
    unique(regions, regionsPath, (r) => r, "region");
    const environment = requiredString(raw.environment, join(p, "environment"), ENVIRONMENT);
    const loginsPath = join(p, "logins");
    const others = list(raw.logins, loginsPath, "clouds").map((c, i) => oneOf(c, join(loginsPath, i), CLOUDS));
    others.forEach((c, i) => {
        if (c === cloud)
            throw new ConfigError(
                join(loginsPath, i),
                c,
                `a cloud other than the entry's own (${cloud}), which is always logged into: only the other clouds the stack reads`,
            );
    });
    unique(others, loginsPath, (c) => c, "cloud");
    const backend = optionalString(raw.backend, join(p, "backend"), BACKEND);
    return {
        stack,
        cloud,
        account: acct,
        regions,
        environment,
        logins: [cloud, ...others],
        ...(backend ? { backend } : {}),
    };
}

function freshness(v: unknown, p: string): Freshness {
    const raw = object(v, p, ["maxAgeDays", "onStale"]);
    const maxPath = join(p, "maxAgeDays");
    const max = raw.maxAgeDays ?? DEFAULT_FRESHNESS.maxAgeDays;
    if (typeof max !== "number" || !Number.isInteger(max) || max < 1 || max > 365)
        throw new ConfigError(maxPath, max, "a whole number of days from 1 to 365 (default 14)");
    return {
        maxAgeDays: max,
        onStale: oneOf(raw.onStale, join(p, "onStale"), STALE_ACTIONS, DEFAULT_FRESHNESS.onStale),
    };
}

function snapshot(v: unknown, p: string): SnapshotStore | undefined {
    if (v === undefined || v === null) return undefined;
    const raw = object(v, p, ["store", "storeRegion", "storeRole", "retain"]);
    const retain = raw.retain ?? DEFAULT_RETAIN;
    if (typeof retain !== "number" || !Number.isInteger(retain) || retain < 1 || retain > 10_000)
        throw new ConfigError(
            join(p, "retain"),
            retain,
            `a whole number of snapshots per cluster from 1 to 10000 (default ${DEFAULT_RETAIN})`,
        );
    const storeRole = optionalString(raw.storeRole, join(p, "storeRole"), ROLE_ARN);
    return {
        store: requiredString(raw.store, join(p, "store"), S3_STORE),
        storeRegion: region("aws", raw.storeRegion, join(p, "storeRegion")),
        ...(storeRole ? { storeRole } : {}),
        retain,
    };
}

/** Validates the parsed file; a bad value is a ConfigError naming its key path, the value and what is allowed. */
export function parseDeployments(doc: unknown): Deployments {
    if (doc === null || doc === undefined) return { freshness: DEFAULT_FRESHNESS, deployments: [] };
    if (!isPlainObject(doc))
        throw new ConfigError("(the file)", doc, "a mapping with keys freshness, snapshot, deployments");
    const raw = object(doc, "", ["freshness", "snapshot", "deployments"]);
    const deployments = list(
        raw.deployments,
        "deployments",
        "deployments ({ stack, cloud, account, regions, environment })",
    ).map((d, i) => deployment(d, join("deployments", i)));
    unique(deployments, "deployments", (d) => d.stack, "stack");
    const parsed: Deployments = { freshness: freshness(raw.freshness, "freshness"), deployments };
    const snap = snapshot(raw.snapshot, "snapshot");
    if (snap) {
        const other = deployments.findIndex((d) => d.cloud !== "aws");
        if (other >= 0 && !snap.storeRole)
            throw new ConfigError(
                "snapshot.storeRole",
                undefined,
                `${ROLE_ARN.expected}: the snapshot jobs of Azure and Google Cloud entries (deployments[${other}], ${deployments[other].stack}) log into AWS with it to write ${snap.store}`,
            );
        parsed.snapshot = snap;
    }
    return parsed;
}

/**
 * The clouds a stack's own configuration says it reads, beside its cloud, each with why: Azure for
 * an AWS or GCP connector (its subscription's security connectors), and the cloud of each
 * Kubernetes cluster (AKS and Arc on Azure, EKS on AWS, GKE on Google Cloud). `config` is the
 * stack file's `config` mapping as written (keys with or without the project's namespace).
 */
export function cloudsTheStackReads(config: Record<string, unknown>): {
    cloud?: string;
    account?: string;
    reads: Map<Cloud, string>;
} {
    const get = (k: string) => config[`agentless-discovery:${k}`] ?? config[k];
    const section = (k: string): Record<string, unknown> => {
        const v = get(k);
        return isPlainObject(v) ? v : {};
    };
    const rawCloud = get("cloud");
    const cloud = typeof rawCloud === "string" ? rawCloud : undefined;
    const known = (CLOUDS as readonly string[]).includes(cloud ?? "") ? (cloud as Cloud) : undefined;
    const reads = new Map<Cloud, string>();
    const accountKey = { aws: "accountId", azure: "subscriptionId", gcp: "projectId" } as const;
    const own = known ? section(known) : {};
    const acct = known ? own[accountKey[known]] : undefined;
    const connector = own.connector;
    if (isPlainObject(connector) && connector.enabled !== false && connector.enabled !== "false")
        reads.set("azure", "its connector's subscription");
    const byKind: Record<string, Cloud> = { aks: "azure", arc: "azure", eks: "aws", gke: "gcp" };
    const clusters = section("kubernetes").clusters;
    if (Array.isArray(clusters))
        for (const c of clusters)
            if (isPlainObject(c) && typeof c.kind === "string" && byKind[c.kind] && !reads.has(byKind[c.kind]))
                reads.set(byKind[c.kind], `its ${c.kind.toUpperCase()} cluster ${JSON.stringify(c.name)}`);
    if (known) reads.delete(known);
    return { cloud, account: typeof acct === "string" ? acct : undefined, reads };
}

/**
 * An entry that contradicts its stack's configuration: another cloud or account, or a cloud the
 * stack reads that the job would not log into. Returns the ConfigError, or undefined.
 */
export function entryAgainstStack(
    d: Deployment,
    index: number,
    config: Record<string, unknown>,
): ConfigError | undefined {
    const p = join("deployments", index);
    const file = `stacks/Pulumi.${d.stack}.yaml`;
    const facts = cloudsTheStackReads(config);
    if (facts.cloud !== undefined && facts.cloud !== d.cloud)
        return new ConfigError(join(p, "cloud"), d.cloud, `${JSON.stringify(facts.cloud)}, the cloud of ${file}`);
    if (facts.account !== undefined && facts.account !== d.account)
        return new ConfigError(
            join(p, "account"),
            d.account,
            `${JSON.stringify(facts.account)}, the account of ${file}`,
        );
    for (const [cloud, why] of facts.reads)
        if (!d.logins.includes(cloud))
            return new ConfigError(
                join(p, "logins"),
                d.logins.slice(1),
                `a list that includes ${cloud}: ${file} reads ${cloud} (${why}), so the job must log into it`,
            );
    return undefined;
}
