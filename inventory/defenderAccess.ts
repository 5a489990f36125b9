/**
 * Can Defender's discovery identity read this cluster? Judged from what the snapshot read: the
 * cluster's RBAC, the `aws-auth` mapRoles (EKS), and the cloud facts discovery reported (EKS
 * authentication mode and access entries, AKS trusted access role bindings, GKE project IAM).
 * The identities' names come from the domain facts and can be overridden, since Microsoft lets
 * customers choose them (and one AKS ClusterRole name is inferred: domain/azure/facts.ts).
 */
import { DEFAULT_ROLE_NAME, EKS_ACCESS_POLICIES, isRoleArn, SYSTEM_MASTERS } from "../domain/aws/facts";
import { MapRoleEntry } from "../domain/aws/awsAuth";
import { TRUSTED_ACCESS_CLUSTER_ROLES, TRUSTED_ACCESS_ROLE } from "../domain/azure/facts";
import { DEFAULT_SERVICE_ACCOUNT_NAME, VIEWER_ROLE } from "../domain/gcp/facts";
import { NormalObject } from "./normalise";

export type DefenderAccess =
    | { state: "granted"; cloud: AccessCloud; evidence: string[] }
    | { state: "missing"; cloud: AccessCloud; reason: string; remedy: string }
    | { state: "unknown"; cloud: AccessCloud | null; reason: string };

export type AccessCloud = "aws" | "azure" | "gcp";

/** The names of Defender's discovery identity that the verdict looks for. */
export interface DefenderIdentities {
    /** The IAM role's name (its ARN's last path segment) on EKS. */
    awsRoleName: string;
    /** The service account's name, or its whole email, on GKE. */
    gcpServiceAccount: string;
    /** ClusterRoles AKS binds a Defender trusted access role binding to. */
    aksClusterRoles: string[];
}

export const DEFAULT_IDENTITIES: DefenderIdentities = {
    awsRoleName: DEFAULT_ROLE_NAME,
    gcpServiceAccount: DEFAULT_SERVICE_ACCOUNT_NAME,
    aksClusterRoles: Object.values(TRUSTED_ACCESS_CLUSTER_ROLES),
};

/** What the snapshot learnt of `kube-system/aws-auth`: only its mapRoles entries are kept. */
export type AwsAuthRead =
    { state: "read"; mapRoles: MapRoleEntry[] } | { state: "absent" } | { state: "unreadable"; reason: string };

/** EKS access entries of the discovery role, as discovery lists them (lookup/discovery/eks.ts). */
export interface EksAccessEntryFact {
    principalArn: string;
    kubernetesGroups: string[];
    policies: { policyArn: string; accessScope: string }[];
}

interface Rule {
    apiGroups?: string[];
    resources?: string[];
    verbs: string[];
}

interface Binding {
    kind: string;
    namespace?: string;
    name: string;
    roleRef: { kind: string; name: string };
    subjects: { kind: string; name: string; namespace?: string }[];
}

const has = (list: string[] | undefined, v: string) => (list ?? []).includes(v) || (list ?? []).includes("*");

/** A rule set lets its holder list pods in every namespace: what an inventory needs first. */
export function rulesReadPods(rules: Rule[]): boolean {
    return rules.some((r) => has(r.apiGroups, "") && has(r.resources, "pods") && has(r.verbs, "list"));
}

/** The RBAC objects and node facts a verdict needs, gathered as the snapshot streams. */
export class AccessEvidence {
    readonly bindings: Binding[] = [];
    readonly clusterRoles = new Map<string, Rule[]>();
    /** The cloud the nodes' provider ids name (`aws:///`, `azure:///`, `gce://`). */
    nodeCloud: AccessCloud | undefined;
    /** The GCP project of the first `gce://PROJECT/ZONE/NAME` provider id. */
    nodeProject: string | undefined;

