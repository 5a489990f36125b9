import { CreateClusterCommand, DescribeClusterCommand, EKSClient, LogType } from "@aws-sdk/client-eks";
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { enabledTypes } from "../../../components/aws/controlPlaneLogging";
import { vpcEndpoint } from "../../../components/aws/defenderEndpoint";
import { DEFENDER_CIDRS } from "../../../domain/aws/facts";
import { Moto, motoEnv, startMoto } from "../../fixtures/motoServer";
import { EngineProject, Run } from "./harness";

/** The last lines worth reading of a CLI run. */
const tail = (r: Run) => `exit ${r.code}\n${(r.stdout + r.stderr).split("\n").slice(-60).join("\n")}`;

const REGION = "eu-west-1";
const PROGRAM = path.join(__dirname, "programs", "eksDynamic.js");

/**
 * The program of programs/eksDynamic.js in a project of its own: its stack config names the
 * clusters, the region and moto's endpoint; the dynamic resources run in the CLI's
 * dynamic-provider host (tools/engines/plugins/pulumi-resource-pulumi-nodejs) with moto's dummy
 * credentials, as the deployer's ambient ones.
 */
function eksDynamicProject(moto: Moto, clusters: string[]): EngineProject {
    const engine = new EngineProject("eks-dynamic", motoEnv(moto.url));
    const file = (name: string, lines: string[]) => fs.writeFileSync(path.join(engine.project, name), lines.join("\n"));
    file("Pulumi.yaml", [
        "name: eks-dynamic",
        "runtime:",
        "  name: nodejs",
        "  options:",
        "    typescript: false",
        "main: index.js",
        "",
    ]);
    file("index.js", [`module.exports = require(${JSON.stringify(PROGRAM)});`, ""]);
    file("package.json", [JSON.stringify({ name: "eks-dynamic-engine", private: true, main: "index.js" })]);
    file(`Pulumi.${engine.stack}.yaml`, [
        "config:",
        `  eks-dynamic:region: ${REGION}`,
        `  eks-dynamic:endpoint: ${moto.url}`,
        `  eks-dynamic:clusters: ${JSON.stringify(clusters)}`,
        "",
    ]);
    return engine;
}

