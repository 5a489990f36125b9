import { KubeApiError, KubeClient } from "../lib/kube/client";
import { NetworkPolicyLike, otherPoliciesAllowing, quarantinePolicyGaps } from "../domain/kubernetes/quarantinePolicy";
import {
    HOST_NETWORK_PROBLEM,
    isolationSupport,
    ISOLATION_TARGET_PHASE,
    pluginOfPod,
    PLUGIN_LABEL_SELECTOR,
    PluginFound,
    podIsolationProblem,
    QuarantineLabel,
    QUARANTINE_POLICY_NAME,
    ServerVersionInfo,
} from "../domain/kubernetes/isolationFacts";

export type ResponseAction = "isolate" | "release" | "terminate";
export const RESPONSE_ACTIONS: readonly ResponseAction[] = ["isolate", "release", "terminate"];

/** The action was not carried out, for a reason the operator must read (exit code 1). */
export class Refusal extends Error {
    constructor(message: string) {
        super(message);
        this.name = "Refusal";
    }
}

export interface PodRef {
    namespace: string;
    name: string;
}

/** `NAMESPACE/NAME`; a bare name is refused rather than guessed into some default namespace. */
export function parsePodRef(text: string): PodRef | string {
    const parts = text.split("/");
    if (parts.length === 1) return `--pod ${JSON.stringify(text)} has no namespace; write it as NAMESPACE/NAME`;
    const dns = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
    if (parts.length !== 2 || !dns.test(parts[0]) || !dns.test(parts[1]))
        return `--pod ${JSON.stringify(text)} is not NAMESPACE/NAME (lower-case DNS names)`;
    return { namespace: parts[0], name: parts[1] };
}

interface RawPod {
    metadata: { name: string; namespace: string; labels?: Record<string, string> };
    status?: { phase?: string };
    spec?: { containers?: { image?: string }[]; hostNetwork?: boolean; nodeName?: string };
}

/** Network-policy plug-ins from running pods' `k8s-app` label, versions from their images (docs/sources.md: response actions). */
export async function findPlugins(client: KubeClient): Promise<PluginFound[]> {
    // Stryker disable next-line ArrayDeclaration: an entry that is no plug-in is skipped by every reader (isolationSupport, podIsolationProblem)
    const found: PluginFound[] = [];
    for await (const page of client.listPages<RawPod>("/api/v1/pods", { labelSelector: PLUGIN_LABEL_SELECTOR })) {
        for (const p of page.items) {
            const plugin = pluginOfPod(p.metadata.labels, p.status?.phase, p.spec?.containers?.[0]?.image);
            // Stryker disable next-line ConditionalExpression: `node: undefined` reads as no node, like an absent one
            if (plugin) found.push({ ...plugin, ...(p.spec?.nodeName ? { node: p.spec.nodeName } : {}) });
        }
    }
    return found;
}

function podPath(ref: PodRef): string {
    return `/api/v1/namespaces/${encodeURIComponent(ref.namespace)}/pods/${encodeURIComponent(ref.name)}`;
}

/** Carries out one response action and returns what it did, in one sentence per line. */
export async function respond(
    client: KubeClient,
    action: ResponseAction,
    ref: PodRef,
    label: QuarantineLabel,
    policyName = QUARANTINE_POLICY_NAME,
): Promise<string[]> {
    const what = `pod ${ref.namespace}/${ref.name}`;
    let pod: RawPod;
    try {
        pod = await client.get<RawPod>(podPath(ref));
    } catch (e) {
        if (e instanceof KubeApiError && e.status === 404) throw new Refusal(`${what} does not exist`);
        throw e;
    }
    const phase = pod.status?.phase ?? "Unknown";
    if (phase !== ISOLATION_TARGET_PHASE)
        throw new Refusal(`${what} is ${phase}, not ${ISOLATION_TARGET_PHASE}; ${action} acts on running pods only`);
    const has = pod.metadata.labels?.[label.key] === label.value;

    if (action === "terminate") {
        await client.request("DELETE", podPath(ref));
        return [`terminated ${what} (deleted; its controller, if any, may start a replacement)`];
    }
    if (action === "release") {
        if (!(label.key in (pod.metadata.labels ?? {})))
            return [`${what} is not isolated (no ${label.key} label); nothing to release`];
        await client.request("PATCH", podPath(ref), {
            body: { metadata: { labels: { [label.key]: null } } },
            contentType: "application/merge-patch+json",
        });
        return [`released ${what}: removed label ${label.key}`];
    }

    // Refused before anything else is read: no policy, plug-in or version could change the answer.
    const terminateInstead = `; its isolation cannot be shown, so it is not labelled: terminate it instead (npm run respond -- terminate --pod ${ref.namespace}/${ref.name})`;
    if (pod.spec?.hostNetwork === true)
        throw new Refusal(`cannot isolate ${what}: ${HOST_NETWORK_PROBLEM}${terminateInstead}`);
    const version = await client.get<ServerVersionInfo>("/version");
    const plugins = await findPlugins(client);
    const support = isolationSupport(version, plugins);
    if (!support.supported) throw new Refusal(`cannot isolate ${what}: ${support.reason}`);
    const podProblem = podIsolationProblem(pod.spec ?? {}, version, plugins);
    if (podProblem) throw new Refusal(`cannot isolate ${what}: ${podProblem}${terminateInstead}`);
    let policy: NetworkPolicyLike;
    try {
        policy = await client.get<NetworkPolicyLike>(
            `/apis/networking.k8s.io/v1/namespaces/${encodeURIComponent(ref.namespace)}/networkpolicies/${encodeURIComponent(policyName)}`,
        );
    } catch (e) {
        if (e instanceof KubeApiError && e.status === 404) {
            throw new Refusal(
                `cannot isolate ${what}: namespace ${ref.namespace} has no NetworkPolicy ${policyName}, so the label would not cut its traffic; deploy the pod-isolation component for this namespace first`,
            );
        }
        throw e;
    }
    const gaps = quarantinePolicyGaps(policy ?? {}, pod.metadata.labels ?? {}, label);
    if (gaps.length)
        throw new Refusal(
            `cannot isolate ${what}: NetworkPolicy ${ref.namespace}/${policyName} would not cut its traffic: ${gaps.join("; ")}`,
        );
    // Stryker disable next-line ArrayDeclaration: an entry that is no policy selects the pod but holds no rule, so it allows nothing
    const others: NetworkPolicyLike[] = [];
    for await (const page of client.listPages<NetworkPolicyLike>(
        `/apis/networking.k8s.io/v1/namespaces/${encodeURIComponent(ref.namespace)}/networkpolicies`,
    ))
        others.push(...page.items);
    const allowing = otherPoliciesAllowing(others, policyName, pod.metadata.labels ?? {}, label);
    if (allowing.length)
        throw new Refusal(`cannot isolate ${what}: policies add up, and ${allowing.join("; ")}${terminateInstead}`);
    if (has) return [`${what} is already isolated (${label.key}=${label.value})`];
    await client.request("PATCH", podPath(ref), {
        body: { metadata: { labels: { [label.key]: label.value } } },
        contentType: "application/merge-patch+json",
    });
    return [
        `isolated ${what}: added label ${label.key}=${label.value}; NetworkPolicy ${ref.namespace}/${policyName} now denies its ingress and egress, except traffic with its own node, which NetworkPolicy never blocks (${support.reason})`,
    ];
}
