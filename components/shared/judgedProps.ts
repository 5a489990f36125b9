import * as pulumi from "@pulumi/pulumi";

/**
 * A component's outputs for the engine, when the policy pack judges its props.
 *
 * `pulumi preview --policy-pack` runs the pack's stack rules on each resource's outputs (the
 * engine's AnalyzeStack: `Properties: v.Outputs`, pkg/resource/deploy/step_generator.go of the
 * Pulumi CLI), and a component's outputs are only what it registers with `registerOutputs`, not
 * the props it gave its constructor. The offline gate reads the props: a component whose props a
 * stack rule reads registers them as outputs too, so that both judge the same facts.
 */
export function judgedOutputs(props: pulumi.Inputs, own: pulumi.Inputs = {}): pulumi.Inputs {
    return { ...props, ...own };
}
