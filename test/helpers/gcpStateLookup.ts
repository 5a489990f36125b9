import { fileGcpLookup } from "../../lookup/gcp/stateFile";
import { GcpCloudLookup } from "../../lookup/gcp/port";

/** Lookups answered from an in-memory `gcp` cloud-state section, validated as a file's would be. */
export function stateLookup(gcp: unknown, path = "(test state)"): GcpCloudLookup {
    return fileGcpLookup({ path, sections: { gcp } });
}
