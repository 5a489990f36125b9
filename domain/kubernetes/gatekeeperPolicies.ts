import { CEL_ENGINE, CONSTRAINT_API_VERSION, EnforcementAction } from "./facts";

/**
 * The ConstraintTemplates in policies/gatekeeper/<dir>/template.yaml and the Constraint this
 * project declares for each: which kinds it matches and with which parameters. The docs/sources.md "policy add-on"
 * control-plane detections, one template each.
 */

export interface MatchKind {
    apiGroups: string[];
    kinds: string[];
}

export interface PolicySpec {
    /** Folder under policies/gatekeeper. */
    dir: string;
    /** The Constraint's metadata.name. */
    constraintName: string;
    match: MatchKind[];
    parameters?: Record<string, unknown>;
}

const PODS: MatchKind[] = [{ apiGroups: [""], kinds: ["Pod"] }];

/**
 * Annotations that make a cloud's Service load balancer internal (not reachable from the internet):
 * AKS, EKS (legacy in-tree and AWS Load Balancer Controller) and GKE.
 */
export const INTERNAL_LOAD_BALANCER_ANNOTATIONS: Record<string, string> = {
    "service.beta.kubernetes.io/azure-load-balancer-internal": "true",
    "service.beta.kubernetes.io/aws-load-balancer-internal": "true",
    "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal",
    "networking.gke.io/load-balancer-type": "Internal",
};

/**
 * The ClusterRoles Kubernetes itself creates with a `*` in verbs or resources (the API server's
 * bootstrap policy, kubernetes/kubernetes
 * plugin/pkg/auth/authorizer/rbac/bootstrappolicy/testdata/{cluster,controller}-roles.yaml), and
 * the Gatekeeper chart's manager role (get/list/watch on `*` for its audit). Exact names: a role
 * someone names `system:x` is not exempt.
 */
export const BUILT_IN_WILDCARD_ROLES: readonly string[] = [
    "cluster-admin",
    "system:kube-controller-manager",
    "system:kubelet-api-admin",
    "system:controller:generic-garbage-collector",
    "system:controller:horizontal-pod-autoscaler",
    "system:controller:namespace-controller",
    "system:controller:resourcequota-controller",
    "gatekeeper-manager-role",
];

export interface PolicyOptions {
    /** Role names exempt from the wildcard-roles constraint; BUILT_IN_WILDCARD_ROLES by default. */
    wildcardRoleExemptions?: readonly string[];
}

