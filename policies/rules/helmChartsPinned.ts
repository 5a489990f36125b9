import { ResourceRule } from "../types";

const CHART_TYPES = ["kubernetes:helm.sh/v4:Chart", "kubernetes:helm.sh/v3:Chart", "kubernetes:helm.sh/v3:Release"];

/** An exact chart version: `1.2.3`, `v1.2.3`, `1.2.3-rc.1`, `1.2.3+build`. Ranges and `latest` float. */
export const EXACT_VERSION = /^v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

export const helmChartsPinned: ResourceRule = {
    kind: "resource",
    name: "helm-chart-versions-pinned",
    description: "Every Helm chart is installed at an exact version, so a review sees what will run.",
    enforcementLevel: "mandatory",
    validate(r) {
        if (!CHART_TYPES.includes(r.type)) return [];
        const v = r.inputs.version;
        if (v === undefined || v === null || v === "") return [`chart ${r.inputs.chart ?? r.name} has no version: it would float to the newest`];
        if (typeof v !== "string" || !EXACT_VERSION.test(v)) return [`chart ${r.inputs.chart ?? r.name} version "${v}" is not an exact version`];
        return [];
    },
};
