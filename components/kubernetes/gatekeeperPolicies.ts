import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import type { CelSource } from "../../lib/gatekeeperCel";
import { CEL_ENGINE, CONSTRAINT_API_VERSION, CONSTRAINT_TEMPLATE_API_VERSION, EnforcementAction, GATEKEEPER_TARGET } from "./facts";

/**
 * The ConstraintTemplates in policies/gatekeeper/<dir>/template.yaml and the Constraint this
 * project declares for each: which kinds it matches and with which parameters. The SPEC §7
 * control-plane detections, one template each.
 */

export const POLICY_DIR = path.join(__dirname, "..", "..", "policies", "gatekeeper");

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

export const POLICIES: readonly PolicySpec[] = [
    { dir: "privileged-containers", constraintName: "privileged-containers", match: PODS, parameters: { exemptImages: [] } },
    { dir: "host-namespaces", constraintName: "host-namespaces", match: PODS },
    { dir: "host-path-volumes", constraintName: "host-path-volumes", match: PODS, parameters: { allowedHostPaths: [] } },
    { dir: "added-capabilities", constraintName: "added-capabilities", match: PODS, parameters: { allowedCapabilities: [] } },
    {
        dir: "public-services", constraintName: "public-services", match: [{ apiGroups: [""], kinds: ["Service"] }],
        parameters: { allowNodePort: false, internalLoadBalancerAnnotations: INTERNAL_LOAD_BALANCER_ANNOTATIONS },
    },
    {
        dir: "cluster-admin-bindings", constraintName: "cluster-admin-bindings",
        match: [{ apiGroups: ["rbac.authorization.k8s.io"], kinds: ["ClusterRoleBinding", "RoleBinding"] }],
        parameters: { roles: ["cluster-admin"] },
    },
    {
        // cluster-admin and the API server's own system: roles hold wildcards by design and are
        // reconciled by the API server; Gatekeeper's chart ships its manager role with wildcards
        // over its own API groups. Exact names, so that a look-alike name is not exempt.
        dir: "wildcard-roles", constraintName: "wildcard-roles",
        match: [{ apiGroups: ["rbac.authorization.k8s.io"], kinds: ["ClusterRole", "Role"] }],
        parameters: { exemptRoleNames: ["cluster-admin", "gatekeeper-manager-role"], exemptRolePrefixes: ["system:"] },
    },
];

export interface ConstraintTemplateDoc {
    apiVersion: string;
    kind: "ConstraintTemplate";
    metadata: { name: string; annotations?: Record<string, string> };
    spec: {
        crd: { spec: { names: { kind: string }; validation?: { openAPIV3Schema?: Record<string, unknown> } } };
        targets: { target: string; code: { engine: string; source: CelSource }[] }[];
    };
}

/** Reads and checks one template: Gatekeeper requires name == lower-case kind, and ours are CEL only. */
export function loadTemplate(dir: string, root = POLICY_DIR): ConstraintTemplateDoc {
    return loadTemplateFile(path.join(root, dir, "template.yaml"));
}

export function loadTemplateFile(file: string): ConstraintTemplateDoc {
    const doc = parseYaml(fs.readFileSync(file, "utf8")) as ConstraintTemplateDoc;
    const fail = (why: string) => { throw new Error(`${file}: ${why}`); };
    if (doc?.apiVersion !== CONSTRAINT_TEMPLATE_API_VERSION || doc.kind !== "ConstraintTemplate") fail(`not a ${CONSTRAINT_TEMPLATE_API_VERSION} ConstraintTemplate`);
    const kind = doc.spec?.crd?.spec?.names?.kind;
    if (!kind || doc.metadata?.name !== kind.toLowerCase()) fail(`metadata.name must be the lower-case kind (${kind})`);
    const target = doc.spec.targets?.[0];
    if (doc.spec.targets.length !== 1 || target.target !== GATEKEEPER_TARGET) fail(`one target, ${GATEKEEPER_TARGET}`);
    if (!target.code?.length || target.code.some((c) => c.engine !== CEL_ENGINE)) fail(`code in the ${CEL_ENGINE} engine only`);
    if (!target.code[0].source?.validations?.length) fail("at least one validation");
    return doc;
}

export function celSourceOf(template: ConstraintTemplateDoc): CelSource {
    return template.spec.targets[0].code[0].source;
}

export interface ConstraintDoc {
    apiVersion: string;
    kind: string;
    metadata: { name: string };
    spec: {
        enforcementAction: EnforcementAction;
        match: { kinds: MatchKind[]; excludedNamespaces: string[] };
        parameters?: Record<string, unknown>;
    };
}

export function buildConstraint(policy: PolicySpec, templateKind: string, enforcement: EnforcementAction, excludedNamespaces: readonly string[]): ConstraintDoc {
    const spec: ConstraintDoc["spec"] = {
        enforcementAction: enforcement,
        match: { kinds: policy.match.map((m) => ({ apiGroups: [...m.apiGroups], kinds: [...m.kinds] })), excludedNamespaces: [...excludedNamespaces] },
    };
    if (policy.parameters) spec.parameters = structuredClone(policy.parameters);
    return { apiVersion: CONSTRAINT_API_VERSION, kind: templateKind, metadata: { name: policy.constraintName }, spec };
}

/** Whether a constraint's `match` selects an object (kinds and excluded namespaces, as Gatekeeper reads them). */
export function constraintMatches(constraint: Pick<ConstraintDoc, "spec">, object: { apiVersion: string; kind: string; metadata?: { namespace?: string } }): boolean {
    const group = object.apiVersion.includes("/") ? object.apiVersion.split("/")[0] : "";
    const kindOk = constraint.spec.match.kinds.some((m) =>
        (m.apiGroups.includes("*") || m.apiGroups.includes(group)) && (m.kinds.includes("*") || m.kinds.includes(object.kind)));
    const ns = object.metadata?.namespace;
    return kindOk && !(ns !== undefined && constraint.spec.match.excludedNamespaces.includes(ns));
}
