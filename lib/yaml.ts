import { Document, isNode, parseDocument, visit } from "yaml";

/**
 * What aliases may add to a YAML document once expanded. The `yaml` package's own bound
 * (`maxAliasCount`, 100 by default) counts aliases, not bytes: 90 aliases of a 10 MiB string pass it
 * and build a 900 MiB value that later ends in "Invalid string length".
 */
export const MAX_ALIAS_EXPANSION_BYTES = 1 << 20;

/** Throws when the document's aliases repeat more than MAX_ALIAS_EXPANSION_BYTES of its source text. */
export function checkAliasExpansion(doc: Document, maxBytes = MAX_ALIAS_EXPANSION_BYTES): void {
    let total = 0;
    visit(doc, {
        Alias(_key, node) {
            const target = node.resolve(doc);
            if (!isNode(target) || !target.range) return;
            total += target.range[1] - target.range[0];
            if (total > maxBytes)
                throw new Error(
                    `its aliases (*${node.source}) repeat more than ${maxBytes} bytes of the file; write the values out or shorten them`,
                );
        },
    });
}

/** `yaml`'s parse with the alias bound above and its count bound kept at its default. */
export function parseYamlBounded(text: string): unknown {
    const doc = parseDocument(text);
    if (doc.errors.length) throw doc.errors[0];
    checkAliasExpansion(doc);
    return doc.toJS({ maxAliasCount: 100 });
}

/**
 * YAML with one change: an unquoted number that a JavaScript number cannot hold exactly (a 16+
 * digit id) or that is not written as plain digits (`4.8e11`) keeps its source text, so that a
 * project number is read as written and a rule that wants digits refuses `4.8e11` by name.
 */
export function parseStackYaml(text: string): unknown {
    const doc = parseDocument(text);
    if (doc.errors.length) throw doc.errors[0];
    checkAliasExpansion(doc);
    visit(doc, {
        Scalar(_key, node) {
            if (typeof node.value !== "number" || node.type !== "PLAIN" || node.source === undefined) return;
            const src = String(node.source);
            if (/[eE]/.test(src) || (/^[-+]?\d+$/.test(src) && !Number.isSafeInteger(node.value))) node.value = src;
        },
    });
    return doc.toJS({ maxAliasCount: 100 });
}
