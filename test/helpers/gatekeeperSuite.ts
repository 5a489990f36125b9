import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { AdmissionRequest, CelViolation, createRequest, evaluateCel } from "./gatekeeperCel";
import { loadTemplateFile } from "../../components/kubernetes/gatekeeperTemplates";
import { celSourceOf, ConstraintDoc, constraintMatches } from "../../domain/kubernetes/gatekeeperPolicies";

/**
 * Runs a gatekeeper-library style `suite.yaml` (template, constraint, cases with assertions) with
 * the CEL evaluator, the way `gator verify` does, and reports every case whose violations do not
 * match its assertions.
 */

interface Assertion {
    /** yes: at least one; no: none; a number: exactly that many (after the message filter). */
    violations?: "yes" | "no" | boolean | number;
    /** A regular expression the counted violations' messages must match. */
    message?: string;
}

interface SuiteDoc {
    kind: "Suite";
    metadata: { name: string };
    tests: {
        name: string;
        template: string;
        constraint: string;
        cases: { name: string; object: string; assertions: Assertion[] }[];
    }[];
}

export interface CaseResult {
    suite: string;
    test: string;
    case: string;
    violations: CelViolation[];
    /** Empty when every assertion holds. */
    failures: string[];
}

function readYaml(file: string): unknown {
    return parseYaml(fs.readFileSync(file, "utf8"));
}

export function checkAssertion(a: Assertion, violations: CelViolation[]): string | undefined {
    const re = a.message !== undefined ? new RegExp(a.message) : undefined;
    const counted = violations.filter((v) => !re || re.test(v.message));
    const want = a.violations ?? "yes";
    const what = `violations: ${String(want)}${a.message !== undefined ? `, message: /${a.message}/` : ""}`;
    const got = `got ${counted.length}${violations.length ? `: ${violations.map((v) => JSON.stringify(v.message)).join("; ")}` : ""}`;
    if (want === "yes" || want === true) return counted.length > 0 ? undefined : `${what}; ${got}`;
    if (want === "no" || want === false) return counted.length === 0 ? undefined : `${what}; ${got}`;
    if (typeof want === "number") return counted.length === want ? undefined : `${what}; ${got}`;
    return `unknown assertion ${JSON.stringify(a)}`;
}

/**
 * A case's object file as `gator verify` reads it: an AdmissionReview (its `request`, e.g. the
 * library's UPDATE samples) or a plain object, which stands for its CREATE.
 */
export function requestOf(doc: unknown, file: string): AdmissionRequest {
    const review = doc as { kind?: unknown; request?: unknown } | null | undefined;
    if (review?.kind !== "AdmissionReview") return createRequest(doc);
    if (!review.request || typeof review.request !== "object")
        throw new Error(`${file}: an AdmissionReview without a request`);
    return review.request as AdmissionRequest;
}

export function runSuite(dir: string): CaseResult[] {
    const suite = readYaml(path.join(dir, "suite.yaml")) as SuiteDoc;
    if (suite?.kind !== "Suite" || !Array.isArray(suite.tests)) throw new Error(`${dir}/suite.yaml is not a Suite`);
    const results: CaseResult[] = [];
    for (const test of suite.tests) {
        const template = loadTemplateFile(path.join(dir, test.template));
        const constraint = readYaml(path.join(dir, test.constraint)) as ConstraintDoc;
        if (constraint.kind !== template.spec.crd.spec.names.kind)
            throw new Error(
                `${test.constraint}: kind ${constraint.kind} is not the template's ${template.spec.crd.spec.names.kind}`,
            );
        for (const c of test.cases) {
            const request = requestOf(readYaml(path.join(dir, c.object)), c.object);
            const object = (request.object ?? request.oldObject) as Parameters<typeof constraintMatches>[1];
            // An object the constraint does not match raises nothing, as in the cluster.
            const violations = constraintMatches(constraint, object)
                ? evaluateCel(celSourceOf(template), request, constraint.spec.parameters ?? {})
                : [];
            const failures = c.assertions
                .map((a) => checkAssertion(a, violations))
                .filter((f): f is string => f !== undefined);
            results.push({ suite: suite.metadata.name, test: test.name, case: c.name, violations, failures });
        }
    }
    return results;
}
