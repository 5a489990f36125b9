import * as path from "path";
import { PROJECT } from "../config";
import { captureNotesOnly, PlanNote, takeNotes } from "./notes";
import { PlanResource, setStackConfig, startMockSession } from "./mockRuntime";
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
    captureNotesOnly();
    setStackConfig(file.config, file.secretKeys);
    const session = await startMockSession(PROJECT, file.stack);
    // Importing the program declares its resources; a config error throws from here.
    require(programPath);
    await session.settle();
    return { stack: file.stack, resources: session.resources.slice(), notes: takeNotes() };
}
