/**
 * IAM policy documents of the discovery role, as plain functions so that tests and the policy
 * pack can build and compare them without a Pulumi runtime.
 */
import {
    AccessMode,
    ACTIONS_BY_MODE,
    AUDIENCE_CONDITION_KEY,
    DEFENDER_AUDIENCE,
    LEAST_PRIVILEGE_ACTIONS,
    SESSION_NAME_CONDITION_KEY,
    SESSION_NAME_PREFIX,
} from "./facts";

export interface PolicyStatement {
    Sid: string;
    Effect: "Allow";
    Action: string | string[];
    Resource?: string[];
    Principal?: { Federated: string };
    Condition?: Record<string, Record<string, string | string[]>>;
}

export interface PolicyDocument {
    Version: "2012-10-17";
    Statement: PolicyStatement[];
}

/** Session name Defender uses when it assumes the role for this customer. */
export function sessionName(azureTenantId: string): string {
    return `${SESSION_NAME_PREFIX}${azureTenantId}`;
}

/**
 * Trust: only web identity tokens from Microsoft's tenant (through the given IAM OIDC provider),
 * only for Defender's application, and only in a session named for the customer's Azure tenant.
 */
export function trustPolicy(oidcProviderArn: string, azureTenantId: string): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "DefenderAgentlessDiscovery",
                Effect: "Allow",
                Principal: { Federated: oidcProviderArn },
                Action: "sts:AssumeRoleWithWebIdentity",
                Condition: {
                    StringEquals: {
                        [AUDIENCE_CONDITION_KEY]: DEFENDER_AUDIENCE,
                        [SESSION_NAME_CONDITION_KEY]: sessionName(azureTenantId),
                    },
                },
            },
        ],
    };
}

const listOf = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);

/**
 * Why an existing role (adopted, not managed) would not let Defender in as `trustPolicy` would:
 * no allow statement with web identity from `oidcProviderArn` under the audience and session-name
 * conditions. Undefined when one statement does. The message never contains the tenant id.
 */
export function adoptedTrustProblem(
    trustDocument: string,
    oidcProviderArn: string,
    azureTenantId: string,
): string | undefined {
    let doc: { Statement?: unknown } | null;
    try {
        doc = JSON.parse(trustDocument) as { Statement?: unknown } | null;
    } catch {
        return "its trust policy is not valid JSON";
    }
    // `null` (a document or a statement) reads as nothing rather than a TypeError.
    const ok = listOf(doc?.Statement).some((raw) => {
        const s = (raw ?? {}) as {
            Effect?: string;
            Action?: unknown;
            Principal?: { Federated?: unknown };
            Condition?: { StringEquals?: Record<string, unknown> };
        };
        const eq = s.Condition?.StringEquals ?? {};
        return (
            s.Effect === "Allow" &&
            listOf(s.Action).includes("sts:AssumeRoleWithWebIdentity") &&
            listOf(s.Principal?.Federated).includes(oidcProviderArn) &&
            listOf(eq[AUDIENCE_CONDITION_KEY]).includes(DEFENDER_AUDIENCE) &&
            listOf(eq[SESSION_NAME_CONDITION_KEY]).includes(sessionName(azureTenantId))
        );
    });
    return ok
        ? undefined
        : `its trust policy has no statement allowing sts:AssumeRoleWithWebIdentity from ${oidcProviderArn} with StringEquals ` +
              `${AUDIENCE_CONDITION_KEY} = ${DEFENDER_AUDIENCE} and ${SESSION_NAME_CONDITION_KEY} = ${SESSION_NAME_PREFIX}<azureTenantId>`;
}

/** The discovery role's own access entry on a cluster: `access-entry/<cluster>/role/<account>/<roleName>/<uuid>`. */
export function ownAccessEntryArnPattern(clusterArn: string, roleAccountId: string, roleName: string): string {
    return clusterArn.replace(/:cluster\/([^/]+)$/, `:access-entry/$1/role/${roleAccountId}/${roleName}/*`);
}

