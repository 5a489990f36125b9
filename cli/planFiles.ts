import { UsageError } from "../lib/errors";
import { FileReadError, readRegularFile } from "../lib/regularFile";
import { checkDistinctStacks, PlanClustersError, planClusters, StackPlan } from "../inventory/fleet/planClusters";

/**
 * `--plan FILE` (repeatable): the plan documents of the stacks whose onboarded clusters the fleet
 * view lists. A bad file stops the command with one line naming it and what is wrong (exit 2).
 */
export function readPlans(files: readonly string[]): StackPlan[] {
    const plans = files.map((file) => {
        let text: string;
        try {
            text = readRegularFile(file);
        } catch (e) {
            if (e instanceof FileReadError) throw new UsageError(`--plan ${e.message}`);
            const code = (e as NodeJS.ErrnoException).code;
            throw new UsageError(`--plan ${file}: ${code === "ENOENT" ? "no such file" : `cannot be read (${code})`}`);
        }
        let doc: unknown;
        try {
            doc = JSON.parse(text);
        } catch (e) {
            throw new UsageError(
                `--plan ${file}: not valid JSON (${(e as Error).message}); write it with npm run plan -- --stack S --format json`,
            );
        }
        try {
            return planClusters(doc, `--plan ${file}`);
        } catch (e) {
            if (e instanceof PlanClustersError) throw new UsageError(e.message);
            throw e;
        }
    });
    try {
        checkDistinctStacks(plans);
    } catch (e) {
        if (e instanceof PlanClustersError) throw new UsageError(e.message);
        throw e;
    }
    return plans;
}
