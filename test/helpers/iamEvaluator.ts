/**
 * A small evaluator of identity-based IAM policies, for proving least privilege by asking what a
 * document allows rather than reading its text. It follows AWS's policy evaluation logic for one
 * account and identity policies only: an explicit Deny wins, then any Allow, else implicit deny.
 * Its semantics are tested against AWS's documented examples in test/helpers/iamEvaluator.test.ts.
 */

export type ContextValue = string | string[] | undefined;

export interface IamRequest {
    action: string;
    resource: string;
    context?: Record<string, ContextValue>;
}

export type Decision = "Allow" | "ExplicitDeny" | "ImplicitDeny";

type Strings = string | string[];
interface Statement {
    Effect: string;
    Action?: Strings;
    NotAction?: Strings;
    Resource?: Strings;
    NotResource?: Strings;
    Condition?: Record<string, Record<string, Strings>>;
}

const list = (v: Strings | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** `*` any run of characters, `?` exactly one; everything else literal. */
function globToRegExp(pattern: string, flags = ""): RegExp {
    const body = pattern
        .replace(/[.+^${}()|[\]\\]/g, "\\$&")
        .replace(/\*/g, ".*")
        .replace(/\?/g, ".");
    return new RegExp(`^${body}$`, flags + "s");
}

const glob = (pattern: string, value: string, ignoreCase = false) =>
    globToRegExp(pattern, ignoreCase ? "i" : "").test(value);

/** Actions match case-insensitively ("s3:get*" matches "s3:GetObject"). */
export function actionMatches(pattern: string, action: string): boolean {
    return glob(pattern, action, true);
}

/**
 * ARNs match segment by segment: a wildcard in the first five colon-separated segments stays inside
 * its segment; the resource part (after the fifth colon) may hold colons and slashes.
 */
export function arnMatches(pattern: string, arn: string): boolean {
    if (pattern === "*") return true;
    const p = pattern.split(":");
    const a = arn.split(":");
    if (p.length < 6 || a.length < 6) return glob(pattern, arn);
    for (let i = 0; i < 5; i++) if (!glob(p[i], a[i])) return false;
    return glob(p.slice(5).join(":"), a.slice(5).join(":"));
}

type Matcher = (policyValue: string, requestValue: string) => boolean;
const MATCHERS: Record<string, { match: Matcher; negated: boolean }> = {
    StringEquals: { match: (p, v) => p === v, negated: false },
    StringNotEquals: { match: (p, v) => p === v, negated: true },
    StringEqualsIgnoreCase: { match: (p, v) => p.toLowerCase() === v.toLowerCase(), negated: false },
    StringNotEqualsIgnoreCase: { match: (p, v) => p.toLowerCase() === v.toLowerCase(), negated: true },
    StringLike: { match: (p, v) => glob(p, v), negated: false },
    StringNotLike: { match: (p, v) => glob(p, v), negated: true },
    ArnEquals: { match: (p, v) => arnMatches(p, v), negated: false },
    ArnLike: { match: (p, v) => arnMatches(p, v), negated: false },
    ArnNotEquals: { match: (p, v) => arnMatches(p, v), negated: true },
    ArnNotLike: { match: (p, v) => arnMatches(p, v), negated: true },
    Bool: { match: (p, v) => p.toLowerCase() === v.toLowerCase(), negated: false },
};

function conditionHolds(
    operator: string,
    key: string,
    policyValues: string[],
    context: Record<string, ContextValue>,
): boolean {
    const raw = context[key];
    const present = raw !== undefined && !(Array.isArray(raw) && raw.length === 0);
    if (operator === "Null") {
        // "true": the key must be absent; "false": it must be present.
        return policyValues.some((v) => (v.toLowerCase() === "true") === !present);
    }
    let op = operator;
    let setOp: "ForAnyValue" | "ForAllValues" | undefined;
    const m = /^(ForAnyValue|ForAllValues):(.+)$/.exec(op);
    if (m) {
        setOp = m[1] as "ForAnyValue" | "ForAllValues";
        op = m[2];
    }
    let ifExists = false;
    if (op.endsWith("IfExists")) {
        ifExists = true;
        op = op.slice(0, -"IfExists".length);
    }
    const matcher = MATCHERS[op];
    if (!matcher) throw new Error(`iamEvaluator: condition operator ${operator} is not supported`);
    const values = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
    const one = (v: string) => {
        const hit = policyValues.some((p) => matcher.match(p, v));
        return matcher.negated ? !hit : hit;
    };
    if (setOp === "ForAllValues") return values.every(one); // true for an absent or empty key, as AWS documents
    if (setOp === "ForAnyValue") return values.some(one); // false for an absent key
    if (!present) return ifExists || matcher.negated;
    return values.some(one);
}

function statementApplies(s: Statement, req: IamRequest): boolean {
    const actionHit =
        s.Action !== undefined
            ? list(s.Action).some((p) => actionMatches(p, req.action))
            : s.NotAction !== undefined && !list(s.NotAction).some((p) => actionMatches(p, req.action));
    if (!actionHit) return false;
    const resourceHit =
        s.Resource !== undefined
            ? list(s.Resource).some((p) => arnMatches(p, req.resource))
            : s.NotResource !== undefined && !list(s.NotResource).some((p) => arnMatches(p, req.resource));
    if (!resourceHit) return false;
    const context = req.context ?? {};
    return Object.entries(s.Condition ?? {}).every(([operator, keys]) =>
        Object.entries(keys).every(([key, v]) => conditionHolds(operator, key, list(v), context)),
    );
}

/** Evaluates a request against identity policies (objects or JSON strings). */
export function evaluate(documents: readonly unknown[], req: IamRequest): Decision {
    const statements: Statement[] = documents.flatMap((d) => {
        const doc = (typeof d === "string" ? JSON.parse(d) : d) as { Statement: Statement | Statement[] };
        return Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
    });
    const hits = statements.filter((s) => statementApplies(s, req));
    if (hits.some((s) => s.Effect === "Deny")) return "ExplicitDeny";
    if (hits.some((s) => s.Effect === "Allow")) return "Allow";
    return "ImplicitDeny";
}
