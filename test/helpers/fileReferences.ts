import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";

/** A path of this repository written in a comment or a doc, and whether it names something that exists. */
export interface FileReference {
    file: string;
    line: number;
    path: string;
    exists: boolean;
    /** Set when the path is on NOT_REPO_PATHS: the reason it is not one of ours (`exists` is then false). */
    notOurs?: string;
}

/** What exists: every file and folder of the checkout, as posix paths relative to its root. */
export interface RepoTree {
    entries: Set<string>;
    topFolders: Set<string>;
    basenames: Set<string>;
}

/** Dot-folders that belong to the repository; any other (`.git`, tool caches) is skipped. */
const KEPT_DOT_FOLDERS = new Set([".github", ".ci"]);

/**
 * What the root .gitignore names plainly (`node_modules`, `dist/`, `snapshots/`): build output,
 * installed packages and run output, neither scanned nor counted as the repository's own, at any depth.
 */
function ignoredNames(root: string): Set<string> {
    const file = path.join(root, ".gitignore");
    const lines = fs.existsSync(file) ? fs.readFileSync(file, "utf8").split("\n") : [];
    return new Set(lines.map((l) => l.trim().replace(/\/$/, "")).filter((l) => /^[\w.-]+$/.test(l)));
}

/**
 * Top-level folders this repository had before the layering (commit abe13a4 moved the cloud-state
 * adapters from the folder cloudState to lookup). A path under one of them is one of ours gone stale,
 * not another project's.
 */
const FORMER_TOP_FOLDERS = new Set(["cloudState"]);

/**
 * What looks like a path of ours but is not one, each with the reason. A string matches the reference
 * exactly as written; a pattern matches it whole.
 */
export const NOT_REPO_PATHS: ReadonlyArray<{ path: string | RegExp; why: string }> = [
    {
        path: /^stacks\/(Pulumi\.[\w-]+\.yaml|[\w-]+\.cloud\.yaml)$/,
        why: "a user's stack files, named as an example (stacks/ holds the user's stacks, none of which ship)",
    },
    {
        path: "examples/stacks/Pulumi.azure-prod.yaml",
        why: "quoted from the error message for an unknown stack (docs/architecture.md)",
    },
    { path: "./snapshots", why: "the snapshot command's default store, made at run time" },
    {
        path: "../../components",
        why: "an import specifier as written in the files of policies/rules/, quoted (docs/policies.md)",
    },
    { path: "dist/.source-hash", why: "written by scripts/build.js next to the compiled program" },
    {
        path: "dist/components/shared/dynamicProviders.json",
        why: "written by scripts/build.js (serialised dynamic providers)",
    },
    { path: "Node.js", why: "the runtime's name" },
    {
        path: "policies/defaultRetryPolicy.js",
        why: "a file of @typespec/ts-http-runtime, cited as a source (docs/sources.md, docs/cloud-state.md)",
    },
    { path: "constants.js", why: "a file of @typespec/ts-http-runtime, cited as a source (docs/sources.md)" },
    {
        path: "examples/SecurityConnectors/GetSecurityConnectorsSubscription_example.json",
        why: "a file of Azure/azure-rest-api-specs, cited as a source (docs/sources.md)",
    },
];

function notRepoPath(ref: string): string | undefined {
    return NOT_REPO_PATHS.find((n) => (typeof n.path === "string" ? n.path === ref : n.path.test(ref)))?.why;
}

/** Every file and folder of the checkout at `root`, less .gitignore's plain names and foreign dot-folders. */
export function readTree(root: string): RepoTree {
    const entries = new Set<string>();
    const ignored = ignoredNames(root);
    const walk = (rel: string) => {
        for (const d of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
            if (ignored.has(d.name)) continue;
            if (d.isDirectory() && d.name.startsWith(".") && !KEPT_DOT_FOLDERS.has(d.name)) continue;
            const p = rel ? `${rel}/${d.name}` : d.name;
            entries.add(p);
            if (d.isDirectory()) walk(p);
        }
    };
    walk("");
    const topFolders = new Set(
        [...entries].filter((e) => !e.includes("/") && fs.statSync(path.join(root, e)).isDirectory()),
    );
    const basenames = new Set([...entries].map((e) => path.posix.basename(e)));
    return { entries, topFolders, basenames };
}

