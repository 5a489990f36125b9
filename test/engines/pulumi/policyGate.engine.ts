import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse, stringify } from "yaml";
import { EngineStack, ROOT, Run } from "./harness";

/** The last lines worth reading of a CLI run. */
const tail = (r: Run) => `exit ${r.code}\n${(r.stdout + r.stderr).split("\n").slice(-60).join("\n")}`;

const POLICIES = path.join(ROOT, "policies");
const EXAMPLES = path.join(ROOT, "examples", "stacks");
const TRUSTED_ACCESS_ROLE = "Microsoft.Security/pricings/microsoft-defender-operator";
/** Another AKS trusted access role (Azure Machine Learning's), which discovery does not need. */
const OTHER_TRUSTED_ACCESS_ROLE = "Microsoft.MachineLearningServices/workspaces/mlworkload";
const DISCOVERY_ROLE = "d5a2ae44-610b-4500-93be-660a0c5f5ca6";
const CONTRIBUTOR = "b24988ac-6180-42a0-ab88-20f7382dd24c";

/** One policy violation as the CLI prints it: the level, the policy's name, the resource's type and name. */
function violation(level: "mandatory" | "advisory", policy: string, type: string, name: string): RegExp {
    const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    return new RegExp(`\\[${level}\\]\\s+${esc(policy)}\\s+\\(${esc(type)}: ${esc(name)}\\)`);
}

/** `pulumi preview --policy-pack policies`, with a `--policy-pack-config` file holding `config` if given. */
async function gatedPreview(engine: EngineStack, config?: unknown): Promise<Run> {
    const args = ["preview", "--policy-pack", POLICIES];
    if (config !== undefined) {
        const file = path.join(engine.dir, "policy-config.json");
        fs.writeFileSync(file, JSON.stringify(config));
        args.push("--policy-pack-config", file);
    }
    return engine.pulumi(args);
}

/**
 * azure-brownfield's cloud with the trusted access binding Defender made in aks-orders-weu also
 * carrying another service's role: the program adopts the binding as ARM holds it (an import must
 * match what exists), so the plan binds a role discovery does not need.
 */
function brownfieldWithWiderBinding(dir: string): string {
    const state = parse(fs.readFileSync(path.join(EXAMPLES, "azure-brownfield.cloud.yaml"), "utf8"));
    const cluster = state.azure.aksClusters.find((c: { id: string }) => c.id.endsWith("/aks-orders-weu"));
    cluster.trustedAccessRoleBindings[0].roles = [TRUSTED_ACCESS_ROLE, OTHER_TRUSTED_ACCESS_ROLE];
    const file = path.join(dir, "azure-brownfield-wider-binding.cloud.yaml");
    fs.writeFileSync(file, stringify(state));
    return file;
}

/**
 * azure-dev's program with two role assignments a broken program would add beside its own: the
 * discovery role at a management group (wider than a subscription), and Contributor given to the
 * discovery identity under the name the component gives its one role assignment.
 */
function withExtraGrants(engine: EngineStack): void {
    const index = path.join(engine.project, "index.js");
    const sub = "/subscriptions/3f2a9c1e-7b4d-4e8a-9c62-1d5e8f0a7b34";
    fs.writeFileSync(
        index,
        [
            fs.readFileSync(index, "utf8").replace("module.exports =", "const example ="),
            `const { authorization } = require("@pulumi/azure-native");`,
            "module.exports = async () => {",
            "    const outputs = await example();",
            `    new authorization.RoleAssignment("mg-discovery", {`,
            `        principalId: "0f1e2d3c-4b5a-4968-8776-5a4b3c2d1e0f",`,
            `        principalType: "ServicePrincipal",`,
            `        roleDefinitionId: "/providers/Microsoft.Authorization/roleDefinitions/${DISCOVERY_ROLE}",`,
            `        scope: "/providers/Microsoft.Management/managementGroups/contoso-root",`,
            "    });",
            `    new authorization.RoleAssignment("extra-api-access", {`,
            `        principalId: "0f1e2d3c-4b5a-4968-8776-5a4b3c2d1e0f",`,
            `        principalType: "ServicePrincipal",`,
            `        roleDefinitionId: "${sub}/providers/Microsoft.Authorization/roleDefinitions/${CONTRIBUTOR}",`,
            `        scope: "${sub}",`,
            "    });",
            "    return outputs;",
            "};",
            "",
        ].join("\n"),
    );
}

