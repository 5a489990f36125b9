/**
 * The `securityConnectors` section of a cloud-state file, written from what the connector lookup
 * answered (`lookup/recorder.ts`): the inverse of `lookup/connectors/stateFile.ts`.
 */
import { callsOf, RecordedCall } from "../recorder";
import { ExistingSecurityConnector } from "../../domain/shared/securityConnectors";
import { byKey } from "../stateExport";

/** Undefined when no stack lookup asked for connectors (the section is then left out). */
export function connectorsStateSection(calls: readonly RecordedCall[]): Record<string, unknown>[] | undefined {
    const asked = callsOf(calls, "securityConnectors");
    if (asked.length === 0) return undefined;
    const byId = new Map<string, ExistingSecurityConnector>();
    for (const c of asked) for (const x of c.answer as ExistingSecurityConnector[]) byId.set(x.id.toLowerCase(), x);
    return byKey([...byId.values()], (c) => c.id.toLowerCase()).map((c) => ({
        id: c.id,
        location: c.location,
        environmentName: c.environmentName,
        hierarchyIdentifier: c.hierarchyIdentifier,
        environmentData: c.environmentData,
        offerings: c.offerings,
        tags: c.tags,
    }));
}
