/**
 * Pod isolation (docs/sources.md: response actions) as typed data and one pure check, shared by the quarantine NetworkPolicy
 * component, the `respond` command and the snapshot findings. Self-contained on purpose (no
 * imports): other parts of the project copy or import it without pulling in Pulumi.
 *
 * Isolating a pod is one label (QUARANTINE_LABEL) on a running pod in a namespace that holds the
 * quarantine NetworkPolicy; releasing it is removing that label. The policy only bites where a
 * network-policy plug-in enforces it, hence `isolationSupport`.
 */

/** The label that puts a pod in quarantine. Configurable per stack (`kubernetes.isolation.label`). */
export interface QuarantineLabel {
    key: string;
    value: string;
}

export const QUARANTINE_LABEL: QuarantineLabel = { key: "agentless-discovery/quarantine", value: "isolated" };

/** Name of the NetworkPolicy that denies all traffic to labelled pods, one per namespace. */
export const QUARANTINE_POLICY_NAME = "agentless-discovery-quarantine";

/** Isolation and termination act on running pods only. */
export const ISOLATION_TARGET_PHASE = "Running";

/** Kubernetes 1.27 or later. */
export const MIN_KUBERNETES_VERSION = { major: 1, minor: 27 } as const;

/** Pods' `k8s-app` label values that identify a network-policy plug-in. */
export type NetworkPolicyPlugin = "azure-npm" | "calico-node" | "cilium" | "aws-node";

export interface PluginFact {
    /** The pods' `k8s-app` label value. */
    app: NetworkPolicyPlugin;
    displayName: string;
    /** Lowest version whose policy enforcement isolation relies on. */
    minVersion: string;
}

export const NETWORK_POLICY_PLUGINS: readonly PluginFact[] = [
    { app: "azure-npm", displayName: "Azure-NPM", minVersion: "1.5.34" },
    { app: "calico-node", displayName: "Calico", minVersion: "3.24.1" },
    { app: "cilium", displayName: "Cilium", minVersion: "1.13.1" },
    { app: "aws-node", displayName: "AWS VPC CNI (aws-node)", minVersion: "1.15.1" },
];

/** The label selector that finds plug-in pods: `k8s-app in (azure-npm,calico-node,cilium,aws-node)`. */
export const PLUGIN_LABEL_KEY = "k8s-app";
export const PLUGIN_LABEL_SELECTOR = `${PLUGIN_LABEL_KEY} in (${NETWORK_POLICY_PLUGINS.map((p) => p.app).join(",")})`;

/**
 * The plug-in a pod stands for: a running pod whose `k8s-app` label names a known plug-in,
 * versioned by its main container's image. The `respond` command and the snapshot both read
 * plug-ins this way.
 */
export function pluginOfPod(
    labels: Readonly<Record<string, string>> | undefined,
    phase: string | undefined,
    mainImage: string | undefined,
): PluginFound | undefined {
    const app = labels?.[PLUGIN_LABEL_KEY];
    if (!app || phase !== "Running" || !NETWORK_POLICY_PLUGINS.some((p) => p.app === app)) return undefined;
    return { app, version: mainImage ? versionFromImage(mainImage) : undefined };
}

/** One plug-in pod (or workload) seen in the cluster. */
export interface PluginFound {
    /** Its `k8s-app` label value; values other than the known plug-ins are ignored. */
    app: string;
    /** Its version (see `versionFromImage`); undefined when it could not be read. */
    version?: string;
    /** The node the plug-in pod runs on, where it is known: each plug-in enforces policy with one agent per node. */
    node?: string;
}

export const HOST_NETWORK_PROBLEM =
    "it runs in its node's network namespace (hostNetwork: true), to which a NetworkPolicy does not apply";

/** The parts of the target pod that decide whether a NetworkPolicy can apply to it at all. */
export interface PodNetworkFacts {
    hostNetwork?: boolean;
    nodeName?: string;
}

