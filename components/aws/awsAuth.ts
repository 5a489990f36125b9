/**
 * The `mapRoles` entry of the `aws-auth` ConfigMap, merged into what the cluster already holds.
 *
 * `aws-auth` is shared by every node group and user of a cluster, and one bad edit locks nodes
 * out. So the merge never re-serializes the existing text: it parses it only to read it, and adds
 * the new entry as text after the existing entries. Everything that was there (entries, comments,
 * spacing, quoting) stays byte for byte.
 */
import { isMap, isSeq, parseAllDocuments, parseDocument } from "yaml";

export interface MapRoleEntry {
    rolearn: string;
    username: string;
    groups: string[];
}

/**
 * The cluster's aws-auth holds something this stack must not overwrite. It is raised while the
 * program runs (inside an apply, once the ConfigMap has been read), so it is marked like
 * `pulumi.RunError`: the Pulumi CLI, and the offline plan, print its message alone.
 */
export class AwsAuthMergeError extends Error {
    readonly __pulumiRunError = true;

    constructor(message: string) {
        super(message);
        this.name = "AwsAuthMergeError";
    }
}

export interface MergeResult {
    mapRoles: string;
    /** False when the entry was already there, exactly: re-running adds nothing. */
    changed: boolean;
}

/** Reads the entries of a mapRoles string; rejects text that is not one YAML list of mappings. */
export function parseMapRoles(text: string | undefined): MapRoleEntry[] {
    const doc = parseOne(text ?? "");
    const contents = doc.contents;
    if (contents === null || contents === undefined) return [];
    if (!isSeq(contents)) throw new AwsAuthMergeError("aws-auth mapRoles is not a YAML list; refusing to edit it");
    return contents.items.map((item, i) => {
        if (!isMap(item)) throw new AwsAuthMergeError(`aws-auth mapRoles item ${i} is not a mapping; refusing to edit it`);
        const plain = item.toJSON() as Record<string, unknown>;
        return {
            rolearn: typeof plain.rolearn === "string" ? plain.rolearn : "",
            username: typeof plain.username === "string" ? plain.username : "",
            groups: Array.isArray(plain.groups) ? plain.groups.map(String) : [],
        };
    });
}

function parseOne(text: string) {
    const docs = parseAllDocuments(text);
    if (!Array.isArray(docs)) return parseDocument("");
    if (docs.length > 1) throw new AwsAuthMergeError("aws-auth mapRoles holds more than one YAML document; refusing to edit it");
    const doc = docs[0] ?? parseDocument("");
    if (doc.errors.length > 0) {
        throw new AwsAuthMergeError(`aws-auth mapRoles is not valid YAML (${doc.errors[0].message.split("\n")[0]}); refusing to edit it`);
    }
    return doc;
}

function sameEntry(a: MapRoleEntry, b: MapRoleEntry): boolean {
    const ga = [...a.groups].sort();
    const gb = [...b.groups].sort();
    return a.username === b.username && ga.length === gb.length && ga.every((g, i) => g === gb[i]);
}

/** A YAML scalar that reads back as the same string: plain when safe, else double-quoted JSON. */
function scalar(s: string): string {
    return /^[A-Za-z0-9][\w.:/@+=,-]*$/.test(s) && !/:\s/.test(s) && !s.endsWith(":") ? s : JSON.stringify(s);
}

export function renderEntry(entry: MapRoleEntry, indent = ""): string {
    return [
        `${indent}- rolearn: ${scalar(entry.rolearn)}`,
        `${indent}  username: ${scalar(entry.username)}`,
        `${indent}  groups:`,
        ...entry.groups.map((g) => `${indent}    - ${scalar(g)}`),
    ].join("\n") + "\n";
}

function flowEntry(entry: MapRoleEntry): string {
    return JSON.stringify({ rolearn: entry.rolearn, username: entry.username, groups: entry.groups });
}

/**
 * Adds `entry` to the mapRoles text `existing`.
 * - the entry already there, identical: the text is returned unchanged (`changed: false`);
 * - another entry for the same role ARN (other username or groups): an error, never an overwrite;
 * - otherwise the entry is appended after the existing text, at the list's own indentation.
 */
export function mergeMapRoles(existing: string | undefined, entry: MapRoleEntry): MergeResult {
    const text = existing ?? "";
    const entries = parseMapRoles(text);
    const same = entries.filter((e) => e.rolearn === entry.rolearn);
    if (same.length > 0) {
        const other = same.find((e) => !sameEntry(e, entry));
        if (other) {
            throw new AwsAuthMergeError(
                `aws-auth already maps ${entry.rolearn} to username ${JSON.stringify(other.username)} and groups ${JSON.stringify(other.groups)}; ` +
                `this stack would map it to username ${JSON.stringify(entry.username)} and groups ${JSON.stringify(entry.groups)}. ` +
                "Remove or fix that entry by hand (it is not this stack's to overwrite), then run again");
        }
        return { mapRoles: text, changed: false };
    }

    const contents = parseOne(text).contents;
    let merged: string;
    if (contents && isSeq(contents) && contents.flow) {
        // `[ ... ]`: add the entry inside the brackets, as a JSON object (valid YAML flow).
        const last = contents.items[contents.items.length - 1] as { range?: [number, number, number] } | undefined;
        const at = last?.range ? last.range[1] : contents.range![1] - 1;
        merged = text.slice(0, at) + (last ? ", " : "") + flowEntry(entry) + text.slice(at);
    } else {
        let indent = "";
        if (contents && isSeq(contents)) {
            const start = contents.range![0];
            indent = " ".repeat(start - (text.lastIndexOf("\n", start - 1) + 1));
        }
        const base = text.trim() === "" && !text.includes("#") ? "" : text;
        merged = base + (base === "" || base.endsWith("\n") ? "" : "\n") + renderEntry(entry, indent);
    }

    // The appended text must read back as exactly the old entries plus the new one.
    const after = parseMapRoles(merged);
    const ok = after.length === entries.length + 1 && sameEntry(after[after.length - 1], entry) &&
        after[after.length - 1].rolearn === entry.rolearn &&
        entries.every((e, i) => e.rolearn === after[i].rolearn && sameEntry(e, after[i]));
    if (!ok) throw new AwsAuthMergeError("adding the entry would change how aws-auth mapRoles reads; refusing to edit it");
    return { mapRoles: merged, changed: true };
}
