import { spawn } from "child_process";
import * as path from "path";
import { TARGETS } from "./targets";

/**
 * `npm run fuzz`: feeds the project's input parsers seeded random and mutated inputs
 * (test/fuzz/targets.ts, seeds in test/fuzz/corpus/) and classifies each outcome: accepted, a
 * clean error (the typed error the command prints in one line with exit code 2), a crash (any
 * other error, or the worker process dying) or a hang (no answer within --hang-ms). Exits 1 on
 * any crash or hang, printing the seed and the command that reruns each failing case.
 * docs/verification.md, "Fuzzing".
 */

export interface FuzzOptions {
    seed: number;
    /** Cases per target. */
    cases: number;
    /** Bound on the whole run; the cases not reached by then are not run (and counted as such). */
    seconds: number;
    targets: string[];
    hangMs: number;
    /** Run this one case of each target (and write its input to `dump`). */
    caseIndex?: number;
    dump?: string;
}

export interface Failure {
    target: string;
    index: number;
    kind: "crash" | "hang";
    detail: string;
}

export interface FuzzReport {
    seed: number;
    counts: Record<
        string,
        { accepted: number; clean: number; crash: number; hang: number; slowestMs: number; slowestCase: number }
    >;
    failures: Failure[];
    /** Cases not run because the time bound came first. */
    skipped: number;
}

const WORKER = path.join(__dirname, "worker.ts");

interface Range {
    target: string;
    from: number;
    to: number;
}

/** The ranges from the case after `stop` on. */
function after(ranges: Range[], stop: { target: string; index: number }): Range[] {
    const at = ranges.findIndex((r) => r.target === stop.target);
    const rest = ranges.slice(at + 1);
    return stop.index + 1 < ranges[at].to ? [{ ...ranges[at], from: stop.index + 1 }, ...rest] : rest;
}

/** Runs the ranges in one worker until it ends, hangs or dies; returns the ranges left to run. */
function runWorker(
    opts: FuzzOptions,
    ranges: Range[],
    deadline: number,
    report: FuzzReport,
): Promise<{ left: Range[]; timedOut: boolean }> {
    return new Promise((resolve, reject) => {
        const job = { seed: opts.seed, ranges, deadline, ...(opts.dump ? { dump: opts.dump } : {}) };
        const child = spawn(process.execPath, ["--import", "tsx", WORKER, JSON.stringify(job)], {
            // From the project's root, where tsx resolves, whatever folder the run was started in.
            cwd: path.join(__dirname, "..", ".."),
            stdio: ["ignore", "pipe", "pipe"],
        });
        let current: { target: string; index: number } | undefined;
        let timedOut = false;
        let hung = false;
        let stderr = "";
        let buffered = "";
        let watchdog: NodeJS.Timeout;
        const arm = (ms = opts.hangMs) => {
            clearTimeout(watchdog);
            watchdog = setTimeout(() => {
                hung = true;
                child.kill("SIGKILL");
            }, ms);
        };
        // Starting the worker (TypeScript, the parsers' modules) is not a case: it gets a minute.
        arm(60_000);
        child.stderr.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
        child.stdout.on("data", (d: Buffer) => {
            buffered += d.toString();
            let nl: number;
            while ((nl = buffered.indexOf("\n")) >= 0) {
                const line = buffered.slice(0, nl);
                buffered = buffered.slice(nl + 1);
                const [tag, target, index, outcome, ms, ...rest] = line.split(" ");
                const i = Number(index);
                if (tag === "S") {
                    current = { target, index: i };
                    arm();
                } else if (tag === "R") {
                    const c = report.counts[target];
                    if (Number(ms) > c.slowestMs) Object.assign(c, { slowestMs: Number(ms), slowestCase: i });
                    if (outcome === "accepted") c.accepted++;
                    else if (outcome === "clean") c.clean++;
                    else {
                        c.crash++;
                        report.failures.push({ target, index: i, kind: "crash", detail: JSON.parse(rest.join(" ")) });
                    }
                    current = undefined;
                    arm();
                } else if (tag === "T") {
                    timedOut = true;
                }
            }
        });
        child.on("close", (code, signal) => {
            clearTimeout(watchdog);
            if (current) {
                // Started and never answered: a hang, or the process died under it (abort, exit, out of memory).
                report.counts[current.target][hung ? "hang" : "crash"]++;
                report.failures.push({
                    target: current.target,
                    index: current.index,
                    kind: hung ? "hang" : "crash",
                    detail: hung
                        ? `no answer within ${opts.hangMs} ms`
                        : `the worker process died (${signal ?? `exit ${code}`}): ${stderr.trim().split("\n").pop() ?? ""}`,
                });
            } else if (code !== 0) {
                // Not a parser's fault (the worker could not start, a wrong argument): the run cannot go on.
                return reject(
                    new Error(`the fuzz worker failed (${signal ?? `exit ${code}`}): ${stderr.trim().slice(-500)}`),
                );
            }
            // After a hang or a death the next worker goes on from the case after it; otherwise all ran.
            resolve({ left: current ? after(ranges, current) : [], timedOut });
        });
    });
}

