import { spawnSync } from "child_process";
import * as os from "os";

/**
 * What every bench measures of one fresh process, through GNU time: wall time, CPU time (user +
 * system, which other jobs on a shared machine disturb far less than wall time) and peak resident
 * memory. The machine's load average is printed at the start and end of each case, so that every
 * figure can be quoted with the load it was measured at.
 */
export interface Sample {
    wall: number;
    cpu: number;
    peakMiB: number;
}

export function timed(
    cmd: string,
    args: string[],
    opts: { cwd: string; env?: NodeJS.ProcessEnv; stdout?: "ignore" | "pipe" },
): Sample & { stdout: string } {
    const r = spawnSync("/usr/bin/time", ["-f", "BENCH %e %U %S %M", cmd, ...args], {
        cwd: opts.cwd,
        env: { ...process.env, NODE_OPTIONS: "", ...opts.env },
        encoding: "utf8",
        maxBuffer: 1 << 30,
        stdio: ["ignore", opts.stdout ?? "ignore", "pipe"],
    });
    const m = /BENCH ([\d.]+) ([\d.]+) ([\d.]+) (\d+)\s*$/.exec(r.stderr);
    if (r.status !== 0 || !m)
        throw new Error(`${cmd} ${args.join(" ")} failed (${r.status}): ${r.stderr.slice(-2000)}`);
    return {
        wall: Number(m[1]),
        cpu: Number(m[2]) + Number(m[3]),
        peakMiB: Math.round(Number(m[4]) / 1024),
        stdout: r.stdout ?? "",
    };
}

export const median = (xs: number[]): number => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

export function load(): string {
    return os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(" ");
}

export function machine(): string {
    return `${os.cpus().length} CPU ${os.cpus()[0]?.model ?? ""}, node ${process.version}`;
}

export interface Paired {
    name: string;
    baseline: Sample[];
    subject: Sample[];
}

/**
 * Runs `baseline` and `subject` in turns, A B A B ..., `rounds` times: a change of load hits both
 * alike, and each round's ratio is taken of its own pair. Prints each round and the load at the
 * start and end.
 */
export function interleave(name: string, rounds: number, baseline: () => Sample, subject: () => Sample): Paired {
    const startLoad = load();
    const out: Paired = { name, baseline: [], subject: [] };
    for (let i = 0; i < rounds; i++) {
        out.baseline.push(baseline());
        out.subject.push(subject());
        const [b, s] = [out.baseline[i], out.subject[i]];
        process.stdout.write(
            `  ${name} round ${i + 1}: baseline ${b.wall.toFixed(2)} s wall ${b.cpu.toFixed(2)} s CPU ${b.peakMiB} MiB; subject ${s.wall.toFixed(2)} s wall ${s.cpu.toFixed(2)} s CPU ${s.peakMiB} MiB\n`,
        );
    }
    process.stdout.write(`  ${name}: load average ${startLoad} at start, ${load()} at end\n`);
    return out;
}

/** One line: medians of each side, and the medians of the per-round ratios (wall, CPU). */
/**
 * Three programs in turns, A B C A B C ...: `subject` paired with each of two baselines in the same
 * rounds (say the bare program and the SDK's floor), so that both ratios see the same load.
 */
export function interleaveThree(
    name: string,
    rounds: number,
    first: () => Sample,
    second: () => Sample,
    subject: () => Sample,
): { first: Paired; second: Paired } {
    const startLoad = load();
    const a: Sample[] = [];
    const b: Sample[] = [];
    const s: Sample[] = [];
    const line = (x: Sample) => `${x.wall.toFixed(2)} s wall ${x.cpu.toFixed(2)} s CPU ${x.peakMiB} MiB`;
    for (let i = 0; i < rounds; i++) {
        a.push(first());
        b.push(second());
        s.push(subject());
        process.stdout.write(
            `  ${name} round ${i + 1}: first ${line(a[i])}; second ${line(b[i])}; subject ${line(s[i])}\n`,
        );
    }
    process.stdout.write(`  ${name}: load average ${startLoad} at start, ${load()} at end\n`);
    return { first: { name, baseline: a, subject: s }, second: { name, baseline: b, subject: s } };
}

export function pairedLine(p: Paired, baselineName: string, subjectName: string): string {
    const m = (xs: Sample[], k: keyof Sample) => median(xs.map((s) => s[k]));
    const ratio = (k: "wall" | "cpu") => median(p.subject.map((s, i) => s[k] / p.baseline[i][k]));
    return [
        `${p.name} (${p.subject.length} rounds):`,
        `${baselineName} ${m(p.baseline, "wall").toFixed(2)} s wall, ${m(p.baseline, "cpu").toFixed(2)} s CPU, peak ${m(p.baseline, "peakMiB")} MiB;`,
        `${subjectName} ${m(p.subject, "wall").toFixed(2)} s wall, ${m(p.subject, "cpu").toFixed(2)} s CPU, peak ${m(p.subject, "peakMiB")} MiB;`,
        `paired ratio ${ratio("wall").toFixed(2)}x wall, ${ratio("cpu").toFixed(2)}x CPU`,
    ].join(" ");
}
