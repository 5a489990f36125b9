import * as path from "path";
import { evaluateStack } from "../lib/evaluate";

// Runs the bare program through the same mock evaluation as `plan`, and prints the count.
evaluateStack({ stack: "bare", config: {}, secretKeys: [], cloudStateFile: "" }, path.join(__dirname, "bareProgram")).then(
    (e) => {
        process.stdout.write(`${e.resources.length} resources\n`);
        process.exit(0);
    },
    (err) => {
        process.stderr.write(`${err}\n`);
        process.exit(1);
    },
);
