/**
 * How old a cloud-state file is, by the time its export wrote into its header: a comment line
 * `# read-at: <ISO 8601 time with a zone>` among the leading comment lines (docs/cloud-state.md,
 * "Keeping the file fresh"). A file a person wrote has no such line: its age is unknown, and the
 * gate treats it as stale, since nothing says when the cloud last looked like it.
 */

export const READ_AT_HEADER = "# read-at:";

const READ_AT = /^#\s*read-at:\s*(\S+)\s*$/;
// RFC 3339: a date, a time and a zone (Z or an offset); Date.parse alone also takes "2026-12-07".
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

export type ReadAt = { kind: "dated"; at: Date } | { kind: "undated" } | { kind: "malformed"; value: string };

/** The `read-at` time of the file's header: only the comment lines before the first other line count. */
export function readAtOf(text: string): ReadAt {
    for (const line of text.split(/\r?\n/)) {
        if (line.trim() === "") continue;
        if (!line.startsWith("#")) break;
        const m = READ_AT.exec(line);
        if (!m) continue;
        const at = Date.parse(m[1]);
        if (!RFC3339.test(m[1]) || Number.isNaN(at)) return { kind: "malformed", value: m[1] };
        return { kind: "dated", at: new Date(at) };
    }
    return { kind: "undated" };
}

export type Freshness =
    | { state: "fresh"; readAt: Date; ageDays: number }
    | { state: "stale"; readAt: Date; ageDays: number }
    | { state: "undated" }
    | { state: "malformed"; value: string }
    | { state: "future"; readAt: Date };

const DAY_MS = 86_400_000;
/** Clocks of the exporting runner and the checking one may differ a little; more is a wrong header. */
const FUTURE_TOLERANCE_MS = 5 * 60_000;

/** Stale when strictly older than `maxAgeDays` whole days (a file read exactly 14 days ago is still fresh at 14). */
export function freshnessOf(text: string, now: Date, maxAgeDays: number): Freshness {
    const r = readAtOf(text);
    if (r.kind === "undated") return { state: "undated" };
    if (r.kind === "malformed") return { state: "malformed", value: r.value };
    const ageMs = now.getTime() - r.at.getTime();
    if (ageMs < -FUTURE_TOLERANCE_MS) return { state: "future", readAt: r.at };
    const ageDays = Math.max(0, ageMs) / DAY_MS;
    return ageMs > maxAgeDays * DAY_MS
        ? { state: "stale", readAt: r.at, ageDays }
        : { state: "fresh", readAt: r.at, ageDays };
}

/** One line for the job's log: what was found and, when it is not fresh, what to do. */
export function describeFreshness(file: string, f: Freshness, maxAgeDays: number, stack: string): string {
    const refresh = `run npm run cloud-state -- --stack ${stack} (or the cloud-state workflow) and commit the file`;
    switch (f.state) {
        case "fresh":
            return `${file}: read at ${f.readAt.toISOString()}, ${f.ageDays.toFixed(1)} days ago (at most ${maxAgeDays})`;
        case "stale":
            return `${file}: read at ${f.readAt.toISOString()}, ${f.ageDays.toFixed(1)} days ago, more than ${maxAgeDays}; ${refresh}`;
        case "undated":
            return `${file}: no "${READ_AT_HEADER} <time>" header, so its age is unknown (written by hand?); ${refresh}`;
        case "malformed":
            return `${file}: header "${READ_AT_HEADER} ${f.value}" is not an RFC 3339 time such as 2026-12-07T02:30:00Z; ${refresh}`;
        case "future":
            return `${file}: read at ${f.readAt.toISOString()}, which is in the future; ${refresh}`;
    }
}