export async function runFuzz(opts: FuzzOptions): Promise<FuzzReport> {
    const report: FuzzReport = { seed: opts.seed, counts: {}, failures: [], skipped: 0 };
    for (const t of opts.targets)
        report.counts[t] = { accepted: 0, clean: 0, crash: 0, hang: 0, slowestMs: 0, slowestCase: -1 };
    const deadline = Date.now() + opts.seconds * 1000;
    let ranges: Range[] = opts.targets.map((target) =>
        opts.caseIndex === undefined
            ? { target, from: 0, to: opts.cases }
            : { target, from: opts.caseIndex, to: opts.caseIndex + 1 },
    );
    while (ranges.length) {
        const { left, timedOut } = await runWorker(opts, ranges, deadline, report);
        if (timedOut || Date.now() > deadline) break;
        ranges = left;
    }
    const planned = opts.caseIndex === undefined ? opts.cases : 1;
    for (const c of Object.values(report.counts)) report.skipped += planned - (c.accepted + c.clean + c.crash + c.hang);
    return report;
}

export function formatReport(r: FuzzReport, opts: FuzzOptions): string {
    const lines = [`fuzz seed ${r.seed}`];
    for (const [t, c] of Object.entries(r.counts))
        lines.push(
            `  ${t.padEnd(12)} ${c.accepted + c.clean + c.crash + c.hang} cases: ${c.accepted} accepted, ${c.clean} clean errors, ${c.crash} crashes, ${c.hang} hangs; slowest answered case ${c.slowestCase} in ${c.slowestMs} ms`,
        );
    if (r.skipped) lines.push(`  ${r.skipped} cases not run: the ${opts.seconds} s bound came first`);
    for (const f of r.failures) {
        lines.push(
            `${f.kind.toUpperCase()} ${f.target} case ${f.index}: ${f.detail}`,
            `  rerun: npm run fuzz -- --seed ${r.seed} --target ${f.target} --case ${f.index}`,
        );
        // A case runs after the ones before it in the same process: what they left (a warmed-up
        // parser, its caches) can matter, so the whole sequence is the faithful rerun.
        if (opts.caseIndex === undefined)
            lines.push(
                `  or with the cases before it: npm run fuzz -- --seed ${r.seed} --target ${f.target} --cases ${f.index + 1}`,
            );
    }
    lines.push(r.failures.length ? `FAIL: ${r.failures.length} crash(es) or hang(s)` : "PASS: no crash, no hang");
    return lines.join("\n") + "\n";
}

function usage(message: string): never {
    process.stderr.write(
        `error: ${message}\nusage: npm run fuzz -- [--seed N] [--cases N] [--seconds S] [--target ${TARGETS.filter(
            (t) => !t.hidden,
        )
            .map((t) => t.name)
            .join("|")} ...] [--case I] [--hang-ms MS]\n`,
    );
    process.exit(2);
}

export function parseFuzzArgs(argv: string[]): FuzzOptions {
    const opts: FuzzOptions = {
        seed: Date.now() % 2147483647,
        cases: 300,
        seconds: 120,
        targets: [],
        hangMs: 10_000,
    };
    const whole = (flag: string, v: string | undefined, min: number) => {
        if (v === undefined || !/^\d+$/.test(v) || Number(v) < min || !Number.isSafeInteger(Number(v)))
            usage(`${flag} ${JSON.stringify(v ?? "")} must be a whole number of at least ${min}`);
        return Number(v);
    };
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        const v = argv[i + 1];
        if (a === "--seed") opts.seed = whole(a, v, 0);
        else if (a === "--cases") opts.cases = whole(a, v, 1);
        else if (a === "--seconds") opts.seconds = whole(a, v, 1);
        else if (a === "--hang-ms") opts.hangMs = whole(a, v, 100);
        else if (a === "--case") opts.caseIndex = whole(a, v, 0);
        else if (a === "--target") {
            if (!TARGETS.some((t) => t.name === v)) usage(`--target ${JSON.stringify(v ?? "")} is not a fuzz target`);
            opts.targets.push(v);
        } else usage(`unknown argument ${JSON.stringify(a)}`);
        i++;
    }
    if (!opts.targets.length) opts.targets = TARGETS.filter((t) => !t.hidden).map((t) => t.name);
    // npm runs scripts in the project's root; INIT_CWD is the folder the user ran it from.
    if (opts.caseIndex !== undefined) opts.dump = process.env.INIT_CWD ?? process.cwd();
    return opts;
}

async function main(): Promise<void> {
    const opts = parseFuzzArgs(process.argv.slice(2));
    process.stdout.write(
        `fuzz seed ${opts.seed}: ${opts.caseIndex === undefined ? `${opts.cases} cases` : `case ${opts.caseIndex}`} of ${opts.targets.join(", ")}, at most ${opts.seconds} s; hang after ${opts.hangMs} ms\n`,
    );
    const report = await runFuzz(opts);
    process.stdout.write(formatReport(report, opts));
    if (opts.dump)
        process.stdout.write(
            `inputs written to ${path.join(opts.dump, `fuzz-<target>-${opts.seed}-${opts.caseIndex}.input`)}\n`,
        );
    process.exitCode = report.failures.length ? 1 : 0;
}

if (require.main === module) void main();
