import { NormalContainer, NormalObject, NormalPodSpec, ObjectRef, objectKey } from "./normalise";
import { sensorHealth, SensorHealth, SENSOR_NAMESPACES } from "./sensorHealth";
import {
    isolationSupport,
    IsolationSupport,
    NETWORK_POLICY_PLUGINS,
    pluginOfPod,
    PluginFound,
    ServerVersionInfo,
} from "../domain/kubernetes/isolationFacts";

export type Severity = "high" | "medium" | "low" | "info";

export const FINDING_RULES = {
    "privileged-container": "high",
    "host-namespace": "high",
    "host-path": "medium",
    "public-service": "high",
    "nodeport-service": "medium",
    "cluster-admin-binding": "high",
    "wildcard-role": "medium",
    "sensor-absent": "high",
    "sensor-unhealthy": "medium",
    "gatekeeper-absent": "low",
    "isolation-unsupported": "info",
    "defender-access-missing": "high",
    /** Raised by the fleet view (`--plan`) for a cluster a stack onboarded that no snapshot covers; never by a snapshot. */
    "onboarded-not-inventoried": "high",
} as const satisfies Record<string, Severity>;

export type FindingRule = keyof typeof FINDING_RULES;

/** Most severe first. */
export const SEVERITIES: readonly Severity[] = ["high", "medium", "low", "info"];

/** Findings counted by severity, every severity present (0 when none). */
export function countBySeverity(findings: Iterable<{ severity: Severity }>): Record<Severity, number> {
    const out: Record<Severity, number> = { high: 0, medium: 0, low: 0, info: 0 };
    for (const f of findings) if (f.severity in out) out[f.severity]++;
    return out;
}

export interface Finding {
    /** Stable across runs: `<rule>:<subject key>`, which is how the diff opens and closes findings. */
    id: string;
    rule: FindingRule;
    severity: Severity;
    subject: ObjectRef;
    message: string;
    /**
     * For a finding about a pod spec: the image(s) of the containers it is about, joined by ", ".
     * Absent in snapshots written before images were named, and for findings about no container.
     */
    image?: string;
}

/** A cluster finding that could be neither raised nor cleared because its evidence was not read. */
export interface UnknownFinding {
    id: string;
    rule: FindingRule;
    reason: string;
}

/**
 * The cluster's posture. A part whose evidence could not be read says "unknown" (with the reason)
 * instead of a state made up from an empty list: a 403 on DaemonSets is not an absent sensor.
 */
export interface Posture {
    sensor: SensorHealth;
    /** `present` "unknown" when neither the ConstraintTemplate API nor the namespaces were readable; `constraintTemplates` null when the templates were not. */
    gatekeeper: { present: boolean | "unknown"; constraintTemplates: number | null; reason?: string };
    isolation: Omit<IsolationSupport, "supported"> & { supported: boolean | "unknown"; plugins: PluginFound[] };
}

export function finding(rule: FindingRule, subject: ObjectRef, message: string, image?: string): Finding {
    return {
        id: `${rule}:${objectKey(subject)}`,
        rule,
        severity: FINDING_RULES[rule],
        subject: {
            kind: subject.kind,
            ...(subject.namespace ? { namespace: subject.namespace } : {}),
            name: subject.name,
        },
        message,
        ...(image ? { image } : {}),
    };
}

/** Any server version that this set of plug-ins does not make isolation-capable is ruled out by the version itself. */
const ALL_PLUGINS_AT_MINIMUM: PluginFound[] = NETWORK_POLICY_PLUGINS.filter((f) => f.app !== "aws-node").map((f) => ({
    app: f.app,
    version: f.minVersion,
}));

/** Controllers whose pod template stands for their pods: those pods are judged through the template. */
const TEMPLATE_OWNERS = new Set(["ReplicaSet", "DaemonSet", "StatefulSet", "Job"]);

function where(o: NormalObject): string {
    return `${o.kind} ${o.namespace ? `${o.namespace}/` : ""}${o.name}`;
}

/** Findings about one pod spec: privileged containers, host namespaces, host paths. */
export function podSpecFindings(o: NormalObject, spec: NormalPodSpec): Finding[] {
    const out: Finding[] = [];
    const privileged = spec.containers.filter((c: NormalContainer) => c.privileged);
    if (privileged.length)
        out.push(
            finding(
                "privileged-container",
                o,
                `${where(o)} runs privileged container(s) ${privileged.map((c) => `${c.name} (${c.image || "no image"})`).join(", ")}`,
                imagesOf(privileged),
            ),
        );
    // Host namespaces and host paths are the whole pod's: every container of it shares them.
    const all = imagesOf(spec.containers);
    const hostNs = (["hostNetwork", "hostPID", "hostIPC"] as const).filter((k) => spec[k]);
    if (hostNs.length)
        out.push(finding("host-namespace", o, `${where(o)} shares the node's namespaces: ${hostNs.join(", ")}`, all));
    if (spec.hostPaths?.length)
        out.push(finding("host-path", o, `${where(o)} mounts host path(s) ${spec.hostPaths.join(", ")}`, all));
    return out;
}

