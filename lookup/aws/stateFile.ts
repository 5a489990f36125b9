/**
 * The `aws` section of a cloud-state file: what exists in the stack's AWS account, answering the
 * AWS lookups of the offline plan (docs/aws-discovery.md lists every key). It is validated whole
 * on first use, with the config readers, so a mistake names the file, the key path and the value.
 */
import { ConfigError } from "../../lib/errors";
import { CLUSTER_NAME, awsRegion, endpoint, ROLE_NAME } from "../../config/aws";
import {
    isPlainObject,
    join,
    list,
    object,
    oneOf,
    optionalString,
    requiredString,
    StringRule,
    stringMap,
    unique,
} from "../../config/read";
import {
    AwsCloudLookup,
    DiscoveredEksCluster,
    ExistingAccessEntry,
    ExistingOidcProvider,
    ExistingRole,
    RolePolicies,
} from "./port";
import {
    accessPolicyArn,
    AUTHENTICATION_MODES,
    clusterArn,
    CONTROL_PLANE_LOG_TYPES,
    ControlPlaneLogType,
    DEFENDER_AUDIENCE,
    EKS_ACCESS_POLICIES,
    EksAccessPolicy,
    MICROSOFT_ISSUER_HOST_PATH,
    oidcProviderArn,
    roleArn,
} from "../../domain/aws/facts";
import { readSection } from "../stateFile";
import { fileSecurityConnectors } from "../connectors/stateFile";
import { LookupSource } from "../source";

export interface AwsStateCluster extends DiscoveredEksCluster {
    accessEntries: ExistingAccessEntry[];
    /** What the cluster's aws-auth ConfigMap holds in mapRoles, if the file says. */
    awsAuthMapRoles?: string;
}

export interface AwsCloudState {
    clusters: AwsStateCluster[];
    roles: (ExistingRole & { policies?: RolePolicies })[];
    oidcProvider?: ExistingOidcProvider;
}

export const AWS_STATE_KEYS = ["clusters", "roles", "oidcProvider"] as const;
export const AWS_STATE_CLUSTER_KEYS = [
    "name",
    "region",
    "arn",
    "authenticationMode",
    "endpoint",
    "enabledLogTypes",
    "tags",
    "accessEntries",
    "awsAuth",
] as const;

const IAM_ARN: StringRule = {
    expected: "an IAM role ARN such as arn:aws:iam::123456789012:role/Name",
    pattern: /^arn:(aws|aws-cn|aws-us-gov):iam::\d{12}:role\/[\w+=,.@/-]+$/,
};

function accessEntries(v: unknown, path: string, region: string): ExistingAccessEntry[] {
    return list(v, path, "access entries ({ principalArn, type, kubernetesGroups, tags, accessPolicies })").map(
        (item, i) => {
            const p = join(path, i);
            const raw = object(item, p, ["principalArn", "type", "kubernetesGroups", "tags", "accessPolicies"]);
            const groupsPath = join(p, "kubernetesGroups");
            const policiesPath = join(p, "accessPolicies");
            return {
                principalArn: requiredString(raw.principalArn, join(p, "principalArn"), IAM_ARN),
                type: oneOf(
                    raw.type,
                    join(p, "type"),
                    ["STANDARD", "EC2_LINUX", "EC2_WINDOWS", "FARGATE_LINUX", "EC2", "HYBRID_LINUX", "HYPERPOD_LINUX"],
                    "STANDARD",
                ),
                kubernetesGroups: list(raw.kubernetesGroups, groupsPath, "Kubernetes groups").map((g, j) =>
                    requiredString(g, join(groupsPath, j), { expected: "a Kubernetes group name" }),
                ),
                tags: stringMap(raw.tags, join(p, "tags")),
                clusterScopePolicyArns: list(
                    raw.accessPolicies,
                    policiesPath,
                    "EKS access policy names associated at cluster scope",
                ).map((a, j) => accessPolicy(a, join(policiesPath, j), region)),
            };
        },
    );
}

const ACCESS_POLICY_ARN = /^arn:(aws|aws-cn|aws-us-gov):eks::aws:cluster-access-policy\/[A-Za-z0-9]+$/;

/**
 * An access policy associated at cluster scope: one of the names this stack grants, or the ARN of
 * any other (EKS adds policies; `npm run cloud-state` writes those by ARN).
 */
function accessPolicy(v: unknown, path: string, region: string): string {
    if (typeof v === "string" && ACCESS_POLICY_ARN.test(v)) return v;
    if (typeof v === "string" && (EKS_ACCESS_POLICIES as readonly string[]).includes(v))
        return accessPolicyArn(v as EksAccessPolicy, region);
    throw new ConfigError(
        path,
        v,
        `one of ${EKS_ACCESS_POLICIES.join(", ")}, or an access policy ARN arn:aws:eks::aws:cluster-access-policy/<Name>`,
    );
}

