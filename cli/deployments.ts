import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { spawnSync } from "child_process";
import { parseArgs, stringFlag } from "./args";
import { ConfigError, isConfigError, UsageError } from "../lib/errors";
import { FileReadError, readRegularFile } from "../lib/regularFile";
import { parseStackYaml } from "../lib/yaml";
import { isPlainObject } from "../config/read";
import { defaultCloudStatePath, STACKS_DIR } from "../config/stackFile";
import { Deployments, entryAgainstStack, parseDeployments } from "../config/deployments";
import { deploymentJobs, snapshotJobs } from "../config/deploymentMatrix";
import { loadKubernetesConfig } from "../config/kubernetes";
import { kubeCredentialSteps } from "../config/kubeCredentials";
import { describeFreshness, freshnessOf } from "../domain/shared/cloudStateAge";

export const DEPLOYMENTS_USAGE = `usage: npm run deployments -- matrix [--snapshot] [--file F]
       npm run deployments -- freshness [--now TIME] [--annotate] [--file F]
       npm run deployments -- kube-credentials --stack NAME [--kubeconfig F] [--file F]
  The deployed stacks, their accounts and the GitHub environments of their OIDC identities, from
  stacks/deployments.yaml (docs/gate-and-ci.md, "Deployed stacks and accounts").
  matrix            the workflows' job matrix as one line of JSON: one entry per deployed stack;
                    --snapshot: one entry per account, subscription or project, with the snapshot store
  freshness         the age of each deployed stack's cloud-state file, by its "# read-at:" header;
                    exit 1 when one is older than freshness.maxAgeDays and freshness.onStale is fail
                    (warn: listed, exit 0); --annotate prints GitHub annotations; --now for tests
  kube-credentials  writes a kubeconfig context for each Kubernetes cluster of the stack with the
                    clouds' credential plug-ins (az aks get-credentials and kubelogin,
                    aws eks update-kubeconfig, gcloud container clusters get-credentials)
  --file F          the deployments file (default stacks/deployments.yaml)
  Exit codes: 0 done, 1 a stale cloud-state file under onStale: fail, or a plug-in failed,
  2 a bad deployments file, stack file or option.`;

interface Loaded {
    file: string;
    deployments: Deployments;
    stackConfig: (stack: string) => Record<string, unknown>;
}

function shown(file: string): string {
    return path.relative(process.cwd(), file) || file;
}

function readStackConfig(dir: string, stack: string, deploymentsFile: string, index: number): Record<string, unknown> {
    const file = [".yaml", ".yml"].map((e) => path.join(dir, `Pulumi.${stack}${e}`)).find((f) => fs.existsSync(f));
    if (!file)
        throw new UsageError(
            `${shown(deploymentsFile)}: entry "${stack}": key "deployments[${index}].stack" has value "${stack}"; expected a stack of ${shown(dir)}/ (there is no ${shown(path.join(dir, `Pulumi.${stack}.yaml`))}; an example stack is never deployed)`,
        );
    let doc: unknown;
    try {
        doc = parseStackYaml(readRegularFile(file));
    } catch (e) {
        throw new UsageError(`${shown(file)}: ${(e as Error).message.split("\n")[0]}`);
    }
    const config = isPlainObject(doc) ? doc.config : undefined;
    return isPlainObject(config) ? config : {};
}

/** Reads and validates the deployments file and, for each entry, its stack file. */
export function loadDeployments(file: string, stacksDir = STACKS_DIR): Loaded {
    let text: string;
    try {
        text = readRegularFile(file);
    } catch (e) {
        if (e instanceof FileReadError) throw new UsageError(`deployments file ${shown(e.file)} ${e.reason}`);
        throw e;
    }
    let doc: unknown;
    try {
        doc = parseStackYaml(text);
    } catch (e) {
        throw new UsageError(`${shown(file)} is not valid YAML: ${(e as Error).message.split("\n")[0]}`);
    }
    let deployments: Deployments;
    try {
        deployments = parseDeployments(doc);
    } catch (e) {
        if (isConfigError(e)) throw entryError(file, doc, e);
        throw e;
    }
    const configs = new Map<string, Record<string, unknown>>();
    deployments.deployments.forEach((d, i) => {
        const config = readStackConfig(stacksDir, d.stack, file, i);
        const wrong = entryAgainstStack(d, i, config);
        if (wrong) throw entryError(file, doc, wrong);
        configs.set(d.stack, config);
    });
    return { file, deployments, stackConfig: (s) => configs.get(s) ?? {} };
}

/** `<file>: entry "<stack>": key "<path>" has value ...; expected ...`: the entry by its stack name where it has one. */
function entryError(file: string, doc: unknown, e: ConfigError): UsageError {
    const index = /^deployments\[(\d+)\]/.exec(e.key)?.[1];
    const list = isPlainObject(doc) && Array.isArray(doc.deployments) ? doc.deployments : [];
    const item: unknown = index === undefined ? undefined : list[Number(index)];
    const name = isPlainObject(item) && typeof item.stack === "string" ? item.stack : undefined;
    const entry = index === undefined ? "" : `entry ${name ? JSON.stringify(name) : `#${Number(index) + 1}`}: `;
    return new UsageError(`${shown(file)}: ${entry}${e.message.replace(/^config key/, "key")}`);
}

function hasKubernetes(config: Record<string, unknown>): boolean {
    const k8s = config["agentless-discovery:kubernetes"] ?? config.kubernetes;
    return isPlainObject(k8s) && Array.isArray(k8s.clusters) && k8s.clusters.length > 0;
}

