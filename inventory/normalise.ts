/**
 * Raw API objects in, the part inventory needs out: identity, images, security context, exposure
 * and RBAC edges. Annotations, managed fields, status noise and anything that could hold a
 * credential are dropped. Key order is fixed, so equal objects serialise to equal text.
 */

type Raw = any;

export interface ObjectRef {
    kind: string;
    namespace?: string;
    name: string;
}

export interface NormalContainer {
    name: string;
    image: string;
    init?: true;
    privileged?: true;
    allowPrivilegeEscalation?: boolean;
    runAsNonRoot?: boolean;
    runAsUser?: number;
    readOnlyRootFilesystem?: boolean;
    capabilitiesAdd?: string[];
    limits?: Record<string, string>;
}

export interface NormalPodSpec {
    serviceAccount?: string;
    hostNetwork?: true;
    hostPID?: true;
    hostIPC?: true;
    hostPaths?: string[];
    containers: NormalContainer[];
}

export interface NormalObject {
    kind: string;
    namespace?: string;
    name: string;
    uid?: string;
    labels?: Record<string, string>;
    owner?: { kind: string; name: string };
    [field: string]: unknown;
}

/** Identity key of an object inside one snapshot: `Kind/namespace/name` or `Kind/name`. */
export function objectKey(o: ObjectRef): string {
    return o.namespace ? `${o.kind}/${o.namespace}/${o.name}` : `${o.kind}/${o.name}`;
}

/**
 * The object without its undefined fields, in the same key order. Copied rather than `delete`d:
 * deleting turns an object into a slow dictionary, and 50,000 of them are then serialised.
 */
function defined<T extends Record<string, unknown>>(o: T): T {
    const out: Record<string, unknown> = {};
    for (const k in o) if (o[k] !== undefined) out[k] = o[k];
    return out as T;
}

function labelsOf(m: Raw): Record<string, string> | undefined {
    const l = m?.labels;
    if (!l || typeof l !== "object") return undefined;
    const keys = Object.keys(l).sort();
    if (!keys.length) return undefined;
    const out: Record<string, string> = {};
    for (const k of keys) out[k] = String(l[k]);
    return out;
}

function container(c: Raw, podSc: Raw, init: boolean): NormalContainer {
    const sc = c.securityContext ?? {};
    const add: string[] | undefined = sc.capabilities?.add?.length
        ? [...sc.capabilities.add].map(String).sort()
        : undefined;
    const limits =
        c.resources?.limits && Object.keys(c.resources.limits).length
            ? Object.fromEntries(
                  Object.keys(c.resources.limits)
                      .sort()
                      .map((k) => [k, String(c.resources.limits[k])]),
              )
            : undefined;
    return defined({
        name: String(c.name),
        image: String(c.image ?? ""),
        init: init ? (true as const) : undefined,
        privileged: sc.privileged === true ? (true as const) : undefined,
        allowPrivilegeEscalation:
            typeof sc.allowPrivilegeEscalation === "boolean" ? sc.allowPrivilegeEscalation : undefined,
        runAsNonRoot:
            typeof (sc.runAsNonRoot ?? podSc?.runAsNonRoot) === "boolean"
                ? (sc.runAsNonRoot ?? podSc.runAsNonRoot)
                : undefined,
        runAsUser:
            typeof (sc.runAsUser ?? podSc?.runAsUser) === "number" ? (sc.runAsUser ?? podSc.runAsUser) : undefined,
        readOnlyRootFilesystem: typeof sc.readOnlyRootFilesystem === "boolean" ? sc.readOnlyRootFilesystem : undefined,
        capabilitiesAdd: add,
        limits,
    });
}

export function normalPodSpec(spec: Raw): NormalPodSpec {
    const s = spec ?? {};
    const hostPaths: string[] = (s.volumes ?? [])
        .filter((v: Raw) => v?.hostPath?.path)
        .map((v: Raw) => String(v.hostPath.path))
        .sort();
    return defined({
        serviceAccount: s.serviceAccountName ?? s.serviceAccount ?? undefined,
        hostNetwork: s.hostNetwork === true ? (true as const) : undefined,
        hostPID: s.hostPID === true ? (true as const) : undefined,
        hostIPC: s.hostIPC === true ? (true as const) : undefined,
        hostPaths: hostPaths.length ? hostPaths : undefined,
        containers: [
            ...(s.initContainers ?? []).map((c: Raw) => container(c, s.securityContext, true)),
            ...(s.containers ?? []).map((c: Raw) => container(c, s.securityContext, false)),
        ],
    });
}

function base(kind: string, o: Raw): NormalObject {
    const m = o.metadata ?? {};
    const ctl = (m.ownerReferences ?? []).find((r: Raw) => r.controller) ?? (m.ownerReferences ?? [])[0];
    return defined({
        kind,
        namespace: m.namespace || undefined,
        name: String(m.name),
        uid: m.uid || undefined,
        labels: labelsOf(m),
        owner: ctl ? { kind: String(ctl.kind), name: String(ctl.name) } : undefined,
    });
}

const LB_INTERNAL_ANNOTATIONS: Record<string, string[]> = {
    "service.beta.kubernetes.io/azure-load-balancer-internal": ["true"],
    "service.beta.kubernetes.io/aws-load-balancer-internal": ["true", "0.0.0.0/0"],
    "service.beta.kubernetes.io/aws-load-balancer-scheme": ["internal"],
    "networking.gke.io/load-balancer-type": ["internal"],
    "cloud.google.com/load-balancer-type": ["internal"],
};

