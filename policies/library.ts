/**
 * `agentless-discovery/policies`: the rules the gate and the CrossGuard pack enforce, for a user's
 * own pack or gate (docs/library.md). `policies/index.ts` is the pack itself and constructs it on
 * import, so it is not this entry.
 */
export { RULES } from "./rules";
export { evaluatePolicies, withEnforcement, Violation, PolicyConfig } from "./evaluate";
export { toCrossGuard } from "./crossguard";
export { sensorRouteConflicts, StackPlan } from "./crossStack";
export { Rule, ResourceRule, StackRule, ResourceView, Level } from "./types";
