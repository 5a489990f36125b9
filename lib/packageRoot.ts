import * as fs from "fs";
import * as path from "path";

/**
 * The folder holding this package's package.json, found from this file: the same folder whether the
 * code runs from its TypeScript source (lib/) or compiled (dist/lib/), so files that are not code
 * (stacks, Gatekeeper templates) are read from one place.
 */
export function findPackageRoot(from: string): string {
    for (let dir = from; ; dir = path.dirname(dir)) {
        if (fs.existsSync(path.join(dir, "package.json"))) return dir;
        if (path.dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
    }
}

export const PACKAGE_ROOT = findPackageRoot(__dirname);
