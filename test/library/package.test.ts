import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import { createRequire } from "module";
import * as path from "path";
import { ROOT } from "../helpers/cli";
import { PackedInstall, packedInstall, removePackedInstall } from "../helpers/packedPackage";

const TSC = path.join(ROOT, "node_modules", "typescript", "bin", "tsc");
const EXAMPLE = path.join(ROOT, "examples", "eks-program");

interface EntryRow {
    entry: string;
    values: string[];
    types: string[];
}

/** The entries table of docs/library.md: what each entry promises to export. */
function documentedEntries(): EntryRow[] {
    const names = (cell: string) => [...cell.matchAll(/`([A-Za-z_][A-Za-z0-9_]*)`/g)].map((m) => m[1]);
    return fs
        .readFileSync(path.join(ROOT, "docs", "library.md"), "utf8")
        .split("\n")
        .filter((l) => l.startsWith("| `agentless-discovery/"))
        .map((l) => {
            const [entry, components, helpers, types] = l.split("|").slice(1, 5);
            return {
                entry: /`([^`]+)`/.exec(entry)![1],
                values: [...names(components), ...names(helpers)],
                types: names(types),
            };
        });
}

function tsc(project: string): void {
    try {
        execFileSync(process.execPath, [TSC, "-p", project], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    } catch (e) {
        const err = e as { stdout?: string; stderr?: string };
        assert.fail(`tsc -p ${project} failed:\n${err.stdout}${err.stderr}`);
    }
}

interface PlannedResource {
    type: string;
    name: string;
    inputs: Record<string, unknown>;
    provider?: string;
}

describe("the packed package as a library (docs/library.md)", function () {
    this.timeout(120_000);
    let pack: PackedInstall;
    before(() => {
        pack = packedInstall();
    });
    after(() => removePackedInstall());

    it("documents one entry per cloud plus kubernetes and policies, exactly the exports map's", () => {
        const pkg = JSON.parse(fs.readFileSync(path.join(pack.packageDir, "package.json"), "utf8"));
        assert.deepEqual(
            documentedEntries().map((r) => r.entry),
            ["aws", "azure", "gcp", "kubernetes", "policies"].map((e) => `agentless-discovery/${e}`),
        );
        assert.deepEqual(Object.keys(pkg.exports), [
            ".",
            "./aws",
            "./azure",
            "./gcp",
            "./kubernetes",
            "./policies",
            "./package.json",
        ]);
        assert.deepEqual(Object.keys(pkg.typesVersions["*"]), ["aws", "azure", "gcp", "kubernetes", "policies"]);
    });

    // A require of a file in the consumer's folder: this test file's own would resolve the package
    // name to the project itself (a package may import itself by name through its exports map).
    const consumerRequire = () => createRequire(path.join(pack.dir, "consumer.js"));

    it("resolves every entry from the installed package to compiled JavaScript with declarations, exporting the documented values", () => {
        for (const row of documentedEntries()) {
            const file = consumerRequire().resolve(row.entry);
            assert.ok(
                file.startsWith(path.join(pack.packageDir, "dist") + path.sep) && file.endsWith(".js"),
                `${row.entry} resolved to ${file}`,
            );
            assert.ok(fs.existsSync(file.replace(/\.js$/, ".d.ts")), `${row.entry}: no declarations beside ${file}`);
            const exported = Object.keys(require(file))
                .filter((k) => k !== "__esModule")
                .sort();
            assert.deepEqual(exported, [...row.values].sort(), `${row.entry}: exports differ from docs/library.md`);
        }
    });

    it("keeps the package usable as the program and the CLI", () => {
        assert.equal(consumerRequire().resolve("agentless-discovery"), path.join(pack.packageDir, "dist", "index.js"));
        const bin = fs.readFileSync(path.join(pack.packageDir, "dist", "cli", "main.js"), "utf8");
        assert.ok(bin.startsWith("#!/usr/bin/env node"), "the bin starts with its shebang");
        assert.ok(
            pack.files.some((f) => f.startsWith("policies/gatekeeper/") && f.endsWith("template.yaml")),
            "the Gatekeeper templates the kubernetes entry loads are packed",
        );
        assert.ok(
            pack.files.includes("dist/components/shared/dynamicProviders.json"),
            "the dynamic providers' code, serialized by the build, is packed (docs/runtime.md)",
        );
        assert.ok(
            !pack.files.some((f) => f.startsWith("test/") || (f.endsWith(".ts") && !f.endsWith(".d.ts"))),
            "no tests nor TypeScript sources are packed",
        );
    });

    it("type-checks every documented type against the packed declarations with moduleResolution node (typesVersions)", () => {
        const dir = path.join(pack.dir, "types-check");
        fs.mkdirSync(dir, { recursive: true });
        // Aliased per entry: two entries may export one type (ExistingSecurityConnector: aws and gcp).
        const lines = documentedEntries().map(
            (r, i) =>
                `import type { ${r.types.map((t) => `${t} as E${i}_${t}`).join(", ")} } from "${r.entry}";\n` +
                `export type Entry${i} = [${r.types.map((t) => `E${i}_${t}`).join(", ")}];`,
        );
        fs.writeFileSync(path.join(dir, "entries.ts"), lines.join("\n") + "\n");
        fs.writeFileSync(
            path.join(dir, "tsconfig.json"),
            JSON.stringify({
                compilerOptions: {
                    target: "ES2022",
                    module: "commonjs",
                    moduleResolution: "node",
                    strict: true,
                    skipLibCheck: true,
                    noEmit: true,
                    types: [],
                },
                files: ["entries.ts"],
            }),
        );
        tsc(dir);
    });

    describe("examples/eks-program, installed from the tarball", () => {
        let plan: { outputs: Record<string, string>; resources: PlannedResource[] };
        let byName: Map<string, PlannedResource>;
        before(() => {
            const dir = pack.dir;
            for (const f of ["index.ts", "tsconfig.json", "package.json", "Pulumi.yaml", "Pulumi.example.yaml"])
                fs.copyFileSync(path.join(EXAMPLE, f), path.join(dir, f));
            tsc(dir);
            const out = path.join(dir, "plan.json");
            execFileSync(
                process.execPath,
                [path.join(ROOT, "test", "fixtures", "runtimeHost.js"), "example", dir, out],
                { stdio: ["ignore", "ignore", "pipe"] },
            );
            plan = JSON.parse(fs.readFileSync(out, "utf8"));
            byName = new Map(plan.resources.map((r) => [r.name, r]));
        });

        it("depends on the packed package and pins the SDKs the package pins", () => {
            const example = JSON.parse(fs.readFileSync(path.join(EXAMPLE, "package.json"), "utf8"));
            const own = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
            assert.equal(example.dependencies["agentless-discovery"], `file:${path.basename(pack.tarball)}`);
            for (const dep of ["@pulumi/pulumi", "@pulumi/aws", "@pulumi/azure-native"])
                assert.equal(example.dependencies[dep], own.dependencies[dep], dep);
            for (const dep of ["typescript", "@types/node"])
                assert.equal(example.devDependencies[dep], own.devDependencies[dep], dep);
        });

        it("declares its own cluster and exactly the onboarding resources the library adds for it", () => {
            assert.deepEqual(plan.resources.map((r) => `${r.type} ${r.name}`).sort(), [
                "agentless:aws:DefenderConnector defender",
                "agentless:aws:DiscoveryRole defender-discovery",
                "agentless:aws:EksClusterAccess apps-discovery",
                "aws:eks/accessEntry:AccessEntry apps-discovery-entry",
                "aws:eks/accessPolicyAssociation:AccessPolicyAssociation apps-discovery-policy",
                "aws:eks/cluster:Cluster apps",
                "aws:iam/openIdConnectProvider:OpenIdConnectProvider defender-discovery-ASCDefendersOIDCIdentityProvider",
                "aws:iam/role:Role apps-cluster",
                "aws:iam/role:Role defender-discovery-role",
                "aws:iam/rolePolicy:RolePolicy defender-discovery-permissions",
                "aws:iam/rolePolicyAttachment:RolePolicyAttachment apps-cluster",
                "azure-native:security:SecurityConnector defender-connector",
                "pulumi:providers:azure-native defender-subscription",
                "pulumi:pulumi:Stack eks-onboarding-example-example",
            ]);
        });

        it("passes the cluster's own name and ARN (outputs) into the role, the access entry and its policy association", () => {
            const clusterName = plan.outputs.clusterName;
            assert.match(clusterName, /^apps-[0-9a-f]{7}$/);
            const clusterArn = `arn:aws:eks:eu-west-1:111122223333:cluster/${clusterName}`;
            const roleArn = "arn:aws:iam::111122223333:role/MDCContainersAgentlessDiscoveryK8sRole";
            assert.equal(plan.outputs.discoveryRoleArn, roleArn);

            const policy = JSON.parse(byName.get("defender-discovery-permissions")!.inputs.policy as string);
            assert.deepEqual(
                policy.Statement.map((s: { Action: string[]; Resource: string[] }) => [s.Action, s.Resource]),
                [[["eks:UpdateClusterConfig", "eks:DescribeCluster"], [clusterArn]]],
            );
            assert.deepEqual(byName.get("defender-discovery")!.inputs.clusterArns, [clusterArn]);

            assert.deepEqual(byName.get("apps-discovery-entry")!.inputs, {
                clusterName,
                principalArn: roleArn,
                region: "eu-west-1",
                type: "STANDARD",
                tags: { "agentless-discovery:purpose": "defender-discovery" },
            });
            assert.deepEqual(byName.get("apps-discovery-policy")!.inputs, {
                clusterName,
                principalArn: roleArn,
                region: "eu-west-1",
                accessScope: { type: "cluster" },
                policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy",
            });
            assert.equal(byName.get("apps-discovery")!.inputs.clusterName, clusterName);
            assert.deepEqual(
                (byName.get("apps")!.inputs.vpcConfig as { publicAccessCidrs: string[] }).publicAccessCidrs,
                ["203.0.113.0/24", "172.212.245.192/28", "48.209.1.192/28"],
            );
        });

        it("passes every rule of the packed agentless-discovery/policies entry, which fails it once the role's actions are widened", () => {
            const { evaluatePolicies, RULES } = consumerRequire()("agentless-discovery/policies");
            assert.deepEqual(evaluatePolicies(plan.resources, RULES), []);
            const widened = plan.resources.map((r) =>
                r.name !== "defender-discovery-permissions"
                    ? r
                    : {
                          ...r,
                          inputs: {
                              ...r.inputs,
                              policy: (r.inputs.policy as string).replace("eks:DescribeCluster", "eks:*"),
                          },
                      },
            );
            assert.deepEqual(
                evaluatePolicies(widened, RULES).map(
                    (v: { policy: string; level: string }) => `${v.level} ${v.policy}`,
                ),
                ["mandatory no-wildcard-iam-actions", "mandatory eks-discovery-role-actions"],
            );
        });

        it("creates the connector through the program's own azure-native provider, naming the role and the caller's account", () => {
            const connector = byName.get("defender-connector")!;
            assert.equal(connector.provider, "defender-subscription");
            assert.equal(connector.inputs.hierarchyIdentifier, "111122223333");
            assert.equal(connector.inputs.resourceGroupName, "rg-defender-connectors");
            assert.equal(connector.inputs.location, "westeurope");
            assert.deepEqual(
                (connector.inputs.offerings as { mdcContainersAgentlessDiscoveryK8S: unknown }[])[0]
                    .mdcContainersAgentlessDiscoveryK8S,
                {
                    enabled: true,
                    cloudRoleArn: "arn:aws:iam::111122223333:role/MDCContainersAgentlessDiscoveryK8sRole",
                },
            );
            assert.equal(
                plan.outputs.connectorId,
                "/subscriptions/11111111-2222-4333-8444-555555555555/resourceGroups/rg-defender-connectors/providers/Microsoft.Security/securityConnectors/aws-apps",
            );
        });
    });
});
