import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { ROOT } from "../helpers/cli";

const DIR = path.join(ROOT, "policies");
const read = (file: string) => fs.readFileSync(path.join(DIR, file), "utf8");

function tsFiles(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
        const full = path.join(dir, e.name);
        if (e.isDirectory()) return e.name === "node_modules" ? [] : tsFiles(full);
        return e.name.endsWith(".ts") ? [full] : [];
    });
}

/** Every module a file imports or requires. */
function specifiers(text: string): string[] {
    return [...text.matchAll(/(?:from\s+|require\(\s*|import\(\s*)["']([^"']+)["']/g)].map((m) => m[1]);
}

/** `pulumi policy publish policies` takes the folder alone: nothing in it may reach outside it. */
describe("the policy pack is a package of its own", () => {
    const pkg = JSON.parse(read("package.json")) as {
        name: string;
        main: string;
        dependencies: Record<string, string>;
    };
    const root = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
        dependencies: Record<string, string>;
    };

    it("has its own package.json with the root's exact versions of @pulumi/policy and @pulumi/pulumi", () => {
        assert.equal(pkg.name, "agentless-discovery-policies");
        assert.equal(pkg.main, "index.ts");
        for (const dep of ["@pulumi/policy", "@pulumi/pulumi"]) {
            assert.match(pkg.dependencies[dep], /^\d+\.\d+\.\d+$/, `${dep} pinned exactly`);
            assert.equal(pkg.dependencies[dep], root.dependencies[dep], dep);
        }
    });

    it("imports nothing outside policies/, and only packages its package.json names", () => {
        for (const file of tsFiles(DIR)) {
            for (const spec of specifiers(fs.readFileSync(file, "utf8"))) {
                if (spec.startsWith(".")) {
                    const target = path.resolve(path.dirname(file), spec);
                    assert.ok(
                        target.startsWith(DIR + path.sep),
                        `${path.relative(ROOT, file)} imports ${spec}, outside policies/`,
                    );
                } else if (!spec.startsWith("node:") && !["fs", "path"].includes(spec)) {
                    const name = spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0];
                    assert.ok(
                        pkg.dependencies[name],
                        `${path.relative(ROOT, file)} imports ${name}, missing from policies/package.json`,
                    );
                    assert.equal(pkg.dependencies[name], root.dependencies[name], `${name}: same version as the root`);
                }
            }
        }
    });

    it("keeps a valid PulumiPolicy.yaml for a TypeScript Node.js pack", () => {
        const doc = parse(read("PulumiPolicy.yaml")) as {
            description: string;
            runtime: { name: string; options: { typescript: boolean } };
        };
        assert.equal(doc.runtime.name, "nodejs");
        assert.equal(doc.runtime.options.typescript, true);
        assert.ok(doc.description.length > 10);
    });
});
