import { strict as assert } from "assert";
import * as path from "path";
import { mapLimit } from "../../../lib/mapLimit";
import { planJson } from "../../helpers/cli";
import { differences, fromPlan, fromPreview, PlanResource, Registration } from "./compare";
import { EngineStack, ROOT, Run } from "./harness";

/**
 * The example stacks the engine suite runs. The others are not yet run through the engine: the
 * stand-in providers lack what they need (docs/verification.md, "Pulumi engine").
 */
export const STACKS = ["azure-dev", "azure-brownfield"] as const;

interface StackRuns {
    engine: EngineStack;
    preview: Run;
    planResources: PlanResource[];
    plan: Registration[];
    up: Run;
    /** `pulumi stack export` after up. */
    exported: Run;
}

interface StateResource {
    urn: string;
    type: string;
    id?: string;
    custom?: boolean;
}

const POLICIES = path.join(ROOT, "policies");
/** The packages the stand-in providers serve (tools/engines/providers/standin.js). */
const STANDIN_PACKAGES = ["aws", "azure-native", "gcp", "kubernetes"];

/** The last lines worth reading of a failed CLI run. */
const tail = (r: Run) => `exit ${r.code}\n${(r.stdout + r.stderr).split("\n").slice(-60).join("\n")}`;

describe("Pulumi CLI: preview and up of the Azure example stacks (stand-in providers, local backend; the others: docs/verification.md)", function () {
    const runs = new Map<string, StackRuns>();

    before(async function () {
        this.timeout(600_000);
        await mapLimit([...STACKS], 3, async (stack) => {
            const engine = new EngineStack(stack);
            await engine.init();
            // The shipped policy pack judges every preview, as CI runs it: a mandatory violation fails it.
            const preview = await engine.pulumi(["preview", "--json", "--policy-pack", POLICIES]);
            const plan = await planJson(stack);
            assert.equal(plan.code, 0, plan.stderr);
            const up = await engine.pulumi(["up", "--yes", "--skip-preview"]);
            const exported = await engine.pulumi(["stack", "export"]);
            const planResources = JSON.parse(plan.stdout).resources as PlanResource[];
            runs.set(stack, { engine, preview, planResources, plan: fromPlan(planResources), up, exported });
        });
    });
    after(async () => {
        for (const r of runs.values()) r.engine.dispose();
    });

    for (const stack of STACKS) {
        describe(stack, () => {
            it("pulumi preview --policy-pack policies succeeds: the shipped pack passes the stack", () => {
                const r = runs.get(stack)!;
                assert.equal(r.preview.code, 0, tail(r.preview));
            });

            it("the engine's preview registers the resources of `npm run plan`, with the same op and import id", () => {
                const r = runs.get(stack)!;
                assert.equal(r.preview.code, 0, tail(r.preview));
                const engine = fromPreview(JSON.parse(r.preview.stdout).steps);
                assert.deepEqual(differences(r.plan, engine), []);
            });

            it("pulumi up succeeds", () => {
                const r = runs.get(stack)!;
                assert.equal(r.up.code, 0, tail(r.up));
            });
        });
    }

    const stateOf = (stack: string): StateResource[] => {
        const r = runs.get(stack)!;
        assert.equal(r.exported.code, 0, tail(r.exported));
        return JSON.parse(r.exported.stdout).deployment.resources as StateResource[];
    };
    const nameOf = (urn: string) => urn.split("::").pop()!;

    describe("brownfield stacks adopt through the engine's import", () => {
        for (const stack of ["azure-brownfield"]) {
            it(`${stack}: every object the plan imports is in the state under its import id, and still in the cloud`, () => {
                const r = runs.get(stack)!;
                assert.equal(r.up.code, 0, tail(r.up));
                const state = stateOf(stack);
                const imports = r.planResources.filter((p) => p.op === "import");
                assert.ok(imports.length >= 5, `${stack} imports ${imports.length}`);
                for (const p of imports) {
                    const found = state.find((s) => s.type === p.type && nameOf(s.urn) === p.name);
                    assert.ok(found, `${p.type} ${p.name} is not in the state`);
                    assert.equal(found.id, p.importId, `${p.name}'s id`);
                    assert.ok(
                        r.engine.cloud
                            .list()
                            .some((o) => o.type === p.type && o.id === p.importId!.replace(/@[a-z0-9-]+$/, "")),
                        `${p.type} ${p.importId} left the cloud`,
                    );
                }
            });
        }
    });

    describe("pulumi stack export", () => {
        for (const stack of ["azure-dev"]) {
            it(`${stack}: holds the workspace key only as ciphertext`, () => {
                const r = runs.get(stack)!;
                assert.equal(r.exported.code, 0, tail(r.exported));
                const key = r.engine.cloud.list().find((o) => o.type === "azure-native:operationalinsights:Workspace")!
                    .props.primarySharedKey as string;
                assert.ok(!r.exported.stdout.includes(key), "the primary key is in the export in clear text");
                assert.ok(
                    !r.exported.stdout.includes(Buffer.from(key, "base64").toString()),
                    "the decoded key is in the export",
                );
                assert.match(r.exported.stdout, /"ciphertext"/);
            });
        }
    });

    describe("pulumi destroy", () => {
        const destroyed = new Map<string, { before: StateResource[]; run: Run }>();
        before(async function () {
            this.timeout(600_000);
            await mapLimit([...STACKS], 3, async (stack) => {
                const before = stateOf(stack);
                destroyed.set(stack, {
                    before,
                    run: await runs.get(stack)!.engine.pulumi(["destroy", "--yes", "--skip-preview"]),
                });
            });
        });

        for (const stack of STACKS) {
            it(`${stack}: leaves every object the plan marks retainOnDelete, and deletes the others it made`, () => {
                const { before, run } = destroyed.get(stack)!;
                assert.equal(run.code, 0, tail(run));
                const r = runs.get(stack)!;
                const cloud = r.engine.cloud.list();
                const inCloud = (s: StateResource) =>
                    cloud.some((o) => o.type === s.type && o.id === s.id!.replace(/@[a-z0-9-]+$/, ""));
                const retained = new Set(
                    r.planResources.filter((p) => p.retainOnDelete).map((p) => `${p.type} ${p.name}`),
                );
                const read = new Set(r.planResources.filter((p) => p.op === "read").map((p) => `${p.type} ${p.name}`));
                const managed = before.filter(
                    (s) =>
                        s.custom &&
                        STANDIN_PACKAGES.includes(s.type.split(":")[0]) &&
                        !read.has(`${s.type} ${nameOf(s.urn)}`),
                );
                assert.ok(managed.length > 0);
                for (const s of managed) {
                    const keep = retained.has(`${s.type} ${nameOf(s.urn)}`);
                    assert.equal(
                        inCloud(s),
                        keep,
                        `${s.type} ${nameOf(s.urn)} ${keep ? "was deleted" : "is still in the cloud"}`,
                    );
                }
            });
        }
    });
});
