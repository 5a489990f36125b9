import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { caseSeed, makeInput, mulberry32 } from "./mutate";
import { TARGETS } from "./targets";

/**
 * Runs fuzz cases in a process of its own, so that the runner (test/fuzz/run.ts) can kill it on a
 * hang. Job (argv[2], JSON): seed, per target the case range, a deadline, and `dump` to write the
 * inputs to files. Protocol on stdout, one line each, written synchronously (a pipe is
 * synchronous on Linux, so the line before a hang is out): `S target i` before a case,
 * `R target i accepted|clean|crash ms detail` after it.
 */
interface Job {
    seed: number;
    ranges: { target: string; from: number; to: number }[];
    deadline: number;
    dump?: string;
}

export const CORPUS = path.join(__dirname, "corpus");

export function seedsOf(corpus: string): Buffer[] {
    const dir = path.join(CORPUS, corpus);
    return fs
        .readdirSync(dir)
        .sort()
        .map((f) => fs.readFileSync(path.join(dir, f)));
}

/** The input of one case, from (seed, target, index) alone. */
export function caseInput(seed: number, target: string, index: number): Buffer {
    const t = TARGETS.find((x) => x.name === target)!;
    return makeInput(mulberry32(caseSeed(seed, target, index)), seedsOf(t.corpus), t.tokens);
}

function oneLine(s: string): string {
    return JSON.stringify(s.length > 300 ? `${s.slice(0, 300)}…` : s);
}

function main(): void {
    const job = JSON.parse(process.argv[2]) as Job;
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "fuzz-"));
    const say = (line: string) => fs.writeSync(1, line + "\n");
    try {
        for (const r of job.ranges) {
            const t = TARGETS.find((x) => x.name === r.target)!;
            for (let i = r.from; i < r.to; i++) {
                if (Date.now() > job.deadline) {
                    say(`T ${t.name} ${i}`);
                    return;
                }
                const input = caseInput(job.seed, t.name, i);
                if (job.dump) fs.writeFileSync(path.join(job.dump, `fuzz-${t.name}-${job.seed}-${i}.input`), input);
                say(`S ${t.name} ${i}`);
                // The run's own randomness (chunk sizes) is seeded by the case too.
                const rng = mulberry32(caseSeed(job.seed, `${t.name}/run`, i));
                let outcome: string;
                const t0 = Date.now();
                try {
                    t.run(input, work, rng);
                    outcome = "accepted";
                } catch (e) {
                    outcome = t.clean(e)
                        ? "clean"
                        : `crash ${oneLine(`${(e as Error)?.name ?? typeof e}: ${(e as Error)?.message ?? String(e)}`)}`;
                }
                // The time goes after the outcome's word, before a crash's detail.
                const [word, ...detail] = outcome.split(" ");
                say(`R ${t.name} ${i} ${word} ${Date.now() - t0}${detail.length ? ` ${detail.join(" ")}` : ""}`);
            }
        }
    } finally {
        fs.rmSync(work, { recursive: true, force: true });
    }
}

if (require.main === module) main();