    add(o: NormalObject): void {
        if (o.kind === "ClusterRoleBinding" || o.kind === "RoleBinding") this.bindings.push(o as unknown as Binding);
        else if (o.kind === "ClusterRole") this.clusterRoles.set(o.name, (o.rules as Rule[]) ?? []);
        else if (o.kind === "Node" && !this.nodeCloud && typeof o.providerID === "string") {
            const id = o.providerID;
            if (id.startsWith("aws://")) this.nodeCloud = "aws";
            else if (id.startsWith("azure://")) this.nodeCloud = "azure";
            else if (id.startsWith("gce://")) {
                this.nodeCloud = "gcp";
                this.nodeProject = /^gce:\/\/([^/]+)\//.exec(id)?.[1];
            }
        }
    }
}

export interface AccessInput {
    /** The cluster's source (`kubeconfig` or the cloud that discovered it). */
    source: "kubeconfig" | AccessCloud;
    /** What discovery reported of the cluster (`identity.cloud`). */
    cloudFacts?: Record<string, unknown>;
    evidence: AccessEvidence;
    /** Kinds this snapshot could not read. */
    unread: ReadonlySet<string>;
    awsAuth?: AwsAuthRead;
}

const isList = (v: unknown): v is unknown[] => Array.isArray(v);

/** ClusterRoleBindings that give `subject` (a User or Group name) a ClusterRole that reads pods. */
function readingBindings(input: AccessInput, kind: "User" | "Group", name: string): string[] {
    const out: string[] = [];
    for (const b of input.evidence.bindings) {
        if (b.kind !== "ClusterRoleBinding" || b.roleRef.kind !== "ClusterRole") continue;
        if (!b.subjects.some((s) => s.kind === kind && s.name === name)) continue;
        const rules = input.evidence.clusterRoles.get(b.roleRef.name);
        if (rules && rulesReadPods(rules))
            out.push(
                `ClusterRoleBinding ${b.name} binds ${kind} ${name} to ClusterRole ${b.roleRef.name}, which lists pods`,
            );
    }
    return out;
}

function rbacUnread(input: AccessInput): string[] {
    return ["ClusterRoleBinding", "ClusterRole"].filter((k) => input.unread.has(k));
}

/** Whether a group reads the cluster: `system:masters` always does; any other through a ClusterRoleBinding. */
function groupsRead(input: AccessInput, groups: string[]): string[] {
    return groups.flatMap((g) =>
        g === SYSTEM_MASTERS ? [`group ${SYSTEM_MASTERS} holds every permission`] : readingBindings(input, "Group", g),
    );
}

function cloudOf(input: AccessInput): AccessCloud | undefined {
    return input.source !== "kubeconfig" ? input.source : input.evidence.nodeCloud;
}

