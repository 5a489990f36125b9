import * as pulumi from "@pulumi/pulumi";
import { Namespace, Pod, Service, ServiceAccount } from "@pulumi/kubernetes/core/v1";
import { MANAGED_BY_LABEL, SIMULATION } from "../../domain/kubernetes/facts";
import { requirePlain } from "../shared/input";
import { expectedAlerts, Scenario, scenariosOf } from "../../domain/kubernetes/simulationScenarios";

export interface AttackSimulationArgs {
    /** The cluster, as the component's props name it; may be an output. The provider comes in the options. */
    clusterName: pulumi.Input<string>;
    /** Plain: it decides the alerts to expect (`expectedAlerts`). */
    scenario: Scenario;
    /** Plain: the stack's production flag; the component refuses to run on production. */
    production: boolean;
    /** The two images; may be outputs (an image the user's program pushes or a registry it creates). */
    images: { attacker: pulumi.Input<string>; victim: pulumi.Input<string> };
}

const APP_LABEL = "app.kubernetes.io/name";

/** The victim's address as the attacker reaches it: the headless Service's DNS name. */
export function victimAddress(): string {
    return `${SIMULATION.victimPod}.${SIMULATION.namespace}.svc.cluster.local`;
}

/**
 * Microsoft's attack simulation (docs/sources.md: attack simulation): an attacker pod and a victim pod, each behind a headless
 * Service, in namespace `mdc-simulation`; the victim runs as service account `mdc-simulation-victim`,
 * which is granted nothing. The scenario reaches the attacker as SCENARIO. Only for clusters
 * without production workloads, with the sensor installed.
 */
export class AttackSimulation extends pulumi.ComponentResource {
    readonly expectedAlerts: string[];

    constructor(name: string, args: AttackSimulationArgs, opts?: pulumi.ComponentResourceOptions) {
        const where = `AttackSimulation ${name}`;
        requirePlain("AttackSimulation", name, args, {
            production: "it decides whether the simulation may run",
            scenario: "it decides the alerts to expect",
        });
        if (args.production) {
            // Config validation refuses this first; this guards direct use of the component.
            const cluster = typeof args.clusterName === "string" ? `cluster ${args.clusterName}` : where;
            throw new Error(`the attack simulation must not run on a production stack (${cluster})`);
        }
        super(
            "agentless:kubernetes:AttackSimulation",
            name,
            {
                cluster: args.clusterName,
                scenario: args.scenario,
                production: args.production,
                namespace: SIMULATION.namespace,
                images: { ...args.images },
            },
            opts,
        );
        this.expectedAlerts = expectedAlerts(args.scenario);
        const labels = (role: string) => ({
            ...MANAGED_BY_LABEL,
            [APP_LABEL]: SIMULATION.namespace,
            "app.kubernetes.io/component": role,
        });
        const ns = new Namespace(
            `${name}-ns`,
            { metadata: { name: SIMULATION.namespace, labels: { ...MANAGED_BY_LABEL } } },
            { parent: this },
        );
        const inNs = { parent: this, dependsOn: [ns] };

        const sa = new ServiceAccount(
            `${name}-victim-sa`,
            {
                metadata: {
                    name: SIMULATION.victimServiceAccount,
                    namespace: SIMULATION.namespace,
                    labels: labels("victim"),
                },
            },
            inNs,
        );

        const pods: Record<"attacker" | "victim", { name: string; image: pulumi.Input<string> }> = {
            attacker: { name: SIMULATION.attackerPod, image: args.images.attacker },
            victim: { name: SIMULATION.victimPod, image: args.images.victim },
        };
        for (const role of ["victim", "attacker"] as const) {
            const p = pods[role];
            new Service(
                `${name}-${role}-svc`,
                {
                    metadata: { name: p.name, namespace: SIMULATION.namespace, labels: labels(role) },
                    spec: {
                        clusterIP: "None",
                        selector: { "app.kubernetes.io/component": role, [APP_LABEL]: SIMULATION.namespace },
                    },
                },
                inNs,
            );
            new Pod(
                `${name}-${role}`,
                {
                    metadata: { name: p.name, namespace: SIMULATION.namespace, labels: labels(role) },
                    spec: {
                        serviceAccountName: role === "victim" ? SIMULATION.victimServiceAccount : undefined,
                        automountServiceAccountToken: role === "victim",
                        restartPolicy: "Never",
                        containers: [
                            {
                                name: role,
                                image: p.image,
                                env:
                                    role === "attacker"
                                        ? [
                                              { name: "SCENARIO", value: args.scenario },
                                              { name: "VICTIM_ADDRESS", value: victimAddress() },
                                          ]
                                        : [],
                                securityContext: { privileged: false, allowPrivilegeEscalation: false },
                            },
                        ],
                    },
                },
                role === "victim" ? { ...inNs, dependsOn: [ns, sa] } : inNs,
            );
        }
        this.registerOutputs({ scenarios: scenariosOf(args.scenario), expectedAlerts: this.expectedAlerts });
    }
}
