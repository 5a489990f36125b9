import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
    allFileReferences,
    FileReference,
    fileReferences,
    NOT_REPO_PATHS,
    readTree,
    RepoTree,
    scannedFiles,
} from "../helpers/fileReferences";
import { ROOT } from "../helpers/cli";

describe("paths named in comments and docs", () => {
    let named: FileReference[];
    before(() => (named = allFileReferences(ROOT)));

    it("every path of this repository that a comment, a doc or a workflow names exists", () => {
        const broken = named.filter((r) => !r.exists && !r.notOurs).map((r) => `${r.file}:${r.line}: ${r.path}`);
        assert.deepEqual(broken, [], `these name no file or folder of the repository:\n${broken.join("\n")}`);
    });

    it("every entry of the not-a-path list is still met and names nothing of the tree, so the list cannot hide a path", () => {
        const met = new Set(named.filter((r) => r.notOurs).map((r) => r.notOurs));
        assert.deepEqual(
            NOT_REPO_PATHS.filter((n) => !met.has(n.why)).map((n) => String(n.path)),
            [],
        );
        const tree = readTree(ROOT);
        assert.deepEqual(
            NOT_REPO_PATHS.filter(
                (n) => typeof n.path === "string" && tree.entries.has(path.posix.normalize(n.path)),
            ).map((n) => n.path),
            [],
        );
    });

    describe("what counts as a path of ours", () => {
        let root: string;
        let tree: RepoTree;
        const judged = (file: string, text: string) =>
            fileReferences(tree, file, text).map(
                (r) => `${r.line} ${r.path} ${r.notOurs ? "not ours" : r.exists ? "exists" : "MISSING"}`,
            );

        before(() => {
            root = fs.mkdtempSync(path.join(os.tmpdir(), "file-references-"));
            for (const f of [
                "lib/errors.ts",
                "lookup/aws/live.ts",
                "lookup/aws/port.ts",
                "docs/x.md",
                "README.md",
                ".github/workflows/pr.yml",
                "node_modules/p/index.js",
                "dist/cli/main.js",
                "cli/main.ts",
                "snapshots/a.md",
                "test/lib/errors.test.ts",
            ]) {
                fs.mkdirSync(path.join(root, path.dirname(f)), { recursive: true });
                fs.writeFileSync(path.join(root, f), "");
            }
            fs.writeFileSync(path.join(root, ".gitignore"), "node_modules\ndist/\nsnapshots/\n*.log\n");
            tree = readTree(root);
        });
        after(() => fs.rmSync(root, { recursive: true, force: true }));

        it("reads the tree without what .gitignore names, and scans sources, docs and workflows", () => {
            assert.deepEqual([...tree.topFolders].sort(), [".github", "cli", "docs", "lib", "lookup", "test"]);
            assert.deepEqual(scannedFiles(tree), [
                ".github/workflows/pr.yml",
                "README.md",
                "cli/main.ts",
                "docs/x.md",
                "lib/errors.ts",
                "lookup/aws/live.ts",
                "lookup/aws/port.ts",
                "test/lib/errors.test.ts",
            ]);
        });

        it("in code, only comments: a stale path in a comment is found, the same text in a string is not", () => {
            const code = [
                `import { x } from "../../lib/gone";`,
                `const p = "lib/gone.ts"; // see lib/errors.ts and lib/gone.ts.`,
                `/**`,
                ` * The live adapter (\`liveLookup.ts\`, now live.ts) and \`lookup/aws/port\`; the old cloudState/aws.ts.`,
                ` */`,
                "const t = `// lib/gone2.ts ${p}`;",
                `// at the end: ./live, ./gone and ../../lib/errors`,
            ].join("\n");
            assert.deepEqual(judged("lookup/aws/port.ts", code), [
                "2 lib/errors.ts exists",
                "2 lib/gone.ts MISSING",
                "4 liveLookup.ts MISSING",
                "4 live.ts exists",
                "4 lookup/aws/port exists",
                "4 cloudState/aws.ts MISSING",
                "7 ./live exists",
                "7 ./gone MISSING",
                "7 ../../lib/errors exists",
            ]);
        });

        it("leaves out URLs, package paths, other projects' files and placeholders", () => {
            const code = [
                "// https://example.com/lib/gone.ts, @pulumi/aws eks/accessEntry.d.ts, node_modules/p/lib/x.js,",
                "// stacks/Pulumi.<stack>.yaml, lib/${name}.ts, lookup/{aws,gcp}, .d.ts, Node.js, plan/evaluate.ts",
            ].join("\n");
            assert.deepEqual(judged("cli/main.ts", code), ["2 Node.js not ours"]);
        });

        it("takes a glob for the paths it matches: it must match one", () => {
            assert.deepEqual(
                judged("cli/main.ts", "// lookup/*/live.ts, lookup/**/*.ts, lib/**/*.test.ts, cli/*, dist/**/*.js"),
                [
                    "1 lookup/*/live.ts exists",
                    "1 lookup/**/*.ts exists",
                    "1 lib/**/*.test.ts MISSING",
                    "1 cli/* exists",
                    "1 dist/**/*.js exists",
                ],
            );
        });

        it("checks dist/ paths against the sources they are built from", () => {
            assert.deepEqual(
                judged("cli/main.ts", "// dist/cli/main.js, dist/cli/gone.js, dist/lib/errors.d.ts, dist/.source-hash"),
                [
                    "1 dist/cli/main.js exists",
                    "1 dist/cli/gone.js MISSING",
                    "1 dist/lib/errors.d.ts exists",
                    "1 dist/.source-hash not ours",
                ],
            );
        });

        it("in docs, links are relative to the doc and prose to the root; URLs and anchors are not paths", () => {
            const doc = [
                "See [x](x.md#top), [again](docs/x.md), [up](../README.md), [site](https://example.com/docs/gone.md), [here](#anchor).",
                "Prose names `docs/x.md`, `lib/` and `lookup/aws/`; the layout had `cloudState/` and `test/aws`.",
                "Run from the root: `./lib/errors.ts`. Also DESIGN.md and README.md.",
                '  a["read<br/>lib/gone.ts"] --> b["<code>lookup/aws/live.ts</code>"]',
            ].join("\n");
            assert.deepEqual(judged("docs/x.md", doc), [
                "1 x.md#top exists",
                "1 docs/x.md MISSING",
                "1 ../README.md exists",
                "2 docs/x.md exists",
                "2 lib/ exists",
                "2 lookup/aws/ exists",
                "2 cloudState/ MISSING",
                "2 test/aws MISSING",
                "3 ./lib/errors.ts exists",
                "3 DESIGN.md MISSING",
                "3 README.md exists",
                "4 lib/gone.ts MISSING",
                "4 lookup/aws/live.ts exists",
            ]);
        });

        it("in workflows, the whole text", () => {
            assert.deepEqual(
                judged(".github/workflows/pr.yml", "steps:\n  - run: bash scripts/gone.sh && node lib/errors.ts\n"),
                ["2 lib/errors.ts exists"],
            );
            assert.deepEqual(
                judged(".github/workflows/pr.yml", "  - run: node lib/gone.js # .github/workflows/pr.yml\n"),
                ["1 lib/gone.js MISSING", "1 .github/workflows/pr.yml exists"],
            );
        });
    });
});
