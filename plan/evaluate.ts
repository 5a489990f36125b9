import * as pulumi from "@pulumi/pulumi";
import * as path from "path";
import { PROJECT } from "../config";
import { parseNote, PlanNote } from "../stack/notes";
import { LogLine } from "./mockEngine";
import { PlanResource, setKnownSecrets, setStackConfig, startMockSession } from "./mockRuntime";
import { StackFile } from "../config/stackFile";
import { UsageError } from "../lib/errors";
import { fileSource } from "../lookup/source";

export interface Evaluation {
    stack: string;
    resources: PlanResource[];
    notes: PlanNote[];
    /** The stack outputs, as the engine would record them (secrets still wrapped). */
    outputs: Record<string, unknown>;
}

/**
 * Evaluates the real program (`index.ts`, or `dist/index.js` when compiled) for one stack under the
 * mock runtime, loaded as Pulumi's language host loads it: inside the root `pulumi:pulumi:Stack`,
 * its export awaited (called first if it is a function). Where the language host calls it with no
 * argument (the cloud answers), the plan passes the stack's cloud-state file. One stack per
 * process: Pulumi's runtime state is global, so the CLI runs once and exits.
 */
export async function evaluateStack(
    file: StackFile,
    programPath = path.join(__dirname, "..", "index"),
): Promise<Evaluation> {
    // Offline means offline: every lookup is answered by a file, and no path here reaches the cloud
    // (no cloud source is ever made), so a missing or empty file name is an error, not the live chain.
    if (file.cloudStateFile.trim() === "")
        throw new UsageError(`stack ${file.stack}: the offline plan needs a cloud-state file, and none was named`);
    lightenStackTraces();
    setStackConfig(file.config, file.secretKeys);
    // Values given with --config (the stand-ins for encrypted ones) are masked inside secret outputs.
    setKnownSecrets(file.secretKeys.map((k) => file.config[k]).filter((v): v is string => typeof v === "string"));
    const session = await startMockSession(PROJECT, file.stack);
    const source = fileSource(file.cloudStateFile);
    // The harness answers from the file what the program reads itself (a cluster's aws-auth).
    session.context.cloudState = source;
    // An error thrown inside an apply (say, an aws-auth entry this stack must not overwrite) is not
    // thrown by the import: the registrations waiting on it never finish and the event loop drains.
    // Depending on where it lands, the SDK rejects a promise nobody awaits, or nothing at all.
    let settled = false;
    const rejections: unknown[] = [];
    let onRejection: (reason: unknown) => void = () => undefined;
    const rejected = new Promise<void>((resolve) => {
        onRejection = (reason) => {
            rejections.push(reason);
            resolve();
        };
    });
    let onDrained: () => void = () => undefined;
    const drained = new Promise<void>((resolve) => (onDrained = resolve));
    process.once("beforeExit", onDrained);
    process.on("unhandledRejection", onRejection);
    let outputs: Record<string, unknown> = {};
    try {
        // Calling the program reads config (a config error throws from here) and starts its
        // lookups; the promise it returns settles once the cloud is read and resources declared.
        const stackOutputs = pulumi.runtime.runInPulumiStack(async () => {
            const exported: unknown = require(programPath);
            return await (exported instanceof Function ? exported(source) : exported);
        });
        const evaluated = stackOutputs
            .then((o) => {
                outputs = o ?? {};
                return session.settle();
            })
            .then(
                () => {
                    settled = true;
                },
                (e: unknown) => {
                    rejections.push(e);
                },
            );
        await Promise.race([evaluated, rejected, drained]);
        // A message logged against a resource reaches the engine once that resource has its URN,
        // and the SDK delivers messages in order (log/index.js): on a failure, wait for every RPC
        // started so far, log messages included, unless the program stopped for good (drained).
        if (!settled) await Promise.race([session.settle(), drained]);
    } finally {
        process.off("unhandledRejection", onRejection);
        process.off("beforeExit", onDrained);
    }
    const { notes, errors, other } = readLog(session.takeLogs());
    for (const line of other) process.stderr.write(`${line}\n`);
    const failure = errors[0] ?? rejections[0];
    if (failure !== undefined) {
        // The root stack resource rejects its own promises with the program's error once more,
        // after this function returned: that one is already reported.
        process.on("unhandledRejection", (reason) => {
            const same =
                reason === failure ||
                rejections.includes(reason) ||
                (reason instanceof Error && errors.some((e) => reason.message.includes(e.message)));
            if (!same) throw reason;
        });
        throw failure;
    }
    if (!settled)
        throw new Error(
            "the program stopped before every resource was registered: a value it waits on never resolved (an error inside an apply?)",
        );
    return { stack: file.stack, resources: session.resources.slice(), notes, outputs };
}

/**
 * The program's log as the CLI would show it: notes for the plan, errors that fail it (as
 * `pulumi.log.error` fails an update, with the program's words), and the other warnings and infos
 * (say, the SDK's own "Undefined value ... will not show as a stack output"), to print on stderr
 * as the SDK prints them without an engine: stdout may be the plan's JSON.
 */
export function readLog(logs: LogLine[]): { notes: PlanNote[]; errors: Error[]; other: string[] } {
    const notes: PlanNote[] = [];
    const errors: Error[] = [];
    const other: string[] = [];
    for (const l of logs) {
        const n = l.severity === "info" ? parseNote(l.message) : undefined;
        if (n) notes.push(n);
        else if (l.severity === "error") errors.push(new pulumi.RunError(l.message));
        else if (l.severity !== "debug") other.push(`${l.severity}: [runtime] ${l.message}`);
    }
    return { notes, errors, other };
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
