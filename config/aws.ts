import { ConnectorConfig, CONNECTOR_KEYS, loadConnector } from "./connector";
import { auditLogResourcePrefixes } from "./auditLogPrefixes";
import { ConfigError } from "../lib/errors";
import { ClusterFilter, FilterShape, readFilters } from "./clusterFilters";
import {
    bool,
    GUID_RULE,
    isPlainObject,
    join,
    list,
    object,
    oneOf,
    optionalString,
    requiredString,
    StringRule,
    stringWithDefault,
    unique,
} from "./read";
import {
    ACCESS_MODES,
    AccessMode,
    AuthenticationMode,
    ControlPlaneLogType,
    DEFAULT_ACCESS_POLICY,
    DEFAULT_READER_CLUSTER_ROLE,
    DEFAULT_READER_GROUP,
    DEFAULT_ROLE_NAME,
    EKS_ACCESS_POLICIES,
    EksAccessPolicy,
    eksClusterKey,
    MICROSOFT_ISSUER_HOST_PATH,
} from "../domain/aws/facts";
import { AWS_AUTH_EXISTING_CHOICES, AwsAuthExisting } from "../domain/aws/awsAuth";
import { awsRegionProblem } from "../domain/aws/regions";
import { lookupConcurrency } from "./lookupConcurrency";
import { AUDIT_LOG_ROLE_KEYS, AuditLogRoleKey, DEFAULT_AUDIT_LOG_ROLE_NAMES } from "../domain/aws/auditLogFacts";

export interface EksEndpoint {
    publicAccess: boolean;
    privateAccess: boolean;
    /** CIDRs allowed to reach the public endpoint; EKS's default is 0.0.0.0/0. */
    publicAccessCidrs: string[];
}

/** A cluster the stack onboards: discovered facts plus the stack's settings for it. */
export interface EksCluster {
    name: string;
    region: string;
    arn: string;
    authenticationMode: AuthenticationMode;
    tags: Record<string, string>;
    excluded: boolean;
    endpoint: EksEndpoint;
    /** Access policy of the access entry (API and API_AND_CONFIG_MAP clusters). */
    accessPolicy: EksAccessPolicy;
    /** CONFIG_MAP clusters: map the role to system:masters instead of the read-only group. */
    mapToSystemMasters: boolean;
    /** Control-plane log types already on; audit and authenticator are asked for when missing. */
    enabledLogTypes: ControlPlaneLogType[];
    /** The stack turns on audit and authenticator itself; enabledLogTypes then only informs the plan. */
    manageLogging: boolean;
    /** The stack enables a public endpoint restricted to Defender's CIDRs (added to the existing ones). */
    defenderEndpointAccess: boolean;
}

/** Per-cluster settings (aws.overrides."<region>/<name>"); facts come from discovery. */
export interface EksClusterOverride {
    accessPolicy?: EksAccessPolicy;
    mapToSystemMasters?: boolean;
    manageLogging?: boolean;
    defenderEndpointAccess?: boolean;
}

export interface AwsConnectorConfig extends ConnectorConfig {
    /** On: the stack creates the pipeline's four roles and passes their ARNs; off: neither. */
    auditLogsAutoProvisioning: boolean;
    auditLogRoleNames: Record<AuditLogRoleKey, string>;
    /** Actions added to a pipeline role (its permissions are inferred; see docs/sources.md). */
    auditLogExtraActions: Partial<Record<AuditLogRoleKey, string[]>>;
    /** Name prefixes of the stream, queue and bucket Defender creates; the pipeline roles reach only those. */
    auditLogResourcePrefixes: string[];
}

// An IAM action with no wildcard: least privilege is the point of listing them.
const EXACT_ACTION: StringRule = {
    expected: "an IAM action without wildcards, such as firehose:ListTagsForDeliveryStream",
    pattern: /^[a-z0-9-]+:[A-Za-z0-9]+$/,
};

