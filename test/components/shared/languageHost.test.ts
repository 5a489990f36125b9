import { strict as assert } from "assert";
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CreateClusterCommand, DescribeClusterCommand, EKSClient } from "@aws-sdk/client-eks";
import { enabledTypes } from "../../../components/aws/controlPlaneLogging";
import { Moto, motoEnv, startMoto } from "../../fixtures/motoServer";
import { planJson, ROOT } from "../../helpers/cli";
import { builtProviders } from "../../helpers/deployedProvider";

const HOST = path.join(ROOT, "test", "fixtures", "runtimeHost.js");
const FORBID_DEV = path.join(ROOT, "test", "fixtures", "forbidDevDependencies.js");

/** Plain `node` (no TypeScript loader), with every devDependency made unloadable. */
function node(
    args: string[],
    opts: { input?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, ["-r", FORBID_DEV, ...args], {
            cwd: ROOT,
            env: { ...process.env, NODE_OPTIONS: "", ...opts.env },
            stdio: ["pipe", "pipe", "pipe"],
        });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d) => (stdout += d));
        child.stderr.on("data", (d) => (stderr += d));
        child.on("error", reject);
        child.on("close", (code) => resolve({ code, stdout, stderr }));
        child.stdin.end(opts.input ?? "");
    });
}

interface HostRun {
    main: string;
    outputs: Record<string, unknown>;
    resources: { type: string; name: string }[];
    providers: string[];
    serialized: number;
}

