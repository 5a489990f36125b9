import * as pulumi from "@pulumi/pulumi";

/**
 * What the program wants a reviewer to read besides the resources: clusters left out, manual
 * steps, expected alerts. They go to Pulumi's log, as a component's diagnostics do: `pulumi
 * preview` shows them, and the offline plan reads them back from its own engine (plan/mockEngine.ts).
 */
export type NoteKind = "excluded" | "manual-step" | "network" | "expected-alerts" | "info";

export const NOTE_KINDS: readonly NoteKind[] = ["excluded", "manual-step", "network", "expected-alerts", "info"];

export interface PlanNote {
    kind: NoteKind;
    /** What the note is about: a cluster, a resource name. */
    subject: string;
    message: string;
}

/** Logs a note; with `resource`, the CLI shows it under that resource. */
export function note(kind: NoteKind, subject: string, message: string, resource?: pulumi.Resource): void {
    void pulumi.log.info(formatNote({ kind, subject, message }), resource);
}

/** The line the log carries: `[kind] subject: message`. */
export function formatNote(n: PlanNote): string {
    return `[${n.kind}] ${n.subject}: ${n.message}`;
}

// A subject is a cluster's or a resource's name, which never holds ": ", so the first one ends it.
const NOTE_LINE = new RegExp(`^\\[(${NOTE_KINDS.join("|")})\\] (.*?): ([\\s\\S]*)$`);

/** The note a log line carries, or undefined for any other message. */
export function parseNote(line: string): PlanNote | undefined {
    const m = NOTE_LINE.exec(line);
    return m ? { kind: m[1] as NoteKind, subject: m[2], message: m[3] } : undefined;
}
