/**
 * What the program wants a reviewer to read besides the resources: clusters left out, manual
 * steps, expected alerts. The plan prints them; under the Pulumi CLI they go to the log.
 */
export type NoteKind = "excluded" | "manual-step" | "network" | "expected-alerts" | "info";

export interface PlanNote {
    kind: NoteKind;
    /** What the note is about: a cluster, a resource name. */
    subject: string;
    message: string;
}

const notes: PlanNote[] = [];
let sink: ((note: PlanNote) => void) | undefined;

/** Set by the Pulumi entry point to forward notes to `pulumi.log`. */
export function setNoteSink(fn: ((note: PlanNote) => void) | undefined): void {
    if (!captureOnly) sink = fn;
}

let captureOnly = false;
/** The offline plan collects notes itself and prints them once; nothing goes to the log. */
export function captureNotesOnly(): void {
    captureOnly = true;
    sink = undefined;
}

export function note(kind: NoteKind, subject: string, message: string): void {
    const n = { kind, subject, message };
    notes.push(n);
    sink?.(n);
}

export function takeNotes(): PlanNote[] {
    return notes.splice(0, notes.length);
}