describe("Pulumi CLI: the EKS dynamic providers through the engine's dynamic-provider host, against moto_server", function () {
    let moto: Moto;
    let eks: EKSClient;
    let engine: EngineProject;
    let first: Run;
    let second: Run;
    let drift: Run;
    let afterFirst: Awaited<ReturnType<typeof settings>>;
    let afterSecond: Awaited<ReturnType<typeof settings>>;

    /** Each cluster's control-plane log types on and its endpoint, as moto reports them. */
    async function settings() {
        const out: Record<string, { logging: string[]; endpoint: ReturnType<typeof vpcEndpoint> }> = {};
        for (const name of ["eks-private", "eks-restricted"]) {
            const { cluster } = await eks.send(new DescribeClusterCommand({ name }));
            out[name] = { logging: enabledTypes(cluster).sort(), endpoint: vpcEndpoint(cluster) };
        }
        return out;
    }

    const warning = process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED;

    before(async function () {
        this.timeout(600_000);
        process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
        moto = await startMoto();
        eks = new EKSClient({
            region: REGION,
            endpoint: moto.url,
            credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
        });
        const create = (name: string, logging: string[], vpc: Record<string, unknown>) =>
            eks.send(
                new CreateClusterCommand({
                    name,
                    roleArn: "arn:aws:iam::123456789012:role/eks",
                    resourcesVpcConfig: { subnetIds: ["subnet-1", "subnet-2"], ...vpc },
                    logging: { clusterLogging: [{ types: logging as LogType[], enabled: true }] },
                }),
            );
        // Brownfield: a private-only cluster with api logging on, and one whose public endpoint is
        // restricted to the customer's range, with audit logging on already.
        await create("eks-private", ["api"], { endpointPublicAccess: false, endpointPrivateAccess: true });
        await create("eks-restricted", ["audit"], {
            endpointPublicAccess: true,
            endpointPrivateAccess: false,
            publicAccessCidrs: ["203.0.113.0/24"],
        });
        engine = eksDynamicProject(moto, ["eks-private", "eks-restricted"]);
        await engine.init();
        first = await engine.pulumi(["up", "--yes", "--skip-preview"]);
        afterFirst = await settings();
        second = await engine.pulumi(["up", "--yes", "--skip-preview"]);
        afterSecond = await settings();
        drift = await engine.pulumi(["preview", "--refresh", "--expect-no-changes"]);
    });
    after(async () => {
        engine?.dispose();
        eks?.destroy();
        await moto?.stop();
        if (warning === undefined) delete process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED;
        else process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = warning;
    });

    it("pulumi up turns on audit and authenticator logging, keeping what was on, as moto reports it", () => {
        assert.equal(first.code, 0, tail(first));
        assert.deepEqual(afterFirst["eks-private"].logging, ["api", "audit", "authenticator"]);
        assert.deepEqual(afterFirst["eks-restricted"].logging, ["audit", "authenticator"]);
    });

    it("pulumi up opens each endpoint to Defender's CIDRs: a private-only one public and restricted to them, a restricted one with them added", () => {
        assert.equal(first.code, 0, tail(first));
        assert.deepEqual(afterFirst["eks-private"].endpoint, {
            publicAccess: true,
            privateAccess: true,
            publicAccessCidrs: [...DEFENDER_CIDRS],
        });
        assert.deepEqual(afterFirst["eks-restricted"].endpoint, {
            publicAccess: true,
            privateAccess: false,
            publicAccessCidrs: ["203.0.113.0/24", ...DEFENDER_CIDRS],
        });
    });

    it("the stack's outputs record what this stack turned on (what destroy undoes)", async () => {
        const r = await engine.pulumi(["stack", "output", "--json"]);
        assert.equal(r.code, 0, tail(r));
        assert.deepEqual(JSON.parse(r.stdout), {
            "eks-private": {
                enabledByStack: ["audit", "authenticator"],
                addedCidrs: [...DEFENDER_CIDRS],
                enabledPublicAccess: true,
            },
            "eks-restricted": {
                enabledByStack: ["authenticator"],
                addedCidrs: [...DEFENDER_CIDRS],
                enabledPublicAccess: false,
            },
        });
    });

    it("a second pulumi up changes nothing, in the state or in the cloud", () => {
        assert.equal(second.code, 0, tail(second));
        assert.match(second.stdout, /^\s*5 unchanged$/m, tail(second));
        assert.doesNotMatch(second.stdout, /\b(created|updated|deleted|replaced)\b/, tail(second));
        assert.deepEqual(afterSecond, afterFirst);
    });

    it("pulumi preview --refresh --expect-no-changes passes: the providers' refresh and diff find no drift", () => {
        assert.equal(drift.code, 0, tail(drift));
    });

    it("pulumi destroy turns off only the log types it turned on and restores each endpoint", async function () {
        this.timeout(300_000);
        assert.equal(first.code, 0, tail(first));
        const r = await engine.pulumi(["destroy", "--yes", "--skip-preview"]);
        assert.equal(r.code, 0, tail(r));
        // The four dynamic resources and the stack.
        assert.match(r.stdout, /^\s*- 5 deleted$/m, tail(r));
        const now = await settings();
        assert.deepEqual(now["eks-private"], {
            logging: ["api"],
            endpoint: { publicAccess: false, privateAccess: true, publicAccessCidrs: ["0.0.0.0/0"] },
        });
        assert.deepEqual(now["eks-restricted"], {
            logging: ["audit"],
            endpoint: { publicAccess: true, privateAccess: false, publicAccessCidrs: ["203.0.113.0/24"] },
        });
    });
});
