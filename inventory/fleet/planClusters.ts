/**
 * The clusters a stack onboards, read from its plan document (`npm run plan -- --stack S --format
 * json`, plan/document.ts): per cluster, what the plan creates, adopts or reads for Defender's
 * access to it. The plan names them by its resources:
 *  - EKS: an `agentless:aws:EksClusterAccess` per cluster (`clusterName`, `region`) and its children
 *    (the access entry, whose principal ARN names the account, the policy association, the aws-auth patch);
 *  - AKS: a `TrustedAccessRoleBinding` per cluster (`resourceGroupName`, `resourceName`; the
 *    subscription from its import id or its source, the security operator's id);
 *  - Arc: Defender's `kubernetesconfiguration:Extension` on a `Microsoft.Kubernetes/connectedClusters`
 *    cluster (the subscription from its import id, else the stack's Defender plan's scope);
 *  - GKE: the grant of `roles/container.viewer` is project-wide, so the clusters are the plan's
 *    notes about `projects/P/locations/L/clusters/C` that are not `excluded` (stack/gcp/onboarding.ts
 *    writes one for every cluster its selection considered).
 */
import { ARC_DEFENDER_EXTENSION } from "../../domain/azure/facts";
import { ClusterRef, refKey } from "./clusterRef";

export interface OnboardedCluster {
    ref: ClusterRef;
    /** What the plan does for Defender's access to it: `access entry (adopted)`... */
    via: string[];
}

export interface StackPlan {
    stack: string;
    /** Where the plan was read from: named in every error. */
    source: string;
    clusters: OnboardedCluster[];
}

export class PlanClustersError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "PlanClustersError";
    }
}

interface Resource {
    type: string;
    name: string;
    parent: string;
    op: string;
    importId?: string;
    id?: string;
    inputs: Record<string, unknown>;
}

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

const OPS: Record<string, string> = { create: "created", import: "adopted", read: "read" };

const GKE_PATH = /^projects\/([^/]+)\/locations\/([^/]+)\/clusters\/([^/]+)$/;
const SUBSCRIPTION = /^\/?subscriptions\/([0-9a-fA-F-]{36})(?:\/|$)/;
const ACCOUNT_OF_ARN = /^arn:[a-z-]+:iam::(\d{12}):/;

function resourcesOf(doc: Record<string, unknown>, where: string): Resource[] {
    if (!Array.isArray(doc.resources))
        throw new PlanClustersError(
            `${where}: not a plan document (expected {"stack", "resources": [...], "notes": [...]}, as \`npm run plan -- --stack S --format json\` writes)`,
        );
    return doc.resources.map((r, i) => {
        if (!isMap(r) || typeof r.type !== "string" || typeof r.name !== "string" || !isMap(r.inputs))
            throw new PlanClustersError(
                `${where}: resources[${i}] needs "type" and "name" strings and an "inputs" object`,
            );
        if (typeof r.op !== "string" || !(r.op in OPS))
            throw new PlanClustersError(
                `${where}: resources[${i}] (${r.type} ${r.name}) has op ${JSON.stringify(r.op)}; a plan's ops are create, import, read`,
            );
        return {
            type: r.type,
            name: r.name,
            parent: typeof r.parent === "string" ? r.parent : "",
            op: r.op,
            ...(typeof r.importId === "string" ? { importId: r.importId } : {}),
            ...(typeof r.id === "string" ? { id: r.id } : {}),
            inputs: r.inputs,
        };
    });
}

/** An input the plan's own resource always has; its absence means the file is not what the plan wrote. */
function input(r: Resource, i: number, key: string, where: string): string {
    const v = r.inputs[key];
    if (typeof v !== "string" || !v)
        throw new PlanClustersError(`${where}: resources[${i}] (${r.type} ${r.name}) has no "inputs.${key}" string`);
    return v;
}

function op(r: Resource): string {
    return OPS[r.op];
}

