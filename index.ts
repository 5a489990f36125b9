import { readStackConfig } from "./lib/stackConfig";
import { buildProgram } from "./program";
import { lookupSourceForRun } from "./cloudState/source";

// Config is validated in full, and the cloud read, before a single resource is declared: a bad
// value or a failed lookup creates (and deletes) nothing. Pulumi awaits the exported promise.
const outputs = buildProgram(readStackConfig(), lookupSourceForRun());

export = outputs;
