import { show, UsageError } from "../lib/errors";
import { escapeControl } from "../lib/escape";
import { FileReadError, readRegularFile } from "../lib/regularFile";
import { parseStackYaml, YamlReadError } from "../lib/yaml";
import { Finding, FINDING_RULES, FindingRule } from "./findings";
import { objectKey } from "./normalise";

/**
 * Accepted findings: what a team reviewed and decided to live with, until a date. A matching finding
 * is shown as accepted (never hidden) and does not count toward `--fail-on`; once the entry expires
 * the finding is open again.
 */
export interface AcceptedEntry {
    /** Where the entry is in its file, for messages: `accepted[2]`. */
    where: string;
    rule: FindingRule;
    /** A pattern over the finding's subject, `Kind/namespace/name` or `Kind/name`; `*` stands for any characters but `/`. */
    subject: string;
    /** A pattern over the cluster's name or store key; `*` stands for any characters. Every cluster when absent. */
    cluster?: string;
    reason: string;
    by: string;
    /** The last day (UTC) the acceptance holds, `YYYY-MM-DD`. */
    expires: string;
}

/** The file read when `--accepted` is not given, if it exists in the working directory. */
export const DEFAULT_ACCEPTED_FILE = "accepted-findings.yaml";

const KEYS = ["rule", "subject", "cluster", "reason", "by", "expires"] as const;
/** A kind, then one or two path segments: RBAC names may hold almost anything but `/`. */
const SUBJECT = /^[A-Za-z*]+(?:\/[^/\s]+){1,2}$/;

function fail(file: string, key: string, value: unknown, allowed: string): never {
    throw new UsageError(
        value === undefined
            ? `accepted-findings file ${file}: key "${key}" is missing; expected ${allowed}`
            : `accepted-findings file ${file}: key "${key}" has value ${show(value)}; expected ${allowed}`,
    );
}

function isDate(text: string): boolean {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
    if (!m) return false;
    const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
    return (
        d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3])
    );
}

function text(file: string, key: string, v: unknown, allowed: string, max = 500): string {
    // One line: a control character or line separator would let the text forge lines of its own.
    if (typeof v !== "string" || !v.trim() || v.length > max || escapeControl(v) !== v) fail(file, key, v, allowed);
    return v;
}

/** Checks the parsed document of an accepted-findings file; every problem names its entry, key and value. */
export function parseAccepted(doc: unknown, file: string): AcceptedEntry[] {
    const shape = `a map with one key "accepted", a list of entries (${KEYS.join(", ")})`;
    if (doc === null || doc === undefined) return [];
    if (typeof doc !== "object" || Array.isArray(doc)) fail(file, "(top level)", doc, shape);
    for (const k of Object.keys(doc)) if (k !== "accepted") fail(file, k, (doc as Record<string, unknown>)[k], shape);
    const list = (doc as { accepted?: unknown }).accepted;
    if (list === undefined || list === null) return [];
    if (!Array.isArray(list)) fail(file, "accepted", list, "a list of entries");
    return list.map((item, i) => {
        const where = `accepted[${i}]`;
        if (typeof item !== "object" || item === null || Array.isArray(item))
            fail(file, where, item, `a map with keys ${KEYS.join(", ")}`);
        const e = item as Record<string, unknown>;
        for (const k of Object.keys(e))
            if (!(KEYS as readonly string[]).includes(k))
                fail(file, `${where}.${k}`, e[k], `one of the keys ${KEYS.join(", ")}`);
        const rules = Object.keys(FINDING_RULES);
        if (typeof e.rule !== "string" || !rules.includes(e.rule))
            fail(file, `${where}.rule`, e.rule, `a finding rule: ${rules.join(", ")}`);
        const subjectAllowed =
            "a subject pattern Kind/namespace/name or Kind/name (as the findings name it), with * for any characters but /";
        const subject = text(file, `${where}.subject`, e.subject, subjectAllowed, 300);
        if (!SUBJECT.test(subject)) fail(file, `${where}.subject`, subject, subjectAllowed);
        const cluster =
            e.cluster === undefined
                ? undefined
                : text(
                      file,
                      `${where}.cluster`,
                      e.cluster,
                      "a cluster name or store key, with * for any characters",
                      300,
                  );
        const reason = text(file, `${where}.reason`, e.reason, "why the finding is accepted, one line of text");
        const by = text(file, `${where}.by`, e.by, "who accepted it (a name or an address), one line of text", 200);
        if (typeof e.expires !== "string" || !isDate(e.expires))
            fail(
                file,
                `${where}.expires`,
                e.expires,
                "the last day the acceptance holds, a date YYYY-MM-DD (quoted or not)",
            );
        return {
            where,
            rule: e.rule as FindingRule,
            subject,
            ...(cluster !== undefined ? { cluster } : {}),
            reason,
            by,
            expires: e.expires,
        };
    });
}

