import * as fs from "fs";
import * as path from "path";
import { UsageError } from "../lib/errors";
import { PROJECT } from "./";
import { parseStackYaml, YamlReadError } from "../lib/yaml";
import { FileReadError, readRegularFile } from "../lib/regularFile";
import { isPlainObject } from "./read";
import { show } from "../lib/errors";
import { PACKAGE_ROOT } from "../lib/packageRoot";

/** Where stack files live; tests point it elsewhere with AGENTLESS_STACKS_DIR. */
export const STACKS_DIR = process.env.AGENTLESS_STACKS_DIR ?? path.join(PACKAGE_ROOT, "stacks");
/**
 * The example stacks (made-up ids), planned and gated like the user's own but never deployed by the
 * workflows; a stack of `stacks/` with the same name wins. Not searched when AGENTLESS_STACKS_DIR is set.
 */
export const EXAMPLE_STACKS_DIR = process.env.AGENTLESS_STACKS_DIR
    ? undefined
    : path.join(PACKAGE_ROOT, "examples", "stacks");

export interface StackFile {
    stack: string;
    /** `namespace:key` → the string Pulumi would hand the program (objects as JSON). */
    config: Record<string, string>;
    secretKeys: string[];
    /** The cloud-state file that answers the program's lookups offline: `<stack>.cloud.yaml` beside it by default. */
    cloudStateFile: string;
}

export function listStacks(dir = STACKS_DIR): string[] {
    if (!fs.existsSync(dir)) return [];
    return fs
        .readdirSync(dir)
        .map((f) => /^Pulumi\.(.+)\.ya?ml$/.exec(f)?.[1])
        .filter((s): s is string => s !== undefined)
        .sort();
}

function hasSecure(v: unknown): boolean {
    if (Array.isArray(v)) return v.some(hasSecure);
    if (v && typeof v === "object") {
        const o = v as Record<string, unknown>;
        if (Object.keys(o).length === 1 && typeof o.secure === "string") return true;
        return Object.values(o).some(hasSecure);
    }
    return false;
}

/**
 * Reads `stacks/Pulumi.<stack>.yaml` the way the Pulumi CLI does for config: bare keys belong to
 * the project, objects are passed as JSON. Encrypted (`secure:`) values cannot be read offline, so
 * they must be supplied through overrides.
 */
export function readStackFile(
    stack: string,
    overrides: Record<string, string> = {},
    dir = STACKS_DIR,
    examplesDir = dir === STACKS_DIR ? EXAMPLE_STACKS_DIR : undefined,
): StackFile {
    if (!/^[\w.-]+$/.test(stack))
        throw new UsageError(
            `stack name ${JSON.stringify(stack)} is not valid; expected letters, digits, "-", "_" and "."`,
        );
    const dirs = examplesDir ? [dir, examplesDir] : [dir];
    const file = dirs
        .flatMap((d) => [".yaml", ".yml"].map((ext) => path.join(d, `Pulumi.${stack}${ext}`)))
        .find((f) => fs.existsSync(f));
    if (!file) {
        const known = [...new Set(dirs.flatMap((d) => listStacks(d)))].sort();
        throw new UsageError(
            `unknown stack ${JSON.stringify(stack)}: no stacks/Pulumi.${stack}.yaml${examplesDir ? ` nor examples/stacks/Pulumi.${stack}.yaml` : ""}; known stacks: ${known.join(", ") || "(none)"}`,
        );
    }
    dir = path.dirname(file);
    let doc: unknown;
    try {
        doc = parseStackYaml(readRegularFile(file));
    } catch (e) {
        if (e instanceof FileReadError) throw new UsageError(`stack file ${e.message}`);
        const syntax = !(e instanceof YamlReadError) || e.kind === "syntax";
        throw new UsageError(
            `${shown(file)}${syntax ? " is not valid YAML" : ""}: ${(e as Error).message.split("\n")[0]}`,
        );
    }
    // Pulumi's stack file is a mapping whose `config` is a mapping (absent or empty: no config).
    if (doc !== null && doc !== undefined && !isPlainObject(doc))
        throw new UsageError(
            `${shown(file)}: a stack file is a mapping with a "config" key, not ${Array.isArray(doc) ? "a list" : `the ${typeof doc} ${show(doc)}`}`,
        );
    const configNode = (doc as { config?: unknown } | null)?.config;
    if (configNode !== null && configNode !== undefined && !isPlainObject(configNode))
        throw new UsageError(
            `${shown(file)}: "config" is a mapping of config keys to values, not ${Array.isArray(configNode) ? "a list" : `the ${typeof configNode} ${show(configNode)}`}`,
        );
    const raw = configNode ?? {};
    const config: Record<string, string> = {};
    const secretKeys: string[] = [];
    // `--config azureTenantId=...` and `--config agentless-discovery:azureTenantId=...` name one key.
    const overridden = new Set(Object.keys(overrides).map((k) => (k.includes(":") ? k : `${PROJECT}:${k}`)));
    for (const [k, v] of Object.entries(raw)) {
        const key = k.includes(":") ? k : `${PROJECT}:${k}`;
        if (overridden.has(key)) continue;
        if (hasSecure(v)) {
            throw new UsageError(
                `config key "${key}" in ${path.basename(file)} is encrypted, and the offline plan cannot decrypt it; give a value with --config ${key}=VALUE`,
            );
        }
        config[key] = typeof v === "string" ? v : JSON.stringify(v);
    }
    for (const [k, v] of Object.entries(overrides)) {
        const key = k.includes(":") ? k : `${PROJECT}:${k}`;
        config[key] = v;
        secretKeys.push(key);
    }
    return {
        stack,
        config,
        secretKeys,
        cloudStateFile:
            path.relative(process.cwd(), defaultCloudStatePath(dir, stack)) || defaultCloudStatePath(dir, stack),
    };
}

/** A path for a message: relative to the working directory. */
function shown(file: string): string {
    return path.relative(process.cwd(), file) || file;
}

/** `stacks/<stack>.cloud.yaml`, beside the stack's `Pulumi.<stack>.yaml`. */
export function defaultCloudStatePath(stacksDir: string, stack: string): string {
    return path.join(stacksDir, `${stack}.cloud.yaml`);
}
