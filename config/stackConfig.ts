import * as pulumi from "@pulumi/pulumi";
import { loadStackConfig, parseConfigValue, PROJECT, StackConfig } from "./";

/** Reads this project's keys from the Pulumi config of the running stack and validates them. */
export function readStackConfig(): StackConfig {
    const values: Record<string, unknown> = {};
    const prefix = `${PROJECT}:`;
    for (const [key, raw] of Object.entries(pulumi.runtime.allConfig())) {
        if (key.startsWith(prefix)) values[key.slice(prefix.length)] = parseConfigValue(raw);
    }
    return loadStackConfig(pulumi.getStack(), values);
}
