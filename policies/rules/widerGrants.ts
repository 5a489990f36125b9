import { EKS_VIEW_POLICY, GKE_INVENTORY_ROLE_ID, WIDER_GRANT_KINDS, WIDER_GRANTS_CONFIG_KEY } from "../facts";
import { ResourceView, StackRule, StackRuleMessage } from "../types";
import { parseDocument } from "../iamDocuments";
import { documentProblems, onboardedClusters, pinnedAccounts, trustProblems } from "./eksDiscoveryRole";

/**
 * A grant wider than discovery needs, which a stack may still choose: an EKS access policy other
 * than view, Kubernetes groups on the role's access entry, system:masters in aws-auth, an adopted role whose permissions go
 * further than the stack's own would (or cannot be read), GKE's inventory role (every Secret), the
 * GCP organization scope. Each has a key, `<kind>:<subject>`, by which the stack's config
 * acknowledges it.
 */
export interface WiderGrant {
    key: string;
    /** Name of the resource that makes the grant. */
    resource: string;
    /** What the grant allows, for the message. */
    what: string;
}

const ACCESS_POLICY_ASSOCIATION = "aws:eks/accessPolicyAssociation:AccessPolicyAssociation";
const ACCESS_ENTRY = "aws:eks/accessEntry:AccessEntry";
const DISCOVERY_ROLE = "agentless:aws:DiscoveryRole";
const CLUSTER_ACCESS = "agentless:aws:EksClusterAccess";
const SETTINGS = "agentless:stack:Settings";

const text = (v: unknown): string => (typeof v === "string" ? v : "[unknown]");
const clusterOf = (r: ResourceView): string => `${text(r.inputs.region)}/${text(r.inputs.clusterName)}`;

function eksGrants(resources: readonly ResourceView[]): WiderGrant[] {
    const out: WiderGrant[] = [];
    for (const r of resources) {
        if (r.type === ACCESS_POLICY_ASSOCIATION) {
            const arn = text(r.inputs.policyArn);
            const policy = arn.split("/").pop()!;
            if (policy === EKS_VIEW_POLICY) continue;
            out.push({
                key: `eks-access-policy:${clusterOf(r)}:${policy}`,
                resource: r.name,
                what: `associates ${arn} with the discovery role's access entry on ${clusterOf(r)}, wider than ${EKS_VIEW_POLICY}`,
            });
        } else if (r.type === CLUSTER_ACCESS && r.inputs.mapToSystemMasters === true) {
            out.push({
                key: `eks-system-masters:${clusterOf(r)}`,
                resource: r.name,
                what: `maps the discovery role to system:masters in aws-auth on ${clusterOf(r)}: cluster-admin`,
            });
        } else if (r.type === ACCESS_ENTRY) {
            const groups = Array.isArray(r.inputs.kubernetesGroups) ? r.inputs.kubernetesGroups.map(text) : [];
            if (groups.length === 0) continue;
            out.push({
                key: `eks-access-entry-groups:${clusterOf(r)}`,
                resource: r.name,
                what: `the discovery role's access entry on ${clusterOf(r)} carries the Kubernetes groups ${groups.join(", ")}: whatever RBAC binds them to (system:masters is cluster-admin) is granted beside the access policy`,
            });
        }
    }
    return out;
}

/** An adopted role's inline and attached policies, as the lookup read them (docs/aws-discovery.md). */
interface AdoptedPolicies {
    inline: { name: string; document: unknown }[];
    attached: { arn: string; document?: unknown }[];
}

/** The discovery roles the stack adopted (read, not made). */
const adoptedRoles = (resources: readonly ResourceView[]) =>
    resources.filter((r) => r.type === DISCOVERY_ROLE && r.inputs.adopted?.role === true);

function adoptedRoleGrants(resources: readonly ResourceView[]): WiderGrant[] {
    const out: WiderGrant[] = [];
    const clusters = onboardedClusters(resources);
    const accounts = pinnedAccounts(resources);
    for (const r of adoptedRoles(resources)) {
        const roleName = text(r.inputs.roleName);
        const key = `eks-adopted-role:${roleName}`;
        const policies = r.inputs.adoptedRolePolicies as AdoptedPolicies | null | undefined;
        if (!policies || !Array.isArray(policies.inline) || !Array.isArray(policies.attached)) {
            out.push({
                key,
                resource: r.name,
                what: `the adopted discovery role ${roleName}'s permissions were not read (the lookup or the cloud-state file does not list its policies), so the gate could not judge them`,
            });
            continue;
        }
        const judge = { clusters, accounts, roleName };
        const problems = [
            ...policies.inline.flatMap((p) =>
                documentProblems(p.document, judge).map((m) => `inline policy ${p.name}: ${m}`),
            ),
            ...policies.attached.flatMap((p) =>
                p.document === undefined
                    ? [`managed policy ${p.arn}: its document was not read`]
                    : documentProblems(p.document, judge).map((m) => `managed policy ${p.arn}: ${m}`),
            ),
        ];
        if (problems.length > 0) {
            out.push({
                key,
                resource: r.name,
                what: `the adopted discovery role ${roleName} holds more than this stack would grant: ${problems.join("; ")}`,
            });
        }
    }
    return out;
}

