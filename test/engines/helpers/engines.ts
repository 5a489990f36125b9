import * as fs from "fs";
import * as path from "path";

/** The engines `scripts/test-engines.sh` builds, by the variable that names their bin folder. */
const ENGINE_VARS = {
    kube: "AGENTLESS_ENGINE_KUBE_BIN",
    gator: "AGENTLESS_ENGINE_GATOR_BIN",
    pulumi: "AGENTLESS_ENGINE_PULUMI_BIN",
} as const;

export type Engine = keyof typeof ENGINE_VARS;

/**
 * The path of one program of a built engine. The suite runs only through `npm run test:engines`,
 * which builds them; run alone, it fails with how to run it rather than skipping.
 */
export function engineBinary(engine: Engine, program: string): string {
    const dir = process.env[ENGINE_VARS[engine]];
    if (!dir) {
        throw new Error(`${ENGINE_VARS[engine]} is not set: run the engine suite with \`npm run test:engines\``);
    }
    const file = path.join(dir, program);
    if (!fs.existsSync(file)) throw new Error(`${file} is missing: \`bash scripts/go-tools.sh ${engine}\` builds it`);
    return file;
}