/**
 * Why no NetworkPolicy can be shown to cut a pod's traffic, whatever the policy says (docs/sources.md:
 * response actions), or undefined:
 * - a pod with `hostNetwork: true` shares its node's network namespace, to which NetworkPolicy does
 *   not apply;
 * - a pod on a node where no plug-in agent enforces policy (a node the plug-in's DaemonSet does not
 *   run on, such as a Windows node of a Linux-only DaemonSet; a node whose agent is not running or
 *   runs an older version) is not filtered, whatever the other nodes enforce.
 */
export function podIsolationProblem(
    pod: PodNetworkFacts,
    serverVersion: string | ServerVersionInfo,
    pluginsFound: readonly PluginFound[],
): string | undefined {
    if (pod.hostNetwork === true) return HOST_NETWORK_PROBLEM;
    if (!pod.nodeName) return "it is not bound to a node, so the plug-in that would enforce its policy is unknown";
    const onNode = isolationSupport(
        serverVersion,
        pluginsFound.filter((p) => p.node === pod.nodeName),
    );
    if (!onNode.supported) return `on its node ${pod.nodeName}, ${onNode.reason}`;
    return undefined;
}

/** What a cluster's `/version` endpoint returns (only these fields are read). */
export interface ServerVersionInfo {
    major: string;
    minor: string;
    gitVersion?: string;
}

export interface IsolationSupport {
    supported: boolean;
    /** One sentence: why isolation works or not, naming versions and plug-ins. */
    reason: string;
    /** The plug-ins that meet their minimum version and so enforce the quarantine policy. */
    enforcing: NetworkPolicyPlugin[];
}

/** Parses "v1.27.3-eks-2f008fe", "1.28", {major:"1", minor:"27+"} into numbers; null if unreadable. */
export function parseServerVersion(v: string | ServerVersionInfo): { major: number; minor: number } | null {
    if (typeof v === "string") {
        const m = /^v?(\d+)\.(\d+)/.exec(v.trim());
        return m ? { major: Number(m[1]), minor: Number(m[2]) } : null;
    }
    // Managed clusters report minor versions such as "27+"; gitVersion is the fallback.
    const major = /^(\d+)/.exec(v.major ?? "");
    const minor = /^(\d+)/.exec(v.minor ?? "");
    if (major && minor) return { major: Number(major[1]), minor: Number(minor[1]) };
    return v.gitVersion ? parseServerVersion(v.gitVersion) : null;
}

/**
 * The version in an image reference: `mcr.microsoft.com/containernetworking/azure-npm:v1.5.34`,
 * `.../amazon-k8s-cni:v1.15.1-eksbuild.1`, `quay.io/cilium/cilium:v1.14.2@sha256:...`. Undefined
 * when the tag is not a version (a bare digest, `latest`).
 */
export function versionFromImage(image: string): string | undefined {
    const withoutDigest = image.split("@")[0];
    const lastSlash = withoutDigest.lastIndexOf("/");
    const colon = withoutDigest.indexOf(":", lastSlash + 1);
    if (colon < 0) return undefined;
    const m = /^v?(\d+\.\d+(?:\.\d+)?)/.exec(withoutDigest.slice(colon + 1));
    return m ? m[1] : undefined;
}

/** Compares dotted numeric versions ("1.15.1" vs "1.15"); a leading "v" and any suffix are ignored. */
export function compareVersions(a: string, b: string): number {
    const parts = (s: string) => (/^v?(\d+(?:\.\d+)*)/.exec(s.trim())?.[1] ?? "0").split(".").map(Number);
    const pa = parts(a);
    const pb = parts(b);
    for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
        const d = (pa[i] ?? 0) - (pb[i] ?? 0);
        if (d !== 0) return d < 0 ? -1 : 1;
    }
    return 0;
}

/** Whether a string is a dotted numeric version that compareVersions reads. */
export function isVersion(s: string): boolean {
    return /^v?\d+(?:\.\d+)*(?:[-+].*)?$/.test(s.trim());
}

