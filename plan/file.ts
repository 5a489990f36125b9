import { ResourceView } from "../policies/types";
import { UsageError } from "../lib/errors";
import { FileReadError, readRegularFile } from "../lib/regularFile";

/** Reads a saved plan document, checking the shape the gate relies on. */
export function readPlanFile(file: string, flag = "--plan"): { stack: string; resources: ResourceView[] } {
    let doc: unknown;
    try {
        doc = JSON.parse(readRegularFile(file));
    } catch (e) {
        if (e instanceof FileReadError && e.code !== "ENOENT") throw new UsageError(`${flag} ${e.message}`);
        throw new UsageError(
            `${flag} ${file}: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : "not valid JSON"}`,
        );
    }
    const d = doc as { stack?: unknown; resources?: unknown };
    if (!d || typeof d !== "object" || !Array.isArray(d.resources)) {
        throw new UsageError(
            `${flag} ${file}: not a plan document (expected {"stack", "resources": [...]}, as \`npm run plan -- --format json\` writes)`,
        );
    }
    d.resources.forEach((r, i) => {
        const x = r as Partial<ResourceView>;
        if (
            typeof x?.type !== "string" ||
            typeof x?.name !== "string" ||
            typeof x?.inputs !== "object" ||
            x.inputs === null
        ) {
            throw new UsageError(`${flag} ${file}: resources[${i}] needs "type", "name" and "inputs"`);
        }
    });
    return { stack: typeof d.stack === "string" ? d.stack : "(unnamed)", resources: d.resources as ResourceView[] };
}
