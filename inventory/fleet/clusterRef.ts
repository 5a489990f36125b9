/**
 * One cluster named the way a cloud names it, from a stack's plan or from a snapshot's recorded
 * identity (inventory/schema.ts ClusterIdentity), and the rule that says two names are one cluster.
 * Each cloud's rule follows how the cloud itself compares its ids:
 *  - EKS: an ARN `arn:PARTITION:eks:REGION:ACCOUNT:cluster/NAME`; names are case-sensitive and
 *    unique per account and region, so name, region and (when both sides know it) account.
 *  - AKS and Arc: an ARM resource id, which ARM compares without case: subscription, resource
 *    group and name, and the kind (a managed cluster is never a connected cluster).
 *  - GKE: project, location (a region or a zone) and name, as `projects/P/locations/L/clusters/C`
 *    or its self link, which spells a zonal location `zones/Z`.
 * A snapshot made through a kubeconfig records its context: `aws eks update-kubeconfig` names it
 * by the cluster's ARN and `gcloud container clusters get-credentials` `gke_PROJECT_LOCATION_NAME`,
 * which give the same identity; `az aks get-credentials` and `az connectedk8s proxy` name it by the
 * cluster's name alone, which matches an AKS or Arc cluster only by name (said so, and only when
 * one onboarded cluster has that name).
 */
import { ClusterIdentity } from "../schema";

export type ClusterRef =
    | { cloud: "aws"; name: string; region: string; account?: string }
    | { cloud: "azure"; kind: "aks" | "arc"; subscription?: string; resourceGroup: string; name: string }
    | { cloud: "gcp"; project: string; location: string; name: string };

/** How a snapshot was matched to an onboarded cluster: said in the report beside the match. */
export type MatchHow =
    | "EKS ARN"
    | "EKS name and region (the plan does not name the account)"
    | "EKS name and region (the snapshot records no account)"
    | "AKS resource id"
    | "Arc resource id"
    | "GKE project, location and name"
    | "kubeconfig context (EKS ARN)"
    | "kubeconfig context (gke_PROJECT_LOCATION_NAME)"
    | "kubeconfig context = cluster name only";

/** A readable name of an onboarded cluster: `eu-west-1/eks-shop`, `rg-orders/aks-orders-weu`. */
export function refLabel(ref: ClusterRef): string {
    if (ref.cloud === "aws") return `${ref.region}/${ref.name}`;
    if (ref.cloud === "azure") return `${ref.resourceGroup}/${ref.name}${ref.kind === "arc" ? " (Arc)" : ""}`;
    return `${ref.project}/${ref.location}/${ref.name}`;
}

/** Where the cluster is: the account, subscription or project. */
export function refScope(ref: ClusterRef): string {
    if (ref.cloud === "aws") return ref.account ? `account ${ref.account}` : "account not named by the plan";
    if (ref.cloud === "azure")
        return ref.subscription ? `subscription ${ref.subscription}` : "subscription not named by the plan";
    return `project ${ref.project}`;
}

/** One key per cluster, equal for every spelling ARM accepts: what onboarded entries are merged by. */
export function refKey(ref: ClusterRef): string {
    if (ref.cloud === "aws") return JSON.stringify(["aws", ref.account ?? "", ref.region, ref.name]);
    if (ref.cloud === "azure")
        return JSON.stringify(
            ["azure", ref.kind, ref.subscription ?? "", ref.resourceGroup, ref.name].map((p) => p.toLowerCase()),
        );
    return JSON.stringify(["gcp", ref.project, ref.location, ref.name]);
}

const EKS_ARN = /^arn:[a-z-]+:eks:([a-z0-9-]+):(\d{12}):cluster\/([A-Za-z0-9][A-Za-z0-9_-]*)$/;

/** An EKS cluster ARN's region, account and name. */
export function parseEksArn(arn: string): Extract<ClusterRef, { cloud: "aws" }> | undefined {
    const m = EKS_ARN.exec(arn);
    return m ? { cloud: "aws", region: m[1], account: m[2], name: m[3] } : undefined;
}

const ARM_CLUSTER =
    /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/(Microsoft\.ContainerService\/managedClusters|Microsoft\.Kubernetes\/connectedClusters)\/([^/]+)$/i;

