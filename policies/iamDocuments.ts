/** Reading IAM policy documents as the engine passes them: JSON strings or objects. */

export interface Statement {
    Sid?: string;
    Effect?: string;
    Action?: string | string[];
    NotAction?: string | string[];
    Resource?: string | string[];
    NotResource?: string | string[];
    Principal?: unknown;
    Condition?: Record<string, Record<string, string | string[]>>;
}

export function parseDocument(doc: unknown): { statements: Statement[]; error?: string } {
    let value = doc;
    if (typeof doc === "string") {
        try {
            value = JSON.parse(doc);
        } catch {
            return { statements: [], error: "the policy document is not valid JSON" };
        }
    }
    // JSON null reads as no document; a number or a string has no Statement either.
    const st = (value as { Statement?: unknown } | null | undefined)?.Statement;
    if (st === undefined) return { statements: [] };
    return { statements: (Array.isArray(st) ? st : [st]) as Statement[] };
}

export function asList(v: string | string[] | undefined): string[] {
    if (v === undefined) return [];
    return Array.isArray(v) ? v : [v];
}

/** True for `*`, `eks:*`, `eks:Describe*` and any other pattern IAM would expand. */
export function isWildcardAction(action: string): boolean {
    return action.includes("*") || action.includes("?");
}

/** How a message names a statement: by its Sid, or by its position. */
export function statementLabel(s: Statement, index: number): string {
    return s.Sid ? `statement ${s.Sid}` : `statement ${index}`;
}
