/**
 * Chart and namespace facts of the cluster add-ons (docs/sources.md: sensor, policy add-on, attack simulation), kept once: the components,
 * the config checks, the tests and the policy rules read them from here.
 */

export interface ChartFact {
    /** `chart` input of the Helm v4 Chart: an OCI reference or a chart name in `repo`. */
    chart: string;
    /** Chart repository, for charts not referenced by OCI. */
    repo?: string;
    release: string;
    namespace: string;
}

/** The Defender sensor outside AKS's own security profile (docs/sources.md: sensor). */
export const SENSOR_CHART: ChartFact = {
    chart: "oci://mcr.microsoft.com/azuredefender/microsoft-defender-for-containers",
    release: "defender-k8s",
    namespace: "mdc",
};

/** Open-source Gatekeeper, the guard Azure Policy for Kubernetes builds on (docs/sources.md: policy add-on). */
export const GATEKEEPER_CHART: ChartFact = {
    chart: "gatekeeper",
    repo: "https://open-policy-agent.github.io/gatekeeper/charts",
    release: "gatekeeper",
    namespace: "gatekeeper-system",
};

export const KUBE_SYSTEM = "kube-system";

/** Exact SemVer: what "pinned" means for a chart version (no range, no `latest`, not empty). */
export const EXACT_CHART_VERSION = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

/** Gatekeeper's API groups: what the templates and constraints are declared with. */
export const CONSTRAINT_TEMPLATE_API_VERSION = "templates.gatekeeper.sh/v1";
export const CONSTRAINT_API_VERSION = "constraints.gatekeeper.sh/v1beta1";
export const GATEKEEPER_TARGET = "admission.k8s.gatekeeper.sh";
export const CEL_ENGINE = "K8sNativeValidation";

/** `spec.enforcementAction` of a constraint. */
export const ENFORCEMENT_ACTIONS = ["dryrun", "warn", "deny"] as const;
export type EnforcementAction = (typeof ENFORCEMENT_ACTIONS)[number];

/** The attack simulation's fixed names (docs/sources.md: attack simulation). */
export const SIMULATION = {
    namespace: "mdc-simulation",
    attackerPod: "mdc-simulation-attacker",
    victimPod: "mdc-simulation-victim",
    victimServiceAccount: "mdc-simulation-victim",
} as const;

/** Label every object this project creates in a cluster carries. */
export const MANAGED_BY_LABEL = { "app.kubernetes.io/managed-by": "agentless-discovery" } as const;

/** Why a chart version must be plain, for the components' refusal of an output. */
export const PINS_CHART = "it pins the chart, which the plan and the policy rules read";
