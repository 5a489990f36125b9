import * as path from "path";
import { PROJECT, SECRET_CONFIG_KEYS } from "../config";
import { captureNotesOnly, PlanNote, takeNotes } from "./notes";
import { PlanResource, setKnownSecrets, setStackConfig, startMockSession } from "./mockRuntime";
import { StackFile } from "./stackFile";

export interface Evaluation {
    stack: string;
    resources: PlanResource[];
    notes: PlanNote[];
}

/**
 * Evaluates the real program (`index.ts`) for one stack under the mock runtime. One stack per
 * process: Pulumi's runtime state is global, so the CLI runs once and exits.
 */
export async function evaluateStack(file: StackFile, programPath = path.join(__dirname, "..", "index")): Promise<Evaluation> {
    lightenStackTraces();
    captureNotesOnly();
    setStackConfig(file.config, file.secretKeys);
    setKnownSecrets([...SECRET_CONFIG_KEYS.map((k) => `${PROJECT}:${k}`), ...file.secretKeys]
        .map((k) => file.config[k])
        .filter((v): v is string => typeof v === "string"));
    const session = await startMockSession(PROJECT, file.stack);
    // Importing the program declares its resources; a config error throws from here.
    require(programPath);
    await session.settle();
    return { stack: file.stack, resources: session.resources.slice(), notes: takeNotes() };
}

/**
 * The Pulumi SDK captures a stack trace for every promise and resource it creates, and tsx maps
 * each through source maps: on a 500-cluster stack that was most of the run time and about 1 GB of
 * retained strings. The mock evaluation needs neither, so traces stay short unless
 * AGENTLESS_DEBUG=1 asks for them when debugging the program itself.
 */
function lightenStackTraces(): void {
    if (process.env.AGENTLESS_DEBUG === "1") return;
    Error.stackTraceLimit = 0;
    process.setSourceMapsEnabled(false);
}
