import type { LogRequest } from "@pulumi/pulumi/proto/engine_pb";

/**
 * The engine the offline plan gives Pulumi's mock runtime, to receive the program's log. Under
 * `pulumi preview` each `pulumi.log.*` message goes to the engine (`Engine.Log`), which the CLI
 * shows; with no engine, as under plain mocks, the SDK prints it on the console instead
 * (@pulumi/pulumi log/index.js asks runtime/settings.js `getEngine()` at each message). With this
 * engine the program's notes and errors reach the plan by the path they take to the CLI, and the
 * console stays the process's own (docs/dependencies.md, "The mock layer").
 */
export type Severity = "debug" | "info" | "warning" | "error";

export interface LogLine {
    severity: Severity;
    message: string;
}

/** engine.proto's LogSeverity, by number (@pulumi/pulumi proto/engine_pb.js). */
const SEVERITIES: readonly Severity[] = ["debug", "info", "warning", "error"];

/** The one method of the SDK's EngineClient that `pulumi.log` calls. */
interface LogEngine {
    log(req: LogRequest, done: (err: Error | null) => void): void;
}

export interface LogReceiver {
    /** Every message logged since the last take, in the order the program logged them (debug left out). */
    take(): LogLine[];
}

/**
 * Installs an engine for `pulumi.log` that keeps each message; debug messages (the SDK's own trace
 * of every RPC, which no engine shows by default) are answered and dropped. Once per process, like
 * the mock runtime itself.
 */
export function receiveLog(): LogReceiver {
    let lines: LogLine[] = [];
    const engine: LogEngine = {
        log: (req, done) => {
            const severity = SEVERITIES[req.getSeverity()];
            // A throw here is printed by the SDK as "failed to deliver log message", with the message.
            if (severity === undefined)
                throw new Error(
                    `log request with severity ${req.getSeverity()}; expected 0 to 3 (engine.proto LogSeverity: DEBUG, INFO, WARNING, ERROR)`,
                );
            if (severity !== "debug") lines.push({ severity, message: req.getMessage() });
            done(null);
        },
    };
    // @internal in the SDK: the log module reads the engine through this export at each message
    // (the settings module's own calls keep the original, so the root stack is not sent to it).
    const settings = require("@pulumi/pulumi/runtime/settings") as { getEngine(): unknown };
    settings.getEngine = () => engine;
    return {
        take: () => {
            const out = lines;
            lines = [];
            return out;
        },
    };
}