export interface AwsConfig {
    accountId: string;
    /** Region of the AWS provider; each cluster names its own region. */
    region: string;
    roleName: string;
    accessMode: AccessMode;
    /** An existing IAM OIDC provider for Microsoft's issuer; when set, none is created. */
    oidcProviderArn?: string;
    oidcThumbprints: string[];
    accessPolicy: EksAccessPolicy;
    /** `existing`: what to do with an aws-auth entry for the role with other groups (aws.awsAuthExisting). */
    awsAuth: { username: string; group: string; clusterRoleName: string; existing: AwsAuthExisting };
    /** Regions whose EKS clusters are discovered. */
    regions: string[];
    /** Explicit-list mode: only these clusters (each must exist); undefined: every discovered one. */
    clusters?: { region: string; name: string }[];
    /** Name-glob and tag filters (docs/cluster-selection.md); empty: none. */
    include: ClusterFilter[];
    exclude: ClusterFilter[];
    /** Per-cluster settings keyed by `<region>/<name>`; each must name a discovered cluster. */
    overrides: Record<string, EksClusterOverride>;
    connector?: AwsConnectorConfig;
    /** EKS lookup calls in flight at once per region (aws.lookupConcurrency). */
    lookupConcurrency: number;
}

const ACCOUNT_ID: StringRule = {
    expected: 'a 12-digit AWS account id such as "123456789012" (quoted, so that leading zeros survive)',
    pattern: /^\d{12}$/,
};
const REGION: StringRule = {
    expected: "an AWS region name such as eu-west-1",
    pattern: /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$/,
};
// IAM role names: 1 to 64 characters of letters, digits and + = , . @ _ -.
export const ROLE_NAME: StringRule = {
    expected: "an IAM role name: 1 to 64 characters, letters, digits and + = , . @ _ -",
    pattern: /^[\w+=,.@-]{1,64}$/,
};
// EKS cluster names: 1 to 100 characters, starting alphanumeric, then letters, digits, - and _.
export const CLUSTER_NAME: StringRule = {
    expected:
        "an EKS cluster name: 1 to 100 characters, starting with a letter or digit, then letters, digits, - and _",
    pattern: /^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/,
};
const OIDC_ARN_SHAPE = `arn:aws:iam::<account id>:oidc-provider/${MICROSOFT_ISSUER_HOST_PATH}`;
const OIDC_ARN = /^arn:(aws|aws-cn|aws-us-gov):iam::(\d{12}):oidc-provider\/(.+)$/;
const THUMBPRINT: StringRule = {
    expected: "a SHA-1 thumbprint: 40 hexadecimal characters",
    pattern: /^[0-9a-fA-F]{40}$/,
};
const CIDR = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}\/([0-9]|[12]\d|3[0-2])$/;
const K8S_NAME: StringRule = {
    expected: "a Kubernetes name: 1 to 63 lower-case letters, digits, '-' and '.', starting and ending alphanumeric",
    pattern: /^[a-z0-9]([-a-z0-9.]{0,61}[a-z0-9])?$/,
};
const K8S_SUBJECT: StringRule = {
    expected:
        "a Kubernetes user or group name: 1 to 253 characters without spaces, not starting with system: (reserved)",
    pattern: /^(?!system:)\S{1,253}$/,
};

/** Account ids are strings; YAML turns an unquoted one into a number, which is accepted if it has 12 digits. */
function accountId(v: unknown, path: string): string {
    const s = Number.isInteger(v) ? String(v) : v;
    return requiredString(s, path, ACCOUNT_ID);
}

/** The endpoint facts of a cluster (cloud-state files): public/private access and the public CIDRs. */
export function endpoint(v: unknown, path: string): EksEndpoint {
    const raw = object(v, path, ["publicAccess", "privateAccess", "publicAccessCidrs"]);
    const publicAccess = bool(raw.publicAccess, join(path, "publicAccess"), true);
    const privateAccess = bool(raw.privateAccess, join(path, "privateAccess"), false);
    if (!publicAccess && !privateAccess) {
        throw new ConfigError(
            join(path, "publicAccess"),
            false,
            "true, or privateAccess true: an EKS endpoint is public, private or both",
        );
    }
    const cidrsPath = join(path, "publicAccessCidrs");
    const cidrs = list(raw.publicAccessCidrs, cidrsPath, "IPv4 CIDR blocks").map((c, i) => {
        if (typeof c !== "string" || !CIDR.test(c))
            throw new ConfigError(join(cidrsPath, i), c, "an IPv4 CIDR block such as 203.0.113.0/24");
        return c;
    });
    return {
        publicAccess,
        privateAccess,
        publicAccessCidrs: raw.publicAccessCidrs === undefined ? ["0.0.0.0/0"] : cidrs,
    };
}