/**
 * Who may assume an adopted role: its trust as the lookup read it, judged like the trust of the
 * role the stack makes. A second principal, audience or action lets someone besides Defender take
 * the role's access to every onboarded cluster.
 */
function adoptedTrustGrants(resources: readonly ResourceView[]): WiderGrant[] {
    const out: WiderGrant[] = [];
    for (const r of adoptedRoles(resources)) {
        const roleName = text(r.inputs.roleName);
        const key = `eks-adopted-trust:${roleName}`;
        const trust = r.inputs.adoptedRoleTrust;
        if (typeof trust !== "string") {
            out.push({
                key,
                resource: r.name,
                what: `the adopted discovery role ${roleName}'s trust policy was not read (the lookup or the cloud-state file does not give it), so the gate could not judge who may assume it`,
            });
            continue;
        }
        const { statements, error } = parseDocument(trust);
        const problems = error ? [error] : trustProblems(statements);
        if (problems.length > 0) {
            out.push({
                key,
                resource: r.name,
                what: `the adopted discovery role ${roleName} may be assumed by more than Defender: ${problems.join("; ")}`,
            });
        }
    }
    return out;
}

function gcpGrants(resources: readonly ResourceView[]): WiderGrant[] {
    const out: WiderGrant[] = [];
    for (const r of resources) {
        const role = text(r.inputs.role);
        const org = r.type.startsWith("gcp:organizations/") ? text(r.inputs.orgId) : undefined;
        if (r.type.endsWith("iAMMember:IAMMember") && role.endsWith(`/roles/${GKE_INVENTORY_ROLE_ID}`)) {
            const where = org ? `organization ${org}` : `project ${text(r.inputs.project)}`;
            out.push({
                key: `gke-inventory-role:${org ? `organizations/${org}` : `projects/${text(r.inputs.project)}`}`,
                resource: r.name,
                what: `grants ${GKE_INVENTORY_ROLE_ID} (container.secrets.list, container.nodes.proxy) in ${where}: Defender can list every Secret, values included, in every cluster there`,
            });
        }
        // Its type starts with gcp:organizations/, so `org` is read.
        if (r.type === "gcp:organizations/iAMMember:IAMMember") {
            out.push({
                key: `gcp-organization-scope:${org}`,
                resource: r.name,
                what: `grants ${role} on organization ${org}: it reaches the clusters of every project in the organization, not only the stack's`,
            });
        }
    }
    return out;
}

/** Every wider grant of a plan, one per key (the first resource that makes it). */
export function widerGrants(resources: readonly ResourceView[]): WiderGrant[] {
    const seen = new Set<string>();
    return [
        ...eksGrants(resources),
        ...adoptedRoleGrants(resources),
        ...adoptedTrustGrants(resources),
        ...gcpGrants(resources),
    ].filter((g) => {
        if (seen.has(g.key)) return false;
        seen.add(g.key);
        return true;
    });
}

/**
 * The keys the stack acknowledges. The program records them from its config on its settings
 * resource; a program that left them out would only make the gate stricter.
 */
function acknowledged(resources: readonly ResourceView[]): string[] {
    const v = resources.find((r) => r.type === SETTINGS)?.inputs.acknowledgedWiderGrants;
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
}

export const widerGrantsAcknowledged: StackRule = {
    kind: "stack",
    name: "wider-grants-acknowledged",
    description:
        `A grant wider than discovery needs (${WIDER_GRANT_KINDS.join(", ")}) fails a production stack unless ` +
        `${WIDER_GRANTS_CONFIG_KEY} names it; outside production, and once acknowledged, it is reported as advisory.`,
    enforcementLevel: "mandatory",
    takesProduction: true,
    validateStack(resources, ctx) {
        const acks = acknowledged(resources);
        const grants = widerGrants(resources);
        const out: StackRuleMessage[] = grants.map((g) =>
            acks.includes(g.key)
                ? {
                      resource: g.resource,
                      message: `wider grant ${g.key}, acknowledged in ${WIDER_GRANTS_CONFIG_KEY}: ${g.what}`,
                      advisory: true,
                  }
                : {
                      resource: g.resource,
                      message: `wider grant ${g.key}: ${g.what}; to accept it, acknowledge it with ${WIDER_GRANTS_CONFIG_KEY}: ["${g.key}"]`,
                      ...(ctx.production ? {} : { advisory: true }),
                  },
        );
        for (const key of acks.filter((k) => !grants.some((g) => g.key === k))) {
            out.push({
                resource: "",
                message: `${WIDER_GRANTS_CONFIG_KEY} names "${key}", which this plan does not grant; remove it`,
                advisory: true,
            });
        }
        return out;
    },
};