/** A Kubernetes object name: at most 253 characters, no whitespace, no `/` (not a pattern). */
export const WILDCARD_ROLE_NAME = /^[^\s/*]{1,253}$/;

/**
 * The constraints this project declares. Pod controls are gatekeeper-library's templates with the
 * library's parameter names (see each folder's library.yaml); the rest are ours (docs/gatekeeper.md).
 */
export function policies(options: PolicyOptions = {}): PolicySpec[] {
    const exempt = options.wildcardRoleExemptions ?? BUILT_IN_WILDCARD_ROLES;
    for (const name of exempt) {
        if (typeof name !== "string" || !WILDCARD_ROLE_NAME.test(name)) {
            throw new Error(
                `wildcardRoleExemptions: ${JSON.stringify(name)} is not a role name; allowed: exact names (no "*", "/" or spaces), no prefixes`,
            );
        }
    }
    return [
        {
            dir: "privileged-containers",
            constraintName: "privileged-containers",
            match: PODS,
            parameters: { exemptImages: [] },
        },
        { dir: "host-namespaces", constraintName: "host-namespaces", match: PODS },
        // The library's host-namespaces covers hostPID and hostIPC; hostNetwork is in host-network-ports.
        {
            dir: "host-network-ports",
            constraintName: "host-network",
            match: PODS,
            parameters: { hostNetwork: false, exemptImages: [] },
        },
        {
            dir: "host-filesystem",
            constraintName: "host-filesystem",
            match: PODS,
            parameters: { allowedHostPaths: [] },
        },
        {
            dir: "capabilities",
            constraintName: "capabilities",
            match: PODS,
            parameters: { allowedCapabilities: [], exemptImages: [] },
        },
        {
            dir: "public-services",
            constraintName: "public-services",
            match: [{ apiGroups: [""], kinds: ["Service"] }],
            parameters: { allowNodePort: false, internalLoadBalancerAnnotations: INTERNAL_LOAD_BALANCER_ANNOTATIONS },
        },
        {
            dir: "cluster-admin-bindings",
            constraintName: "cluster-admin-bindings",
            match: [{ apiGroups: ["rbac.authorization.k8s.io"], kinds: ["ClusterRoleBinding", "RoleBinding"] }],
            parameters: { roles: ["cluster-admin"] },
        },
        {
            dir: "wildcard-roles",
            constraintName: "wildcard-roles",
            match: [{ apiGroups: ["rbac.authorization.k8s.io"], kinds: ["ClusterRole", "Role"] }],
            parameters: { exemptRoleNames: [...exempt] },
        },
    ];
}

export const POLICIES: readonly PolicySpec[] = policies();

/** The CEL code of a template's `K8sNativeValidation` engine: variables, then validations. */
export interface CelSource {
    variables?: { name: string; expression: string }[];
    validations: { expression: string; message?: string; messageExpression?: string }[];
}

export interface ConstraintTemplateDoc {
    apiVersion: string;
    kind: "ConstraintTemplate";
    metadata: { name: string; annotations?: Record<string, string> };
    spec: {
        crd: { spec: { names: { kind: string }; validation?: { openAPIV3Schema?: Record<string, unknown> } } };
        targets: {
            target: string;
            rego?: string;
            code?: { engine: string; source: CelSource | Record<string, unknown> }[];
        }[];
    };
}

export function celSourceOf(template: ConstraintTemplateDoc): CelSource {
    return template.spec.targets[0].code!.find((c) => c.engine === CEL_ENGINE)!.source as CelSource;
}

export interface ConstraintDoc {
    apiVersion: string;
    kind: string;
    metadata: { name: string };
    spec: {
        enforcementAction?: EnforcementAction;
        match: { kinds: MatchKind[]; excludedNamespaces?: string[] };
        parameters?: Record<string, unknown>;
    };
}

export function buildConstraint(
    policy: PolicySpec,
    templateKind: string,
    enforcement: EnforcementAction,
    excludedNamespaces: readonly string[],
): ConstraintDoc {
    const spec: ConstraintDoc["spec"] = {
        enforcementAction: enforcement,
        match: {
            kinds: policy.match.map((m) => ({ apiGroups: [...m.apiGroups], kinds: [...m.kinds] })),
            excludedNamespaces: [...excludedNamespaces],
        },
    };
    if (policy.parameters) spec.parameters = structuredClone(policy.parameters);
    return { apiVersion: CONSTRAINT_API_VERSION, kind: templateKind, metadata: { name: policy.constraintName }, spec };
}

/** Whether a constraint's `match` selects an object (kinds and excluded namespaces, as Gatekeeper reads them). */
export function constraintMatches(
    constraint: Pick<ConstraintDoc, "spec">,
    object: { apiVersion: string; kind: string; metadata?: { namespace?: string } },
): boolean {
    const group = object.apiVersion.includes("/") ? object.apiVersion.split("/")[0] : "";
    const kindOk = constraint.spec.match.kinds.some(
        (m) =>
            (m.apiGroups.includes("*") || m.apiGroups.includes(group)) &&
            (m.kinds.includes("*") || m.kinds.includes(object.kind)),
    );
    const ns = object.metadata?.namespace;
    return kindOk && !(ns !== undefined && (constraint.spec.match.excludedNamespaces ?? []).includes(ns));
}