describe("Pulumi CLI: `pulumi preview --policy-pack policies` fails a broken Azure stack, naming the mandatory policy", function () {
    describe("azure-brownfield adopting a trusted access binding that carries another role (cloud state)", () => {
        let engine: EngineStack;
        let gated: Run;
        let advisory: Run;
        // The variant's folder outlives the constructor: the program reads the file at every run.
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "engine-policy-"));

        before(async function () {
            this.timeout(600_000);
            engine = new EngineStack("azure-brownfield", {}, brownfieldWithWiderBinding(dir));
            await engine.init();
            [gated, advisory] = await Promise.all([
                gatedPreview(engine),
                gatedPreview(engine, { "trusted-access-defender-roles-only": "advisory" }),
            ]);
        });
        after(() => {
            engine?.dispose();
            fs.rmSync(dir, { recursive: true, force: true });
        });

        it("exits non-zero with trusted-access-defender-roles-only on the adopted binding, and the role it refuses", () => {
            assert.notEqual(gated.code, 0, tail(gated));
            const out = gated.stdout + gated.stderr;
            assert.match(
                out,
                violation(
                    "mandatory",
                    "trusted-access-defender-roles-only",
                    "azure-native:containerservice:TrustedAccessRoleBinding",
                    "discovery-rg-orders-aks-orders-weu",
                ),
                tail(gated),
            );
            assert.ok(
                out.includes(`binds role "${OTHER_TRUSTED_ACCESS_ROLE}"; only ${TRUSTED_ACCESS_ROLE} is allowed`),
                tail(gated),
            );
        });

        it("--policy-pack-config making the policy advisory: the preview passes and still reports it", () => {
            assert.equal(advisory.code, 0, tail(advisory));
            assert.match(
                advisory.stdout + advisory.stderr,
                violation(
                    "advisory",
                    "trusted-access-defender-roles-only",
                    "azure-native:containerservice:TrustedAccessRoleBinding",
                    "discovery-rg-orders-aks-orders-weu",
                ),
                tail(advisory),
            );
        });
    });

    describe("azure-dev with a program that adds wider role assignments", () => {
        let engine: EngineStack;
        let gated: Run;
        let advisory: Run;

        before(async function () {
            this.timeout(600_000);
            engine = new EngineStack("azure-dev");
            withExtraGrants(engine);
            await engine.init();
            [gated, advisory] = await Promise.all([gatedPreview(engine), gatedPreview(engine, { all: "advisory" })]);
        });
        after(() => engine?.dispose());

        it("exits non-zero with aks-discovery-role-scope on the management-group assignment", () => {
            assert.notEqual(gated.code, 0, tail(gated));
            const out = gated.stdout + gated.stderr;
            assert.match(
                out,
                violation(
                    "mandatory",
                    "aks-discovery-role-scope",
                    "azure-native:authorization:RoleAssignment",
                    "mg-discovery",
                ),
                tail(gated),
            );
            assert.ok(
                out.includes(
                    `assigns the discovery role at scope "/providers/Microsoft.Management/managementGroups/contoso-root", wider than a subscription`,
                ),
                tail(gated),
            );
        });

        it("and with the stack policy aks-discovery-role-is-built-in on the Contributor assignment", () => {
            const out = gated.stdout + gated.stderr;
            assert.match(
                out,
                violation(
                    "mandatory",
                    "aks-discovery-role-is-built-in",
                    "azure-native:authorization:RoleAssignment",
                    "extra-api-access",
                ),
                tail(gated),
            );
            assert.ok(out.includes(`roleDefinitions/${CONTRIBUTOR} to the discovery identity`), tail(gated));
        });

        it('--policy-pack-config {"all": "advisory"}: the preview passes and reports both as advisory', () => {
            assert.equal(advisory.code, 0, tail(advisory));
            const out = advisory.stdout + advisory.stderr;
            assert.match(out, /\[advisory\]\s+aks-discovery-role-scope\b/, tail(advisory));
            assert.match(out, /\[advisory\]\s+aks-discovery-role-is-built-in\b/, tail(advisory));
            assert.doesNotMatch(out, /\[mandatory\]/, tail(advisory));
        });
    });
});
