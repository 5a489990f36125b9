import { PolicyConfig, withEnforcement } from "../policies/evaluate";
import { RULES } from "../policies/rules";
import { Rule } from "../policies/types";
import { UsageError } from "../lib/errors";
import { FileReadError, readRegularFile } from "../lib/regularFile";

/** Reads and checks a policy-pack config file, the format `pulumi preview --policy-pack-config` takes. */
export function readPolicyConfig(file: string | undefined, rules: readonly Rule[] = RULES): PolicyConfig | undefined {
    if (!file) return undefined;
    let config: PolicyConfig;
    try {
        config = JSON.parse(readRegularFile(file)) as PolicyConfig;
    } catch (e) {
        if (e instanceof FileReadError && e.code !== "ENOENT") throw new UsageError(`--policy-config ${e.message}`);
        throw new UsageError(
            `--policy-config ${file}: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : "not valid JSON"}`,
        );
    }
    if (typeof config !== "object" || config === null || Array.isArray(config)) {
        throw new UsageError(
            `--policy-config ${file}: holds ${config === null ? "null" : Array.isArray(config) ? "an array" : `a ${typeof config}`}; expected an object of rule names to enforcement levels, e.g. {"all": "advisory"}`,
        );
    }
    try {
        withEnforcement(rules, config);
    } catch (e) {
        throw new UsageError(`--policy-config ${file}: ${(e as Error).message}`);
    }
    return config;
}
