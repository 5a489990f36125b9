import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseDocument } from "yaml";
import { runSuite } from "../helpers/gatekeeperSuite";
import { engineBinary } from "./helpers/engines";

/**
 * Gatekeeper's own `gator verify` judges every suite the project ships, with each of its engines
 * (the CEL driver, K8sNativeValidation, and Rego: every template carries both), and judges the
 * project's fast CEL harness: for each case, gator must find exactly the violations the harness
 * found. A disagreement fails here, naming the case and both counts.
 */

const POLICY_ROOT = path.join(__dirname, "..", "..", "policies", "gatekeeper");
const POLICY_DIRS = fs
    .readdirSync(POLICY_ROOT)
    .filter((d) => fs.existsSync(path.join(POLICY_ROOT, d, "suite.yaml")))
    .sort();

type GatorEngine = "cel" | "rego";

/** The engines a template carries code for: the library's templates carry both, ours CEL only. */
function enginesOf(dir: string): GatorEngine[] {
    const text = fs.readFileSync(path.join(dir, "template.yaml"), "utf8");
    return [
        ...(/engine:\s*K8sNativeValidation/.test(text) ? (["cel"] as const) : []),
        ...(/engine:\s*Rego/.test(text) ? (["rego"] as const) : []),
    ];
}

/** `--enable-k8s-native-validation=false` leaves gator only its Rego driver. */
function gatorVerify(dir: string, engine: GatorEngine): { status: number | null; output: string } {
    const gator = engineBinary("gator", "gator");
    const args = ["verify", dir, "--verbose", `--enable-k8s-native-validation=${engine === "cel"}`];
    const r = spawnSync(gator, args, { encoding: "utf8", timeout: 120_000 });
    return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

/**
 * A copy of a policy folder whose suite asserts, case by case, what the CEL harness found: the
 * exact number of violations for gator's CEL engine, which runs the same expressions, and the
 * verdict (violations or none) for its Rego engine, whose code counts differently (one
 * violation per container where a CEL validation raises one per expression). gator passing it
 * means it agrees with the harness on every case.
 */
function suiteOfHarnessVerdicts(dir: string, engine: GatorEngine): { dir: string; cases: number } {
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), `gator-${path.basename(dir)}-`));
    fs.cpSync(dir, copy, { recursive: true });
    const results = runSuite(dir);
    const suitePath = path.join(copy, "suite.yaml");
    const doc = parseDocument(fs.readFileSync(suitePath, "utf8"));
    let i = 0;
    const tests = doc.toJS() as { tests: { cases: { name: string }[] }[] };
    tests.tests.forEach((test, t) => {
        test.cases.forEach((c, k) => {
            const result = results[i++];
            assert.equal(result.case, c.name, "the harness ran the cases in the suite's order");
            const n = result.violations.length;
            doc.setIn(
                ["tests", t, "cases", k, "assertions"],
                [{ violations: engine === "cel" ? n : n > 0 ? "yes" : "no" }],
            );
        });
    });
    assert.equal(i, results.length);
    fs.writeFileSync(suitePath, doc.toString());
    return { dir: copy, cases: i };
}

describe("gator (Gatekeeper's own engines) judges the shipped policies", function () {
    this.timeout(600_000);
    let version = "";

    before(function () {
        const r = spawnSync(engineBinary("gator", "gator"), ["--version"], { encoding: "utf8" });
        version = r.stdout.trim();
        assert.match(version, /v3\.18\.2/, `gator reports its pinned release: ${version}`);
    });

    for (const name of POLICY_DIRS) {
        const dir = path.join(POLICY_ROOT, name);
        for (const engine of enginesOf(dir)) {
            it(`${name}: gator verify passes suite.yaml with its ${engine === "cel" ? "CEL" : "Rego"} engine`, function () {
                const r = gatorVerify(dir, engine);
                assert.equal(r.status, 0, `gator verify ${name} (${engine}) failed:\n${r.output}`);
                assert.match(r.output, /ok\s/, `gator printed its verdicts:\n${r.output}`);
            });
        }
        for (const engine of enginesOf(dir)) {
            const what = engine === "cel" ? "the same number of violations" : "the same verdict";
            it(`${name}: gator's ${engine === "cel" ? "CEL" : "Rego"} engine and the CEL harness find ${what} in every case`, function () {
                const { dir: copy, cases } = suiteOfHarnessVerdicts(dir, engine);
                try {
                    assert.ok(cases > 0);
                    const r = gatorVerify(copy, engine);
                    assert.equal(
                        r.status,
                        0,
                        `gator (${engine}) disagrees with the CEL harness on a case of ${name} (the suite asserts the harness's findings):\n${r.output}`,
                    );
                } finally {
                    fs.rmSync(copy, { recursive: true, force: true });
                }
            });
        }
    }

    it("a broken verdict is caught: gator fails a suite that asserts one violation too many", function () {
        const dir = path.join(POLICY_ROOT, POLICY_DIRS[0]);
        const { dir: copy } = suiteOfHarnessVerdicts(dir, "cel");
        try {
            const suitePath = path.join(copy, "suite.yaml");
            const doc = parseDocument(fs.readFileSync(suitePath, "utf8"));
            const n = doc.getIn(["tests", 0, "cases", 0, "assertions", 0, "violations"]) as number;
            doc.setIn(["tests", 0, "cases", 0, "assertions", 0, "violations"], n + 1);
            fs.writeFileSync(suitePath, doc.toString());
            const r = gatorVerify(copy, "cel");
            assert.notEqual(r.status, 0, `gator must fail a wrong count:\n${r.output}`);
        } finally {
            fs.rmSync(copy, { recursive: true, force: true });
        }
    });
});
