import {
    AUDIENCE_CONDITION_KEY,
    DEFENDER_AUDIENCE,
    EKS_DISCOVERY_ACTIONS,
    EKS_READ_ACCESS_POLICIES,
    MICROSOFT_ISSUER_HOST_PATH,
    ROLE_PURPOSE_TAG,
    SESSION_NAME_CONDITION_KEY,
    SESSION_NAME_PREFIX,
} from "../facts";
import { asList, parseDocument, Statement, statementLabel } from "../iamDocuments";
import { ResourceView, StackRule, StackRuleMessage } from "../types";

/** The pack's own allow-list (policies/facts.ts), never the components' constants. */
export const ALLOWED_DISCOVERY_ACTIONS: readonly string[] = EKS_DISCOVERY_ACTIONS;

/** Roles the AWS stack marks as the discovery role. */
export function discoveryRoles(resources: readonly ResourceView[]): ResourceView[] {
    return resources.filter(
        (r) => r.type === "aws:iam/role:Role" && r.inputs.tags?.[ROLE_PURPOSE_TAG.key] === ROLE_PURPOSE_TAG.value,
    );
}

/** The role's name as a RolePolicy's `role` input refers to it (name, or the mock's id = name). */
function roleRefs(role: ResourceView): string[] {
    return [role.inputs.name, role.name].filter((x): x is string => typeof x === "string");
}

const refersTo = (value: unknown, refs: readonly unknown[]) => refs.includes(value);

/** The accounts the AWS provider is pinned to (the engine passes a list, the mock a JSON string). */
export function pinnedAccounts(resources: readonly ResourceView[]): string[] {
    return resources
        .filter((r) => r.type === "pulumi:providers:aws")
        .flatMap((p) => {
            const v: unknown = p.inputs.allowedAccountIds;
            let list = v;
            if (typeof v === "string") {
                try {
                    list = JSON.parse(v);
                } catch {
                    // Not JSON ("[unknown]" at preview): `list` stays the string, which pins nothing.
                }
            }
            return Array.isArray(list) ? list.map(String) : [];
        });
}

/** The clusters the plan onboards: one EksClusterAccess each, by region and name. */
export function onboardedClusters(resources: readonly ResourceView[]): { region: string; name: string }[] {
    return resources
        .filter(
            (r) =>
                r.type === "agentless:aws:EksClusterAccess" &&
                // Stryker disable next-line ConditionalExpression: a non-string name or region (unknown at preview) is never === to a name or region read from an ARN, the only use of these clusters
                typeof r.inputs.clusterName === "string" &&
                // Stryker disable next-line ConditionalExpression: as above
                typeof r.inputs.region === "string",
        )
        .map((r) => ({ region: r.inputs.region as string, name: r.inputs.clusterName as string }));
}

const ARN = /^arn:(aws|aws-cn|aws-us-gov):eks:([a-z0-9-]+):(\d{12}):(cluster|access-entry)\/(.+)$/;

export interface Judge {
    clusters: { region: string; name: string }[];
    accounts: string[];
    roleName: string;
}

