import { EXACT_CHART_VERSION } from "../facts";
import { ResourceRule } from "../types";

const CHART_TYPES = ["kubernetes:helm.sh/v4:Chart", "kubernetes:helm.sh/v3:Chart", "kubernetes:helm.sh/v3:Release"];

/**
 * The project's components that install a chart, with its name and version as props: the engine
 * analyzes them with those props, where it sees a v4 Chart with none (below).
 */
const CHART_COMPONENTS = ["agentless:kubernetes:DefenderSensor", "agentless:kubernetes:Gatekeeper"];

/** An exact chart version, `v` prefix tolerated as Helm does: `1.2.3`, `v1.2.3`, `1.2.3-rc.1`. */
function isExactVersion(v: string): boolean {
    return EXACT_CHART_VERSION.test(v.replace(/^v/, ""));
}

function versionProblems(chart: string, v: unknown): string[] {
    if (v === undefined || v === null || v === "")
        return [`chart ${chart} has no version: it would float to the newest`];
    if (typeof v !== "string" || !isExactVersion(v)) return [`chart ${chart} version "${v}" is not an exact version`];
    return [];
}

export const helmChartsPinned: ResourceRule = {
    kind: "resource",
    name: "helm-chart-versions-pinned",
    description: "Every Helm chart is installed at an exact version, so a review sees what will run.",
    enforcementLevel: "mandatory",
    validate(r) {
        if (CHART_COMPONENTS.includes(r.type))
            return versionProblems(String(r.inputs.chart ?? r.name), r.inputs.chartVersion);
        if (!CHART_TYPES.includes(r.type)) return [];
        // A v4 Chart is a component the Kubernetes provider builds (Construct), and the provider
        // registers it with no inputs (pulumi-kubernetes provider/pkg/provider/helm/v4/chart.go:
        // RegisterComponentResource, no props), so `pulumi preview --policy-pack` sees none: it is
        // judged through the component that declares it. Only the offline gate sees its `chart`.
        if (r.type === "kubernetes:helm.sh/v4:Chart" && !("chart" in r.inputs)) return [];
        return versionProblems(String(r.inputs.chart ?? r.name), r.inputs.version);
    },
};
