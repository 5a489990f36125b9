import { strict as assert } from "assert";
import { MAX_YAML_DEPTH, parseStackYaml, YamlReadError } from "../../lib/yaml";

const fails = (text: string, message: string, kind: "syntax" | "value") =>
    assert.throws(
        () => parseStackYaml(text),
        (e: unknown) => e instanceof YamlReadError && e.message === message && e.kind === kind,
    );

describe("parseStackYaml", () => {
    it("refuses .inf and .nan anywhere, naming the key path and the line (JSON would make them null: the default)", () => {
        fails(
            "config:\n  agentless-discovery:aws:\n    lookupConcurrency: .inf\n",
            'key "config.agentless-discovery:aws.lookupConcurrency" has value .inf at line 3; expected a finite number (YAML\'s .inf and .nan are not config values)',
            "value",
        );
        fails(
            "config:\n  x:\n    - a: 1\n    - b: [1, -.Inf]\n",
            'key "config.x[1].b[1]" has value -.Inf at line 4; expected a finite number (YAML\'s .inf and .nan are not config values)',
            "value",
        );
        fails(
            "a: .NaN\n",
            'key "a" has value .NaN at line 1; expected a finite number (YAML\'s .inf and .nan are not config values)',
            "value",
        );
        // Quoted, they are strings, for a rule to judge.
        assert.deepEqual(parseStackYaml('a: ".inf"\nb: 1.5\n'), { a: ".inf", b: 1.5 });
    });

    it("gives the parser's reason on one line, without the dangling colon of its source excerpt", () => {
        fails("a: b: c\n", "Nested mappings are not allowed in compact mappings at line 1, column 4", "syntax");
    });

    it("refuses 1,000 levels of nesting, flow or block, with one line instead of a stack overflow", () => {
        const tooDeep = `nested more than ${MAX_YAML_DEPTH} levels deep; a stack or cloud-state file needs a handful`;
        const flow = `config:\n  x: ${"[".repeat(1000)}${"]".repeat(1000)}\n`;
        assert.throws(
            () => parseStackYaml(flow),
            (e: unknown) => e instanceof YamlReadError && e.message.startsWith(tooDeep) && !e.message.includes("\n"),
        );
        let block = "config:\n";
        for (let i = 0; i < 1000; i++) block += `${"  ".repeat(i + 1)}a:\n`;
        block += `${"  ".repeat(1001)}1\n`;
        assert.throws(
            () => parseStackYaml(block),
            (e: unknown) => e instanceof YamlReadError && e.message.startsWith(tooDeep) && !e.message.includes("\n"),
        );
        // Deep enough to parse, deeper than allowed: the same message.
        fails(`a: ${"[".repeat(MAX_YAML_DEPTH + 1)}${"]".repeat(MAX_YAML_DEPTH + 1)}\n`, tooDeep, "value");
        assert.doesNotThrow(() =>
            parseStackYaml(`a: ${"[".repeat(MAX_YAML_DEPTH - 1)}${"]".repeat(MAX_YAML_DEPTH - 1)}\n`),
        );
    });
});