/** The files whose comments (code) or whole text (docs, workflows) may name paths of the repository. */
export function scannedFiles(tree: RepoTree): string[] {
    return [...tree.entries]
        .filter((e) => /\.(ts|js|md)$/.test(e) || /^\.github\/workflows\/[^/]+\.ya?ml$/.test(e))
        .sort();
}

interface Span {
    offset: number;
    text: string;
}

/** The comments of a TypeScript or JavaScript file, found by the compiler's own scanner (strings and regular expressions are not comments). */
export function codeComments(file: string, text: string): Span[] {
    const kind = file.endsWith(".js") ? ts.ScriptKind.JS : ts.ScriptKind.TS;
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, kind);
    const seen = new Set<number>();
    const spans: Span[] = [];
    const add = (ranges: ts.CommentRange[] | undefined) => {
        for (const r of ranges ?? []) {
            if (seen.has(r.pos)) continue;
            seen.add(r.pos);
            spans.push({ offset: r.pos, text: text.slice(r.pos, r.end) });
        }
    };
    // Every comment is trivia around some token (the end-of-file token included): on the lines before
    // it (leading) or after it on its own line (trailing).
    const visit = (node: ts.Node) => {
        if (node.kind >= ts.SyntaxKind.FirstJSDocNode && node.kind <= ts.SyntaxKind.LastJSDocNode) return;
        const children = node.getChildren(source);
        if (children.length === 0) {
            add(ts.getLeadingCommentRanges(text, node.pos));
            add(ts.getTrailingCommentRanges(text, node.end));
        }
        children.forEach(visit);
    };
    visit(source);
    return spans.sort((a, b) => a.offset - b.offset);
}

