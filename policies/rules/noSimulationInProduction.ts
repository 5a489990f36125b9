import { StackRule } from "../types";

export const SIMULATION_NAMESPACE = "mdc-simulation";

export const noSimulationInProduction: StackRule = {
    kind: "stack",
    name: "no-attack-simulation-in-production",
    description: "The attack simulation never runs in a production stack.",
    enforcementLevel: "mandatory",
    takesProduction: true,
    validateStack(resources, ctx) {
        if (!ctx.production) return [];
        return resources
            .filter(
                (r) =>
                    r.type === "agentless:kubernetes:AttackSimulation" ||
                    (r.type === "kubernetes:core/v1:Namespace" && r.inputs.metadata?.name === SIMULATION_NAMESPACE),
            )
            .map((r) => ({ resource: r.name, message: "the attack simulation is deployed in a production stack" }));
    },
};
