import { spawn } from "child_process";
import { sensorRouteConflicts, StackPlan } from "../policies/crossStack";
import { Violation } from "../policies/evaluate";
import { ResourceView } from "../policies/types";
import { keyValues, oneOfFlag, parseArgs, stringFlag } from "./args";
import { UsageError } from "../lib/errors";
import { escapeControl } from "../lib/escape";
import { writeOut } from "./output";
import { buildPlan } from "./plan";
import { readPolicyConfig } from "./policyConfig";
import { loadPolicyPack } from "./policyPack";
import { readPlanFile } from "../plan/file";

export const GATE_USAGE = `usage: npm run gate -- (--stack NAME [--cloud-state FILE] | --plan FILE) [--with-stack NAME]... [--with-plan FILE]...
         [--with-cloud-state NAME=FILE]... [--policy-config FILE] [--policy-pack DIR] [--format text|json|markdown]
  Applies the policy pack to a stack evaluated offline (--stack) or to a saved
  \`npm run plan -- --format json\` document (--plan). Exit 1 on any mandatory violation.
  --cloud-state FILE answers the stack's cloud lookups (default stacks/<NAME>.cloud.yaml).
  --with-stack / --with-plan name other stacks of the same subscription: they are planned too
  (each with its stacks/<NAME>.cloud.yaml, or --with-cloud-state NAME=FILE) and the checks that
  span stacks run over all of them (a Helm sensor in one, policy 64def556 in another).
  --policy-pack DIR judges by the pack in DIR (CI: the base branch's policies/) instead of ./policies.`;

/**
 * Names and messages come from saved plans (--plan, --with-plan) as much as from our own rules: a
 * control character is shown escaped, so that no file can print a verdict line of its own.
 */
function printable(lines: string[]): string {
    return lines.map(escapeControl).join("\n") + "\n";
}

export function renderViolations(stack: string, violations: Violation[], format: "text" | "json" | "markdown"): string {
    const mandatory = violations.filter((v) => v.level === "mandatory").length;
    const verdict = mandatory > 0 ? "FAIL" : "PASS";
    if (format === "json") return JSON.stringify({ stack, verdict, violations }, null, 2) + "\n";
    if (format === "markdown") {
        const lines = [
            `### Policy gate for \`${stack}\`: **${verdict}**`,
            "",
            `${violations.length} violations, ${mandatory} mandatory`,
            "",
        ];
        if (violations.length) {
            lines.push("| level | policy | resource | message |", "|---|---|---|---|");
            for (const v of violations)
                lines.push(`| ${v.level} | ${v.policy} | \`${v.resource}\` | ${v.message.replace(/\|/g, "\\|")} |`);
        }
        return printable(lines);
    }
    const lines = violations.map((v) => `[${v.level}] ${v.policy} on ${v.resource || "(stack)"}: ${v.message}`);
    lines.push(`${verdict}: stack ${stack}, ${violations.length} violations, ${mandatory} mandatory`);
    return printable(lines);
}

/**
 * Plans another stack in a child process: Pulumi's runtime state is global, one stack per process.
 * The child is this CLI (same Node options, same AGENTLESS_STACKS_DIR).
 */
export function planInChildProcess(stack: string, cloudState?: string): Promise<StackPlan> {
    const argv = [
        ...process.execArgv,
        process.argv[1],
        "plan",
        "--stack",
        stack,
        "--format",
        "json",
        ...(cloudState !== undefined ? ["--cloud-state", cloudState] : []),
    ];
    return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, argv, { stdio: ["ignore", "pipe", "pipe"] });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d) => (stdout += d));
        child.stderr.on("data", (d) => (stderr += d));
        child.on("error", reject);
        child.on("close", (code) => {
            if (code !== 0) {
                reject(
                    new UsageError(
                        `--with-stack ${stack}: its plan failed (exit ${code}): ${stderr.trim().split("\n").slice(0, 3).join(" ")}`,
                    ),
                );
                return;
            }
            try {
                const doc = JSON.parse(stdout) as { stack: string; resources: ResourceView[] };
                resolve({ stack: doc.stack, resources: doc.resources });
            } catch {
                reject(new UsageError(`--with-stack ${stack}: its plan did not print a JSON document`));
            }
        });
    });
}

/** The other stacks the user names, each once and none twice. */
async function otherStacks(
    main: string,
    names: string[],
    planFiles: string[],
    cloudStates: Record<string, string>,
): Promise<StackPlan[]> {
    for (const k of Object.keys(cloudStates)) {
        if (!names.includes(k))
            throw new UsageError(
                `--with-cloud-state ${k}=...: ${k} is not named with --with-stack (named: ${names.join(", ") || "none"})`,
            );
    }
    const planned = await Promise.all(names.map((n) => planInChildProcess(n, cloudStates[n])));
    const saved = planFiles.map((f) => readPlanFile(f));
    const all = [...planned, ...saved];
    const seen = new Set([main]);
    for (const p of all) {
        if (seen.has(p.stack))
            throw new UsageError(
                `stack ${p.stack} is named twice (the gated stack and --with-stack/--with-plan name different stacks)`,
            );
        seen.add(p.stack);
    }
    return all;
}

export async function gateCommand(argv: string[]): Promise<number> {
    const args = parseArgs(argv, {
        values: ["stack", "plan", "policy-config", "policy-pack", "format", "cloud-state"],
        repeatable: ["config", "with-stack", "with-plan", "with-cloud-state"],
    });
    const format = oneOfFlag(args, "format", ["text", "json", "markdown"] as const, "text");
    if (args.positional.length > 0)
        throw new UsageError(
            `unexpected argument ${JSON.stringify(args.positional[0])}; gate takes options only (--stack NAME or --plan FILE)`,
        );
    const planFile = stringFlag(args, "plan");
    const stackName = stringFlag(args, "stack");
    if (planFile && stackName) throw new UsageError("give either --stack or --plan, not both");
    if (!planFile && !stackName)
        throw new UsageError("give --stack NAME to evaluate a stack, or --plan FILE for a saved plan");
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
        const passOn = [
            "--stack",
            stackName!,
            ...(cloudState !== undefined ? ["--cloud-state", cloudState] : []),
            ...(args.multi.config ?? []).flatMap((c) => ["--config", c]),
        ];
        const { doc } = await buildPlan(passOn);
        stack = doc.stack;
        resources = doc.resources;
    }
    const others = await otherStacks(
        stack,
        args.multi["with-stack"] ?? [],
        args.multi["with-plan"] ?? [],
        keyValues(args.multi["with-cloud-state"], "with-cloud-state"),
    );
    // The plan's own verdicts are ignored: the gate judges the resources with the chosen pack.
    const violations: Violation[] = [
        ...pack.evaluate(resources, pack.rules, policyConfig),
        ...(others.length > 0 ? sensorRouteConflicts([{ stack, resources }, ...others]) : []),
    ];
    const label = others.length > 0 ? `${stack} with ${others.map((o) => o.stack).join(", ")}` : stack;
    await writeOut(renderViolations(label, violations, format));
    return violations.some((v) => v.level === "mandatory") ? 1 : 0;
}
