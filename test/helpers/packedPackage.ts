import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ROOT } from "./cli";

export interface PackedInstall {
    /** A project folder whose node_modules holds the packed package and, linked, the project's dependencies. */
    dir: string;
    tarball: string;
    /** What `npm pack --json` reports. */
    size: number;
    unpackedSize: number;
    files: string[];
    /** The installed package: node_modules/agentless-discovery. */
    packageDir: string;
}

let installed: PackedInstall | undefined;

/**
 * `npm pack` of the built project (dist/ is fresh: the mocha setup builds it) into a temp folder,
 * installed there without network: the tarball is extracted as node_modules/agentless-discovery and
 * every other dependency is a symlink to the project's own node_modules, so each package resolves
 * to one copy (one @pulumi/pulumi, as in an installed program). Once per mocha process.
 */
export function packedInstall(): PackedInstall {
    if (installed) return installed;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "agentless-packed-"));
    const out = execFileSync("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", dir], {
        cwd: ROOT,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "ignore"],
    });
    const [info] = JSON.parse(out) as {
        filename: string;
        size: number;
        unpackedSize: number;
        files: { path: string }[];
    }[];
    const tarball = path.join(dir, info.filename);
    const modules = path.join(dir, "node_modules");
    fs.mkdirSync(modules);
    execFileSync("tar", ["-xzf", tarball, "-C", dir]);
    const packageDir = path.join(modules, "agentless-discovery");
    fs.renameSync(path.join(dir, "package"), packageDir);
    for (const entry of fs.readdirSync(path.join(ROOT, "node_modules"))) {
        if (entry.startsWith(".") || entry === "agentless-discovery") continue;
        fs.symlinkSync(path.join(ROOT, "node_modules", entry), path.join(modules, entry));
    }
    installed = {
        dir,
        tarball,
        size: info.size,
        unpackedSize: info.unpackedSize,
        files: info.files.map((f) => f.path),
        packageDir,
    };
    return installed;
}

/** Removes the temp install (mocha `after`). */
export function removePackedInstall(): void {
    if (installed) fs.rmSync(installed.dir, { recursive: true, force: true });
    installed = undefined;
}
