import { evaluateStack } from "../plan/evaluate";
import { evaluatePolicies } from "../policies/evaluate";
import { RULES } from "../policies/rules";
import { readPolicyConfig } from "./policyConfig";
import { readStackFile } from "../config/stackFile";
import { writeOut } from "./output";
import { keyValues, oneOfFlag, parseArgs, stringFlag } from "./args";
import { diffPlans } from "../plan/diff";
import { readPlanFile } from "../plan/file";
import { planDocument, PlanDocument } from "../plan/document";
import { renderMarkdown, renderTable } from "../plan/format";
import { UsageError } from "../lib/errors";

export const PLAN_FORMATS = ["table", "json", "markdown"] as const;

export const PLAN_USAGE = `usage: npm run plan -- --stack NAME [--format table|json|markdown] [--cloud-state FILE] [--against PLAN.json] [--config KEY=VALUE ...]
  Evaluates the program for stacks/Pulumi.<NAME>.yaml (or examples/stacks/) under Pulumi's mock runtime, offline.
  --stack   the stack to plan (required: stacks/ and examples/stacks/ hold several, and no default is safe)
  --format  table (default), json (the stable document) or markdown (for a pull-request comment)
  --cloud-state  the YAML file that answers the program's cloud lookups (default <NAME>.cloud.yaml beside the stack file);
                 the plan never asks the cloud itself
  --against  a saved plan (--format json) to compare with: resources added, removed or changed (the drift)
  --config  a value for an encrypted config key, repeatable; treated as a secret
  --policy-config  a policy-pack config file ({"<rule>": "advisory"|"mandatory"|"disabled"|{"enforcementLevel", "production": true}})`;

/** Evaluates a stack into the plan document. Shared by `plan` and `gate`. */
export async function buildPlan(argv: string[]): Promise<{ doc: PlanDocument; format: (typeof PLAN_FORMATS)[number] }> {
    const args = parseArgs(argv, {
        values: ["stack", "format", "policy-config", "cloud-state", "against"],
        repeatable: ["config"],
    });
    const format = oneOfFlag(args, "format", PLAN_FORMATS, "table");
    if (args.positional.length > 0)
        throw new UsageError(
            `unexpected argument ${JSON.stringify(args.positional[0])}; plan takes options only (the stack is --stack NAME)`,
        );
    const stack = stringFlag(args, "stack");
    if (stack === undefined) throw new UsageError("give the stack to plan with --stack NAME");
    const file = readStackFile(stack, keyValues(args.multi.config, "config"));
    const cloudState = stringFlag(args, "cloud-state");
    if (cloudState !== undefined) {
        if (cloudState.trim() === "")
            throw new UsageError(
                "--cloud-state needs a file name; the offline plan answers every lookup from a file, never from the cloud",
            );
        file.cloudStateFile = cloudState;
    }
    const policyConfig = readPolicyConfig(stringFlag(args, "policy-config"));
    const evaluation = await evaluateStack(file);
    const violations = evaluatePolicies(evaluation.resources, RULES, policyConfig);
    const doc = planDocument(stack, evaluation.resources, violations, evaluation.notes);
    const against = stringFlag(args, "against");
    if (against !== undefined) doc.changes = diffPlans(readPlanFile(against, "--against"), doc, against);
    return { doc, format };
}

export async function planCommand(argv: string[]): Promise<number> {
    const { doc, format } = await buildPlan(argv);
    const text =
        format === "json"
            ? JSON.stringify(doc, null, 2) + "\n"
            : format === "markdown"
              ? renderMarkdown(doc)
              : renderTable(doc);
    await writeOut(text);
    return 0;
}
