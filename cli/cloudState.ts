import * as fs from "fs";
import * as path from "path";
import { parseArgs, stringFlag } from "./args";
import { writeOut } from "./output";
import { readStackFile } from "../config/stackFile";
import { loadStackConfig, parseConfigValue, PROJECT, StackConfig } from "../config";
import { LookupError, UsageError } from "../lib/errors";
import { escapeControl } from "../lib/escape";
import { lineDiff } from "../lib/lineDiff";
import { writeFileAtomic } from "../lib/atomicWrite";
import { CloudLookups, checkCloudState, liveLookups, readCloudState } from "../stack/cloudState";
import { readCloudStateFile } from "../lookup/stateFile";
import { renderCloudState, renderHeader } from "../lookup/stateExport";

export const CLOUD_STATE_USAGE = `usage: npm run cloud-state -- --stack NAME [--out FILE] [--check]
  Reads the live cloud with the lookups \`pulumi preview\` makes for the stack, with the deployer's own
  credentials, and writes what they answered as the stack's cloud-state file (docs/cloud-state.md).
  --stack  the stack whose lookups are made (stacks/Pulumi.<NAME>.yaml, or examples/stacks/)
  --out    the file to write (default: <NAME>.cloud.yaml beside the stack file, the one the plan reads)
  --check  write nothing; exit 1 and print the difference when the file no longer matches the cloud
  Exit codes: 0 written, or (--check) the file matches; 1 (--check) the file differs or is missing;
  2 usage, stack config or file error; 3 a cloud lookup failed (nothing written);
  4 the machine refused the write (the file is left as it was).`;

/** A cloud lookup failed: nothing is written. */
export const EXIT_LOOKUP_FAILED = 3;

/** What tests replace: the live lookups, who reads, and the clock. */
export interface CloudStateDeps {
    lookups?: (cfg: StackConfig) => CloudLookups;
    identity?: (cfg: StackConfig) => Promise<string>;
    now?: () => Date;
}

/** Who reads, as the cloud's credentials name it (lookup/identity.ts). */
async function liveIdentity(cfg: StackConfig): Promise<string> {
    const id = require("../lookup/identity") as typeof import("../lookup/identity");
    if (cfg.cloud === "aws") return id.awsIdentity(cfg.aws!.accountId);
    if (cfg.cloud === "azure") return id.azureIdentity();
    return id.gcpIdentity();
}

/** The stack's validated config from its stack file, and the cloud-state file the plan reads for it. */
export function stackConfig(stack: string): { cfg: StackConfig; defaultOut: string } {
    const file = readStackFile(stack);
    const values: Record<string, unknown> = {};
    for (const [key, raw] of Object.entries(file.config))
        if (key.startsWith(`${PROJECT}:`)) values[key.slice(PROJECT.length + 1)] = parseConfigValue(raw);
    return { cfg: loadStackConfig(stack, values), defaultOut: file.cloudStateFile };
}

/** The sections of a cloud-state file that --check compares (its description is free text). */
function comparable(sections: Record<string, unknown>): string {
    const { description: _d, ...rest } = sections;
    return renderCloudState(rest);
}

export async function cloudStateCommand(argv: string[], deps: CloudStateDeps = {}): Promise<number> {
    const args = parseArgs(argv, { values: ["stack", "out"], booleans: ["check"] });
    if (args.positional.length > 0)
        throw new UsageError(
            `unexpected argument ${JSON.stringify(args.positional[0])}; cloud-state takes options only (the stack is --stack NAME)`,
        );
    const stack = stringFlag(args, "stack");
    if (stack === undefined) throw new UsageError("give the stack whose cloud is read with --stack NAME");
    const { cfg, defaultOut } = stackConfig(stack);
    const out = stringFlag(args, "out") ?? defaultOut;
    if (out.trim() === "") throw new UsageError("--out needs a file name");
    const check = args.flags.check === true;
    const dir = path.dirname(path.resolve(out));
    if (!check && !fs.statSync(dir, { throwIfNoEntry: false })?.isDirectory())
        throw new UsageError(`--out ${JSON.stringify(out)}: the directory ${dir} does not exist`);
    const existing = fs.statSync(out, { throwIfNoEntry: false });
    if (existing && !existing.isFile())
        throw new UsageError(`--out ${JSON.stringify(out)} is not a regular file; give the cloud-state file to write`);

    const now = (deps.now ?? (() => new Date()))();
    const lookups = (deps.lookups ?? liveLookups)(cfg);
    const [sections, identity] = await Promise.all([
        readCloudState(cfg, lookups).catch((e: unknown) => e),
        (deps.identity ?? liveIdentity)(cfg),
    ]);
    if (sections instanceof LookupError) {
        process.stderr.write(
            `error: ${escapeControl(`cloud lookup ${sections.call} in ${sections.scope} failed: ${sections.reason}; ${out} is not ${check ? "checked" : "written"}${existing && !check ? " (left as it was)" : ""}`)}\n`,
        );
        return EXIT_LOOKUP_FAILED;
    }
    if (sections instanceof Error) throw sections;
    const state = sections as Record<string, unknown>;
    // The file must read back as the plan reads it: a cloud answer the format cannot hold is an error here, not in the plan.
    checkCloudState(cfg, state, out);
    const readAt = now.toISOString().replace(/\.\d{3}Z$/, "Z");

    if (check) {
        if (!existing) {
            await writeOut(`${out} does not exist; the cloud (read at ${readAt}) gives:\n${comparable(state)}`);
            return 1;
        }
        const before = comparable(readCloudStateFile(out).sections);
        const diff = lineDiff(before, comparable(state));
        if (diff.length === 0) {
            await writeOut(`${out} matches the cloud (read at ${readAt} as ${identity})\n`);
            return 0;
        }
        await writeOut(
            `${out} no longer matches the cloud (read at ${readAt} as ${identity}); - the file, + the cloud (lines of the file's canonical form, without its description):\n` +
                diff.join("\n") +
                "\n",
        );
        return 1;
    }
    writeFileAtomic(out, renderHeader({ stack, readAt, identity }) + renderCloudState(state));
    await writeOut(`wrote ${out} from the cloud read at ${readAt} as ${identity}\n`);
    return 0;
}
