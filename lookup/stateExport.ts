/**
 * How `npm run cloud-state` writes a cloud-state file: the sections the program's lookups were
 * answered with (`lookup/<cloud>/stateExport.ts`), in one canonical text. Mapping keys are sorted
 * (those naming an item first: LEADING)
 * and lists kept in the order the exporters sort them, so the same cloud always gives the same
 * bytes and a change in the cloud is a small diff. Documents the program passes on as read keep
 * the key order the cloud answered (each service answers them in one order): IAM policy
 * documents (`trustPolicy`, `document`) and a connector's ARM properties (`environmentData`,
 * `offerings`), which become an adopted connector's inputs.
 */
import { stringify } from "yaml";
import { CLOUD_STATE_SECTIONS } from "./stateFile";
import { READ_AT_HEADER } from "../domain/shared/cloudStateAge";

/** Keys whose value is a document kept as the cloud wrote it (key order included). */
const VERBATIM = new Set(["trustPolicy", "document", "environmentData", "offerings"]);

/** Sorted by `key`, compared by code unit (the same in every locale). */
export function byKey<T>(items: T[], key: (t: T) => string): T[] {
    return [...items].sort((a, b) => {
        const [x, y] = [key(a), key(b)];
        return x < y ? -1 : x > y ? 1 : 0;
    });
}

/** Keys that name an item come first, in this order, so that each list item starts with what it is. */
const LEADING = [
    "subscriptionId",
    "id",
    "name",
    "pricingName",
    "accountId",
    "roleId",
    "poolId",
    "providerId",
    "principalArn",
    "region",
    "location",
    "role",
];

function keyOrder(a: string, b: string): number {
    const [x, y] = [LEADING.indexOf(a), LEADING.indexOf(b)];
    if (x !== y) return x < 0 ? 1 : y < 0 ? -1 : x - y;
    return a < b ? -1 : a > b ? 1 : 0;
}

function sortKeys(v: unknown, verbatim = false): unknown {
    if (Array.isArray(v)) return v.map((x) => sortKeys(x, verbatim));
    if (v === null || typeof v !== "object") return v;
    const entries = Object.entries(v as Record<string, unknown>);
    if (!verbatim) entries.sort(([a], [b]) => keyOrder(a, b));
    return Object.fromEntries(entries.map(([k, x]) => [k, sortKeys(x, verbatim || VERBATIM.has(k))]));
}

/** The body of a cloud-state file: its sections in the documented order, everything below sorted. */
export function renderCloudState(sections: Record<string, unknown>): string {
    const ordered: Record<string, unknown> = {};
    for (const s of CLOUD_STATE_SECTIONS) if (sections[s] !== undefined) ordered[s] = sortKeys(sections[s]);
    // No line folding, no anchors: one value a line, so that a diff shows exactly what changed.
    // Strings quoted as YAML 1.1 needs (2012-10-17, yes, 0755): a 1.1 reader (PyYAML, yq v3) reads
    // them as strings too; the project's reader (YAML 1.2) reads either form as the same string.
    return stringify(ordered, { lineWidth: 0, aliasDuplicateObjects: false, indentSeq: true, version: "1.1" });
}

export interface ExportHeader {
    stack: string;
    /** When the cloud was read, ISO 8601 in UTC. */
    readAt: string;
    /** Who read it, as the cloud names the identity (or why it is not named). */
    identity: string;
}

/**
 * The comment lines above the body: the file's origin. Never compared by --check. The `read-at`
 * line is the one the freshness check dates the file by (domain/shared/cloudStateAge.ts).
 */
export function renderHeader(h: ExportHeader): string {
    return [
        `# Written by \`npm run cloud-state -- --stack ${h.stack}\` from the live cloud; regenerate it rather than edit it (docs/cloud-state.md).`,
        `${READ_AT_HEADER} ${h.readAt}`,
        `# read-as: ${h.identity}`,
        "",
    ].join("\n");
}
