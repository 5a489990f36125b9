import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { ROOT } from "../helpers/cli";

/** The prose a new user follows: the docs, the top-level guides and the example stacks' comments. */
function proseFiles(): string[] {
    const docs = fs.readdirSync(path.join(ROOT, "docs")).filter((f) => f.endsWith(".md"));
    const examples = fs.readdirSync(path.join(ROOT, "examples", "stacks")).filter((f) => f.endsWith(".yaml"));
    return [
        "README.md",
        "CONTRIBUTING.md",
        path.join("stacks", "README.md"),
        ...docs.map((f) => path.join("docs", f)),
        ...examples.map((f) => path.join("examples", "stacks", f)),
    ];
}
const read = (f: string) => fs.readFileSync(path.join(ROOT, f), "utf8");
const exampleStacks = fs
    .readdirSync(path.join(ROOT, "examples", "stacks"))
    .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined);

/**
 * Stack names the docs use for the reader's own stacks (`stacks/` is theirs and empty here); any
 * other name in a command must be an example stack, so that the command can be run as written.
 */
const READERS_STACKS = ["aws-prod", "azure-prod"];

describe("the docs name what exists", () => {
    it("every --stack / --with-stack in a command names an example stack or a reader's stand-in", () => {
        const wrong: string[] = [];
        for (const f of proseFiles()) {
            for (const m of read(f).matchAll(/--(?:with-)?stack[ =]([a-z0-9][\w.-]*)/g)) {
                if (!exampleStacks.includes(m[1]) && !READERS_STACKS.includes(m[1])) wrong.push(`${f}: ${m[0]}`);
            }
            for (const m of read(f).matchAll(/--(?:plan|with-plan) ([a-z0-9][\w.-]*)\.json/g)) {
                if (!exampleStacks.includes(m[1]) && m[1] !== "plan") wrong.push(`${f}: ${m[0]}`);
            }
        }
        assert.deepEqual(wrong, [], `known stacks: ${exampleStacks.join(", ")}`);
    });

    it("the example stacks point at their cloud-state files under examples/stacks/", () => {
        const wrong: string[] = [];
        for (const f of proseFiles().filter((p) => p.startsWith("examples"))) {
            for (const m of read(f).matchAll(/(\S*)stacks\/([\w.-]+\.cloud\.yaml)/g)) {
                const named = `${m[1]}stacks/${m[2]}`;
                if (!fs.existsSync(path.join(ROOT, named))) wrong.push(`${f}: ${named}`);
            }
        }
        assert.deepEqual(wrong, []);
    });

    it("no doc says an example stack with a cloud-state file needs none", () => {
        const withFile = exampleStacks.filter((s) =>
            fs.existsSync(path.join(ROOT, "examples", "stacks", `${s}.cloud.yaml`)),
        );
        const wrong: string[] = [];
        for (const f of proseFiles()) {
            for (const sentence of read(f).split(/(?<=\.)\s+/)) {
                if (!/needs? no (cloud-state )?file/.test(sentence)) continue;
                for (const s of withFile) if (sentence.includes(`\`${s}\``)) wrong.push(`${f}: ${s}: ${sentence}`);
            }
        }
        assert.deepEqual(wrong, []);
    });

    it("azureTenantId is set in plain text everywhere, as the code treats it (an identifier, not a secret)", () => {
        const wrong: string[] = [];
        for (const f of proseFiles()) {
            read(f)
                .split("\n")
                .forEach((line, i) => {
                    if (/--secret\s+(agentless-discovery:)?azureTenantId|tenant id as a secret/.test(line))
                        wrong.push(`${f}:${i + 1}: ${line.trim()}`);
                });
        }
        assert.deepEqual(wrong, []);
        // The code: the tenant id is read as plain config and never wrapped in a secret.
        assert.doesNotMatch(read(path.join("config", "index.ts")), /secret\([^)]*azureTenantId/);
    });
});
