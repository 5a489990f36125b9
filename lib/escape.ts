/**
 * Makes text from a cluster, a cloud or a plug-in safe for a terminal or a log line: C0 control
 * characters (newline, carriage return, tab, ESC...), DEL and C1 controls (U+0080-U+009F, which
 * some terminals honour as escape sequences) and the Unicode line separators become visible `\n`,
 * `\r`, `\t`, `\xNN` or `\uNNNN`. A Role named "x\n✓ fake: complete" prints on one line, as
 * `x\n✓ fake: complete`. Backslashes are left alone so that escaping twice changes nothing (the
 * summary escapes lines that the diff already escaped); the run record keeps the exact text (JSON).
 */
export function escapeControl(text: string): string {
    return text.replace(/[\x00-\x1f\x7f-\x9f\u2028\u2029]/g, (c) => {
        if (c === "\n") return "\\n";
        if (c === "\r") return "\\r";
        if (c === "\t") return "\\t";
        const code = c.charCodeAt(0);
        return code > 0xff ? `\\u${code.toString(16).padStart(4, "0")}` : `\\x${code.toString(16).padStart(2, "0")}`;
    });
}