function freshness(loaded: Loaded, now: Date, annotate: boolean, stacksDir: string): number {
    const { maxAgeDays, onStale } = loaded.deployments.freshness;
    let stale = 0;
    for (const d of loaded.deployments.deployments) {
        const file = defaultCloudStatePath(stacksDir, d.stack);
        let line: string;
        let fresh = false;
        try {
            const f = freshnessOf(readRegularFile(file), now, maxAgeDays);
            fresh = f.state === "fresh";
            line = describeFreshness(shown(file), f, maxAgeDays, d.stack);
        } catch (e) {
            const why = e instanceof FileReadError ? e.reason : `cannot be read (${(e as Error).message})`;
            line = `${shown(file)} ${why}; run npm run cloud-state -- --stack ${d.stack} and commit the file`;
        }
        if (fresh) {
            process.stdout.write(`ok    ${line}\n`);
            continue;
        }
        stale++;
        process.stdout.write(`${onStale === "fail" ? "FAIL " : "warn "} ${line}\n`);
        if (annotate)
            process.stdout.write(
                `::${onStale === "fail" ? "error" : "warning"} file=${shown(file)},title=cloud-state file not fresh::${line}\n`,
            );
    }
    const n = loaded.deployments.deployments.length;
    process.stdout.write(
        `${stale ? (onStale === "fail" ? "FAIL" : "WARN") : "PASS"}: ${n - stale} of ${n} deployed stacks' cloud-state files read within ${maxAgeDays} days${stale && onStale === "warn" ? " (freshness.onStale is warn)" : ""}\n`,
    );
    return stale && onStale === "fail" ? 1 : 0;
}

function kubeCredentials(loaded: Loaded, stack: string, kubeconfig: string | undefined): number {
    if (!loaded.deployments.deployments.some((d) => d.stack === stack))
        throw new UsageError(
            `--stack ${JSON.stringify(stack)} is not deployed: ${shown(loaded.file)} lists ${loaded.deployments.deployments.map((d) => d.stack).join(", ") || "(none)"}`,
        );
    const config = loaded.stackConfig(stack);
    const production = [config["agentless-discovery:production"], config.production].some(
        (v) => v === true || v === "true",
    );
    const k8s = loadKubernetesConfig(config["agentless-discovery:kubernetes"] ?? config.kubernetes, production);
    const fallback =
        kubeconfig ?? process.env.KUBECONFIG?.split(path.delimiter)[0] ?? path.join(os.homedir(), ".kube", "config");
    const { steps, notes } = kubeCredentialSteps(k8s?.clusters ?? [], fallback);
    for (const n of notes) process.stdout.write(`note: ${n}\n`);
    for (const s of steps) {
        fs.mkdirSync(path.dirname(s.kubeconfig), { recursive: true });
        process.stdout.write(`$ ${s.argv.join(" ")}\n`);
        const r = spawnSync(s.argv[0], s.argv.slice(1), {
            stdio: "inherit",
            env: { ...process.env, KUBECONFIG: s.kubeconfig },
        });
        if (r.error) {
            process.stderr.write(
                `error: ${s.argv[0]} could not be run (${(r.error as NodeJS.ErrnoException).code ?? r.error.message}); ${s.needs}\n`,
            );
            return 1;
        }
        if (r.status !== 0) {
            process.stderr.write(
                `error: ${s.argv.slice(0, 3).join(" ")} exited with ${r.status ?? r.signal} for ${s.cluster}\n`,
            );
            return 1;
        }
    }
    return 0;
}

export async function deploymentsCommand(argv: string[]): Promise<number> {
    const args = parseArgs(argv, {
        values: ["file", "now", "stack", "kubeconfig"],
        booleans: ["snapshot", "annotate"],
    });
    const [sub, ...extra] = args.positional;
    if (extra.length)
        throw new UsageError(`unexpected argument ${JSON.stringify(extra[0])}; deployments takes one command`);
    const stacksDir = STACKS_DIR;
    const file = stringFlag(args, "file") ?? path.join(stacksDir, "deployments.yaml");
    const allowed: Record<string, string[]> = {
        matrix: ["file", "snapshot"],
        freshness: ["file", "now", "annotate"],
        "kube-credentials": ["file", "stack", "kubeconfig"],
    };
    if (!sub || !allowed[sub])
        throw new UsageError(
            `${sub ? `unknown command ${JSON.stringify(sub)}` : "a command is needed"}; expected one of ${Object.keys(allowed).join(", ")}`,
        );
    for (const f of Object.keys(args.flags))
        if (!allowed[sub].includes(f)) throw new UsageError(`option --${f} does not apply to ${sub}`);
    const loaded = loadDeployments(file, stacksDir);
    switch (sub) {
        case "matrix": {
            const jobs = args.flags.snapshot
                ? snapshotJobs(loaded.deployments)
                : deploymentJobs(loaded.deployments, (s) => hasKubernetes(loaded.stackConfig(s)));
            process.stdout.write(JSON.stringify(jobs) + "\n");
            return 0;
        }
        case "freshness": {
            const nowFlag = stringFlag(args, "now");
            const now = nowFlag === undefined ? new Date() : new Date(nowFlag);
            if (Number.isNaN(now.getTime()))
                throw new UsageError(
                    `--now ${JSON.stringify(nowFlag)} is not a time; expected an ISO 8601 time such as 2026-12-07T02:30:00Z`,
                );
            return freshness(loaded, now, Boolean(args.flags.annotate), stacksDir);
        }
        default: {
            const stack = stringFlag(args, "stack");
            if (!stack) throw new UsageError("kube-credentials needs --stack NAME");
            return kubeCredentials(loaded, stack, stringFlag(args, "kubeconfig"));
        }
    }
}