/** The role's ARN in the partition of the cluster ARN. */
function roleArnFor(clusterArn: string, roleAccountId: string, roleName: string): string {
    const partition = clusterArn.split(":")[1];
    return `arn:${partition}:iam::${roleAccountId}:role/${roleName}`;
}

/** Who the access-entry statements are for: the role itself, and the access policy each cluster gets. */
export interface OwnAccessEntry {
    roleName: string;
    roleAccountId: string;
    /** Access policy ARN per cluster ARN (the configured view policy by default). */
    accessPolicyArns: Record<string, string>;
}

/**
 * Permissions: `least-privilege` holds exactly DescribeCluster and UpdateClusterConfig on the listed
 * clusters; `access-entries` adds the four access-entry actions, each narrowed so the role can only
 * create its own entry (no Kubernetes groups) and only associate the configured access policy, at
 * cluster scope, with that entry. Without those conditions the role could associate
 * AmazonEKSClusterAdminPolicy with itself (docs/sources.md, AWS; docs/policies.md). Actions are always named, never `*`.
 */
export function permissionsPolicy(
    mode: AccessMode,
    clusterArns: readonly string[],
    own?: OwnAccessEntry,
): PolicyDocument {
    if (clusterArns.length === 0)
        throw new Error(
            "permissionsPolicy needs at least one cluster ARN: an IAM statement cannot have an empty Resource",
        );
    const arns = [...clusterArns].sort();
    const statements: PolicyStatement[] = [
        {
            Sid: "DescribeAndOpenClusters",
            Effect: "Allow",
            Action: [...LEAST_PRIVILEGE_ACTIONS],
            Resource: arns,
        },
    ];
    if (mode === "access-entries") {
        if (!own)
            throw new Error(
                "permissionsPolicy in access-entries mode needs the role's name, account and access policies: its statements are narrowed to the role's own access entry",
            );
        const entries = (list: readonly string[]) =>
            list.map((a) => ownAccessEntryArnPattern(a, own.roleAccountId, own.roleName));
        const roleArns = [...new Set(arns.map((a) => roleArnFor(a, own.roleAccountId, own.roleName)))];
        const policyOf = (a: string): string => {
            const p = own.accessPolicyArns[a];
            if (!p) throw new Error(`permissionsPolicy: no access policy ARN for cluster ${a}`);
            return p;
        };
        statements.push(
            { Sid: "ListAccessEntries", Effect: "Allow", Action: "eks:ListAccessEntries", Resource: arns },
            {
                Sid: "CreateOwnAccessEntry",
                Effect: "Allow",
                Action: "eks:CreateAccessEntry",
                Resource: arns,
                // Only an entry for this role, and without Kubernetes groups (a group could be bound to cluster-admin).
                Condition: {
                    StringEquals: { "eks:principalArn": roleArns.length === 1 ? roleArns[0] : roleArns },
                    Null: { "eks:kubernetesGroups": "true" },
                },
            },
            {
                Sid: "ListOwnAccessPolicies",
                Effect: "Allow",
                Action: "eks:ListAssociatedAccessPolicies",
                Resource: entries(arns),
            },
        );
        const byPolicy = new Map<string, string[]>();
        for (const a of arns) byPolicy.set(policyOf(a), [...(byPolicy.get(policyOf(a)) ?? []), a]);
        [...byPolicy.entries()]
            .sort(([x], [y]) => x.localeCompare(y))
            .forEach(([policy, clusters], i) => {
                statements.push({
                    Sid: byPolicy.size === 1 ? "AssociateOwnAccessPolicy" : `AssociateOwnAccessPolicy${i + 1}`,
                    Effect: "Allow",
                    Action: "eks:AssociateAccessPolicy",
                    Resource: entries(clusters),
                    Condition: { StringEquals: { "eks:policyArn": policy, "eks:accessScope": "cluster" } },
                });
            });
    }
    return { Version: "2012-10-17", Statement: statements };
}

/** Every action a document allows, flattened: what tests and policy rules compare to ACTIONS_BY_MODE. */
export function allowedActions(doc: PolicyDocument): string[] {
    return doc.Statement.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
}

export { ACTIONS_BY_MODE };
