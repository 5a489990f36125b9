import * as fs from "fs";
import * as path from "path";

/**
 * `mkdir -p` that gives up instead of looping: Node's recursive mkdirSync never returns for a path
 * under /proc/self (it keeps retrying an ENOENT it cannot cure). Each missing parent is made once;
 * an error that making the parent does not cure is thrown.
 */
export function makeDirs(dir: string, mode: number): void {
    const missing: string[] = [];
    let cur = path.resolve(dir);
    for (;;) {
        try {
            fs.mkdirSync(cur, { mode });
            break;
        } catch (e) {
            const code = (e as NodeJS.ErrnoException).code;
            if (code === "EEXIST") {
                if (!fs.statSync(cur).isDirectory()) throw notDir(cur);
                break;
            }
            const parent = path.dirname(cur);
            if (code !== "ENOENT" || parent === cur || missing.length > 256) throw e;
            missing.push(cur);
            cur = parent;
        }
    }
    for (const d of missing.reverse()) {
        try {
            fs.mkdirSync(d, { mode });
        } catch (e) {
            if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
            if (!fs.statSync(d).isDirectory()) throw notDir(d);
        }
    }
}

function notDir(p: string): NodeJS.ErrnoException {
    return Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${p}'`), { code: "ENOTDIR", path: p });
}