/** The text of aws-auth's mapRoles; empty is allowed (a cluster whose aws-auth maps nothing yet). */
function mapRoles(v: unknown, path: string): string {
    if (typeof v !== "string")
        throw new ConfigError(
            path,
            v,
            "the mapRoles text of the cluster's aws-auth ConfigMap (a YAML list, as a string)",
        );
    return v;
}

function cluster(item: unknown, p: string, accountId: string): AwsStateCluster {
    const raw = object(item, p, AWS_STATE_CLUSTER_KEYS);
    if (item === undefined || item === null)
        throw new ConfigError(p, item, "a cluster { name, region, authenticationMode, ... }");
    const name = requiredString(raw.name, join(p, "name"), CLUSTER_NAME);
    const region = awsRegion(raw.region, join(p, "region"));
    const derived = clusterArn(region, accountId, name);
    const arn =
        optionalString(raw.arn, join(p, "arn"), {
            expected: `the cluster's ARN ${derived}`,
            pattern: new RegExp(`^arn:[a-z-]+:eks:${region}:\\d{12}:cluster/${name}$`),
        }) ?? derived;
    const logsPath = join(p, "enabledLogTypes");
    const authPath = join(p, "awsAuth");
    const auth = object(raw.awsAuth, authPath, ["mapRoles"]);
    return {
        name,
        region,
        arn,
        authenticationMode: oneOf(raw.authenticationMode, join(p, "authenticationMode"), AUTHENTICATION_MODES),
        endpoint: endpoint(raw.endpoint, join(p, "endpoint")),
        enabledLogTypes: list(raw.enabledLogTypes, logsPath, "control-plane log types").map((t, j) =>
            oneOf<ControlPlaneLogType>(t, join(logsPath, j), CONTROL_PLANE_LOG_TYPES),
        ),
        tags: stringMap(raw.tags, join(p, "tags")),
        accessEntries: accessEntries(raw.accessEntries, join(p, "accessEntries"), region),
        ...(auth.mapRoles !== undefined
            ? { awsAuthMapRoles: mapRoles(auth.mapRoles, join(authPath, "mapRoles")) }
            : {}),
    };
}

const POLICY_DOCUMENT = "an IAM policy document as a YAML mapping { Version, Statement }";
const MANAGED_POLICY_ARN = {
    expected:
        "a managed policy ARN such as arn:aws:iam::aws:policy/ReadOnlyAccess or arn:aws:iam::123456789012:policy/Name",
    pattern: /^arn:(aws|aws-cn|aws-us-gov):iam::(aws|\d{12}):policy\/[\w+=,.@/-]+$/,
};

/** A role's `policies`: `{ inline: [{ name, document }], attached: [{ arn, document }] }`, as IAM answers them. */
function rolePolicies(v: unknown, path: string): RolePolicies {
    const raw = object(v, path, ["inline", "attached"]);
    const doc = (d: unknown, p: string): string => {
        if (!isPlainObject(d)) throw new ConfigError(p, d, POLICY_DOCUMENT);
        return JSON.stringify(d);
    };
    const inlinePath = join(path, "inline");
    const inline = list(raw.inline, inlinePath, "inline policies ({ name, document })").map((x, i) => {
        const p = join(inlinePath, i);
        const o = object(x, p, ["name", "document"]);
        return {
            name: requiredString(o.name, join(p, "name"), { expected: "the inline policy's name" }),
            document: doc(o.document, join(p, "document")),
        };
    });
    unique(inline, inlinePath, (x) => x.name, "inline policy name");
    const attachedPath = join(path, "attached");
    const attached = list(raw.attached, attachedPath, "attached managed policies ({ arn, document })").map((x, i) => {
        const p = join(attachedPath, i);
        const o = object(x, p, ["arn", "document"]);
        return {
            arn: requiredString(o.arn, join(p, "arn"), MANAGED_POLICY_ARN),
            document: doc(o.document, join(p, "document")),
        };
    });
    unique(attached, attachedPath, (x) => x.arn, "attached policy ARN");
    return { inline, attached };
}

