import { PROJECT } from "../../config";
import { PlanResource, startMockSession } from "../../plan/mockRuntime";
import { MockContext } from "../../plan/mockState";
import { PlanNote } from "../../stack/notes";
import { readLog } from "../../plan/evaluate";

/**
 * Declares resources under the process-wide mock runtime and returns the ones that `declare`
 * registered, with their inputs as the engine received them. Give each test's components unique
 * names: the runtime is shared by every test file in the mocha process.
 */
export async function registered(declare: () => unknown, context: MockContext = {}): Promise<PlanResource[]> {
    const session = await startMockSession(PROJECT, "test");
    Object.assign(session.context, context);
    const start = session.resources.length;
    // A program that reads the cloud first declares once its lookups are answered.
    await declare();
    await session.settle();
    return session.resources.slice(start);
}

export function byType(resources: PlanResource[], type: string): PlanResource[] {
    return resources.filter((r) => r.type === type);
}

export function one(resources: PlanResource[], type: string, name?: string): PlanResource {
    const found = resources.filter((r) => r.type === type && (name === undefined || r.name === name));
    if (found.length !== 1) {
        throw new Error(
            `expected one ${type}${name ? ` named ${name}` : ""}, found ${found.length}: ${found.map((r) => r.name).join(", ")}`,
        );
    }
    return found[0];
}

/**
 * The notes the program logged since the last take, read back from the mock runtime's engine as
 * the offline plan reads them (after every pending registration and log message is answered).
 */
export async function takeNotes(): Promise<PlanNote[]> {
    const session = await startMockSession(PROJECT, "test");
    await session.settle();
    return readLog(session.takeLogs()).notes;
}
