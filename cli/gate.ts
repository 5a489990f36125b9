import * as fs from "fs";
import { Violation } from "../policies/evaluate";
import { ResourceView } from "../policies/types";
import { oneOfFlag, parseArgs, stringFlag } from "./args";
import { UsageError } from "./errors";
import { writeOut } from "./output";
import { buildPlan } from "./plan";
import { readPolicyConfig } from "./policyConfig";
import { loadPolicyPack } from "./policyPack";

export const GATE_USAGE = `usage: npm run gate -- (--stack NAME [--cloud-state FILE] | --plan FILE) [--policy-config FILE] [--policy-pack DIR] [--format text|json|markdown]
  Applies the policy pack to a stack evaluated offline (--stack) or to a saved
  \`npm run plan -- --format json\` document (--plan). Exit 1 on any mandatory violation.
  --cloud-state FILE answers the stack's cloud lookups (default stacks/<NAME>.cloud.yaml).
  --policy-pack DIR judges by the pack in DIR (CI: the base branch's policies/) instead of ./policies.`;

/** Reads a saved plan document, checking the shape the gate relies on. */
export function readPlanFile(file: string, flag = "--plan"): { stack: string; resources: ResourceView[] } {
    let doc: unknown;
    try {
        doc = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (e) {
        throw new UsageError(`${flag} ${file}: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : "not valid JSON"}`);
    }
    const d = doc as { stack?: unknown; resources?: unknown };
    if (!d || typeof d !== "object" || !Array.isArray(d.resources)) {
        throw new UsageError(`${flag} ${file}: not a plan document (expected {"stack", "resources": [...]}, as \`npm run plan -- --format json\` writes)`);
    }
    d.resources.forEach((r, i) => {
        const x = r as Partial<ResourceView>;
        if (typeof x?.type !== "string" || typeof x?.name !== "string" || typeof x?.inputs !== "object" || x.inputs === null) {
            throw new UsageError(`${flag} ${file}: resources[${i}] needs "type", "name" and "inputs"`);
        }
    });
    return { stack: typeof d.stack === "string" ? d.stack : "(unnamed)", resources: d.resources as ResourceView[] };
}

export function renderViolations(stack: string, violations: Violation[], format: "text" | "json" | "markdown"): string {
    const mandatory = violations.filter((v) => v.level === "mandatory").length;
    const verdict = mandatory > 0 ? "FAIL" : "PASS";
    if (format === "json") return JSON.stringify({ stack, verdict, violations }, null, 2) + "\n";
    if (format === "markdown") {
        const lines = [`### Policy gate for \`${stack}\`: **${verdict}**`, "", `${violations.length} violations, ${mandatory} mandatory`, ""];
        if (violations.length) {
            lines.push("| level | policy | resource | message |", "|---|---|---|---|");
            for (const v of violations) lines.push(`| ${v.level} | ${v.policy} | \`${v.resource}\` | ${v.message.replace(/\|/g, "\\|")} |`);
        }
        return lines.join("\n") + "\n";
    }
    const lines = violations.map((v) => `[${v.level}] ${v.policy} on ${v.resource || "(stack)"}: ${v.message}`);
    lines.push(`${verdict}: stack ${stack}, ${violations.length} violations, ${mandatory} mandatory`);
    return lines.join("\n") + "\n";
}

export async function gateCommand(argv: string[]): Promise<number> {
    const args = parseArgs(argv, { values: ["stack", "plan", "policy-config", "policy-pack", "format", "cloud-state"], repeatable: ["config"] });
    const format = oneOfFlag(args, "format", ["text", "json", "markdown"] as const, "text");
    const planFile = stringFlag(args, "plan");
    const stackName = stringFlag(args, "stack");
    if (planFile && stackName) throw new UsageError("give either --stack or --plan, not both");
    if (!planFile && !stackName) throw new UsageError("give --stack NAME to evaluate a stack, or --plan FILE for a saved plan");
    const pack = loadPolicyPack(stringFlag(args, "policy-pack"));
    const policyConfig = readPolicyConfig(stringFlag(args, "policy-config"), pack.rules);
    let stack: string;
    let resources: ResourceView[];
    if (planFile) {
        const plan = readPlanFile(planFile);
        stack = plan.stack;
        resources = plan.resources;
    } else {
        const cloudState = stringFlag(args, "cloud-state");
        const passOn = ["--stack", stackName!, ...(cloudState ? ["--cloud-state", cloudState] : []), ...(args.multi.config ?? []).flatMap((c) => ["--config", c])];
        const { doc } = await buildPlan(passOn);
        stack = doc.stack;
        resources = doc.resources as ResourceView[];
    }
    // The plan's own verdicts are ignored: the gate judges the resources with the chosen pack.
    const violations: Violation[] = pack.evaluate(resources, pack.rules, policyConfig);
    await writeOut(renderViolations(stack, violations, format));
    return violations.some((v) => v.level === "mandatory") ? 1 : 0;
}