function aws(input: AccessInput, ids: DefenderIdentities): DefenderAccess {
    const facts = input.cloudFacts ?? {};
    const mode = typeof facts.authenticationMode === "string" ? facts.authenticationMode : undefined;
    const useMap = mode !== "API";
    const useEntries = mode === "API" || mode === "API_AND_CONFIG_MAP";
    const evidence: string[] = [];
    const notRead: string[] = [];
    const found: string[] = [];
    if (useMap) {
        const a = input.awsAuth;
        if (a?.state === "read") {
            for (const e of a.mapRoles.filter((m) => isRoleArn(m.rolearn, ids.awsRoleName))) {
                found.push(`aws-auth maps ${e.rolearn} to group(s) ${e.groups.join(", ") || "(none)"}`);
                const via = groupsRead(input, e.groups);
                if (via.length) evidence.push(`aws-auth maps ${e.rolearn} to group(s) ${e.groups.join(", ")}`, ...via);
            }
        } else if (a?.state === "unreadable") notRead.push(`the aws-auth ConfigMap (${a.reason})`);
        else if (!a) notRead.push("the aws-auth ConfigMap");
    }
    if (useEntries) {
        const entries = facts.defenderAccessEntries;
        if (isList(entries)) {
            for (const e of entries as EksAccessEntryFact[]) {
                found.push(`access entry ${e.principalArn}`);
                const policies = e.policies.filter(
                    (p) =>
                        p.accessScope === "cluster" &&
                        (EKS_ACCESS_POLICIES as readonly string[]).includes(
                            p.policyArn.slice(p.policyArn.lastIndexOf("/") + 1),
                        ),
                );
                for (const p of policies)
                    evidence.push(`access entry ${e.principalArn} has ${p.policyArn} over the cluster`);
                const via = groupsRead(input, e.kubernetesGroups);
                if (via.length)
                    evidence.push(
                        `access entry ${e.principalArn} puts it in group(s) ${e.kubernetesGroups.join(", ")}`,
                        ...via,
                    );
            }
        } else
            notRead.push(
                `the EKS access entries (${typeof facts.accessEntriesError === "string" ? facts.accessEntriesError : "not listed by discovery"})`,
            );
    }
    if (evidence.length) return { state: "granted", cloud: "aws", evidence };
    const rbac = rbacUnread(input);
    if (found.length && rbac.length)
        return {
            state: "unknown",
            cloud: "aws",
            reason: `${found.join("; ")}, but ${rbac.join(" and ")} could not be read`,
        };
    if (notRead.length || mode === undefined)
        return {
            state: "unknown",
            cloud: "aws",
            reason: [
                ...(mode === undefined
                    ? ["the cluster's authentication mode is not known (snapshot it with --cloud aws)"]
                    : []),
                ...notRead.map((n) => `${n} could not be read`),
            ].join("; "),
        };
    const where = useEntries
        ? "an EKS access entry with AmazonEKSViewPolicy"
        : "an aws-auth mapRoles entry bound to a read-only ClusterRole";
    return {
        state: "missing",
        cloud: "aws",
        reason: found.length
            ? `${found.join("; ")}, but none of it grants read access`
            : `no ${useMap ? "aws-auth entry" : ""}${useMap && useEntries ? " or " : ""}${useEntries ? "access entry" : ""} for role ${ids.awsRoleName}`,
        remedy: `give role ${ids.awsRoleName} ${where}: run \`pulumi up\` for the stack that onboards this account`,
    };
}

/**
 * AKS: the trusted access role bindings discovery listed (lookup/discovery/aksTrustedAccess.ts) are
 * judged by their role, whatever their name (Defender's portal names its own), and the
 * ClusterRoleBinding AKS makes of one inside the cluster counts too. A list that could not be read
 * leaves the verdict unknown unless the cluster's RBAC shows the grant.
 */
