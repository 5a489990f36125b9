import { fileGcpLookup } from "../../cloudState/gcp";
import { GcpCloudLookup } from "../../components/gcp/cloudLookup";
import { startMockSession, PlanResource } from "../../lib/mockRuntime";
import { PROJECT } from "../../config";

/** Lookups answered from an in-memory `gcp` cloud-state section, validated as a file's would be. */
export function stateLookup(gcp: unknown, path = "(test state)"): GcpCloudLookup {
    return fileGcpLookup({ path, sections: { gcp } });
}

/** Like `registered`, for a program that reads the cloud before it declares (an async function). */
export async function registeredAfterLookups(declare: () => Promise<unknown>): Promise<PlanResource[]> {
    const session = await startMockSession(PROJECT, "test");
    const start = session.resources.length;
    await declare();
    await session.settle();
    return session.resources.slice(start);
}