/** The clusters one plan document onboards. `where` names the file in every error. */
export function planClusters(doc: unknown, where: string): StackPlan {
    if (!isMap(doc) || typeof doc.stack !== "string" || !doc.stack)
        throw new PlanClustersError(
            `${where}: not a plan document (expected {"stack", "resources": [...], "notes": [...]}, as \`npm run plan -- --stack S --format json\` writes)`,
        );
    const resources = resourcesOf(doc, where);
    const notes = doc.notes ?? [];
    if (!Array.isArray(notes)) throw new PlanClustersError(`${where}: "notes" must be a list`);
    notes.forEach((n, i) => {
        if (!isMap(n) || typeof n.kind !== "string" || typeof n.subject !== "string")
            throw new PlanClustersError(`${where}: notes[${i}] needs "kind" and "subject" strings`);
    });

    const byKey = new Map<string, OnboardedCluster>();
    const add = (ref: ClusterRef, via: string) => {
        const key = refKey(ref);
        const found = byKey.get(key);
        if (found) {
            if (!found.via.includes(via)) found.via.push(via);
        } else byKey.set(key, { ref, via: [via] });
    };
    const children = (name: string) => resources.filter((r) => r.parent === name);

    // The stack's own account and subscription, for resources that do not name theirs.
    const connector = resources.find((r) => r.type === "agentless:aws:DefenderConnector");
    const stackAccount =
        (typeof connector?.inputs.accountId === "string" && /^\d{12}$/.test(connector.inputs.accountId)
            ? connector.inputs.accountId
            : undefined) ??
        resources
            .filter((r) => r.type === "aws:eks/accessEntry:AccessEntry")
            .map((r) => ACCOUNT_OF_ARN.exec(String(r.inputs.principalArn ?? ""))?.[1])
            .find(Boolean);
    const pricing = resources.find((r) => r.type === "azure-native:security:Pricing");
    const stackSubscription = SUBSCRIPTION.exec(String(pricing?.inputs.scopeId ?? pricing?.importId ?? ""))?.[1];
    const subscriptionOf = (...ids: (string | undefined)[]) =>
        (ids.map((id) => SUBSCRIPTION.exec(id ?? "")?.[1]).find(Boolean) ?? stackSubscription)?.toLowerCase();

    resources.forEach((r, i) => {
        if (r.type === "agentless:aws:EksClusterAccess") {
            const name = input(r, i, "clusterName", where);
            const region = input(r, i, "region", where);
            const kids = children(r.name);
            const entry = kids.find((k) => k.type === "aws:eks/accessEntry:AccessEntry");
            const account = ACCOUNT_OF_ARN.exec(String(entry?.inputs.principalArn ?? ""))?.[1] ?? stackAccount;
            const ref: ClusterRef = { cloud: "aws", name, region, ...(account ? { account } : {}) };
            const via = kids.flatMap((k) => {
                if (k.type === "aws:eks/accessEntry:AccessEntry")
                    return [`access entry for ${String(k.inputs.principalArn ?? "")} (${op(k)})`];
                if (k.type === "aws:eks/accessPolicyAssociation:AccessPolicyAssociation") {
                    const policy = String(k.inputs.policyArn ?? "");
                    return [`${policy.slice(policy.lastIndexOf("/") + 1)} association (${op(k)})`];
                }
                if (k.type === "kubernetes:core/v1:ConfigMapPatch") return [`aws-auth mapRoles entry (${op(k)})`];
                if (k.type === "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding")
                    return [`ClusterRoleBinding for the mapped group (${op(k)})`];
                return [];
            });
            if (!via.length) add(ref, `EKS cluster access (${String(r.inputs.authenticationMode ?? "")})`);
            for (const v of via) add(ref, v);
        } else if (r.type === "azure-native:containerservice:TrustedAccessRoleBinding") {
            const subscription = subscriptionOf(r.importId, String(r.inputs.sourceResourceId ?? ""));
            add(
                {
                    cloud: "azure",
                    kind: "aks",
                    ...(subscription ? { subscription } : {}),
                    resourceGroup: input(r, i, "resourceGroupName", where),
                    name: input(r, i, "resourceName", where),
                },
                `trusted access role binding ${String(r.inputs.trustedAccessRoleBindingName ?? "")} (${op(r)})`,
            );
        } else if (r.type === "azure-native:kubernetesconfiguration:Extension") {
            // Only Defender's own extension onboards a cluster; Azure Policy's does not.
            const kind = r.inputs.clusterResourceName;
            if (r.inputs.extensionType !== ARC_DEFENDER_EXTENSION.extensionType) return;
            if (kind !== "connectedClusters" && kind !== "managedClusters") return;
            const subscription = subscriptionOf(r.importId);
            add(
                {
                    cloud: "azure",
                    kind: kind === "connectedClusters" ? "arc" : "aks",
                    ...(subscription ? { subscription } : {}),
                    resourceGroup: input(r, i, "resourceGroupName", where),
                    name: input(r, i, "clusterName", where),
                },
                `Defender extension ${ARC_DEFENDER_EXTENSION.extensionType} (${op(r)})`,
            );
        }
    });

    for (const n of notes as { kind: string; subject: string }[]) {
        const m = GKE_PATH.exec(n.subject);
        if (!m || n.kind === "excluded") continue;
        const [, project, location, name] = m;
        const grants = resources.filter(
            (r) =>
                r.type === "gcp:projects/iAMMember:IAMMember" &&
                r.inputs.role === "roles/container.viewer" &&
                r.inputs.project === project,
        );
        const ref: ClusterRef = { cloud: "gcp", project, location, name };
        if (!grants.length) add(ref, "listed by the plan (no roles/container.viewer grant in it)");
        for (const g of grants) add(ref, `roles/container.viewer for ${String(g.inputs.member ?? "")} (${op(g)})`);
    }
    return { stack: doc.stack, source: where, clusters: [...byKey.values()] };
}

/** Several stacks' plans; one stack given twice is a mistake, named with both files. */
export function checkDistinctStacks(plans: StackPlan[]): void {
    const seen = new Map<string, string>();
    for (const p of plans) {
        const before = seen.get(p.stack);
        if (before !== undefined)
            throw new PlanClustersError(`${p.source}: stack ${p.stack} is already given by ${before}`);
        seen.set(p.stack, p.source);
    }
}
