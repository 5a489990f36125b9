import { EXACT_CHART_VERSION } from "../facts";
import { ResourceRule } from "../types";

const CHART_TYPES = ["kubernetes:helm.sh/v4:Chart", "kubernetes:helm.sh/v3:Chart", "kubernetes:helm.sh/v3:Release"];

/** An exact chart version, `v` prefix tolerated as Helm does: `1.2.3`, `v1.2.3`, `1.2.3-rc.1`. */
function isExactVersion(v: string): boolean {
    return EXACT_CHART_VERSION.test(v.replace(/^v/, ""));
}

export const helmChartsPinned: ResourceRule = {
    kind: "resource",
    name: "helm-chart-versions-pinned",
    description: "Every Helm chart is installed at an exact version, so a review sees what will run.",
    enforcementLevel: "mandatory",
    validate(r) {
        if (!CHART_TYPES.includes(r.type)) return [];
        const v = r.inputs.version;
        if (v === undefined || v === null || v === "")
            return [`chart ${r.inputs.chart ?? r.name} has no version: it would float to the newest`];
        if (typeof v !== "string" || !isExactVersion(v))
            return [`chart ${r.inputs.chart ?? r.name} version "${v}" is not an exact version`];
        return [];
    },
};
