"use strict";
// The simulated cloud the stand-in providers (standin.js) answer from, and that the engine suite
// seeds and changes: one JSON file per object under <root>/<package>/, named by a hash of the
// object's type, scope (an AWS region, a Kubernetes cluster, or "") and id.
const { createHash } = require("crypto");
const fs = require("fs");
const path = require("path");

function fileOf(root, pkg, type, scope, id) {
    const key = createHash("sha256").update(`${type}\n${scope}\n${id}`).digest("hex").slice(0, 32);
    return path.join(root, pkg, `${key}.json`);
}

/**
 * The object's record ({ package, type, scope, id, props, outputs }: props are its inputs, outputs
 * what the cloud computed), or undefined when it does not exist.
 */
function load(root, pkg, type, scope, id) {
    try {
        return JSON.parse(fs.readFileSync(fileOf(root, pkg, type, scope, id), "utf8"));
    } catch (e) {
        if (e.code === "ENOENT") return undefined;
        throw e;
    }
}

/** Writes the object whole (a temporary file renamed into place), so a reader never sees half of it. */
function store(root, pkg, type, scope, id, props, outputs = {}) {
    const file = fileOf(root, pkg, type, scope, id);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify({ package: pkg, type, scope, id, props, outputs }, null, 2));
    fs.renameSync(tmp, file);
}

function remove(root, pkg, type, scope, id) {
    fs.rmSync(fileOf(root, pkg, type, scope, id), { force: true });
}

/** Every object of the simulated cloud. */
function list(root) {
    if (!fs.existsSync(root)) return [];
    return fs.readdirSync(root).flatMap((pkg) =>
        fs
            .readdirSync(path.join(root, pkg))
            .filter((f) => f.endsWith(".json"))
            .map((f) => JSON.parse(fs.readFileSync(path.join(root, pkg, f), "utf8"))),
    );
}

module.exports = { load, store, remove, list };