/** Why a Resource is wider than the onboarded clusters and the role's own access entry, or undefined. */
function resourceProblem(target: string, j: Judge): string | undefined {
    const m = ARN.exec(target);
    if (!m) return `applies to "${target}"; expected the ARNs of the clusters this stack onboards`;
    const [, , region, account, kind, rest] = m;
    if (j.accounts.length > 0 && !j.accounts.includes(account))
        return `applies to "${target}" in account ${account}; the stack is pinned to ${j.accounts.join(", ")}`;
    if (kind === "cluster") {
        if (/[*?]/.test(target))
            return `applies to "${target}": a wildcard ARN covers clusters this stack does not onboard`;
        if (!j.clusters.some((c) => c.region === region && c.name === rest))
            return `applies to "${target}", a cluster this stack does not onboard`;
        return undefined;
    }
    // An access entry ARN ends in a UUID that is not known in advance: only that last part may be "*".
    const entry = /^([^/*?]+)\/role\/(\d{12})\/([^/*?]+)\/\*$/.exec(rest);
    if (!entry || entry[2] !== account || entry[3] !== j.roleName) {
        return `applies to "${target}"; an access entry ARN must be the role's own: access-entry/<cluster>/role/${account}/${j.roleName}/*`;
    }
    if (!j.clusters.some((c) => c.region === region && c.name === entry[1]))
        return `applies to "${target}", the entry on a cluster this stack does not onboard`;
    return undefined;
}

/** Exact values of a condition key under StringEquals or ArnEquals (no wildcard operators). */
function exactValues(s: Statement, key: string): string[] | undefined {
    for (const op of ["StringEquals", "ArnEquals"]) {
        const v = s.Condition?.[op]?.[key];
        if (v !== undefined) return asList(v);
    }
    return undefined;
}

const READ_POLICY = new RegExp(
    `^arn:(aws|aws-cn|aws-us-gov):eks::aws:cluster-access-policy/(${EKS_READ_ACCESS_POLICIES.join("|")})$`,
);

/** The conditions without which CreateAccessEntry and AssociateAccessPolicy let the role grant itself admin. */
function conditionProblems(s: Statement, actions: string[], roleName: string): string[] {
    const out: string[] = [];
    if (actions.includes("eks:CreateAccessEntry")) {
        const principals = exactValues(s, "eks:principalArn");
        const own = new RegExp(`^arn:(aws|aws-cn|aws-us-gov):iam::\\d{12}:role/${roleName.replace(/[.+]/g, "\\$&")}$`);
        if (!principals || principals.length === 0 || !principals.every((p) => own.test(p))) {
            out.push(
                `grants eks:CreateAccessEntry without the condition StringEquals eks:principalArn = the role's own ARN: it could create entries for any principal`,
            );
        }
    }
    if (actions.includes("eks:AssociateAccessPolicy")) {
        const policies = exactValues(s, "eks:policyArn");
        if (!policies || policies.length === 0 || !policies.every((p) => READ_POLICY.test(p))) {
            out.push(
                `grants eks:AssociateAccessPolicy without the condition StringEquals eks:policyArn = ${EKS_READ_ACCESS_POLICIES.join(" or ")}: it could associate AmazonEKSClusterAdminPolicy`,
            );
        }
    }
    return out;
}

export const eksDiscoveryRoleActions: StackRule = {
    kind: "stack",
    name: "eks-discovery-role-actions",
    description:
        `The EKS discovery role may only do ${ALLOWED_DISCOVERY_ACTIONS.join(", ")}, on exactly the clusters the stack onboards ` +
        "and its own access entry, with conditions on the access-entry grants; no NotAction, NotResource or managed policy.",
    enforcementLevel: "mandatory",
    validateStack(resources) {
        const out: StackRuleMessage[] = [];
        const clusters = onboardedClusters(resources);
        const accounts = pinnedAccounts(resources);
        for (const role of discoveryRoles(resources)) {
            const refs = roleRefs(role);
            const roleName = typeof role.inputs.name === "string" ? role.inputs.name : role.name;
            const judge: Judge = { clusters, accounts, roleName };
            const docs: { resource: string; doc: unknown }[] = [];
            for (const p of resources.filter(
                (r) => r.type === "aws:iam/rolePolicy:RolePolicy" && refersTo(r.inputs.role, refs),
            )) {
                docs.push({ resource: p.name, doc: p.inputs.policy });
            }
            for (const p of Array.isArray(role.inputs.inlinePolicies) ? role.inputs.inlinePolicies : [])
                docs.push({ resource: role.name, doc: p?.policy });
            for (const a of resources.filter(
                (r) => r.type === "aws:iam/rolePolicyAttachment:RolePolicyAttachment" && refersTo(r.inputs.role, refs),
            )) {
                out.push({
                    resource: a.name,
                    message: `attaches managed policy ${a.inputs.policyArn} to the discovery role; its permissions must be the inline least-privilege policy only`,
                });
            }
            for (const a of resources.filter(
                (r) =>
                    r.type === "aws:iam/policyAttachment:PolicyAttachment" &&
                    asList(r.inputs.roles).some((x) => refs.includes(x)),
            )) {
                out.push({
                    resource: a.name,
                    message: `attaches managed policy ${a.inputs.policyArn} to the discovery role; its permissions must be the inline least-privilege policy only`,
                });
            }
            for (const arn of Array.isArray(role.inputs.managedPolicyArns) ? role.inputs.managedPolicyArns : []) {
                out.push({ resource: role.name, message: `attaches managed policy ${arn} to the discovery role` });
            }
            for (const { resource, doc } of docs) {
                for (const message of documentProblems(doc, judge)) out.push({ resource, message });
            }
        }
        return out;
    },
};

/**
 * What is wrong with one permissions document of the discovery role, judged against the clusters
 * the stack onboards: the rule above uses it for the role the stack makes, the wider-grants rule for
 * a role the stack adopts (policies/rules/widerGrants.ts).
 */
export function documentProblems(doc: unknown, judge: Judge): string[] {
    if (doc === undefined || doc === "[unknown]" || doc === "[secret]")
        return ["the discovery role's policy is not known at preview; it cannot be judged"];
    const out: string[] = [];
    const { statements, error } = parseDocument(doc);
    if (error) out.push(error);
    statements.forEach((s, i) => {
        if (s.Effect === "Deny") return;
        const where = statementLabel(s, i);
        if (s.NotAction !== undefined)
            out.push(`${where} uses NotAction: the discovery role's actions must be listed one by one`);
        if (s.NotResource !== undefined)
            out.push(`${where} uses NotResource: the discovery role's resources must be listed one by one`);
        const actions = asList(s.Action);
        for (const a of actions) {
            if (!ALLOWED_DISCOVERY_ACTIONS.includes(a))
                out.push(`the discovery role is granted "${a}", outside ${ALLOWED_DISCOVERY_ACTIONS.join(", ")}`);
        }
        if (s.Resource === undefined && s.NotAction === undefined && s.NotResource === undefined)
            out.push(`${where} has no Resource`);
        for (const target of asList(s.Resource)) {
            const problem = resourceProblem(target, judge);
            if (problem) out.push(`${where} ${problem}`);
        }
        for (const message of conditionProblems(s, actions, judge.roleName)) out.push(`${where} ${message}`);
    });
    return out;
}

/**
 * What is wrong with a discovery role's trust policy: anything but web identity from Microsoft's
 * issuer, under Defender's audience and a tenant's session name. The rule below judges the role
 * the stack makes, the wider-grants rule a role the stack adopts (policies/rules/widerGrants.ts).
 */
export function trustProblems(statements: Statement[]): string[] {
    const allows = statements.filter((s) => s.Effect !== "Deny");
    if (allows.length === 0) return ["the trust policy allows nothing"];
    const out: string[] = [];
    allows.forEach((s, i) => {
        const where = statementLabel(s, i);
        const actions = asList(s.Action);
        if (actions.length !== 1 || actions[0] !== "sts:AssumeRoleWithWebIdentity") {
            out.push(`${where} allows ${JSON.stringify(s.Action)}; only sts:AssumeRoleWithWebIdentity is allowed`);
        }
        // A string Principal ("*") has no Federated, like a missing or null one.
        const federated = asList((s.Principal as { Federated?: string | string[] } | null | undefined)?.Federated);
        if (federated.length !== 1 || !federated[0].endsWith(`:oidc-provider/${MICROSOFT_ISSUER_HOST_PATH}`)) {
            out.push(
                `${where} trusts ${JSON.stringify(s.Principal)}; expected only the OIDC provider of ${MICROSOFT_ISSUER_HOST_PATH}`,
            );
        }
        const eq = s.Condition?.StringEquals ?? {};
        const aud = asList(eq[AUDIENCE_CONDITION_KEY]);
        if (aud.length !== 1 || aud[0] !== DEFENDER_AUDIENCE) {
            out.push(`${where} lacks the condition StringEquals ${AUDIENCE_CONDITION_KEY} = ${DEFENDER_AUDIENCE}`);
        }
        const session = asList(eq[SESSION_NAME_CONDITION_KEY]);
        if (session.length !== 1 || !session[0].startsWith(SESSION_NAME_PREFIX)) {
            out.push(
                `${where} lacks the condition StringEquals ${SESSION_NAME_CONDITION_KEY} = ${SESSION_NAME_PREFIX}<tenant id>`,
            );
        }
    });
    return out;
}

export const eksDiscoveryTrust: StackRule = {
    kind: "stack",
    name: "eks-discovery-trust",
    description:
        "The EKS discovery role trusts only web identity from Microsoft's issuer, with the audience and session-name conditions.",
    enforcementLevel: "mandatory",
    validateStack(resources) {
        const out: StackRuleMessage[] = [];
        for (const role of discoveryRoles(resources)) {
            const doc = role.inputs.assumeRolePolicy;
            if (doc === "[secret]" || doc === "[unknown]") continue;
            const { statements, error } = parseDocument(doc);
            for (const message of error ? [error] : trustProblems(statements))
                out.push({ resource: role.name, message });
        }
        return out;
    },
};