/** True when a cloud annotation makes a LoadBalancer private to the network. */
export function internalLoadBalancer(annotations: Record<string, string> | undefined): boolean {
    return Object.entries(annotations ?? {}).some(([k, v]) =>
        LB_INTERNAL_ANNOTATIONS[k]?.includes(String(v).toLowerCase()),
    );
}

function rules(rs: Raw): unknown[] {
    return (rs ?? []).map((r: Raw) =>
        defined({
            apiGroups: r.apiGroups,
            resources: r.resources,
            resourceNames: r.resourceNames,
            nonResourceURLs: r.nonResourceURLs,
            verbs: r.verbs ?? [],
        }),
    );
}

type Normaliser = (o: Raw) => Record<string, unknown>;

const NORMALISERS: Record<string, Normaliser> = {
    Node: (o) => {
        const i = o.status?.nodeInfo ?? {};
        const ready = (o.status?.conditions ?? []).find((c: Raw) => c.type === "Ready")?.status === "True";
        return defined({
            kubeletVersion: i.kubeletVersion,
            osImage: i.osImage,
            containerRuntime: i.containerRuntimeVersion,
            architecture: i.architecture,
            providerID: o.spec?.providerID,
            ready,
        });
    },
    Namespace: (o) => defined({ phase: o.status?.phase }),
    Pod: (o) => defined({ phase: o.status?.phase, node: o.spec?.nodeName, ...normalPodSpec(o.spec) }),
    Deployment: (o) => ({
        replicas: o.spec?.replicas ?? 1,
        ready: o.status?.readyReplicas ?? 0,
        template: normalPodSpec(o.spec?.template?.spec),
    }),
    StatefulSet: (o) => ({
        replicas: o.spec?.replicas ?? 1,
        ready: o.status?.readyReplicas ?? 0,
        template: normalPodSpec(o.spec?.template?.spec),
    }),
    DaemonSet: (o) => ({
        desired: o.status?.desiredNumberScheduled ?? 0,
        ready: o.status?.numberReady ?? 0,
        template: normalPodSpec(o.spec?.template?.spec),
    }),
    Job: (o) => ({ template: normalPodSpec(o.spec?.template?.spec) }),
    CronJob: (o) =>
        defined({
            schedule: o.spec?.schedule,
            suspend: o.spec?.suspend === true ? true : undefined,
            template: normalPodSpec(o.spec?.jobTemplate?.spec?.template?.spec),
        }),
    Service: (o) => {
        const s = o.spec ?? {};
        const ingress = (o.status?.loadBalancer?.ingress ?? []).map((i: Raw) => i.ip ?? i.hostname).filter(Boolean);
        return defined({
            type: s.type ?? "ClusterIP",
            ports: (s.ports ?? []).map((p: Raw) =>
                defined({ port: p.port, protocol: p.protocol ?? "TCP", nodePort: p.nodePort }),
            ),
            selector: s.selector && Object.keys(s.selector).length ? s.selector : undefined,
            loadBalancerSourceRanges: s.loadBalancerSourceRanges?.length ? s.loadBalancerSourceRanges : undefined,
            externalIPs: s.externalIPs?.length ? s.externalIPs : undefined,
            internal: internalLoadBalancer(o.metadata?.annotations) ? true : undefined,
            loadBalancerIngress: ingress.length ? ingress : undefined,
        });
    },
    Ingress: (o) => {
        const s = o.spec ?? {};
        const backends = new Set<string>();
        for (const r of s.rules ?? [])
            for (const p of r.http?.paths ?? []) if (p.backend?.service?.name) backends.add(p.backend.service.name);
        if (s.defaultBackend?.service?.name) backends.add(s.defaultBackend.service.name);
        return defined({
            className: s.ingressClassName,
            hosts: [...new Set((s.rules ?? []).map((r: Raw) => r.host).filter(Boolean))].sort(),
            tls: (s.tls ?? []).length > 0,
            services: [...backends].sort(),
            loadBalancerIngress: (o.status?.loadBalancer?.ingress ?? [])
                .map((i: Raw) => i.ip ?? i.hostname)
                .filter(Boolean),
        });
    },
    NetworkPolicy: (o) =>
        defined({ podSelector: o.spec?.podSelector ?? {}, policyTypes: o.spec?.policyTypes ?? ["Ingress"] }),
    ServiceAccount: (o) =>
        defined({
            automountToken:
                typeof o.automountServiceAccountToken === "boolean" ? o.automountServiceAccountToken : undefined,
        }),
    Role: (o) => ({ rules: rules(o.rules) }),
    ClusterRole: (o) => defined({ rules: rules(o.rules), aggregated: o.aggregationRule ? true : undefined }),
    RoleBinding: (o) => binding(o),
    ClusterRoleBinding: (o) => binding(o),
    ConstraintTemplate: (o) => defined({ constraintKind: o.spec?.crd?.spec?.names?.kind }),
};

function binding(o: Raw): Record<string, unknown> {
    return {
        roleRef: { kind: String(o.roleRef?.kind), name: String(o.roleRef?.name) },
        subjects: (o.subjects ?? []).map((s: Raw) =>
            defined({ kind: String(s.kind), name: String(s.name), namespace: s.namespace || undefined }),
        ),
    };
}

export function normalise(kind: string, raw: Raw): NormalObject {
    const fn = NORMALISERS[kind];
    if (!fn) throw new Error(`no normaliser for kind ${kind}`);
    return { ...base(kind, raw), ...fn(raw) };
}
