import { Document, isCollection, isNode, isPair, isScalar, isSeq, parseDocument, visit } from "yaml";

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

/** Deeper than any stack or cloud-state file needs (they nest a handful of levels). */
export const MAX_YAML_DEPTH = 64;

/** A YAML text that cannot be read: `syntax` for what the parser refuses, `value` for a value it reads but no config holds. */
export class YamlReadError extends Error {
    constructor(
        message: string,
        readonly kind: "syntax" | "value",
    ) {
        super(message);
        this.name = "YamlReadError";
    }
}

const TOO_DEEP = `nested more than ${MAX_YAML_DEPTH} levels deep; a stack or cloud-state file needs a handful`;

/**
 * YAML with these changes: an unquoted number that a JavaScript number cannot hold exactly (a 16+
 * digit id) or that is not written as plain digits (`4.8e11`) keeps its source text, so that a
 * project number is read as written and a rule that wants digits refuses `4.8e11` by name;
 * `.inf` and `.nan` are refused naming their key (JSON, which carries config to the program, has
 * neither and would turn them into null, that is the default); nesting deeper than MAX_YAML_DEPTH
 * is refused. Every error is one line, without the parser's excerpt of the source.
 */
export function parseStackYaml(text: string): unknown {
    try {
        const doc = parseDocument(text);
        if (doc.errors.length) {
            const line = oneLine(doc.errors[0].message);
            throw new YamlReadError(line, line.startsWith(TOO_DEEP) ? "value" : "syntax");
        }
        checkAliasExpansion(doc);
        visit(doc, {
            Collection(_key, _node, ancestors) {
                if (ancestors.filter(isCollection).length >= MAX_YAML_DEPTH) throw new YamlReadError(TOO_DEEP, "value");
            },
            Scalar(_key, node, ancestors) {
                if (typeof node.value !== "number" || node.type !== "PLAIN" || node.source === undefined) return;
                const src = String(node.source);
                if (!Number.isFinite(node.value)) {
                    const line = node.range ? ` at line ${lineOf(text, node.range[0])}` : "";
                    throw new YamlReadError(
                        `key "${keyPath([...ancestors, node])}" has value ${src}${line}; expected a finite number (YAML's .inf and .nan are not config values)`,
                        "value",
                    );
                }
                if (/[eE]/.test(src) || (/^[-+]?\d+$/.test(src) && !Number.isSafeInteger(node.value))) node.value = src;
            },
        });
        return doc.toJS({ maxAliasCount: 100 });
    } catch (e) {
        // The parser and its visitors recurse once per level: a deep enough file overflows the stack.
        if (e instanceof RangeError) throw new YamlReadError(TOO_DEEP, "value");
        throw e;
    }
}

/**
 * The parser's message ends with a colon and an excerpt of the source on the lines below it: the
 * first line alone, without the colon. A stack overflow inside the parser is reported as such.
 */
function oneLine(message: string): string {
    const first = message.split("\n")[0].trim().replace(/:$/, "");
    const deep = /^Maximum call stack size exceeded (at line \d+, column \d+)/.exec(first);
    return deep ? `${TOO_DEEP} (${deep[1]})` : first;
}

function lineOf(text: string, offset: number): number {
    return text.slice(0, offset).split("\n").length;
}

/** The key path of a node, from the chain of nodes above it: `aws.overrides[0].x`. */
function keyPath(chain: readonly unknown[]): string {
    let out = "";
    chain.forEach((n, i) => {
        if (isPair(n)) out += `${out ? "." : ""}${isScalar(n.key) ? String(n.key.value) : String(n.key)}`;
        else if (isSeq(n)) out += `[${n.items.indexOf(chain[i + 1])}]`;
    });
    return out;
}
