import * as pulumi from "@pulumi/pulumi";
import { Chart } from "@pulumi/kubernetes/helm/v4";
import { Namespace } from "@pulumi/kubernetes/core/v1";
import { CustomResource } from "@pulumi/kubernetes/apiextensions";
import { EnforcementAction, GATEKEEPER_CHART, MANAGED_BY_LABEL, PINS_CHART } from "../../domain/kubernetes/facts";
import {
    buildConstraint,
    ConstraintDoc,
    ConstraintTemplateDoc,
    policies,
} from "../../domain/kubernetes/gatekeeperPolicies";
import { loadTemplate } from "./gatekeeperTemplates";
import { requirePlain } from "../shared/input";

export interface GatekeeperArgs {
    /** The cluster, as the component's props name it; may be an output. The provider comes in the options. */
    clusterName: pulumi.Input<string>;
    /** Plain: an exact chart version, which the policy rules read. */
    chartVersion: string;
    /** Plain, as the next two: they go into the constraints, which the plan and the policy rules read. */
    enforcement: EnforcementAction;
    excludedNamespaces: readonly string[];
    /** Roles allowed to hold wildcards (exact names); Kubernetes' built-in ones and Gatekeeper's by default. */
    wildcardRoleExemptions?: readonly string[];
}

/**
 * Open-source Gatekeeper in one cluster (chart `gatekeeper`, namespace `gatekeeper-system`), then
 * the ConstraintTemplates in policies/gatekeeper (gatekeeper-library's where it has one, ours
 * otherwise: docs/gatekeeper.md) and one Constraint per template.
 */
export class Gatekeeper extends pulumi.ComponentResource {
    readonly chart: Chart;
    readonly templates: CustomResource[] = [];
    readonly constraints: CustomResource[] = [];
    /** The constraints as declared, for the plan and for checks that read them. */
    readonly constraintDocs: ConstraintDoc[] = [];

    constructor(name: string, args: GatekeeperArgs, opts?: pulumi.ComponentResourceOptions) {
        const inConstraints = "it goes into the constraints, which the plan and the policy rules read";
        requirePlain("Gatekeeper", name, args, {
            chartVersion: PINS_CHART,
            enforcement: inConstraints,
            excludedNamespaces: inConstraints,
            wildcardRoleExemptions: inConstraints,
        });
        super(
            "agentless:kubernetes:Gatekeeper",
            name,
            {
                cluster: args.clusterName,
                chart: GATEKEEPER_CHART.chart,
                repo: GATEKEEPER_CHART.repo,
                chartVersion: args.chartVersion,
                release: GATEKEEPER_CHART.release,
                namespace: GATEKEEPER_CHART.namespace,
                enforcement: args.enforcement,
                excludedNamespaces: [...args.excludedNamespaces],
            },
            opts,
        );
        // Gatekeeper's own namespace carries the label its webhook skips, as the chart's docs ask.
        const ns = new Namespace(
            `${name}-ns`,
            {
                metadata: {
                    name: GATEKEEPER_CHART.namespace,
                    labels: { ...MANAGED_BY_LABEL, "admission.gatekeeper.sh/ignore": "no-self-managing" },
                },
            },
            { parent: this },
        );
        this.chart = new Chart(
            name,
            {
                chart: GATEKEEPER_CHART.chart,
                version: args.chartVersion,
                name: GATEKEEPER_CHART.release,
                namespace: GATEKEEPER_CHART.namespace,
                repositoryOpts: { repo: GATEKEEPER_CHART.repo },
                // No controllerManager.exemptNamespaces: that flag only permits the namespaces to carry the
                // admission.gatekeeper.sh/ignore label (without the label nothing is exempt, with it the
                // webhook skips them yet audit still reports them). The constraints' excludedNamespaces
                // exclude them from admission and audit alike (docs/gatekeeper.md, "Excluded namespaces").
            },
            { parent: this, dependsOn: [ns] },
        );

        for (const policy of policies({ wildcardRoleExemptions: args.wildcardRoleExemptions })) {
            const template: ConstraintTemplateDoc = loadTemplate(policy.dir);
            const t = new CustomResource(
                `${name}-${template.metadata.name}`,
                {
                    apiVersion: template.apiVersion,
                    kind: template.kind,
                    metadata: {
                        name: template.metadata.name,
                        annotations: template.metadata.annotations,
                        labels: { ...MANAGED_BY_LABEL },
                    },
                    spec: template.spec,
                },
                { parent: this, dependsOn: [this.chart] },
            );
            this.templates.push(t);
            const doc = buildConstraint(
                policy,
                template.spec.crd.spec.names.kind,
                args.enforcement,
                args.excludedNamespaces,
            );
            this.constraintDocs.push(doc);
            // The constraint's kind exists only once Gatekeeper has turned the template into a CRD.
            this.constraints.push(
                new CustomResource(
                    `${name}-${doc.metadata.name}`,
                    {
                        apiVersion: doc.apiVersion,
                        kind: doc.kind,
                        metadata: { name: doc.metadata.name, labels: { ...MANAGED_BY_LABEL } },
                        spec: doc.spec,
                    },
                    { parent: this, dependsOn: [t] },
                ),
            );
        }
        this.registerOutputs({ constraints: this.constraintDocs.map((c) => `${c.kind}/${c.metadata.name}`) });
    }
}
