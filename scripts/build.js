#!/usr/bin/env node
"use strict";
/**
 * `npm run build`: compiles the program, the CLI and the library to dist/ (JavaScript, declarations
 * and source maps), serializes the dynamic providers (serializeProviders.js) and records a hash of
 * the sources it compiled. The CLI launcher and the Pulumi entry point compare that hash with the
 * sources before loading dist/, so an edited source is never run from an older build. Plain JavaScript: it runs before anything is compiled.
 */
const { createHash } = require("crypto");
const fs = require("fs");
const path = require("path");
const { spawnSync } = require("child_process");

const ROOT = path.join(__dirname, "..");
const DIST = path.join(ROOT, "dist");
const STAMP = path.join(DIST, ".source-hash");
const TSCONFIG = "tsconfig.build.json";

/** The files tsconfig.build.json compiles ("dir/**\/*.ts" and "file.ts" patterns), and the configs. */
function sourceFiles() {
    const include = JSON.parse(fs.readFileSync(path.join(ROOT, TSCONFIG), "utf8")).include;
    // serializeProviders.js writes part of dist/, so it counts as a source.
    const files = ["tsconfig.json", TSCONFIG, "scripts/serializeProviders.js"];
    const walk = (dir) => {
        if (!fs.existsSync(path.join(ROOT, dir))) return;
        for (const e of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
            const rel = path.join(dir, e.name);
            if (e.isDirectory()) {
                if (e.name !== "node_modules") walk(rel);
            } else if (e.name.endsWith(".ts") && !e.name.endsWith(".d.ts")) files.push(rel);
        }
    };
    for (const pattern of include) {
        const m = /^([^*]+)\/\*\*\/\*\.ts$/.exec(pattern);
        if (m) walk(m[1]);
        else if (!pattern.includes("*")) files.push(pattern);
        else
            throw new Error(
                `${TSCONFIG}: include pattern ${JSON.stringify(pattern)} is neither "dir/**/*.ts" nor a file name`,
            );
    }
    return files.sort();
}

/** A hash of every compiled source's path and content. */
function sourceHash() {
    const h = createHash("sha256");
    for (const f of sourceFiles()) {
        h.update(f.split(path.sep).join("/") + "\0");
        h.update(fs.readFileSync(path.join(ROOT, f)));
        h.update("\0");
    }
    return h.digest("hex");
}

function builtHash() {
    try {
        return fs.readFileSync(STAMP, "utf8").trim();
    } catch {
        return undefined;
    }
}

/** Compiles from a clean dist/ (a deleted source must not live on as JavaScript); returns the exit code. */
function build() {
    let tsc;
    try {
        tsc = require.resolve("typescript/bin/tsc", { paths: [ROOT] });
    } catch {
        process.stderr.write(
            "error: dist/ is missing or older than the sources, and TypeScript is not installed (npm ci --omit=dev) to build it: run `npm ci && npm run build` first, then prune dev dependencies if you must\n",
        );
        return 2;
    }
    const hash = sourceHash();
    fs.rmSync(DIST, { recursive: true, force: true });
    const r = spawnSync(process.execPath, [tsc, "-p", path.join(ROOT, TSCONFIG)], {
        cwd: ROOT,
        stdio: ["ignore", 2, 2],
    });
    if (r.status !== 0) {
        process.stderr.write(`error: the build failed (tsc -p ${TSCONFIG} exited ${r.status ?? r.signal})\n`);
        return r.status || 1;
    }
    // The dynamic providers' code, serialized once here instead of on every `pulumi preview`; plain
    // Node (no loader from NODE_OPTIONS), because a loader could rewrite the function text it reads.
    const s = spawnSync(process.execPath, [path.join(__dirname, "serializeProviders.js")], {
        cwd: ROOT,
        env: { ...process.env, NODE_OPTIONS: "" },
        stdio: ["ignore", 2, 2],
    });
    if (s.status !== 0) return s.status || 1;
    fs.writeFileSync(STAMP, hash + "\n");
    return 0;
}

/** Builds when dist/ does not match the sources; exits the process when it cannot. */
function ensureBuilt() {
    if (builtHash() === sourceHash()) return;
    process.stderr.write("building dist/ (the sources changed since the last build)...\n");
    const code = build();
    if (code !== 0) process.exit(code);
}

module.exports = { build, ensureBuilt, sourceHash, builtHash, DIST };

if (require.main === module) process.exit(build());