describe("the Pulumi runtime path: the compiled program loaded as the language host loads it", function () {
    this.timeout(60_000);
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "runtime-host-"));
    let run: HostRun;

    before(async () => {
        const out = path.join(tmp, "aws-dev.json");
        const r = await node([HOST, "program", "aws-dev", out]);
        assert.equal(r.code, 0, r.stderr);
        run = JSON.parse(fs.readFileSync(out, "utf8"));
    });
    after(() => fs.rmSync(tmp, { recursive: true, force: true }));

    it("runs Pulumi.yaml's main, scripts/program.js, with production dependencies only, and awaits the exported outputs", () => {
        assert.equal(run.main, "scripts/program.js");
        assert.equal(run.outputs.cloud, "aws");
        assert.equal(run.outputs.accountId, "123456789012");
        assert.deepEqual(run.outputs.boundClusters, ["eu-west-1/eks-payments-prod", "us-east-1/eks-legacy-batch"]);
        assert.deepEqual(run.outputs.excludedClusters, ["eu-west-1/eks-sandbox"]);
    });

    it("declares exactly the resources of the offline plan, inside the root stack", async () => {
        const plan = await planJson("aws-dev");
        assert.equal(plan.code, 0, plan.stderr);
        const planned = (JSON.parse(plan.stdout).resources as { type: string; name: string }[])
            .map((r) => `${r.type} ${r.name}`)
            .sort();
        assert.equal(run.resources[0].type, "pulumi:pulumi:Stack");
        assert.equal(run.resources[0].name, "agentless-discovery-aws-dev");
        assert.deepEqual(
            run.resources
                .slice(1)
                .map((r) => `${r.type} ${r.name}`)
                .sort(),
            planned,
        );
    });

    it("runs `npm run plan` and `npm run gate` (scripts/cli.js, the compiled CLI) with production dependencies only", async () => {
        const plan = await node([
            path.join(ROOT, "scripts", "cli.js"),
            "plan",
            "--stack",
            "aws-dev",
            "--format",
            "json",
        ]);
        assert.equal(plan.code, 0, plan.stderr);
        assert.equal(plan.stdout, (await planJson("aws-dev")).stdout);
        const gate = await node([path.join(ROOT, "scripts", "cli.js"), "gate", "--stack", "aws-dev"]);
        assert.equal(gate.code, 0, gate.stderr);
    });

    it("refuses, naming the cure, when a source changed since the build and TypeScript is absent", async () => {
        const copy = path.join(tmp, "stale");
        for (const f of [
            "scripts",
            "dist",
            "lib",
            "domain",
            "config",
            "lookup",
            "components",
            "stack",
            "plan",
            "inventory",
            "respond",
            "policies",
            "cli",
            "index.ts",
            "tsconfig.json",
            "tsconfig.build.json",
            "package.json",
        ]) {
            fs.cpSync(path.join(ROOT, f), path.join(copy, f), {
                recursive: true,
                filter: (src) => !src.includes("node_modules"),
            });
        }
        const fresh = await node([
            "-e",
            "require(process.argv[1]).ensureBuilt(); process.stdout.write('fresh')",
            path.join(copy, "scripts", "build.js"),
        ]);
        assert.equal(fresh.stdout, "fresh", fresh.stderr);
        fs.appendFileSync(path.join(copy, "stack/program.ts"), "\n// edited after the build\n");
        const r = await node([path.join(copy, "scripts", "program.js")], {
            env: { NODE_PATH: path.join(ROOT, "node_modules") },
        });
        assert.equal(r.code, 2);
        assert.equal(
            r.stderr,
            "building dist/ (the sources changed since the last build)...\nerror: dist/ is missing or older than the sources, and TypeScript is not installed (npm ci --omit=dev) to build it: run `npm ci && npm run build` first, then prune dev dependencies if you must\n",
        );
    });

    it("registers the dynamic provider the build serialized, and serializes none while the program runs", () => {
        assert.equal(run.serialized, 0);
        assert.deepEqual(run.providers, [builtProviders().providers["aws/controlPlaneLogging#loggingProvider"]]);
    });

    it("serialized at build time (TypeScript 5.9) every dynamic provider exactly as pulumi.dynamic.Resource serializes it at run time with production dependencies (the SDK's TypeScript 3.8)", async () => {
        const out = path.join(tmp, "serialize.json");
        const r = await node([HOST, "serialize", out]);
        assert.equal(r.code, 0, r.stderr);
        const texts = JSON.parse(fs.readFileSync(out, "utf8")) as Record<string, { built?: string; runTime?: string }>;
        const built = builtProviders().providers;
        assert.deepEqual(Object.keys(texts), [
            "aws/controlPlaneLogging#loggingProvider",
            "aws/defenderEndpoint#endpointProvider",
        ]);
        assert.deepEqual(Object.keys(built), Object.keys(texts));
        for (const [key, t] of Object.entries(texts)) {
            assert.match(t.runTime ?? "", /^exports\.handler = /, key);
            assert.equal(t.built, t.runTime, `${key}: the text the package's resource registers`);
            assert.equal(built[key], t.runTime, `${key}: dist/components/shared/dynamicProviders.json`);
        }
    });

    describe("EksControlPlaneLogging's provider as deployed", () => {
        let moto: Moto;
        let provider: string;
        const region = "eu-west-1";
        const env = {
            AWS_ACCESS_KEY_ID: "testing",
            AWS_SECRET_ACCESS_KEY: "testing",
            AWS_EC2_METADATA_DISABLED: "true",
            AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
        };

        before(async () => {
            moto = await startMoto();
            assert.equal(run.providers.length, 1);
            provider = path.join(tmp, "provider.js");
            fs.writeFileSync(provider, run.providers[0]);
        });
        after(async () => moto?.stop());

        const ops = async (list: unknown[][]) => {
            const out = path.join(tmp, "ops.json");
            const r = await node([HOST, "provider", provider, out], { input: JSON.stringify(list), env });
            assert.equal(r.code, 0, r.stderr);
            return JSON.parse(fs.readFileSync(out, "utf8")) as {
                id?: string;
                outs?: Record<string, unknown>;
                props?: Record<string, unknown>;
                changes?: boolean;
            }[];
        };

        it("is compiled JavaScript that loads the AWS SDK itself, not TypeScript", () => {
            const text = run.providers[0];
            assert.match(text, /^exports\.handler = /);
            assert.match(text, /require\("@aws-sdk\/client-eks"\)/);
            assert.doesNotMatch(text, /tsx|ts-node|\.ts"/);
        });

        it("loaded from its serialized text with plain Node, turns on only the missing log types and turns them off again on delete", async () => {
            const eks = new EKSClient({
                region,
                endpoint: moto.url,
                credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
            });
            try {
                await eks.send(
                    new CreateClusterCommand({
                        name: "rt-logging",
                        roleArn: "arn:aws:iam::123456789012:role/eks",
                        resourcesVpcConfig: { subnetIds: ["subnet-1", "subnet-2"] },
                        logging: { clusterLogging: [{ types: ["api"], enabled: true }] },
                    }),
                );
                const props = {
                    clusterName: "rt-logging",
                    region,
                    logTypes: ["audit", "authenticator"],
                    endpoint: moto.url,
                };
                const [created, diff] = await ops([
                    ["create", props],
                    [
                        "diff",
                        "x",
                        { ...props, enabledLogTypes: [], enabledByStack: [] },
                        { ...props, logTypes: ["audit"] },
                    ],
                ]);
                assert.equal(created.id, "eu-west-1/rt-logging");
                assert.deepEqual(created.outs!.enabledByStack, ["audit", "authenticator"]);
                assert.deepEqual(diff, { changes: true, replaces: [] });
                const logging = async () =>
                    enabledTypes((await eks.send(new DescribeClusterCommand({ name: "rt-logging" }))).cluster).sort();
                assert.deepEqual(await logging(), ["api", "audit", "authenticator"]);
                await ops([["delete", created.id, created.outs]]);
                assert.deepEqual(await logging(), ["api"]);
            } finally {
                eks.destroy();
            }
        });
    });

    describe("a real preview or up: the export called with no argument, as the language host calls it", () => {
        let moto: Moto;
        const stacks = path.join(tmp, "live-stacks");
        const cloudState = path.join(stacks, "live-aws.cloud.yaml");

        before(async () => {
            moto = await startMoto();
            const eks = new EKSClient({
                region: "eu-west-1",
                endpoint: moto.url,
                credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
            });
            try {
                await eks.send(
                    new CreateClusterCommand({
                        name: "in-the-cloud",
                        roleArn: "arn:aws:iam::123456789012:role/eks",
                        resourcesVpcConfig: { subnetIds: ["subnet-1", "subnet-2"] },
                    }),
                );
            } finally {
                eks.destroy();
            }
            fs.mkdirSync(stacks, { recursive: true });
            fs.writeFileSync(
                path.join(stacks, "Pulumi.live-aws.yaml"),
                [
                    "config:",
                    "  agentless-discovery:cloud: aws",
                    "  agentless-discovery:azureTenantId: 7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f",
                    "  agentless-discovery:aws:",
                    '    accountId: "123456789012"',
                    "    region: eu-west-1",
                    "",
                ].join("\n"),
            );
            fs.writeFileSync(
                cloudState,
                [
                    "aws:",
                    "  clusters:",
                    "    - { name: only-in-the-file, region: eu-west-1, authenticationMode: API, enabledLogTypes: [audit, authenticator] }",
                    "",
                ].join("\n"),
            );
        });
        after(async () => moto?.stop());

        it("reads the cloud, never the cloud-state file beside the stack, even with the old AGENTLESS_CLOUD_STATE variable naming it", async () => {
            const out = path.join(tmp, "live-aws.json");
            const r = await node([HOST, "host", "live-aws", out], {
                env: { ...motoEnv(moto.url), AGENTLESS_STACKS_DIR: stacks, AGENTLESS_CLOUD_STATE: cloudState },
            });
            assert.equal(r.code, 0, r.stderr);
            const outputs = (JSON.parse(fs.readFileSync(out, "utf8")) as HostRun).outputs;
            assert.deepEqual(outputs.boundClusters, ["eu-west-1/in-the-cloud"]);
            assert.match(
                r.stdout,
                /^info: \[runtime\] \[info\] 123456789012: discovery \(the cloud\) found 1 EKS cluster\(s\) in eu-west-1; 1 onboarded, 0 left out$/m,
            );
            assert.doesNotMatch(r.stdout + r.stderr, /only-in-the-file|live-aws\.cloud\.yaml/);
        });
    });
});
