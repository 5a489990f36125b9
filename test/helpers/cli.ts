import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export const ROOT = path.join(__dirname, "..", "..");

export interface CliResult {
    code: number | null;
    stdout: string;
    stderr: string;
}

/** Runs the compiled CLI (dist/cli/main.js, built by the mocha setup) as a child process, the way `npm run <command>` does. */
export function runCli(
    args: string[],
    opts: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {},
): Promise<CliResult> {
    return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [path.join(ROOT, "dist", "cli", "main.js"), ...args], {
            cwd: opts.cwd ?? ROOT,
            env: { ...process.env, ...opts.env },
            stdio: ["ignore", "pipe", "pipe"],
        });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d) => (stdout += d));
        child.stderr.on("data", (d) => (stderr += d));
        const timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs ?? 60_000);
        child.on("error", reject);
        child.on("close", (code) => {
            clearTimeout(timer);
            resolve({ code, stdout, stderr });
        });
    });
}

const plans = new Map<string, Promise<CliResult>>();

/**
 * `plan --stack <stack> --format json` of an example stack, run once per mocha process: several
 * test files read the same plan, and each run is a child process of a second or more.
 */
export function planJson(stack: string): Promise<CliResult> {
    let p = plans.get(stack);
    if (!p) {
        p = runCli(["plan", "--stack", stack, "--format", "json"]);
        plans.set(stack, p);
    }
    return p;
}

/**
 * `npm run respond` in a working directory of its own: respond keeps an audit record of every
 * action in its store (./snapshots by default), which must not land in the clone.
 */
export function respondCli(args: string[], opts: { env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
    return runCli(args, { ...opts, cwd: fs.mkdtempSync(path.join(os.tmpdir(), "respond-cwd-")) });
}
