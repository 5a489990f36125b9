"use strict";
// The stand-in kubernetes provider's Construct of `kubernetes:helm.sh/v4:Chart`, the component the
// real provider builds itself (the SDK registers it as a remote component: Chart's constructor
// passes remote = true, node_modules/@pulumi/kubernetes/helm/v4/chart.js).
//
// What the real provider does (pulumi-kubernetes provider/pkg/provider/helm/v4/chart.go): it
// registers the component under the name and options of the request, with no inputs, renders the
// chart (`helm template` with the request's chart, version, values) and registers every rendered
// object as a child, then registers the component's outputs, `resources` (the children).
//
// What this models: the component, registered by the provider under the request's name, parent,
// providers and dependencies, with no inputs, and its outputs `resources`. What it does not: the
// chart is not fetched nor rendered (no chart repository is reachable here), so no child object is
// registered and `resources` is empty; the request's chart inputs are only checked for `chart`.
const pulumi = require("@pulumi/pulumi");

const CHART = "kubernetes:helm.sh/v4:Chart";

async function construct(name, type, inputs, options) {
    if (type !== CHART) throw new Error(`the stand-in kubernetes provider constructs no component ${type}`);
    // The real provider's error for a Chart without its required `chart` input.
    if (typeof inputs.chart !== "string" && !pulumi.Output.isInstance(inputs.chart))
        throw new Error(`${CHART} ${name}: missing required property 'chart'`);
    const chart = new pulumi.ComponentResource(type, name, {}, options);
    const state = { resources: [] };
    chart.registerOutputs(state);
    return { urn: chart.urn, state };
}

module.exports = { construct };