/** An AWS region, checked as discovery checks `--region` (domain/aws/regions.ts). */
export function awsRegion(v: unknown, path: string): string {
    const r = requiredString(v, path, REGION);
    const problem = awsRegionProblem(r);
    // Discovery's wording names the flag; here only what it expects is kept.
    const expected = "; expected ";
    if (problem)
        throw new ConfigError(path, r, `an AWS region: ${problem.slice(problem.indexOf(expected) + expected.length)}`);
    return r;
}

export const CLUSTER_KEY_EXPECTED = 'a cluster as "<region>/<name>", such as "eu-west-1/eks-prod"';

/** `<region>/<name>` of a cluster in config keys and lists. */
export function clusterRef(v: unknown, path: string): { region: string; name: string } {
    if (typeof v !== "string" || !v.includes("/")) throw new ConfigError(path, v, CLUSTER_KEY_EXPECTED);
    const [region, ...rest] = v.split("/");
    if (awsRegionProblem(region))
        throw new ConfigError(path, v, `${CLUSTER_KEY_EXPECTED}; ${JSON.stringify(region)} is not an AWS region`);
    const name = rest.join("/");
    if (!CLUSTER_NAME.pattern!.test(name))
        throw new ConfigError(path, v, `${CLUSTER_KEY_EXPECTED}; after the "/": ${CLUSTER_NAME.expected}`);
    return { region, name };
}

// A fact that discovery now reads from the cluster: naming it in config is a leftover to remove.
const DISCOVERED_FACTS = ["authenticationMode", "endpoint", "tags", "enabledLogTypes"];

function explicitClusters(
    v: unknown,
    path: string,
    regions: readonly string[],
): { region: string; name: string }[] | undefined {
    if (v === undefined || v === null) return undefined;
    const items = list(v, path, 'clusters as "<region>/<name>"').map((item, i) => {
        const p = join(path, i);
        if (isPlainObject(item)) {
            const fact = DISCOVERED_FACTS.find((k) => k in item);
            throw new ConfigError(
                p,
                item,
                `${CLUSTER_KEY_EXPECTED}: clusters and their facts${fact ? ` (${fact})` : ""} are discovered; per-cluster settings go under aws.overrides`,
            );
        }
        const ref = clusterRef(item, p);
        if (!regions.includes(ref.region))
            throw new ConfigError(
                p,
                item,
                `a cluster in one of aws.regions (${regions.join(", ")}): discovery reads only those`,
            );
        return ref;
    });
    if (items.length === 0)
        throw new ConfigError(
            path,
            v,
            "at least one cluster; leave aws.clusters out to onboard every discovered cluster",
        );
    unique(items, path, eksClusterKey, "cluster (region/name)");
    return items;
}

const FILTER: FilterShape = {
    nameGlob: {
        expected: 'a cluster name glob (* and ? wildcards), or "<region glob>/<name glob>"',
        pattern: /^[A-Za-z0-9_*?-]+(\/[A-Za-z0-9_*?-]+)?$/,
    },
    tagsKey: "tags",
};

