#!/usr/bin/env node
import { escapeControl } from "../lib/escape";
import { isConfigError } from "../lib/errors";
import { systemErrorLine, UsageError } from "../lib/errors";
import { tolerateClosedOutput } from "./output";
import { StoreError } from "../inventory/store/types";

const USAGE = `usage: npm run <command> -- [options]
  plan      show every resource a stack would create, offline        (npm run plan -- --help)
  gate      apply the policy pack offline; exit 1 on a mandatory violation (npm run gate -- --help)
  snapshot  read clusters, store an inventory snapshot, diff it      (npm run snapshot -- --help)
  respond   isolate, release or terminate a pod                      (npm run respond -- --help)
  cloud-state  write (or --check) a stack's cloud-state file from the live cloud (npm run cloud-state -- --help)
  deployments  the deployed stacks: CI's job matrix, cloud-state freshness, cluster credentials (npm run deployments -- --help)`;

type Command = (argv: string[]) => Promise<number>;

const commands: Record<string, () => Promise<{ run: Command; usage: string }>> = {
    plan: async () => {
        const m = await import("./plan");
        return { run: m.planCommand, usage: m.PLAN_USAGE };
    },
    gate: async () => {
        const m = await import("./gate");
        return { run: m.gateCommand, usage: m.GATE_USAGE };
    },
    snapshot: async () => {
        const m = await import("./snapshot");
        return { run: m.snapshotCommand, usage: m.SNAPSHOT_USAGE };
    },
    respond: async () => {
        const m = await import("./respond");
        return { run: m.respondCommand, usage: m.RESPOND_USAGE };
    },
    "cloud-state": async () => {
        const m = await import("./cloudState");
        return { run: (argv) => m.cloudStateCommand(argv), usage: m.CLOUD_STATE_USAGE };
    },
    deployments: async () => {
        const m = await import("./deployments");
        return { run: m.deploymentsCommand, usage: m.DEPLOYMENTS_USAGE };
    },
};

/** The machine refused an operation the run needs (full disk, read-only file system...). */
export const EXIT_SYSTEM = 4;

async function main(argv: string[]): Promise<number> {
    tolerateClosedOutput(process.stdout, process.stderr);
    const [name, ...rest] = argv;
    const load = name ? commands[name] : undefined;
    if (!load) {
        process.stderr.write(`${name ? `unknown command ${JSON.stringify(name)}\n` : ""}${USAGE}\n`);
        return 2;
    }
    const cmd = await load();
    if (rest.includes("--help") || rest.includes("-h")) {
        process.stdout.write(cmd.usage + "\n");
        return 0;
    }
    try {
        return await cmd.run(rest);
    } catch (e) {
        // A user's mistake gets its message alone; anything else is a bug and keeps its trace.
        if (
            isConfigError(e) ||
            e instanceof UsageError ||
            e instanceof StoreError ||
            (e as { __pulumiRunError?: boolean } | undefined)?.__pulumiRunError === true
        ) {
            process.stderr.write(`error: ${escapeControl((e as Error).message)}\n`);
            return 2;
        }
        // The machine refused (disk full, read-only, permissions): one line, not a trace.
        const line = systemErrorLine(e);
        if (line) {
            process.stderr.write(`error: ${line}\n`);
            return EXIT_SYSTEM;
        }
        throw e;
    }
}

main(process.argv.slice(2)).then(
    (code) => {
        process.exitCode = code;
        // The mock runtime keeps handles open; a finished command must not wait on them.
        setImmediate(() => process.exit(code));
    },
    (e) => {
        process.stderr.write(`${(e as Error).stack ?? e}\n`);
        process.exit(1);
    },
);