/** The distinct images of some containers, in their order, joined by ", "; undefined when none names one. */
function imagesOf(containers: NormalContainer[]): string | undefined {
    const images = [...new Set(containers.map((c) => c.image).filter(Boolean))];
    return images.length ? images.join(", ") : undefined;
}

const OPEN_RANGES = new Set(["0.0.0.0/0", "::/0"]);

/**
 * Findings computed one object at a time while a snapshot streams, so nothing but the findings
 * themselves and a few small facts is held.
 */
export class FindingsBuilder {
    readonly findings: Finding[] = [];
    private readonly workloads: NormalObject[] = [];
    private readonly plugins: PluginFound[] = [];
    private templates = 0;
    private gatekeeperNamespace = false;

    add(o: NormalObject): void {
        switch (o.kind) {
            case "Pod": {
                const plugin = pluginOfPod(
                    o.labels,
                    o.phase as string | undefined,
                    (o.containers as NormalContainer[]).find((c) => !c.init)?.image,
                );
                if (plugin) this.plugins.push(plugin);
                if (!o.owner || !TEMPLATE_OWNERS.has(o.owner.kind))
                    this.findings.push(...podSpecFindings(o, o as unknown as NormalPodSpec));
                break;
            }
            case "Deployment":
            case "DaemonSet":
            case "StatefulSet":
            case "CronJob":
            case "Job":
                if (o.kind === "Job" && o.owner?.kind === "CronJob") break;
                this.findings.push(...podSpecFindings(o, o.template as NormalPodSpec));
                if (
                    (o.kind === "Deployment" || o.kind === "DaemonSet") &&
                    SENSOR_NAMESPACES.includes(o.namespace ?? "")
                )
                    this.workloads.push(o);
                break;
            case "Service":
                this.service(o);
                break;
            case "ClusterRoleBinding":
            case "RoleBinding": {
                const ref = o.roleRef as { kind: string; name: string };
                const sas = (o.subjects as { kind: string; name: string; namespace?: string }[]).filter(
                    (s) => s.kind === "ServiceAccount",
                );
                if (ref.kind === "ClusterRole" && ref.name === "cluster-admin" && sas.length) {
                    const scope = o.kind === "ClusterRoleBinding" ? "the whole cluster" : `namespace ${o.namespace}`;
                    this.findings.push(
                        finding(
                            "cluster-admin-binding",
                            o,
                            `${where(o)} gives cluster-admin over ${scope} to service account(s) ${sas.map((s) => `${s.namespace ?? o.namespace}/${s.name}`).join(", ")}`,
                        ),
                    );
                }
                break;
            }
            case "Role":
            case "ClusterRole": {
                // Kubernetes' own default roles (cluster-admin, admin, edit) are wildcards by design.
                if (o.labels?.["kubernetes.io/bootstrapping"] === "rbac-defaults" || o.aggregated) break;
                const wild = (o.rules as { verbs: string[]; resources?: string[] }[]).filter(
                    (r) => r.verbs.includes("*") || (r.resources ?? []).includes("*"),
                );
                if (wild.length) {
                    const what = [
                        ...new Set(
                            wild
                                .flatMap((r) => [
                                    r.verbs.includes("*") ? "verbs" : "",
                                    (r.resources ?? []).includes("*") ? "resources" : "",
                                ])
                                .filter(Boolean),
                        ),
                    ];
                    this.findings.push(
                        finding("wildcard-role", o, `${where(o)} grants wildcard ${what.join(" and ")}`),
                    );
                }
                break;
            }
            case "ConstraintTemplate":
                this.templates++;
                break;
            case "Namespace":
                if (o.name === "gatekeeper-system") this.gatekeeperNamespace = true;
                break;
        }
    }

