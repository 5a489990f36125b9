import { celEnv, isCelError, parse, plan, type CelInput, type CelValue } from "@bufbuild/cel";
import { strings } from "@bufbuild/cel/ext";
import type { CelSource } from "../../domain/kubernetes/gatekeeperPolicies";

/**
 * Evaluates a Gatekeeper ConstraintTemplate's `K8sNativeValidation` (CEL) source against one
 * admission request, the way Gatekeeper does: `request` is the AdmissionReview's request
 * (`request.operation`, `request.object`, `request.oldObject`), `object` and `oldObject` are bound
 * at the top level too, `variables.params` is the constraint's parameters, `variables.anyObject`
 * is the object (or the old object on DELETE), the template's variables are computed in order,
 * then every validation must hold. Used by the tests (as `gator verify` would) and by nothing at
 * deploy time.
 */

export const OPERATIONS = ["CREATE", "UPDATE", "DELETE", "CONNECT"] as const;
export type Operation = (typeof OPERATIONS)[number];

/** The `request` of an AdmissionReview, as far as templates read it. */
export interface AdmissionRequest {
    operation: Operation;
    object?: unknown;
    oldObject?: unknown;
    /** Further request fields (kind, userInfo, namespace...) are passed through to CEL as given. */
    [field: string]: unknown;
}

/** A CREATE request for an object: what a plain object in a suite stands for. */
export function createRequest(object: unknown): AdmissionRequest {
    return { operation: "CREATE", object };
}

/** An UPDATE request: the new object and the one it replaces. */
export function updateRequest(object: unknown, oldObject: unknown): AdmissionRequest {
    return { operation: "UPDATE", object, oldObject };
}

/** A validation of a template's CEL code that failed: Gatekeeper would deny with its message (not a plan's policy Violation). */
export interface CelViolation {
    message: string;
    expression: string;
}

type Planned = ReturnType<typeof plan>;
const env = celEnv({ funcs: strings });
const cache = new Map<string, Planned>();

function compiled(expression: string): Planned {
    let fn = cache.get(expression);
    if (!fn) {
        fn = plan(env, parse(expression));
        cache.set(expression, fn);
    }
    return fn;
}

/** JSON (as YAML or the API server gives it) to CEL values: objects become maps, integers ints. */
export function toCel(v: unknown): CelInput {
    if (v === null || v === undefined) return null;
    if (Array.isArray(v)) return v.map(toCel);
    if (typeof v === "number") return Number.isInteger(v) ? BigInt(v) : v;
    if (typeof v === "boolean" || typeof v === "string" || typeof v === "bigint") return v;
    if (typeof v === "object")
        return new Map(Object.entries(v as Record<string, unknown>).map(([k, val]) => [k, toCel(val)]));
    throw new Error(`cannot give CEL a ${typeof v}`);
}

export class CelEvaluationError extends Error {
    constructor(
        readonly expression: string,
        cause: string,
    ) {
        super(`CEL expression failed: ${cause}\n  in: ${expression.trim()}`);
        this.name = "CelEvaluationError";
    }
}

function run(expression: string, bindings: Record<string, CelInput>): CelValue {
    let result: ReturnType<Planned>;
    try {
        result = compiled(expression)(bindings);
    } catch (e) {
        throw new CelEvaluationError(expression, (e as Error).message);
    }
    if (isCelError(result)) throw new CelEvaluationError(expression, result.message);
    return result;
}

/** The violations one admission request raises under a template's CEL source and a constraint's parameters. */
export function evaluateCel(source: CelSource, request: AdmissionRequest, params: unknown = {}): CelViolation[] {
    if (!OPERATIONS.includes(request?.operation)) {
        throw new Error(
            `request.operation is ${JSON.stringify(request?.operation)}; allowed: ${OPERATIONS.join(", ")}`,
        );
    }
    const obj = toCel(request.object ?? null);
    const old = toCel(request.oldObject ?? null);
    const req = toCel({ ...request, object: request.object ?? null, oldObject: request.oldObject ?? null });
    const variables = new Map<string, CelInput>([
        ["params", toCel(params ?? {})],
        ["anyObject", obj !== null ? obj : old],
    ]);
    const bindings = () => ({ object: obj, oldObject: old, request: req, variables: variables as unknown as CelInput });
    for (const v of source.variables ?? []) {
        if (variables.has(v.name))
            throw new Error(`variable "${v.name}" is defined twice or shadows a Gatekeeper variable`);
        variables.set(v.name, run(v.expression, bindings()));
    }
    const violations: CelViolation[] = [];
    for (const check of source.validations) {
        const ok = run(check.expression, bindings());
        if (typeof ok !== "boolean")
            throw new CelEvaluationError(check.expression, `the validation returned ${String(ok)}, not a bool`);
        if (ok) continue;
        let message = check.message ?? `failed expression: ${check.expression.trim()}`;
        if (check.messageExpression) {
            const m = run(check.messageExpression, bindings());
            if (typeof m !== "string")
                throw new CelEvaluationError(check.messageExpression, "the message expression did not return a string");
            message = m;
        }
        violations.push({ message, expression: check.expression });
    }
    return violations;
}