function azure(input: AccessInput, ids: DefenderIdentities): DefenderAccess {
    const evidence = input.evidence.bindings
        .filter(
            (b) =>
                b.kind === "ClusterRoleBinding" &&
                b.roleRef.kind === "ClusterRole" &&
                ids.aksClusterRoles.includes(b.roleRef.name),
        )
        .map((b) => `ClusterRoleBinding ${b.name} binds ClusterRole ${b.roleRef.name} (AKS trusted access)`);
    const facts = input.cloudFacts ?? {};
    const bindings = facts.trustedAccessRoleBindings;
    const others: string[] = [];
    if (isList(bindings))
        for (const b of bindings as { name: string; roles: string[] }[])
            // Azure may return a name in another letter case than it was written in (docs/sources.md).
            if (b.roles.some((r) => r.toLowerCase() === TRUSTED_ACCESS_ROLE.toLowerCase()))
                evidence.push(`trusted access role binding ${b.name} grants ${TRUSTED_ACCESS_ROLE}`);
            else others.push(`${b.name} grants ${b.roles.length ? b.roles.join(", ") : "no role"}`);
    if (evidence.length) return { state: "granted", cloud: "azure", evidence };
    const noBinding = `no ClusterRoleBinding to ${ids.aksClusterRoles.join(" or ")}`;
    if (typeof facts.trustedAccessError === "string")
        return {
            state: "unknown",
            cloud: "azure",
            reason: `the trusted access role bindings could not be read (${facts.trustedAccessError})${input.unread.has("ClusterRoleBinding") ? " and ClusterRoleBinding could not be read" : ` and the cluster has ${noBinding}`}`,
        };
    if (!isList(bindings) && input.unread.has("ClusterRoleBinding"))
        return { state: "unknown", cloud: "azure", reason: "ClusterRoleBinding could not be read" };
    return {
        state: "missing",
        cloud: "azure",
        reason: isList(bindings)
            ? `no trusted access role binding grants ${TRUSTED_ACCESS_ROLE}${others.length ? ` (the cluster's: ${others.join("; ")})` : " (the cluster has none)"}${input.unread.has("ClusterRoleBinding") ? "" : ` and ${noBinding}`}`
            : noBinding,
        remedy: `create the trusted access role binding with role ${TRUSTED_ACCESS_ROLE}: turn on the AgentlessDiscoveryForKubernetes extension of the Defender plan, or run \`pulumi up\` for the stack that onboards this subscription`,
    };
}

/** The project of a GKE self link or `projects/P/locations/L/clusters/C` id. */
function projectOfId(id: unknown): string | undefined {
    return typeof id === "string" ? /projects\/([^/]+)\//.exec(id)?.[1] : undefined;
}

function gcp(input: AccessInput, ids: DefenderIdentities): DefenderAccess {
    const project = projectOfId(input.cloudFacts?.id) ?? input.evidence.nodeProject;
    const email = ids.gcpServiceAccount.includes("@")
        ? ids.gcpServiceAccount
        : project
          ? `${ids.gcpServiceAccount}@${project}.iam.gserviceaccount.com`
          : undefined;
    if (!email)
        return {
            state: "unknown",
            cloud: "gcp",
            reason: "the project is not known, so neither is the service account's email",
        };
    const evidence = readingBindings(input, "User", email);
    const roles = input.cloudFacts?.defenderProjectRoles;
    if (isList(roles) && roles.includes(VIEWER_ROLE))
        evidence.push(`project ${project} grants ${VIEWER_ROLE} to serviceAccount:${email}`);
    if (evidence.length) return { state: "granted", cloud: "gcp", evidence };
    if (!isList(roles)) {
        const why =
            typeof input.cloudFacts?.iamError === "string" ? input.cloudFacts.iamError : "not read by discovery";
        return {
            state: "unknown",
            cloud: "gcp",
            reason: `the project's IAM policy for serviceAccount:${email} could not be read (${why})`,
        };
    }
    const rbac = rbacUnread(input);
    if (rbac.length) return { state: "unknown", cloud: "gcp", reason: `${rbac.join(" and ")} could not be read` };
    return {
        state: "missing",
        cloud: "gcp",
        reason: `serviceAccount:${email} holds no ${VIEWER_ROLE} on project ${project} and no ClusterRoleBinding that lists pods`,
        remedy: `grant ${VIEWER_ROLE} to serviceAccount:${email}: run \`pulumi up\` for the stack that onboards this project`,
    };
}

/** The verdict for one cluster. */
export function defenderAccess(input: AccessInput, ids: DefenderIdentities = DEFAULT_IDENTITIES): DefenderAccess {
    const cloud = cloudOf(input);
    if (cloud === "aws") return aws(input, ids);
    if (cloud === "azure") return azure(input, ids);
    if (cloud === "gcp") return gcp(input, ids);
    return {
        state: "unknown",
        cloud: null,
        reason: input.unread.has("Node")
            ? "the cluster's cloud is not known: Node could not be read"
            : "the cluster's cloud is not known: it came from a kubeconfig and its nodes name no aws, azure or gce provider",
    };
}
