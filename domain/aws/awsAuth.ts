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
        if (!isMap(item))
            throw new AwsAuthMergeError(`aws-auth mapRoles item ${i} is not a mapping; refusing to edit it`);
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
    if (docs.length > 1)
        throw new AwsAuthMergeError("aws-auth mapRoles holds more than one YAML document; refusing to edit it");
    const doc = docs[0] ?? parseDocument("");
    if (doc.errors.length > 0) {
        throw new AwsAuthMergeError(
            `aws-auth mapRoles is not valid YAML (${doc.errors[0].message.split("\n")[0]}); refusing to edit it`,
        );
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

function renderEntry(entry: MapRoleEntry, indent: string): string {
    return (
        [
            `${indent}- rolearn: ${scalar(entry.rolearn)}`,
            `${indent}  username: ${scalar(entry.username)}`,
            `${indent}  groups:`,
            ...entry.groups.map((g) => `${indent}    - ${scalar(g)}`),
        ].join("\n") + "\n"
    );
}

function flowEntry(entry: MapRoleEntry): string {
    return JSON.stringify({ rolearn: entry.rolearn, username: entry.username, groups: entry.groups });
}

/**
 * What to do with an entry that maps the same role ARN under the same username but to other groups
 * (Microsoft's script leaves `system:masters` there): keep it as it is, narrow its groups to this
 * stack's, or stop and let a person decide (the default).
 */
export const AWS_AUTH_EXISTING_CHOICES = ["keep", "narrow", "stop"] as const;
export type AwsAuthExisting = (typeof AWS_AUTH_EXISTING_CHOICES)[number];

/** Config key of that choice, as messages name it. */
export const AWS_AUTH_EXISTING_KEY = "aws.awsAuthExisting";

/**
 * Adds `entry` to the mapRoles text `existing`.
 * - the entry already there, identical: the text is returned unchanged (`changed: false`);
 * - an entry for the same role ARN under another username: always an error, never an overwrite;
 * - one for the same role ARN and username with other groups: `onExisting` decides (see above);
 * - otherwise the entry is appended after the existing text, at the list's own indentation.
 */
export function mergeMapRoles(
    existing: string | undefined,
    entry: MapRoleEntry,
    onExisting: AwsAuthExisting = "stop",
): MergeResult {
    const text = existing ?? "";
    const entries = parseMapRoles(text);
    const same = entries.filter((e) => e.rolearn === entry.rolearn);
    if (same.length > 1) {
        throw new AwsAuthMergeError(
            `aws-auth maps ${entry.rolearn} ${same.length} times; which one applies is undefined. Leave one entry by hand, then run again`,
        );
    }
    if (same.length === 1) {
        const other = same[0];
        if (sameEntry(other, entry)) return { mapRoles: text, changed: false };
        const found =
            `aws-auth already maps ${entry.rolearn} to username ${JSON.stringify(other.username)} and groups ${JSON.stringify(other.groups)}; ` +
            `this stack would map it to username ${JSON.stringify(entry.username)} and groups ${JSON.stringify(entry.groups)}. `;
        if (other.username !== entry.username) {
            throw new AwsAuthMergeError(
                found +
                    "Remove or fix that entry by hand (it is not this stack's to overwrite), " +
                    `or set aws.awsAuth.username to ${JSON.stringify(other.username)}, then run again`,
            );
        }
        if (onExisting === "keep") return { mapRoles: text, changed: false };
        if (onExisting === "stop") {
            throw new AwsAuthMergeError(
                found +
                    `Set ${AWS_AUTH_EXISTING_KEY} to "keep" (leave that entry and its groups as they are), ` +
                    `"narrow" (replace its groups with ${JSON.stringify(entry.groups)}) or "stop" (the default: change nothing), then run again`,
            );
        }
        return { mapRoles: narrow(text, entries, entries.indexOf(other), entry), changed: true };
    }

    const contents = parseOne(text).contents;
    let merged: string;
    if (contents && isSeq(contents) && contents.flow) {
        // `[ ... ]`: add the entry inside the brackets, as a JSON object (valid YAML flow).
        const last = contents.items[contents.items.length - 1] as { range?: [number, number, number] } | undefined;
        const at = last?.range ? last.range[1] : contents.range[1] - 1;
        merged = text.slice(0, at) + (last ? ", " : "") + flowEntry(entry) + text.slice(at);
    } else {
        let indent = "";
        if (contents && isSeq(contents)) {
            const start = contents.range[0];
            indent = " ".repeat(start - (text.lastIndexOf("\n", start - 1) + 1));
        }
        const base = text.trim() === "" && !text.includes("#") ? "" : text;
        merged = base + (base === "" || base.endsWith("\n") ? "" : "\n") + renderEntry(entry, indent);
    }

    // The appended text must read back as exactly the old entries plus the new one.
    const after = parseMapRoles(merged);
    const ok =
        after.length === entries.length + 1 &&
        sameEntry(after[after.length - 1], entry) &&
        after[after.length - 1].rolearn === entry.rolearn &&
        entries.every((e, i) => e.rolearn === after[i].rolearn && sameEntry(e, after[i]));
    if (!ok)
        throw new AwsAuthMergeError("adding the entry would change how aws-auth mapRoles reads; refusing to edit it");
    return { mapRoles: merged, changed: true };
}

/**
 * Rewrites one item of the list in place (only that item's text changes) and checks that the result
 * reads as the old entries with that one replaced.
 */
function narrow(text: string, entries: MapRoleEntry[], index: number, entry: MapRoleEntry): string {
    const contents = parseOne(text).contents;
    if (!contents || !isSeq(contents))
        throw new AwsAuthMergeError("aws-auth mapRoles is not a YAML list; refusing to edit it");
    const item = contents.items[index] as { range?: [number, number, number] };
    if (!item.range) throw new AwsAuthMergeError("cannot locate the aws-auth entry to narrow; refusing to edit it");
    const [start, end] = item.range;
    let replacement: string;
    if (contents.flow) {
        replacement = flowEntry(entry);
    } else {
        const column = start - (text.lastIndexOf("\n", start - 1) + 1);
        const pad = " ".repeat(column);
        // renderEntry writes "- rolearn: ..." lines; the item's text starts after its own "- ".
        replacement = renderEntry(entry, pad.slice(2)).slice(column).replace(/\n$/, "");
        if (text.slice(start, end).endsWith("\n")) replacement += "\n";
    }
    const merged = text.slice(0, start) + replacement + text.slice(end);
    const after = parseMapRoles(merged);
    const expected = entries.map((e, i) => (i === index ? entry : e));
    const ok =
        after.length === expected.length &&
        after.every((e, i) => e.rolearn === expected[i].rolearn && sameEntry(e, expected[i]));
    if (!ok)
        throw new AwsAuthMergeError(
            "narrowing the entry would change how aws-auth mapRoles reads; refusing to edit it",
        );
    return merged;
}
