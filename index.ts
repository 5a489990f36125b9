import * as pulumi from "@pulumi/pulumi";
import { readStackConfig } from "./lib/stackConfig";
import { setNoteSink } from "./lib/notes";
import { setProgramErrorSink } from "./lib/programErrors";
import { buildProgram } from "./program";

setNoteSink((n) => pulumi.log.info(`[${n.kind}] ${n.subject}: ${n.message}`));
setProgramErrorSink((e) => pulumi.log.error(e.message));

// Config is validated in full before a single resource is declared: a bad value creates nothing.
const outputs = buildProgram(readStackConfig());

export = outputs;
