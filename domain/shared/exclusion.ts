/**
 * Defender leaves out a cluster that carries this tag (AWS tag, Azure tag, GCP label) with the
 * value "true". GCP labels cannot hold upper-case letters, so the key is the same everywhere.
 */
export const EXCLUSION_TAG = "ms_defender_container_exclude_agentless";

export function isExcluded(tags: Readonly<Record<string, string>> | undefined): boolean {
    if (!tags) return false;
    const entry = Object.entries(tags).find(([k]) => k.toLowerCase() === EXCLUSION_TAG);
    return entry !== undefined && entry[1].trim().toLowerCase() === "true";
}
