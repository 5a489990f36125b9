import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { engineBinary } from "../helpers/engines";
import { seedFromCloudState, SimulatedCloud } from "./seed";

export const ROOT = path.join(__dirname, "..", "..", "..");
const EXAMPLES = path.join(ROOT, "examples", "stacks");
const STANDINS = path.join(ROOT, "tools", "engines", "plugins");
export const PASSPHRASE = "engine-suite-passphrase";

export interface Run {
    code: number | null;
    stdout: string;
    stderr: string;
}

/**
 * One Pulumi project under the real Pulumi CLI: a project folder of its own (with the repository's
 * node_modules), a local `file://` backend, passphrase secrets, a PULUMI_HOME of its own, the
 * stand-in providers and the project's plugin launchers on PATH, and a simulated cloud they answer from.
 */
export class EngineProject {
    readonly dir: string;
    readonly project: string;
    readonly cloud: SimulatedCloud;
    private readonly home: string;
    private readonly backend: string;

    constructor(
        readonly stack: string,
        private readonly extraEnv: NodeJS.ProcessEnv = {},
    ) {
        this.dir = fs.mkdtempSync(path.join(os.tmpdir(), `engine-${stack}-`));
        this.project = path.join(this.dir, "project");
        this.home = path.join(this.dir, "home");
        this.backend = path.join(this.dir, "backend");
        this.cloud = new SimulatedCloud(path.join(this.dir, "cloud"));
        for (const d of [this.project, this.home, this.backend, this.cloud.root]) fs.mkdirSync(d, { recursive: true });
        fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(this.project, "node_modules"));
    }

    env(): NodeJS.ProcessEnv {
        const pulumiBin = path.dirname(engineBinary("pulumi", "pulumi"));
        return {
            PATH: [STANDINS, pulumiBin, path.dirname(process.execPath), "/usr/bin", "/bin"].join(path.delimiter),
            HOME: this.dir,
            PULUMI_HOME: this.home,
            PULUMI_BACKEND_URL: `file://${this.backend}`,
            PULUMI_CONFIG_PASSPHRASE: PASSPHRASE,
            PULUMI_SKIP_UPDATE_CHECK: "true",
            PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
            PULUMI_SKIP_CONFIRMATIONS: "true",
            NO_COLOR: "1",
            AGENTLESS_STANDIN_CLOUD: this.cloud.root,
            ...this.extraEnv,
        };
    }

    /** `pulumi <args> --stack <stack> --non-interactive` in the project folder. */
    pulumi(args: string[], timeoutMs = 240_000): Promise<Run> {
        const bin = engineBinary("pulumi", "pulumi");
        return new Promise((resolve, reject) => {
            const child = spawn(bin, [...args, "--stack", this.stack, "--non-interactive"], {
                cwd: this.project,
                env: this.env(),
                stdio: ["ignore", "pipe", "pipe"],
            });
            let stdout = "";
            let stderr = "";
            child.stdout.on("data", (d) => (stdout += d));
            child.stderr.on("data", (d) => (stderr += d));
            const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
            child.on("error", reject);
            child.on("close", (code) => {
                clearTimeout(timer);
                resolve({ code, stdout, stderr });
            });
        });
    }

    async init(): Promise<void> {
        const r = await this.pulumi(["stack", "init"]);
        if (r.code !== 0) throw new Error(`pulumi stack init ${this.stack} failed:\n${r.stdout}${r.stderr}`);
    }

    dispose(): void {
        fs.rmSync(this.dir, { recursive: true, force: true });
    }
}

/**
 * One example stack in an EngineProject: the repository's Pulumi.yaml settings and the stack's
 * config, and a simulated cloud seeded from the stack's cloud-state file. The program's lookups are
 * answered by that same file, as in the offline plan, so the engine and the plan see one cloud.
 */
export class EngineStack extends EngineProject {
    /**
     * `cloudState` replaces the stack's cloud-state file (a test's own variant of it, in its own
     * folder): the program's lookups and the simulated cloud both come from it.
     */
    constructor(stack: string, extraEnv: NodeJS.ProcessEnv = {}, cloudState?: string) {
        super(stack, extraEnv);
        const stateFile = cloudState ?? path.join(EXAMPLES, `${stack}.cloud.yaml`);
        fs.writeFileSync(
            path.join(this.project, "Pulumi.yaml"),
            [
                "name: agentless-discovery",
                "runtime:",
                "  name: nodejs",
                "  options:",
                "    typescript: false",
                "main: index.js",
                "",
            ].join("\n"),
        );
        // The compiled program, given the stack's cloud-state file as its lookup source (index.ts).
        fs.writeFileSync(
            path.join(this.project, "index.js"),
            [
                `const program = require(${JSON.stringify(path.join(ROOT, "dist", "index.js"))});`,
                `const { fileSource } = require(${JSON.stringify(path.join(ROOT, "dist", "lookup", "source.js"))});`,
                `module.exports = () => program(fileSource(${JSON.stringify(stateFile)}));`,
                "",
            ].join("\n"),
        );
        fs.writeFileSync(
            path.join(this.project, "package.json"),
            JSON.stringify({ name: `agentless-discovery-engine-${stack}`, private: true, main: "index.js" }),
        );
        fs.copyFileSync(path.join(EXAMPLES, `Pulumi.${stack}.yaml`), path.join(this.project, `Pulumi.${stack}.yaml`));
        const stackText = fs.readFileSync(path.join(EXAMPLES, `Pulumi.${stack}.yaml`), "utf8");
        const account = /accountId:\s*"?(\d{12})"?/.exec(stackText)?.[1];
        seedFromCloudState(this.cloud, stateFile, account);
        // The GCP project a stack names exists, with the number its config gives (the cloud-state
        // file names projects by id): the number the provider's computed names carry.
        const gcp = (parse(stackText) as { config?: Record<string, { projectId?: string; projectNumber?: string }> })
            .config?.["agentless-discovery:gcp"];
        if (gcp?.projectId && gcp.projectNumber)
            this.cloud.put("gcp", "gcp:organizations/project:Project", "", gcp.projectId, {
                projectId: gcp.projectId,
                number: gcp.projectNumber,
            });
        // The Log Analytics workspace a stack names exists (the stack's premise; the cloud-state
        // file does not describe workspaces): its customer id and keys are what the engine reads.
        for (const [, id, rg, name] of stackText.matchAll(
            /logAnalyticsWorkspaceId:\s*(\/subscriptions\/[^/]+\/resourceGroups\/([^/]+)\/providers\/Microsoft\.OperationalInsights\/workspaces\/(\S+))/g,
        )) {
            this.cloud.put("azure-native", "azure-native:operationalinsights:Workspace", "", id, {
                customerId: "5f0e3b1c-2a4d-4e6f-8a9b-0c1d2e3f4a5b",
                name,
                resourceGroupName: rg,
                primarySharedKey: Buffer.from(`primary key of ${name}`).toString("base64"),
                secondarySharedKey: Buffer.from(`secondary key of ${name}`).toString("base64"),
            });
        }
    }
}