/**
 * The entries of `--accepted FILE`, or of DEFAULT_ACCEPTED_FILE in the working directory when it
 * exists and no file was named; none otherwise. A bad file is a UsageError (exit 2).
 */
export function readAccepted(file: string | undefined): { file?: string; entries: AcceptedEntry[] } {
    const named = file !== undefined;
    const path = file ?? DEFAULT_ACCEPTED_FILE;
    let body: string;
    try {
        body = readRegularFile(path);
    } catch (e) {
        if (e instanceof FileReadError) {
            if (!named && e.code === "ENOENT") return { entries: [] };
            throw new UsageError(`accepted-findings file ${e.message}`);
        }
        throw e;
    }
    let doc: unknown;
    try {
        doc = parseStackYaml(body);
    } catch (e) {
        if (e instanceof YamlReadError)
            throw new UsageError(`accepted-findings file ${path} is not valid YAML: ${e.message}`);
        throw e;
    }
    return { file: path, entries: parseAccepted(doc, path) };
}

function globRegExp(pattern: string, star: string): RegExp {
    return new RegExp(
        `^${pattern
            .split("*")
            .map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
            .join(star)}$`,
    );
}

/** Whether an entry still holds at `now`: through the whole of its `expires` day, UTC. */
export function entryHolds(e: AcceptedEntry, now: Date): boolean {
    return now.toISOString().slice(0, 10) <= e.expires;
}

export interface Acceptance {
    by: string;
    reason: string;
    expires: string;
}

/** A finding with its cluster, and the acceptance it is under (if any) or the one that lapsed. */
export interface JudgedFinding {
    finding: Finding;
    cluster: string;
    key?: string;
    accepted?: Acceptance;
    /** The entry that matched but expired: the finding is open again. */
    expired?: Acceptance;
}

/**
 * Applies the entries to one cluster's findings. An entry that holds wins over one that expired; of
 * several that hold, the one that lasts longest is named.
 */
export function judge(
    findings: Iterable<Finding>,
    cluster: { name: string; key?: string },
    entries: readonly AcceptedEntry[],
    now: Date,
): JudgedFinding[] {
    const forCluster = entries
        .filter((e) => {
            if (e.cluster === undefined) return true;
            const re = globRegExp(e.cluster, "[\\s\\S]*");
            return re.test(cluster.name) || (cluster.key !== undefined && re.test(cluster.key));
        })
        .map((e) => ({ e, subject: globRegExp(e.subject, "[^/]*"), holds: entryHolds(e, now) }))
        .sort((a, b) => (a.e.expires < b.e.expires ? 1 : a.e.expires > b.e.expires ? -1 : 0));
    const out: JudgedFinding[] = [];
    for (const f of findings) {
        const subject = objectKey(f.subject);
        const matches = forCluster.filter((m) => m.e.rule === f.rule && m.subject.test(subject));
        const holding = matches.find((m) => m.holds);
        const lapsed = matches.find((m) => !m.holds);
        const as = (m: (typeof matches)[number]): Acceptance => ({
            by: m.e.by,
            reason: m.e.reason,
            expires: m.e.expires,
        });
        out.push({
            finding: f,
            cluster: cluster.name,
            ...(cluster.key !== undefined ? { key: cluster.key } : {}),
            ...(holding ? { accepted: as(holding) } : lapsed ? { expired: as(lapsed) } : {}),
        });
    }
    return out;
}
