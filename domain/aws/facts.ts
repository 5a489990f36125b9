/**
 * The AWS facts (docs/sources.md: AWS, connectors) in one place. Components, config validation, tests and the
 * policy rules all read them from here, so a fact is never spelled twice.
 */
import { DEFENDER_AUDIENCE, MICROSOFT_ISSUER, MICROSOFT_TENANT_ID } from "../shared/microsoft";

export { DEFENDER_AUDIENCE, MICROSOFT_ISSUER, MICROSOFT_TENANT_ID };

/** The IAM OIDC provider's URL host and path: what IAM puts in the provider ARN and in condition keys. */
export const MICROSOFT_ISSUER_HOST_PATH = MICROSOFT_ISSUER.replace(/^https:\/\//, "");
/** Condition key on the token's audience, spelled from the provider URL as IAM does. */
export const AUDIENCE_CONDITION_KEY = `${MICROSOFT_ISSUER_HOST_PATH}:aud`;
export const SESSION_NAME_CONDITION_KEY = "sts:RoleSessionName";
/** Defender assumes the role with this session name followed by the customer's Azure tenant id. */
export const SESSION_NAME_PREFIX = "MicrosoftDefenderForClouds_";
/** Name of Microsoft's CloudFormation resource for the provider, kept as the default Pulumi name. */
export const OIDC_PROVIDER_TEMPLATE_NAME = "ASCDefendersOIDCIdentityProvider";

export const DEFAULT_ROLE_NAME = "MDCContainersAgentlessDiscoveryK8sRole";

/** Least privilege: exactly what discovery calls. */
export const LEAST_PRIVILEGE_ACTIONS = ["eks:UpdateClusterConfig", "eks:DescribeCluster"] as const;
/** What Microsoft's current default adds so that Defender can create the access entry itself. */
export const ACCESS_ENTRY_ACTIONS = [
    "eks:CreateAccessEntry",
    "eks:ListAccessEntries",
    "eks:AssociateAccessPolicy",
    "eks:ListAssociatedAccessPolicies",
] as const;

export const ACCESS_MODES = ["least-privilege", "access-entries"] as const;
export type AccessMode = (typeof ACCESS_MODES)[number];

/** Every action the discovery role may hold in each mode; never a wildcard. */
export const ACTIONS_BY_MODE: Record<AccessMode, readonly string[]> = {
    "least-privilege": [...LEAST_PRIVILEGE_ACTIONS],
    "access-entries": [...LEAST_PRIVILEGE_ACTIONS, ...ACCESS_ENTRY_ACTIONS],
};

/** Source ranges of Defender's discovery service: a restricted API endpoint must allow both. */
export const DEFENDER_CIDRS = ["172.212.245.192/28", "48.209.1.192/28"] as const;

export const AUTHENTICATION_MODES = ["API", "API_AND_CONFIG_MAP", "CONFIG_MAP"] as const;
export type AuthenticationMode = (typeof AUTHENTICATION_MODES)[number];
/** Modes in which EKS honours access entries. */
export const ACCESS_ENTRY_MODES: readonly AuthenticationMode[] = ["API", "API_AND_CONFIG_MAP"];

/** EKS access policies a stack may associate; view is the default, the rest are explicit opt-ins. */
export const EKS_ACCESS_POLICIES = [
    "AmazonEKSViewPolicy",
    "AmazonEKSAdminViewPolicy",
    "AmazonEKSEditPolicy",
    "AmazonEKSAdminPolicy",
    "AmazonEKSClusterAdminPolicy",
] as const;
export type EksAccessPolicy = (typeof EKS_ACCESS_POLICIES)[number];
export const DEFAULT_ACCESS_POLICY: EksAccessPolicy = "AmazonEKSViewPolicy";

/** Control-plane log types that agentless audit collection reads from CloudWatch. */
export const AUDIT_LOG_TYPES = ["audit", "authenticator"] as const;
export const CONTROL_PLANE_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"] as const;
export type ControlPlaneLogType = (typeof CONTROL_PLANE_LOG_TYPES)[number];

export const AWS_AUTH = { namespace: "kube-system", name: "aws-auth", key: "mapRoles" } as const;
/** Field manager of the aws-auth patch, so `kubectl get -o yaml --show-managed-fields` names this project. */
export const AWS_AUTH_FIELD_MANAGER = "agentless-discovery";
/** Kubernetes group the role is mapped to in aws-auth, bound to the read-only ClusterRole below. */
export const DEFAULT_READER_GROUP = "mdc-agentless-discovery-readers";
export const DEFAULT_READER_CLUSTER_ROLE = "mdc-agentless-discovery-reader";
export const SYSTEM_MASTERS = "system:masters";

/**
 * What the read-only ClusterRole grants: get/list/watch on what an inventory needs, listed by name
 * (no wildcard resources or verbs) and without Secrets.
 */
export const READER_RULES: readonly { apiGroups: string[]; resources: string[]; verbs: string[] }[] = [
    {
        apiGroups: [""],
        resources: [
            "namespaces",
            "nodes",
            "pods",
            "services",
            "endpoints",
            "serviceaccounts",
            "configmaps",
            "persistentvolumes",
            "persistentvolumeclaims",
            "replicationcontrollers",
            "events",
            "limitranges",
            "resourcequotas",
        ],
        verbs: ["get", "list", "watch"],
    },
    {
        apiGroups: ["apps"],
        resources: ["deployments", "daemonsets", "statefulsets", "replicasets"],
        verbs: ["get", "list", "watch"],
    },
    { apiGroups: ["batch"], resources: ["jobs", "cronjobs"], verbs: ["get", "list", "watch"] },
    {
        apiGroups: ["networking.k8s.io"],
        resources: ["ingresses", "ingressclasses", "networkpolicies"],
        verbs: ["get", "list", "watch"],
    },
    {
        apiGroups: ["rbac.authorization.k8s.io"],
        resources: ["roles", "rolebindings", "clusterroles", "clusterrolebindings"],
        verbs: ["get", "list", "watch"],
    },
    { apiGroups: ["policy"], resources: ["poddisruptionbudgets"], verbs: ["get", "list", "watch"] },
    {
        apiGroups: ["admissionregistration.k8s.io"],
        resources: ["validatingwebhookconfigurations", "mutatingwebhookconfigurations"],
        verbs: ["get", "list", "watch"],
    },
    { apiGroups: ["apiextensions.k8s.io"], resources: ["customresourcedefinitions"], verbs: ["get", "list", "watch"] },
];

export const ROLE_TAGS = { "agentless-discovery:purpose": "defender-discovery" } as const;

/** IAM partition of a region: China and GovCloud regions have their own. */
export function partitionOf(region: string): string {
    if (region.startsWith("cn-")) return "aws-cn";
    if (region.startsWith("us-gov-")) return "aws-us-gov";
    return "aws";
}

/** `<region>/<name>`: how config, notes and outputs name an EKS cluster (names repeat across regions). */
export function eksClusterKey(c: { region: string; name: string }): string {
    return `${c.region}/${c.name}`;
}

export function clusterArn(region: string, accountId: string, clusterName: string): string {
    return `arn:${partitionOf(region)}:eks:${region}:${accountId}:cluster/${clusterName}`;
}

export function accessPolicyArn(policy: EksAccessPolicy, region = "us-east-1"): string {
    return `arn:${partitionOf(region)}:eks::aws:cluster-access-policy/${policy}`;
}

export function oidcProviderArn(accountId: string, region: string): string {
    return `arn:${partitionOf(region)}:iam::${accountId}:oidc-provider/${MICROSOFT_ISSUER_HOST_PATH}`;
}

export function roleArn(accountId: string, roleName: string, region = "us-east-1", path = "/"): string {
    return `arn:${partitionOf(region)}:iam::${accountId}:role${path}${roleName}`;
}

/** The CLI command that turns on the audit log types a cluster lacks (for the manual-step note). */
export function enableLoggingCommand(clusterName: string, region: string, types: readonly string[]): string {
    const logging = JSON.stringify({ clusterLogging: [{ types: [...types], enabled: true }] });
    return `aws eks update-cluster-config --region ${region} --name ${clusterName} --logging '${logging}'`;
}

/** `arn:<partition>:iam::<account>:role[/path]/<name>`: an IAM role's ARN whose name is `roleName`. */
export function isRoleArn(arn: string, roleName: string): boolean {
    return /^arn:[a-z-]+:iam::\d{12}:role\//.test(arn) && arn.slice(arn.lastIndexOf("/") + 1) === roleName;
}