/** Reads and validates the section; `accountId` spells the ARNs the file leaves out. */
export function readAwsCloudState(v: unknown, path: string, accountId: string): AwsCloudState {
    const raw = object(v, path, AWS_STATE_KEYS);
    const clustersPath = join(path, "clusters");
    const clusters = list(raw.clusters, clustersPath, "EKS clusters").map((c, i) =>
        cluster(c, join(clustersPath, i), accountId),
    );
    unique(clusters, clustersPath, (c) => `${c.region}/${c.name}`, "cluster (region/name)");
    const rolesPath = join(path, "roles");
    const roles = list(raw.roles, rolesPath, "IAM roles ({ name, arn, tags })").map((r, i) => {
        const p = join(rolesPath, i);
        const rr = object(r, p, ["name", "arn", "tags", "trustPolicy", "policies"]);
        const name = requiredString(rr.name, join(p, "name"), ROLE_NAME);
        const trustPath = join(p, "trustPolicy");
        if (rr.trustPolicy !== undefined && !isPlainObject(rr.trustPolicy))
            throw new ConfigError(
                trustPath,
                rr.trustPolicy,
                "the role's trust policy as a YAML mapping { Version, Statement }",
            );
        return {
            name,
            arn: optionalString(rr.arn, join(p, "arn"), IAM_ARN) ?? roleArn(accountId, name),
            tags: stringMap(rr.tags, join(p, "tags")),
            ...(rr.trustPolicy !== undefined ? { trustPolicy: JSON.stringify(rr.trustPolicy) } : {}),
            ...(rr.policies !== undefined && rr.policies !== null
                ? { policies: rolePolicies(rr.policies, join(p, "policies")) }
                : {}),
        };
    });
    unique(roles, rolesPath, (r) => r.name, "role name");
    const oidcPath = join(path, "oidcProvider");
    let oidcProvider: ExistingOidcProvider | undefined;
    if (raw.oidcProvider !== undefined && raw.oidcProvider !== null) {
        const o = object(raw.oidcProvider, oidcPath, ["arn", "clientIds", "tags"]);
        const expectedArn = oidcProviderArn(accountId, "us-east-1");
        const arn =
            optionalString(o.arn, join(oidcPath, "arn"), {
                expected: `the provider for Microsoft's issuer, arn:<partition>:iam::<account>:oidc-provider/${MICROSOFT_ISSUER_HOST_PATH}`,
                pattern:
                    /^arn:[a-z-]+:iam::\d{12}:oidc-provider\/sts\.windows\.net\/33e01921-4d64-4f8c-a055-5bdaffd5e33d\/?$/,
            }) ?? expectedArn;
        const idsPath = join(oidcPath, "clientIds");
        const clientIds =
            o.clientIds === undefined
                ? [DEFENDER_AUDIENCE]
                : list(o.clientIds, idsPath, "client ids (audiences)").map((c, j) =>
                      requiredString(c, join(idsPath, j), {
                          expected: "a client id such as api://6610e979-c931-41ec-adc7-b9920c9d52f1",
                      }),
                  );
        oidcProvider = { arn, clientIds, tags: stringMap(o.tags, join(oidcPath, "tags")) };
    }
    return { clusters, roles, oidcProvider };
}

/** The file's aws section, read and checked on the first call; `accountId` spells the ARNs the file leaves out. */
export function fileAwsState(source: LookupSource, accountId: string): () => AwsCloudState {
    let state: AwsCloudState | undefined;
    return () =>
        (state ??= readSection(source.file(), "aws", (raw, keyPath) => readAwsCloudState(raw, keyPath, accountId)));
}

/**
 * The offline lookup: every answer from the state file's aws section (read and checked once). What
 * a cluster's aws-auth holds is not a lookup: the program reads the ConfigMap itself, and offline
 * the plan's mocks answer that read from the same file (plan/awsAuthReads.ts).
 */
export function fileAwsLookup(source: LookupSource, accountId: string): AwsCloudLookup {
    const get = fileAwsState(source, accountId);
    const find = (c: { region: string; name: string }) =>
        get().clusters.find((x) => x.region === c.region && x.name === c.name);
    return {
        description: source.description,
        listClusters: async (region) =>
            get()
                .clusters.filter((c) => c.region === region)
                .map(({ accessEntries: _e, awsAuthMapRoles: _a, ...facts }) => facts)
                // In code-unit order, as the live lookup sorts the names EKS lists (live.ts).
                .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
        findRole: async (name) => {
            const r = get().roles.find((x) => x.name === name);
            return (
                r && {
                    name: r.name,
                    arn: r.arn,
                    tags: r.tags,
                    ...(r.trustPolicy ? { trustPolicy: r.trustPolicy } : {}),
                }
            );
        },
        rolePolicies: async (name) => get().roles.find((r) => r.name === name)?.policies,
        findOidcProvider: async () => get().oidcProvider,
        findAccessEntry: async (c, principalArn) => find(c)?.accessEntries.find((e) => e.principalArn === principalArn),
        securityConnectors: fileSecurityConnectors(() => source.file()),
        close: () => undefined,
    };
}