    private service(o: NormalObject): void {
        if (o.type === "LoadBalancer" && !o.internal) {
            const ranges = (o.loadBalancerSourceRanges as string[] | undefined) ?? [];
            if (ranges.length === 0 || ranges.some((r) => OPEN_RANGES.has(r))) {
                const ports = (o.ports as { port: number }[]).map((p) => p.port).join(", ");
                this.findings.push(
                    finding(
                        "public-service",
                        o,
                        `${where(o)} is a public LoadBalancer on port(s) ${ports} with ${ranges.length ? "an open source range" : "no loadBalancerSourceRanges"}`,
                    ),
                );
            }
        } else if (o.type === "NodePort") {
            const ports = (o.ports as { nodePort?: number }[])
                .map((p) => p.nodePort)
                .filter(Boolean)
                .join(", ");
            this.findings.push(finding("nodeport-service", o, `${where(o)} opens node port(s) ${ports} on every node`));
        }
    }

    /**
     * Cluster-level findings once every kind is read. A cluster finding whose evidence kind could
     * not be read (`unread`) is neither raised nor cleared: its id is returned in `unknown`.
     */
    finish(
        serverVersion: ServerVersionInfo,
        constraintTemplatesServed: boolean,
        unread: ReadonlySet<string> = new Set(),
    ): { findings: Finding[]; posture: Posture; unknown: UnknownFinding[] } {
        const cluster: ObjectRef = { kind: "Cluster", name: "cluster" };
        const unknown: UnknownFinding[] = [];
        const unknownIf = (rules: FindingRule[], kinds: string[]): boolean => {
            const missing = kinds.filter((k) => unread.has(k));
            if (!missing.length) return false;
            for (const rule of rules)
                unknown.push({
                    id: finding(rule, cluster, "").id,
                    rule,
                    reason: `${missing.join(" and ")} could not be read`,
                });
            return true;
        };
        const unreadOf = (kinds: string[]) => kinds.filter((k) => unread.has(k));
        const couldNotRead = (kinds: string[]) => `${kinds.join(" and ")} could not be read`;
        let sensor: SensorHealth = sensorHealth(this.workloads);
        if (!unknownIf(["sensor-absent", "sensor-unhealthy"], ["Deployment", "DaemonSet"])) {
            if (sensor.state === "absent")
                this.findings.push(
                    finding(
                        "sensor-absent",
                        cluster,
                        "the Defender sensor is not installed (no microsoft-defender-* workloads in kube-system or mdc)",
                    ),
                );
            else if (sensor.state === "degraded")
                this.findings.push(
                    finding(
                        "sensor-unhealthy",
                        cluster,
                        `the Defender sensor is degraded: ${sensor.workloads.flatMap((w) => w.problems).join("; ")}`,
                    ),
                );
        } else {
            sensor = { state: "unknown", workloads: [], reason: couldNotRead(unreadOf(["Deployment", "DaemonSet"])) };
        }
        const seen = constraintTemplatesServed || this.gatekeeperNamespace;
        // Absent only when the ConstraintTemplate list said 404 and the namespaces were read.
        let present: boolean | "unknown" = seen;
        if (!seen && !unknownIf(["gatekeeper-absent"], ["ConstraintTemplate", "Namespace"]))
            this.findings.push(
                finding(
                    "gatekeeper-absent",
                    cluster,
                    "Gatekeeper (or Azure Policy for Kubernetes) is not installed: no ConstraintTemplate API",
                ),
            );
        else if (!seen) present = "unknown";
        const templatesUnread = unread.has("ConstraintTemplate");
        const gatekeeper: Posture["gatekeeper"] = {
            present,
            constraintTemplates: templatesUnread ? null : this.templates,
            ...(present === "unknown" || templatesUnread
                ? { reason: couldNotRead(unreadOf(["ConstraintTemplate", "Namespace"])) }
                : {}),
        };
        const support = isolationSupport(serverVersion, this.plugins);
        let isolation: Posture["isolation"] = { ...support, plugins: dedupePlugins(this.plugins) };
        // Without the pods the plug-ins are unseen; only a server version that rules isolation out is known.
        const versionDecides = !isolationSupport(serverVersion, ALL_PLUGINS_AT_MINIMUM).supported;
        if (!support.supported && (versionDecides || !unknownIf(["isolation-unsupported"], ["Pod"])))
            this.findings.push(
                finding("isolation-unsupported", cluster, `pod isolation is not available: ${support.reason}`),
            );
        else if (!support.supported)
            isolation = { supported: "unknown", reason: couldNotRead(["Pod"]), enforcing: [], plugins: [] };
        this.findings.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
        return { findings: this.findings, unknown, posture: { sensor, gatekeeper, isolation } };
    }
}

function dedupePlugins(ps: PluginFound[]): PluginFound[] {
    const seen = new Map<string, PluginFound>();
    for (const p of ps) seen.set(`${p.app}@${p.version ?? "?"}`, p);
    return [...seen.values()].sort((a, b) => `${a.app}@${a.version}`.localeCompare(`${b.app}@${b.version}`));
}
