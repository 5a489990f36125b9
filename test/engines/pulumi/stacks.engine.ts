import { strict as assert } from "assert";
import * as path from "path";
import { mapLimit } from "../../../lib/mapLimit";
import { Moto, motoEnv, startMoto } from "../../fixtures/motoServer";
import { planJson } from "../../helpers/cli";
import { differences, fromPlan, fromPreview, PlanResource, Registration } from "./compare";
import { EngineStack, ROOT, Run } from "./harness";
import { seedMotoClusters } from "./moto";

/** Every example stack (examples/stacks/): each runs through the engine (docs/verification.md, "Pulumi engine"). */
export const STACKS = [
    "aws-brownfield",
    "aws-dev",
    "azure-brownfield",
    "azure-dev",
    "gcp-brownfield",
    "gcp-dev",
    "k8s-dev",
] as const;

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
    outputs?: Record<string, unknown>;
}

const POLICIES = path.join(ROOT, "policies");
/** The packages the stand-in providers serve (tools/engines/providers/standin.js). */
const STANDIN_PACKAGES = ["aws", "azure-native", "gcp", "kubernetes"];

/** The last lines worth reading of a failed CLI run. */
const tail = (r: Run) => `exit ${r.code}\n${(r.stdout + r.stderr).split("\n").slice(-60).join("\n")}`;

describe("Pulumi CLI: preview, up and destroy of every example stack (stand-in providers, local backend)", function () {
    const runs = new Map<string, StackRuns>();
    const motos: Moto[] = [];

    before(async function () {
        this.timeout(900_000);
        await mapLimit([...STACKS], 3, async (stack) => {
            // The AWS stacks' dynamic providers (EKS logging, endpoint access) call the AWS API
            // itself, from the engine's dynamic-provider host: here moto, holding the stack's clusters.
            let env: NodeJS.ProcessEnv = {};
            if (stack.startsWith("aws-")) {
                const moto = await startMoto();
                motos.push(moto);
                await seedMotoClusters(moto.url, path.join(ROOT, "examples", "stacks", `${stack}.cloud.yaml`));
                env = motoEnv(moto.url);
            }
            const engine = new EngineStack(stack, env);
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
        await Promise.all(motos.map((m) => m.stop()));
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

    /**
     * Whether the simulated cloud holds the object a state or plan id names: an AWS `@<region>` id in
     * that region, an AWS object whose state or inputs name its region in that one (the same id may
     * exist in two regions: aws-brownfield's eks-shop).
     */
    const inCloud = (stack: string, type: string, id: string, region?: unknown) => {
        const at = /@([a-z]{2}(?:-[a-z]+)+-\d)$/.exec(id);
        const bare = at ? id.slice(0, at.index) : id;
        const scope = at ? at[1] : type.startsWith("aws:") && typeof region === "string" ? region : undefined;
        return runs
            .get(stack)!
            .engine.cloud.list()
            .some((o) => o.type === type && o.id === bare && (scope === undefined || o.scope === scope));
    };

    describe("brownfield stacks adopt through the engine's import", () => {
        /** What each brownfield stack's plan imports (examples/stacks/<stack>.cloud.yaml). */
        const IMPORTS: Record<string, number> = { "aws-brownfield": 4, "azure-brownfield": 5, "gcp-brownfield": 7 };
        for (const stack of Object.keys(IMPORTS)) {
            it(`${stack}: every object the plan imports is in the state under its import id, and still in the cloud`, () => {
                const r = runs.get(stack)!;
                assert.equal(r.up.code, 0, tail(r.up));
                const state = stateOf(stack);
                const imports = r.planResources.filter((p) => p.op === "import");
                assert.equal(imports.length, IMPORTS[stack], `${stack}'s imports`);
                for (const p of imports) {
                    const found = state.find((s) => s.type === p.type && nameOf(s.urn) === p.name);
                    assert.ok(found, `${p.type} ${p.name} is not in the state`);
                    assert.equal(found.id, p.importId, `${p.name}'s id`);
                    assert.ok(
                        inCloud(stack, p.type, p.importId!, p.inputs?.region),
                        `${p.type} ${p.importId} left the cloud`,
                    );
                }
            });
        }
    });

    describe("pulumi stack export", () => {
        /** The stacks whose plan holds a secret: the key of the Log Analytics workspace they name. */
        const WITH_SECRETS = ["azure-dev", "k8s-dev"];
        for (const stack of STACKS) {
            it(`${stack}: holds no workspace key in clear text${WITH_SECRETS.includes(stack) ? ", only as ciphertext" : ""}`, () => {
                const r = runs.get(stack)!;
                assert.equal(r.exported.code, 0, tail(r.exported));
                const keys = r.engine.cloud
                    .list()
                    .filter((o) => o.type === "azure-native:operationalinsights:Workspace")
                    .flatMap((o) => [o.props.primarySharedKey, o.props.secondarySharedKey] as string[]);
                for (const key of keys) {
                    assert.ok(!r.exported.stdout.includes(key), "a workspace key is in the export in clear text");
                    assert.ok(
                        !r.exported.stdout.includes(Buffer.from(key, "base64").toString()),
                        "a decoded workspace key is in the export",
                    );
                }
                if (WITH_SECRETS.includes(stack)) {
                    assert.ok(keys.length > 0, `${stack} names no workspace`);
                    assert.match(r.exported.stdout, /"ciphertext"/);
                }
            });
        }
    });

    describe("pulumi destroy", () => {
        const destroyed = new Map<string, { before: StateResource[]; run: Run }>();
        before(async function () {
            this.timeout(900_000);
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
                        inCloud(stack, s.type, s.id!, s.outputs?.region),
                        keep,
                        `${s.type} ${nameOf(s.urn)} ${keep ? "was deleted" : "is still in the cloud"}`,
                    );
                }
            });
        }
    });
});
