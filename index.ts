import { readStackConfig } from "./config/stackConfig";
import { buildProgram } from "./stack/program";
import { lookupSourceForRun } from "./lookup/source";
import { isMockSession } from "./plan/mockFlag";

// Config is validated in full, and the cloud read, before a single resource is declared: a bad
// value or a failed lookup creates (and deletes) nothing. Pulumi awaits the exported promise.
const outputs = buildProgram(readStackConfig(), lookupSourceForRun(process.env, isMockSession));

export = outputs;
