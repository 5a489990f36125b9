/**
 * The `azure` section of a cloud-state file, written from what the program's Azure lookups were
 * answered (`lookup/recorder.ts`): the inverse of `lookup/azure/stateFile.ts`. Ids the file
 * derives (bindings, extensions, operators, pricings, policy assignments) are left out; what ARM
 * lists is sorted by id or name.
 */
import { callsOf, RecordedCall } from "../recorder";
import {
    AzureClusterFacts,
    ExistingArcExtension,
    ExistingBinding,
    ExistingOperator,
    ExistingPolicyAssignment,
    ExistingPricing,
    ExistingRoleAssignment,
} from "./port";
import { ClusterRef } from "../../domain/azure/resourceIds";
import { byKey } from "../stateExport";

const lower = (s: string) => s.toLowerCase();

export function azureStateSection(subscriptionId: string, calls: readonly RecordedCall[]): Record<string, unknown> {
    const bindings = new Map<string, ExistingBinding[]>();
    for (const c of callsOf(calls, "trustedAccessBindings"))
        bindings.set(lower((c.args[0] as ClusterRef).id), c.answer as ExistingBinding[]);
    const extensions = new Map<string, ExistingArcExtension[]>();
    for (const c of callsOf(calls, "arcExtensions"))
        extensions.set(lower((c.args[0] as ClusterRef).id), c.answer as ExistingArcExtension[]);
    const clusters = callsOf(calls, "clusters").flatMap((c) => c.answer as AzureClusterFacts[]);
    const cluster = (c: AzureClusterFacts): Record<string, unknown> => ({
        id: c.id,
        location: c.location,
        tags: c.tags,
        ...(c.distribution !== undefined ? { distribution: c.distribution } : {}),
    });
    const aksClusters = byKey(
        clusters.filter((c) => c.kind === "aks"),
        (c) => lower(c.id),
    ).map((c) => {
        const found = bindings.get(lower(c.id));
        return {
            ...cluster(c),
            ...(found
                ? {
                      trustedAccessRoleBindings: byKey(found, (b) => b.name).map((b) => ({
                          name: b.name,
                          roles: b.roles,
                          sourceResourceId: b.sourceResourceId,
                      })),
                  }
                : {}),
        };
    });
    const arcClusters = byKey(
        clusters.filter((c) => c.kind === "arc"),
        (c) => lower(c.id),
    ).map((c) => {
        const found = extensions.get(lower(c.id));
        return {
            ...cluster(c),
            ...(found
                ? {
                      extensions: byKey(found, (e) => e.name).map((e) => ({
                          name: e.name,
                          extensionType: e.extensionType,
                          configurationSettings: e.configurationSettings,
                          ...(e.releaseTrain !== undefined ? { releaseTrain: e.releaseTrain } : {}),
                          ...(e.autoUpgradeMinorVersion !== undefined
                              ? { autoUpgradeMinorVersion: e.autoUpgradeMinorVersion }
                              : {}),
                          ...(e.releaseNamespace !== undefined ? { releaseNamespace: e.releaseNamespace } : {}),
                          ...(e.identityType !== undefined ? { identityType: e.identityType } : {}),
                      })),
                  }
                : {}),
        };
    });
    const operators = callsOf(calls, "securityOperator").flatMap((c) => {
        const op = c.answer as ExistingOperator | undefined;
        const [pricingName, name] = c.args as [string, string];
        return op ? [{ pricingName, name, principalId: op.principalId }] : [];
    });
    const roleAssignments = new Map<string, ExistingRoleAssignment>();
    for (const c of callsOf(calls, "roleAssignments"))
        for (const a of c.answer as ExistingRoleAssignment[]) roleAssignments.set(lower(a.id), a);
    const pricings = callsOf(calls, "pricing").flatMap((c) => {
        const p = c.answer as ExistingPricing | undefined;
        if (!p) return [];
        return [
            {
                name: c.args[0] as string,
                pricingTier: p.pricingTier,
                extensions: p.extensions,
                ...(p.extensionProperties ? { additionalExtensionProperties: p.extensionProperties } : {}),
            },
        ];
    });
    const assignments = callsOf(calls, "policyAssignments").flatMap((c) => c.answer as ExistingPolicyAssignment[]);
    return {
        subscriptionId,
        aksClusters,
        arcClusters,
        securityOperators: byKey(operators, (o) => `${o.pricingName}/${lower(o.name)}`),
        roleAssignments: byKey([...roleAssignments.values()], (a) => lower(a.id)).map((a) => ({
            id: a.id,
            scope: a.scope,
            roleDefinitionId: a.roleDefinitionId,
            principalId: a.principalId,
            ...(a.principalType !== undefined ? { principalType: a.principalType } : {}),
            ...(a.description !== undefined ? { description: a.description } : {}),
        })),
        pricings: byKey(pricings, (p) => p.name),
        policyAssignments: byKey([...new Map(assignments.map((a) => [a.name, a])).values()], (a) => a.name).map(
            (a) => ({
                name: a.name,
                policyDefinitionId: a.policyDefinitionId,
                ...(a.principalId !== undefined ? { principalId: a.principalId } : {}),
            }),
        ),
    };
}
