import * as pulumi from "@pulumi/pulumi";
import { readStackConfig } from "./lib/stackConfig";
import { setNoteSink } from "./lib/notes";
import { setProgramErrorSink } from "./lib/programErrors";
import { buildProgram } from "./program";
import { lookupSourceForRun } from "./cloudState/source";

setNoteSink((n) => pulumi.log.info(`[${n.kind}] ${n.subject}: ${n.message}`));
setProgramErrorSink((e) => pulumi.log.error(e.message));

// Config is validated in full, and the cloud read, before a single resource is declared: a bad
// value or a failed lookup creates (and deletes) nothing. Pulumi awaits the exported promise.
const outputs = buildProgram(readStackConfig(), lookupSourceForRun());

export = outputs;
