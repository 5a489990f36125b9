/**
 * What the program logged under the mock runtime. With no engine to send it to, the SDK writes
 * each `pulumi.log.*` message to the console, prefixed with its severity (`info: [runtime] ...`,
 * @pulumi/pulumi log/index.js); the offline plan reads those lines back instead of printing them,
 * so the program's notes and errors reach the plan through Pulumi's log, the path they take to
 * the CLI under `pulumi preview`, and no module keeps them in a variable for the plan to read.
 * The console is the process's own, and this process runs one program: the plan's, or the tests'.
 */
export type Severity = "debug" | "info" | "warning" | "error";

export interface LogLine {
    severity: Severity;
    message: string;
}

const PREFIX = /^(debug|info|warning|error): \[runtime\] /;

/** The log message a console line carries, or undefined for any other output. */
export function parseLogLine(line: unknown): LogLine | undefined {
    if (typeof line !== "string") return undefined;
    const m = PREFIX.exec(line);
    return m ? { severity: m[1] as Severity, message: line.slice(m[0].length) } : undefined;
}

export interface LogCapture {
    /** Every message logged since the last take, in the order the program logged them. */
    take: () => LogLine[];
}

/** Takes the SDK's log lines off the console from now on; any other output is printed as before. */
export function captureLog(): LogCapture {
    let lines: LogLine[] = [];
    for (const method of ["log", "warn", "error"] as const) {
        const print = console[method].bind(console);
        console[method] = (...args: unknown[]) => {
            const l = args.length === 1 ? parseLogLine(args[0]) : undefined;
            if (l) lines.push(l);
            else print(...args);
        };
    }
    return {
        take: () => {
            const out = lines;
            lines = [];
            return out;
        },
    };
}
