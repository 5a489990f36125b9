/**
 * IAM policy documents of the discovery role, as plain functions so that tests and the policy
 * pack can build and compare them without a Pulumi runtime.
 */
import {
    ACCESS_ENTRY_ACTIONS, AccessMode, ACTIONS_BY_MODE, AUDIENCE_CONDITION_KEY, DEFENDER_AUDIENCE, LEAST_PRIVILEGE_ACTIONS,
    SESSION_NAME_CONDITION_KEY, SESSION_NAME_PREFIX,
} from "./facts";

export interface PolicyStatement {
    Sid: string;
    Effect: "Allow";
    Action: string | string[];
    Resource?: string[];
    Principal?: { Federated: string };
    Condition?: Record<string, Record<string, string>>;
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
        Statement: [{
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
        }],
    };
}

/** Access entry ARNs of a cluster: `access-entry/<cluster>/...` in the cluster's region and account. */
export function accessEntryArnPattern(clusterArn: string): string {
    return clusterArn.replace(/:cluster\/([^/]+)$/, ":access-entry/$1/*");
}

/**
 * Permissions: `least-privilege` holds exactly DescribeCluster and UpdateClusterConfig on the listed
 * clusters; `access-entries` adds the four access-entry actions on those clusters and their access
 * entries. Actions are always named, never `*`; resources are always the listed clusters.
 */
export function permissionsPolicy(mode: AccessMode, clusterArns: readonly string[]): PolicyDocument {
    if (clusterArns.length === 0) throw new Error("permissionsPolicy needs at least one cluster ARN: an IAM statement cannot have an empty Resource");
    const arns = [...clusterArns].sort();
    const statements: PolicyStatement[] = [{
        Sid: "DescribeAndOpenClusters",
        Effect: "Allow",
        Action: [...LEAST_PRIVILEGE_ACTIONS],
        Resource: arns,
    }];
    if (mode === "access-entries") {
        statements.push({
            Sid: "ManageOwnAccessEntries",
            Effect: "Allow",
            Action: [...ACCESS_ENTRY_ACTIONS],
            // Create/ListAccessEntries act on the cluster, Associate/ListAssociated on its access entries.
            Resource: [...arns, ...arns.map(accessEntryArnPattern)],
        });
    }
    return { Version: "2012-10-17", Statement: statements };
}

/** Every action a document allows, flattened: what tests and policy rules compare to ACTIONS_BY_MODE. */
export function allowedActions(doc: PolicyDocument): string[] {
    return doc.Statement.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
}

export { ACTIONS_BY_MODE };