/** A run of path characters that starts where a word starts (not inside a URL, a package name or a longer path). */
const TOKEN = /(?<![\w@./:$~<{*\\-])(?:\.{1,2}\/)*\.?[A-Za-z_][\w.*-]*(?:\/[\w.*-]+)*\/?/g;
/** A doc or source named without its folder (`README.md`, `s3Lock.ts`); not a bare extension (`.d.ts`). */
const BARE_FILE = /^[A-Za-z_][\w.-]*\.(md|ts|js)$/;
/** Markdown link targets: `[text](target "title")` and `[label]: target`. */
const MD_LINK = /\]\(\s*<?([^()\s<>]+)>?(?:\s+"[^"]*")?\s*\)|^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm;

function exists(tree: RepoTree, rel: string): boolean {
    const p = path.posix.normalize(rel).replace(/\/$/, "");
    if (p.startsWith("../") || p === "..") return false;
    if (p === "." || p === "") return true;
    return tree.entries.has(p);
}

/** A module path as written in code comments (`lookup/source`) names a `.ts`/`.js` file or a folder's `index`. */
function existsAsModule(tree: RepoTree, rel: string): boolean {
    if (exists(tree, rel)) return true;
    if (path.posix.extname(rel) !== "") return false;
    return [".ts", ".js", "/index.ts", "/index.js"].some((ext) => exists(tree, rel.replace(/\/$/, "") + ext));
}

/** `dist/` is built from the sources: `dist/cli/main.js` exists when `cli/main.ts` does. */
function existsInDist(tree: RepoTree, rel: string): boolean {
    const source = rel.replace(/^dist\/?/, "").replace(/(\.d\.ts|\.js)$/, ".ts");
    return source === "" || (source.includes("*") ? globMatches(tree, source) : existsAsModule(tree, source));
}

function lineOf(text: string, offset: number): number {
    let line = 1;
    for (let i = 0; i < offset; i++) if (text.charCodeAt(i) === 10) line++;
    return line;
}

/**
 * Judges one token of prose: undefined when it is not meant as a path of this repository, otherwise
 * whether what it names exists. A path is ours when it starts with one of our top-level folders (or
 * one we had). A path starting with a dot is relative to the file in code (an import specifier) and,
 * in docs, to the file or to the root (where commands run). Any other path (`eks/accessEntry.d.ts` of
 * `@pulumi/aws`) is another project's.
 */
function judgeToken(tree: RepoTree, file: string, token: string, inCode: boolean): boolean | undefined {
    const dir = path.posix.dirname(file);
    if (token.startsWith("./") || token.startsWith("../")) {
        return existsAsModule(tree, path.posix.join(dir, token)) || (!inCode && existsAsModule(tree, token));
    }
    const first = token.split("/")[0];
    if (!token.includes("/")) {
        // A doc or source named without a folder is one at the root (README.md), beside the file, or
        // somewhere in the tree, named short in a list of files (docs/sources.md: `s3Lock.ts`).
        if (!BARE_FILE.test(token)) return undefined;
        return exists(tree, token) || exists(tree, path.posix.join(dir, token)) || tree.basenames.has(token);
    }
    if (first === "dist") return existsInDist(tree, token);
    if (!tree.topFolders.has(first) && !FORMER_TOP_FOLDERS.has(first)) return undefined;
    return token.includes("*") ? globMatches(tree, token) : existsAsModule(tree, token);
}

// A glob (`test/**/*.test.ts`, `stack/*/onboarding.ts`) names something when it matches at least one path.
function globMatches(tree: RepoTree, glob: string): boolean {
    const source = glob
        .replace(/\/$/, "")
        .split(/(\*\*\/|\*\*|\*)/)
        .map((part) =>
            part === "**/"
                ? "(?:[^/]+/)*"
                : part === "**"
                  ? ".*"
                  : part === "*"
                    ? "[^/]*"
                    : part.replace(/[.+?^$()|[\]\\]/g, "\\$&"),
        )
        .join("");
    const re = new RegExp(`^${source}$`);
    return [...tree.entries].some((e) => re.test(e));
}

/** The repository paths named in one piece of prose (a comment, a doc with its links blanked out). */
function proseReferences(tree: RepoTree, file: string, whole: string, span: Span, inCode: boolean): FileReference[] {
    const found: FileReference[] = [];
    for (const m of span.text.matchAll(TOKEN)) {
        let token = m[0];
        const end = m.index + token.length;
        // A placeholder (`stacks/Pulumi.<stack>.yaml`, `lib/${name}.ts`) stands for no path in particular;
        // a tag after a whole path (`lib/errors.ts</code>`) does not.
        const next = span.text[end] ?? "";
        if (/[{$[]/.test(next) || (next === "<" && /[./_-]$/.test(token))) continue;
        while (token.endsWith(".") && !/(^|\/)\.\.?$/.test(token)) token = token.slice(0, -1);
        if (!token.includes("/") && !BARE_FILE.test(token)) continue;
        const judged = judgeToken(tree, file, token, inCode);
        if (judged === undefined) continue;
        const line = lineOf(whole, span.offset + m.index);
        const notOurs = notRepoPath(token);
        found.push(
            notOurs ? { file, line, path: token, exists: false, notOurs } : { file, line, path: token, exists: judged },
        );
    }
    return found;
}

/** Every repository path a file names: in its comments for code, anywhere for docs and workflows. */
export function fileReferences(tree: RepoTree, file: string, text: string): FileReference[] {
    if (/\.(ts|js)$/.test(file))
        return codeComments(file, text).flatMap((c) => proseReferences(tree, file, text, c, true));
    if (!file.endsWith(".md")) return proseReferences(tree, file, text, { offset: 0, text }, false);
    const found: FileReference[] = [];
    let prose = text;
    for (const m of text.matchAll(MD_LINK)) {
        const target = m[1] ?? m[2];
        const at = m.index + m[0].indexOf(target);
        prose = prose.slice(0, at) + " ".repeat(target.length) + prose.slice(at + target.length);
        if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith("#")) continue;
        const rel = decodeURI(target.replace(/[#?].*$/, ""));
        if (rel === "") continue;
        const resolved = rel.startsWith("/") ? rel.slice(1) : path.posix.join(path.posix.dirname(file), rel);
        found.push({ file, line: lineOf(text, at), path: target, exists: exists(tree, resolved) });
    }
    return [...found, ...proseReferences(tree, file, text, { offset: 0, text: prose }, false)].sort(
        (a, b) => a.line - b.line,
    );
}

/** Every repository path named anywhere in the checkout at `root`. */
export function allFileReferences(root: string): FileReference[] {
    const tree = readTree(root);
    return scannedFiles(tree).flatMap((f) => fileReferences(tree, f, fs.readFileSync(path.join(root, f), "utf8")));
}
