/**
 * Checks that need more than one stack: two stacks of one subscription can each pass the gate
 * alone and still conflict. The user names the stacks (`npm run gate -- --stack A --with-stack B`);
 * this module only compares their plans.
 */
import { Violation } from "./evaluate";
import { DEFENDER_PROFILE_POLICY_GUID, SENSOR_HELM_CHART } from "./facts";
import { ResourceView } from "./types";

export interface StackPlan {
    stack: string;
    resources: readonly ResourceView[];
}

export const SENSOR_ROUTE_RULE = "sensor-helm-or-defender-profile-policy";

interface DineAssignment {
    stack: string;
    resource: string;
    scope: string;
    subscription?: string;
    resourceGroup?: string;
}
interface HelmSensor {
    stack: string;
    resource: string;
    subscription: string;
    resourceGroup: string;
    cluster: string;
}

const SCOPE = /^\/subscriptions\/([0-9a-f-]{36})(?:\/resourceGroups\/([^/]+))?/i;

function dineAssignments(p: StackPlan): DineAssignment[] {
    return p.resources
        .filter(
            (r) =>
                r.type === "azure-native:authorization:PolicyAssignment" &&
                typeof r.inputs.policyDefinitionId === "string" &&
                r.inputs.policyDefinitionId
                    .toLowerCase()
                    .endsWith(`/policydefinitions/${DEFENDER_PROFILE_POLICY_GUID}`),
        )
        .map((r) => {
            // Not known at preview: no subscription read from it, so taken to cover every cluster, like a management group.
            const scope = typeof r.inputs.scope === "string" ? r.inputs.scope : "[unknown]";
            const m = SCOPE.exec(scope);
            return {
                stack: p.stack,
                resource: r.name,
                scope,
                subscription: m?.[1].toLowerCase(),
                resourceGroup: m?.[2]?.toLowerCase(),
            };
        });
}

/** Helm sensors on AKS clusters: 64def556 targets AKS clusters only, so EKS and GKE sensors never meet it. */
function helmSensorsOnAks(p: StackPlan): HelmSensor[] {
    return p.resources.flatMap((r) => {
        if (!r.type.startsWith("kubernetes:helm.sh/") || r.inputs.chart !== SENSOR_HELM_CHART) return [];
        const azure = r.inputs.values?.global?.cloudIdentifiers?.Azure;
        if (!azure || typeof azure.subscriptionId !== "string") return [];
        return [
            {
                stack: p.stack,
                resource: r.name,
                subscription: azure.subscriptionId.toLowerCase(),
                resourceGroup: String(azure.resourceGroupName ?? "").toLowerCase(),
                cluster: String(azure.clusterName ?? r.name),
            },
        ];
    });
}

/** A management-group scope may hold any subscription: it is taken to cover the cluster. */
function covers(a: DineAssignment, s: HelmSensor): boolean {
    if (a.subscription === undefined) return true;
    return a.subscription === s.subscription && (a.resourceGroup === undefined || a.resourceGroup === s.resourceGroup);
}

/**
 * Microsoft's Helm article: remove policy 64def556 before installing the sensor with Helm. One
 * violation per (Helm sensor, assignment) pair in different stacks whose scope covers the cluster;
 * a single stack that does both is refused when its config loads.
 */
export function sensorRouteConflicts(plans: readonly StackPlan[]): Violation[] {
    const assignments = plans.flatMap(dineAssignments);
    const out: Violation[] = [];
    for (const s of plans.flatMap(helmSensorsOnAks)) {
        for (const a of assignments) {
            if (a.stack === s.stack || !covers(a, s)) continue;
            out.push({
                policy: SENSOR_ROUTE_RULE,
                level: "mandatory",
                resource: `${s.stack}/${s.resource}`,
                message:
                    `stack ${s.stack} installs the Defender sensor with Helm on AKS cluster ${s.cluster} (subscription ${s.subscription}) ` +
                    `while stack ${a.stack} assigns policy 64def556 (Configure Azure Kubernetes Service clusters to enable Defender profile) ` +
                    `at ${a.scope} (${a.resource}): Microsoft's Helm route requires that policy removed first; ` +
                    `set sensor: false on that cluster in ${s.stack}'s kubernetes.clusters, or azure.atScale.defenderProfile: false in ${a.stack}`,
            });
        }
    }
    return out;
}
