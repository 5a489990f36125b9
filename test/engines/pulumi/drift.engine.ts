import { strict as assert } from "assert";
import { CloudRecord } from "./seed";
import { EngineStack, Run } from "./harness";

/** The last lines worth reading of a CLI run. */
const tail = (r: Run) => `exit ${r.code}\n${(r.stdout + r.stderr).split("\n").slice(-60).join("\n")}`;

/** CI's drift check, as docs/runtime.md runs it: a refreshed preview that must propose nothing. */
const DRIFT = ["preview", "--refresh", "--expect-no-changes"];
const NO_CHANGES = "error: no changes were expected for preview but changes were proposed";

/**
 * One out-of-band change to the simulated cloud: `change` makes it (and returns how to undo it),
 * `step` is the line the CLI's preview shows for the resource it then proposes to change, and
 * `failure` the error the run ends with (the drift check's own, unless said).
 */
interface Drift {
    what: string;
    change: (engine: EngineStack) => () => void;
    step: RegExp;
    failure?: string;
}

/** The one object of this type whose props satisfy `match`, in the simulated cloud. */
function only(engine: EngineStack, type: string, match: (o: CloudRecord) => boolean): CloudRecord {
    const found = engine.cloud.list().filter((o) => o.type === type && match(o));
    assert.equal(found.length, 1, `${found.length} ${type} objects match`);
    return found[0];
}

/** Replaces an object's inputs in the simulated cloud (as a change in the portal would), and how to undo it. */
function edit(engine: EngineStack, o: CloudRecord, props: Record<string, unknown>): () => void {
    engine.cloud.put(o.package, o.type, o.scope, o.id, { ...o.props, ...props }, o.outputs);
    return () => engine.cloud.put(o.package, o.type, o.scope, o.id, o.props, o.outputs);
}

const ROLE_ASSIGNMENT = "azure-native:authorization:RoleAssignment";
/** azure-brownfield.cloud.yaml: the principal of the security operator Defender made. */
const SECURITY_OPERATOR_PRINCIPAL = "4a7e9c2d-1b3f-4e5a-8d6c-9f0e1a2b3c4d";
const DEFENDER_PROFILE_CONTRIBUTOR = "8bb6f106-b146-4ee6-a3f9-b9c5a96e0ae5";

const AZURE_DEV_DRIFTS: Drift[] = [
    {
        what: "a role assignment of a policy assignment's identity deleted out of band",
        change: (engine) => {
            const ra = only(
                engine,
                ROLE_ASSIGNMENT,
                (o) =>
                    String(o.props.roleDefinitionId).endsWith(DEFENDER_PROFILE_CONTRIBUTOR) &&
                    String(o.props.description).includes("mdc-aks-defender-profile"),
            );
            engine.cloud.remove(ra.package, ra.type, ra.scope, ra.id);
            return () => engine.cloud.put(ra.package, ra.type, ra.scope, ra.id, ra.props, ra.outputs);
        },
        step: /^\s*\+\s+azure-native:authorization:RoleAssignment\s+addons-defenderProfile-8bb6f106\s+create\s*$/m,
    },
    {
        what: "a role assignment's role changed out of band (Contributor for the identity's own role)",
        change: (engine) => {
            const ra = only(
                engine,
                ROLE_ASSIGNMENT,
                (o) =>
                    String(o.props.roleDefinitionId).endsWith(DEFENDER_PROFILE_CONTRIBUTOR) &&
                    String(o.props.description).includes("mdc-arc-defender-extension"),
            );
            const contributor = String(ra.props.roleDefinitionId).replace(
                DEFENDER_PROFILE_CONTRIBUTOR,
                "b24988ac-6180-42a0-ab88-20f7382dd24c",
            );
            return edit(engine, ra, { roleDefinitionId: contributor });
        },
        // An update, as the stand-in diffs: which properties make the real provider replace is not modelled.
        step: /^\s*~\s+azure-native:authorization:RoleAssignment\s+addons-arcDefender-8bb6f106\s+update\s+\[diff: ~roleDefinitionId\]/m,
    },
    {
        what: "the Defender for Containers plan turned down to Free out of band",
        change: (engine) =>
            edit(
                engine,
                only(engine, "azure-native:security:Pricing", (o) => o.props.pricingName === "Containers"),
                { pricingTier: "Free" },
            ),
        step: /^\s*~\s+azure-native:security:Pricing\s+defender-containers\s+update\s+\[diff: ~pricingTier\]/m,
    },
    {
        what: "a trusted access role binding given another role out of band",
        change: (engine) => {
            const b = only(
                engine,
                "azure-native:containerservice:TrustedAccessRoleBinding",
                (o) => o.props.resourceName === "aks-payments-weu",
            );
            return edit(engine, b, { roles: [...(b.props.roles as string[]), "Microsoft.Security/pricings/admin"] });
        },
        step: /^\s*~\s+azure-native:containerservice:TrustedAccessRoleBinding\s+discovery-rg-payments-prod-aks-payments-weu\s+update\s+\[diff: ~roles\]/m,
    },
];