/** An AKS or Arc cluster's ARM id, compared without case as ARM does. */
export function parseArmClusterId(id: string): Extract<ClusterRef, { cloud: "azure" }> | undefined {
    const m = ARM_CLUSTER.exec(id.trim());
    if (!m) return undefined;
    return {
        cloud: "azure",
        kind: m[3].toLowerCase() === "microsoft.containerservice/managedclusters" ? "aks" : "arc",
        subscription: m[1].toLowerCase(),
        resourceGroup: m[2],
        name: m[4],
    };
}

const GKE_ID =
    /^(?:https:\/\/container\.googleapis\.com\/v1[a-z0-9]*\/)?projects\/([^/]+)\/(?:locations|zones)\/([^/]+)\/clusters\/([^/]+)$/;

/** A GKE cluster's `projects/P/locations/L/clusters/C` id or self link (`.../zones/Z/...` for a zonal one). */
export function parseGkeId(id: string): Extract<ClusterRef, { cloud: "gcp" }> | undefined {
    const m = GKE_ID.exec(id);
    return m ? { cloud: "gcp", project: m[1], location: m[2], name: m[3] } : undefined;
}

/** gcloud's context name `gke_PROJECT_LOCATION_NAME`; none of the three holds `_` (GKE's naming rules). */
export function parseGkeContext(context: string): Extract<ClusterRef, { cloud: "gcp" }> | undefined {
    const m = /^gke_([a-z][a-z0-9.:-]*)_([a-z0-9-]+)_([a-z0-9-]+)$/.exec(context);
    return m ? { cloud: "gcp", project: m[1], location: m[2], name: m[3] } : undefined;
}

/** What a snapshot's identity says the cluster is: a cloud id, or only a context name. */
export type SnapshotRef = { ref: ClusterRef; how: MatchHow } | { contextName: string };

export function snapshotRef(identity: ClusterIdentity): SnapshotRef | undefined {
    const id = typeof identity.cloud?.id === "string" ? identity.cloud.id : "";
    if (identity.source === "aws") {
        const ref = parseEksArn(id);
        if (ref) return { ref, how: "EKS ARN" };
        const region = typeof identity.cloud?.location === "string" ? identity.cloud.location : "";
        return region ? { ref: { cloud: "aws", name: identity.name, region }, how: "EKS ARN" } : undefined;
    }
    if (identity.source === "azure") {
        const ref = parseArmClusterId(id);
        return ref ? { ref, how: ref.kind === "aks" ? "AKS resource id" : "Arc resource id" } : undefined;
    }
    if (identity.source === "gcp") {
        const ref = parseGkeId(id);
        return ref ? { ref, how: "GKE project, location and name" } : undefined;
    }
    const context = identity.context ?? identity.name;
    const eks = parseEksArn(context);
    if (eks) return { ref: eks, how: "kubeconfig context (EKS ARN)" };
    const gke = parseGkeContext(context);
    if (gke) return { ref: gke, how: "kubeconfig context (gke_PROJECT_LOCATION_NAME)" };
    return { contextName: context };
}

/**
 * Whether an onboarded cluster and a snapshot's cloud id are one cluster, and how that was decided.
 * A part the plan does not name (an EKS account, an Azure subscription) is not compared, and the
 * answer says so; every part both name must be equal.
 */
export function sameCluster(onboarded: ClusterRef, snap: ClusterRef, how: MatchHow): MatchHow | undefined {
    if (onboarded.cloud === "aws" && snap.cloud === "aws") {
        if (onboarded.name !== snap.name || onboarded.region !== snap.region) return undefined;
        if (onboarded.account && snap.account) return onboarded.account === snap.account ? how : undefined;
        return onboarded.account
            ? "EKS name and region (the snapshot records no account)"
            : "EKS name and region (the plan does not name the account)";
    }
    if (onboarded.cloud === "azure" && snap.cloud === "azure") {
        const eq = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
        if (onboarded.kind !== snap.kind || !eq(onboarded.resourceGroup, snap.resourceGroup)) return undefined;
        if (!eq(onboarded.name, snap.name)) return undefined;
        if (onboarded.subscription && snap.subscription && !eq(onboarded.subscription, snap.subscription))
            return undefined;
        return how;
    }
    if (onboarded.cloud === "gcp" && snap.cloud === "gcp")
        return onboarded.project === snap.project &&
            onboarded.location === snap.location &&
            onboarded.name === snap.name
            ? how
            : undefined;
    return undefined;
}
