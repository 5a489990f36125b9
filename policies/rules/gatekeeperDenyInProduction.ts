import { StackRule } from "../types";

export const gatekeeperDenyInProduction: StackRule = {
    kind: "stack",
    name: "gatekeeper-deny-in-production",
    description: "In production, Gatekeeper constraints deny what they detect instead of only reporting it.",
    enforcementLevel: "advisory",
    takesProduction: true,
    validateStack(resources, ctx) {
        if (!ctx.production) return [];
        return (
            resources
                // @pulumi/kubernetes registers a custom resource as kubernetes:<apiVersion>:<kind>.
                .filter((r) => r.type.startsWith("kubernetes:constraints.gatekeeper.sh/"))
                .filter((r) => (r.inputs.spec?.enforcementAction ?? "deny") !== "deny")
                .map((r) => ({
                    resource: r.name,
                    message: `constraint ${r.inputs.kind}/${r.inputs.metadata?.name ?? r.name} is in "${r.inputs.spec.enforcementAction}" mode in a production stack`,
                }))
        );
    },
};
