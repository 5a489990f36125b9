import * as pulumi from "@pulumi/pulumi";
import { NetworkPolicy } from "@pulumi/kubernetes/networking/v1";
import {
    QUARANTINE_LABEL,
    QUARANTINE_POLICY_NAME,
    QuarantineLabel,
    quarantinePolicyManifest,
} from "../../domain/kubernetes/isolationFacts";
import { requirePlain } from "../shared/input";

export interface PodQuarantineArgs {
    /** The cluster, as the component's props name it; may be an output. The provider comes in the options. */
    clusterName: pulumi.Input<string>;
    /** Plain: namespaces that get the policy, one each, named after it; they must exist (they are the workloads' own). */
    namespaces: readonly string[];
    /** Plain: the label `respond` puts on a pod, returned to the caller as `label`. */
    label?: QuarantineLabel;
}

/**
 * One quarantine NetworkPolicy per namespace: pods carrying the label lose all ingress and egress.
 * Isolating a pod is adding the label; releasing it is removing the label (`respond` does both).
 * It bites only where a network-policy plug-in enforces it: see isolationSupport().
 */
export class PodQuarantine extends pulumi.ComponentResource {
    readonly policies: NetworkPolicy[] = [];
    readonly label: QuarantineLabel;

    constructor(name: string, args: PodQuarantineArgs, opts?: pulumi.ComponentResourceOptions) {
        requirePlain("PodQuarantine", name, args, {
            namespaces: "it decides which policies exist and names them",
            label: "it is the component's label output, which isolating a pod needs",
        });
        const label = args.label ?? QUARANTINE_LABEL;
        super(
            "agentless:kubernetes:PodQuarantine",
            name,
            {
                cluster: args.clusterName,
                namespaces: [...args.namespaces],
                labelKey: label.key,
                labelValue: label.value,
                policyName: QUARANTINE_POLICY_NAME,
            },
            opts,
        );
        this.label = label;
        for (const ns of args.namespaces) {
            const m = quarantinePolicyManifest(ns, label);
            this.policies.push(
                new NetworkPolicy(`${name}-${ns}`, { metadata: m.metadata, spec: m.spec }, { parent: this }),
            );
        }
        this.registerOutputs({ label: `${label.key}=${label.value}`, namespaces: [...args.namespaces] });
    }
}