const AZURE_BROWNFIELD_DRIFTS: Drift[] = [
    {
        what: "the adopted Defender plan's agentless discovery turned off out of band",
        change: (engine) => {
            const p = only(engine, "azure-native:security:Pricing", (o) => o.props.pricingName === "Containers");
            const extensions = (p.props.extensions as { name: string; isEnabled: string }[]).map((e) =>
                e.name === "AgentlessDiscoveryForKubernetes" ? { ...e, isEnabled: "False" } : e,
            );
            return edit(engine, p, { extensions });
        },
        step: /^\s*~\s+azure-native:security:Pricing\s+defender-containers\s+update\s+\[diff: ~extensions\]/m,
    },
    {
        what: "the adopted trusted access role binding given another role out of band",
        change: (engine) => {
            const b = only(
                engine,
                "azure-native:containerservice:TrustedAccessRoleBinding",
                (o) => o.props.resourceName === "aks-orders-weu",
            );
            return edit(engine, b, { roles: [...(b.props.roles as string[]), "Microsoft.Security/pricings/admin"] });
        },
        step: /^\s*~\s+azure-native:containerservice:TrustedAccessRoleBinding\s+discovery-rg-orders-aks-orders-weu\s+update\s+\[diff: ~roles\]/m,
    },
    {
        // The program's lookups read the cloud-state file, which still holds it, so the program
        // adopts it again: the engine's import Reads it by id and finds nothing.
        what: "the adopted role assignment of Defender's security operator deleted out of band",
        change: (engine) => {
            const ra = only(engine, ROLE_ASSIGNMENT, (o) => o.props.principalId === SECURITY_OPERATOR_PRINCIPAL);
            engine.cloud.remove(ra.package, ra.type, ra.scope, ra.id);
            return () => engine.cloud.put(ra.package, ra.type, ra.scope, ra.id, ra.props, ra.outputs);
        },
        failure:
            "error: Preview failed: resource '/subscriptions/6d0f3b2a-8c4e-4f1a-9b7d-3e2c1a0f9e8d/providers/Microsoft.Authorization/roleAssignments/0c8e4f2a-6b1d-4c3e-9a5f-7d2b8e1c4a6f' does not exist",
        step: /^\s*=\s+azure-native:authorization:RoleAssignment\s+discovery-api-access\s+import\s+1 error$/m,
    },
];

/** What CI's drift check answered for one stack: after `up`, on the unchanged cloud, after each drift, and once all are undone. */
interface DriftRuns {
    up: Run;
    clean: Run;
    drifted: Run[];
    cleanAgain: Run;
}

/**
 * One stack's runs, in order: `up`, the drift check on the unchanged cloud, then for each drift
 * the check with that one change made (undone right after), and the check once all are undone.
 */
async function driftRuns(stack: string, drifts: Drift[]): Promise<DriftRuns> {
    const engine = new EngineStack(stack);
    try {
        await engine.init();
        const up = await engine.pulumi(["up", "--yes", "--skip-preview"]);
        const clean = await engine.pulumi(DRIFT);
        const drifted: Run[] = [];
        for (const drift of drifts) {
            const undo = drift.change(engine);
            try {
                drifted.push(await engine.pulumi(DRIFT));
            } finally {
                undo();
            }
        }
        return { up, clean, drifted, cleanAgain: await engine.pulumi(DRIFT) };
    } finally {
        engine.dispose();
    }
}

const STACK_DRIFTS: Record<string, Drift[]> = {
    "azure-dev": AZURE_DEV_DRIFTS,
    "azure-brownfield": AZURE_BROWNFIELD_DRIFTS,
};

describe("Pulumi CLI: `pulumi preview --refresh --expect-no-changes` catches drift (stand-in providers)", () => {
    const runs = new Map<string, DriftRuns>();

    before(async function () {
        this.timeout(900_000);
        // The stacks are independent (each its own project, backend and cloud): both at once.
        await Promise.all(
            Object.entries(STACK_DRIFTS).map(async ([stack, drifts]) =>
                runs.set(stack, await driftRuns(stack, drifts)),
            ),
        );
    });

    for (const [stack, drifts] of Object.entries(STACK_DRIFTS)) {
        describe(stack, () => {
            it("succeeds right after `pulumi up`: the refreshed state matches the program (no change proposed)", () => {
                const r = runs.get(stack)!;
                assert.equal(r.up.code, 0, tail(r.up));
                assert.equal(r.clean.code, 0, tail(r.clean));
                assert.doesNotMatch(r.clean.stdout, /\bto (update|create|delete|replace)\b/, tail(r.clean));
            });

            drifts.forEach((drift, i) => {
                it(`fails after ${drift.what}, naming the resource`, () => {
                    const r = runs.get(stack)!.drifted[i];
                    assert.notEqual(r.code, 0, tail(r));
                    assert.ok((r.stdout + r.stderr).includes(drift.failure ?? NO_CHANGES), tail(r));
                    assert.match(r.stdout, drift.step, tail(r));
                });
            });

            it("succeeds again once every change is undone: each failure came from its change", () => {
                const r = runs.get(stack)!.cleanAgain;
                assert.equal(r.code, 0, tail(r));
            });
        });
    }
});
