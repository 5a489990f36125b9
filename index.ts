import { readStackConfig } from "./config/stackConfig";
import { buildProgram } from "./stack/program";
import { cloudSource, LookupSource } from "./lookup/source";

/**
 * The Pulumi program. The Node.js language host calls the exported function with no argument and
 * awaits its result inside the root stack (docs/sources.md, "runtime and dependencies"), so
 * `pulumi preview` and `up` read the cloud; the offline plan (plan/evaluate.ts) passes the
 * cloud-state file's source. Config is validated in full, and the cloud read, before a single
 * resource is declared: a bad value or a failed lookup creates (and deletes) nothing.
 */
function program(source: LookupSource = cloudSource()): Promise<Record<string, unknown>> {
    return buildProgram(readStackConfig(), source);
}

export = program;