function overrides(v: unknown, path: string, regions: readonly string[]): Record<string, EksClusterOverride> {
    if (v === undefined || v === null) return {};
    if (!isPlainObject(v)) throw new ConfigError(path, v, `a map from ${CLUSTER_KEY_EXPECTED} to settings`);
    const out: Record<string, EksClusterOverride> = {};
    for (const [key, value] of Object.entries(v)) {
        const p = join(path, key);
        const ref = clusterRef(key, p);
        if (!regions.includes(ref.region))
            throw new ConfigError(p, value, `settings of a cluster in one of aws.regions (${regions.join(", ")})`);
        const raw = object(value, p, ["accessPolicy", "mapToSystemMasters", "manageLogging", "defenderEndpointAccess"]);
        const o: EksClusterOverride = {};
        if (raw.accessPolicy !== undefined)
            o.accessPolicy = oneOf(raw.accessPolicy, join(p, "accessPolicy"), EKS_ACCESS_POLICIES);
        if (raw.mapToSystemMasters !== undefined)
            o.mapToSystemMasters = bool(raw.mapToSystemMasters, join(p, "mapToSystemMasters"), false);
        if (raw.manageLogging !== undefined) o.manageLogging = bool(raw.manageLogging, join(p, "manageLogging"), false);
        if (raw.defenderEndpointAccess !== undefined)
            o.defenderEndpointAccess = bool(raw.defenderEndpointAccess, join(p, "defenderEndpointAccess"), false);
        out[eksClusterKey(ref)] = o;
    }
    return out;
}

function connector(v: unknown, path: string, account: string): AwsConnectorConfig | undefined {
    const raw = object(v, path, [
        ...CONNECTOR_KEYS,
        "auditLogsAutoProvisioning",
        "auditLogRoleNames",
        "auditLogExtraActions",
        "auditLogResourcePrefixes",
    ]);
    // The connector is opt-in on AWS: no block, no connector.
    const base = loadConnector(raw, path, `aws-${account}`, v !== undefined);
    if (!base) return undefined;
    const namesPath = join(path, "auditLogRoleNames");
    const namesRaw = object(raw.auditLogRoleNames, namesPath, AUDIT_LOG_ROLE_KEYS);
    const auditLogRoleNames = Object.fromEntries(
        AUDIT_LOG_ROLE_KEYS.map((k) => [
            k,
            stringWithDefault(namesRaw[k], join(namesPath, k), DEFAULT_AUDIT_LOG_ROLE_NAMES[k], ROLE_NAME),
        ]),
    ) as Record<AuditLogRoleKey, string>;
    const extraPath = join(path, "auditLogExtraActions");
    const extraRaw = object(raw.auditLogExtraActions, extraPath, AUDIT_LOG_ROLE_KEYS);
    const auditLogExtraActions: Partial<Record<AuditLogRoleKey, string[]>> = {};
    for (const k of AUDIT_LOG_ROLE_KEYS) {
        if (extraRaw[k] === undefined) continue;
        auditLogExtraActions[k] = list(extraRaw[k], join(extraPath, k), "IAM actions").map((a, i) =>
            requiredString(a, join(join(extraPath, k), i), EXACT_ACTION),
        );
    }
    return {
        ...base,
        auditLogsAutoProvisioning: bool(raw.auditLogsAutoProvisioning, join(path, "auditLogsAutoProvisioning"), true),
        auditLogRoleNames,
        auditLogExtraActions,
        auditLogResourcePrefixes: auditLogResourcePrefixes(
            raw.auditLogResourcePrefixes,
            join(path, "auditLogResourcePrefixes"),
        ),
    };
}

