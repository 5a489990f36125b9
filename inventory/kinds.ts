/**
 * The Kubernetes kinds a snapshot reads, in the order it reads them. Secrets and ConfigMaps are
 * deliberately absent: inventory never reads secret values or configuration payloads.
 */
export interface KindSpec {
    kind: string;
    /** API group ("" for the core group). */
    group: string;
    version: string;
    plural: string;
    namespaced: boolean;
    /** Read only when the cluster serves it (a CRD such as Gatekeeper's); 404 means "absent". */
    optional?: boolean;
}

export const KINDS: readonly KindSpec[] = [
    { kind: "Node", group: "", version: "v1", plural: "nodes", namespaced: false },
    { kind: "Namespace", group: "", version: "v1", plural: "namespaces", namespaced: false },
    { kind: "Pod", group: "", version: "v1", plural: "pods", namespaced: true },
    { kind: "Deployment", group: "apps", version: "v1", plural: "deployments", namespaced: true },
    { kind: "DaemonSet", group: "apps", version: "v1", plural: "daemonsets", namespaced: true },
    { kind: "StatefulSet", group: "apps", version: "v1", plural: "statefulsets", namespaced: true },
    { kind: "Job", group: "batch", version: "v1", plural: "jobs", namespaced: true },
    { kind: "CronJob", group: "batch", version: "v1", plural: "cronjobs", namespaced: true },
    { kind: "Service", group: "", version: "v1", plural: "services", namespaced: true },
    { kind: "Ingress", group: "networking.k8s.io", version: "v1", plural: "ingresses", namespaced: true },
    { kind: "NetworkPolicy", group: "networking.k8s.io", version: "v1", plural: "networkpolicies", namespaced: true },
    { kind: "ServiceAccount", group: "", version: "v1", plural: "serviceaccounts", namespaced: true },
    { kind: "Role", group: "rbac.authorization.k8s.io", version: "v1", plural: "roles", namespaced: true },
    {
        kind: "ClusterRole",
        group: "rbac.authorization.k8s.io",
        version: "v1",
        plural: "clusterroles",
        namespaced: false,
    },
    {
        kind: "RoleBinding",
        group: "rbac.authorization.k8s.io",
        version: "v1",
        plural: "rolebindings",
        namespaced: true,
    },
    {
        kind: "ClusterRoleBinding",
        group: "rbac.authorization.k8s.io",
        version: "v1",
        plural: "clusterrolebindings",
        namespaced: false,
    },
    {
        kind: "ConstraintTemplate",
        group: "templates.gatekeeper.sh",
        version: "v1",
        plural: "constrainttemplates",
        namespaced: false,
        optional: true,
    },
];

/** The cluster-wide list path of a kind: `/api/v1/pods`, `/apis/apps/v1/daemonsets`. */
export function listPath(k: KindSpec): string {
    return k.group ? `/apis/${k.group}/${k.version}/${k.plural}` : `/api/${k.version}/${k.plural}`;
}
