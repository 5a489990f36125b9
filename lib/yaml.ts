import { parseDocument, visit } from "yaml";

/**
 * YAML with one change: an unquoted number that a JavaScript number cannot hold exactly (a 16+
 * digit id) or that is not written as plain digits (`4.8e11`) keeps its source text, so that a
 * project number is read as written and a rule that wants digits refuses `4.8e11` by name.
 */
export function parseStackYaml(text: string): unknown {
    const doc = parseDocument(text);
    if (doc.errors.length) throw doc.errors[0];
    visit(doc, {
        Scalar(_key, node) {
            if (typeof node.value !== "number" || node.type !== "PLAIN" || node.source === undefined) return;
            const src = String(node.source);
            if (/[eE]/.test(src) || (/^[-+]?\d+$/.test(src) && !Number.isSafeInteger(node.value))) node.value = src;
        },
    });
    return doc.toJS();
}