export function loadAwsConfig(v: unknown, path = "aws"): AwsConfig {
    const raw = object(v, path, [
        "accountId",
        "region",
        "regions",
        "roleName",
        "accessMode",
        "oidcProviderArn",
        "oidcThumbprints",
        "accessPolicy",
        "awsAuth",
        "awsAuthExisting",
        "clusters",
        "include",
        "exclude",
        "overrides",
        "connector",
        "lookupConcurrency",
    ]);
    if (v === undefined)
        throw new ConfigError(
            path,
            undefined,
            "an object with at least accountId and region (the stack's cloud is aws)",
        );
    const account = accountId(raw.accountId, join(path, "accountId"));
    const region = requiredString(raw.region, join(path, "region"), REGION);
    const regionsPath = join(path, "regions");
    const regions =
        raw.regions === undefined
            ? [region]
            : list(raw.regions, regionsPath, "AWS regions").map((r, i) => awsRegion(r, join(regionsPath, i)));
    if (regions.length === 0)
        throw new ConfigError(regionsPath, raw.regions, "at least one AWS region whose EKS clusters are discovered");
    unique(regions, regionsPath, (r) => r, "region");
    const roleName = stringWithDefault(raw.roleName, join(path, "roleName"), DEFAULT_ROLE_NAME, ROLE_NAME);

    const arnPath = join(path, "oidcProviderArn");
    const oidcProviderArn = optionalString(raw.oidcProviderArn, arnPath, {
        expected: `an IAM OIDC provider ARN ${OIDC_ARN_SHAPE}`,
    });
    if (oidcProviderArn !== undefined) {
        const m = OIDC_ARN.exec(oidcProviderArn);
        if (!m) throw new ConfigError(arnPath, oidcProviderArn, `an IAM OIDC provider ARN ${OIDC_ARN_SHAPE}`);
        if (m[2] !== account)
            throw new ConfigError(
                arnPath,
                oidcProviderArn,
                `a provider in this stack's account ${account}: a role trusts only providers of its own account`,
            );
        if (m[3].replace(/\/?$/, "/") !== MICROSOFT_ISSUER_HOST_PATH) {
            throw new ConfigError(arnPath, oidcProviderArn, `the provider for Microsoft's issuer, ${OIDC_ARN_SHAPE}`);
        }
    }
    const thumbPath = join(path, "oidcThumbprints");
    const oidcThumbprints = list(raw.oidcThumbprints, thumbPath, "SHA-1 thumbprints").map((t, i) =>
        requiredString(t, join(thumbPath, i), THUMBPRINT).toLowerCase(),
    );
    if (oidcProviderArn !== undefined && oidcThumbprints.length > 0) {
        throw new ConfigError(
            thumbPath,
            raw.oidcThumbprints,
            `no value while ${arnPath} names an existing provider: this stack does not manage that provider`,
        );
    }

    const accessPolicy = oneOf(
        raw.accessPolicy,
        join(path, "accessPolicy"),
        EKS_ACCESS_POLICIES,
        DEFAULT_ACCESS_POLICY,
    );
    const authPath = join(path, "awsAuth");
    const authRaw = object(raw.awsAuth, authPath, ["username", "group", "clusterRoleName"]);
    const awsAuth = {
        username: stringWithDefault(authRaw.username, join(authPath, "username"), roleName, K8S_SUBJECT),
        group: stringWithDefault(authRaw.group, join(authPath, "group"), DEFAULT_READER_GROUP, K8S_SUBJECT),
        clusterRoleName: stringWithDefault(
            authRaw.clusterRoleName,
            join(authPath, "clusterRoleName"),
            DEFAULT_READER_CLUSTER_ROLE,
            K8S_NAME,
        ),
        existing: oneOf<AwsAuthExisting>(
            raw.awsAuthExisting,
            join(path, "awsAuthExisting"),
            AWS_AUTH_EXISTING_CHOICES,
            "stop",
        ),
    };

    const clusters = explicitClusters(raw.clusters, join(path, "clusters"), regions);
    return {
        accountId: account,
        region,
        roleName,
        accessMode: oneOf<AccessMode>(raw.accessMode, join(path, "accessMode"), ACCESS_MODES, "least-privilege"),
        oidcProviderArn,
        oidcThumbprints,
        accessPolicy,
        awsAuth,
        regions,
        clusters,
        include: readFilters(raw.include, join(path, "include"), FILTER),
        exclude: readFilters(raw.exclude, join(path, "exclude"), FILTER),
        overrides: overrides(raw.overrides, join(path, "overrides"), regions),
        connector: connector(raw.connector, join(path, "connector"), account),
        lookupConcurrency: lookupConcurrency(raw.lookupConcurrency, join(path, "lookupConcurrency")),
    };
}

/** The customer's Azure tenant id (top-level key azureTenantId): what Defender's session name carries. */
export function loadAzureTenantId(v: unknown, path = "azureTenantId"): string {
    return requiredString(v, path, {
        ...GUID_RULE,
        expected: "the customer's Azure (Entra) tenant id, a GUID such as 00000000-0000-0000-0000-000000000000",
    }).toLowerCase();
}