/**
 * Whether isolating a pod can work on a cluster: Kubernetes 1.27 or later, and at least one known
 * plug-in at or above its minimum version, and not aws-node together with both Calico and Cilium.
 * When a plug-in runs in several versions (a rolling update), the lowest counts.
 */
export function isolationSupport(
    serverVersion: string | ServerVersionInfo,
    pluginsFound: readonly PluginFound[],
): IsolationSupport {
    const no = (reason: string): IsolationSupport => ({ supported: false, reason, enforcing: [] });
    const server = parseServerVersion(serverVersion);
    const min = `${MIN_KUBERNETES_VERSION.major}.${MIN_KUBERNETES_VERSION.minor}`;
    if (!server)
        return no(
            `the Kubernetes version ${JSON.stringify(typeof serverVersion === "string" ? serverVersion : (serverVersion.gitVersion ?? `${serverVersion.major}.${serverVersion.minor}`))} could not be read; isolation needs ${min} or later`,
        );
    const serverText = `${server.major}.${server.minor}`;
    if (compareVersions(serverText, min) < 0)
        return no(`Kubernetes ${serverText} is older than ${min}, the first version isolation supports`);

    const lowest = new Map<NetworkPolicyPlugin, string | undefined>();
    for (const p of pluginsFound) {
        const fact = NETWORK_POLICY_PLUGINS.find((f) => f.app === p.app);
        if (!fact) continue;
        const seen = lowest.has(fact.app);
        const current = lowest.get(fact.app);
        if (!seen) lowest.set(fact.app, p.version);
        else if (current !== undefined && (p.version === undefined || compareVersions(p.version, current) < 0))
            lowest.set(fact.app, p.version);
    }
    if (lowest.size === 0) {
        return no(
            `no network-policy plug-in found (pods labelled ${PLUGIN_LABEL_SELECTOR}); without one the quarantine policy is not enforced`,
        );
    }
    if (lowest.has("aws-node") && lowest.has("calico-node") && lowest.has("cilium")) {
        return no(
            "aws-node runs together with both Calico and Cilium; with aws-node, Calico and Cilium must not both enforce network policy",
        );
    }

    const enforcing: NetworkPolicyPlugin[] = [];
    const tooOld: string[] = [];
    for (const fact of NETWORK_POLICY_PLUGINS) {
        if (!lowest.has(fact.app)) continue;
        const version = lowest.get(fact.app);
        if (version === undefined || !isVersion(version))
            tooOld.push(`${fact.displayName} (version unknown, needs ${fact.minVersion})`);
        else if (compareVersions(version, fact.minVersion) < 0)
            tooOld.push(`${fact.displayName} ${version} (needs ${fact.minVersion})`);
        else enforcing.push(fact.app);
    }
    if (enforcing.length === 0) return no(`no network-policy plug-in at a supported version: ${tooOld.join(", ")}`);
    const names = enforcing.map((a) => NETWORK_POLICY_PLUGINS.find((f) => f.app === a)!.displayName);
    return {
        supported: true,
        reason: `Kubernetes ${serverText} with ${names.join(", ")} enforcing network policy`,
        enforcing,
    };
}

/**
 * The quarantine NetworkPolicy: selects pods carrying the label, declares both policy types and no
 * rules, so that every ingress and egress connection of a selected pod is denied. The rule lists are
 * left out rather than empty: the API server drops empty lists, which would show as a diff forever.
 */
export function quarantinePolicyManifest(
    namespace: string,
    label: QuarantineLabel = QUARANTINE_LABEL,
    name = QUARANTINE_POLICY_NAME,
) {
    return {
        apiVersion: "networking.k8s.io/v1",
        kind: "NetworkPolicy",
        metadata: { name, namespace, labels: { "app.kubernetes.io/managed-by": "agentless-discovery" } },
        spec: {
            podSelector: { matchLabels: { [label.key]: label.value } },
            policyTypes: ["Ingress", "Egress"] as ("Ingress" | "Egress")[],
        },
    };
}
