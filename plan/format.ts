import { Violation } from "../policies/evaluate";
import { escapeControl } from "../lib/escape";
import { renderChangesMarkdown, renderChangesText } from "./diff";
import { flatten, opLabel, opText, PlanDocument } from "./document";

export type { Violation };

function summary(doc: PlanDocument): string {
    const mandatory = doc.violations.filter((v) => v.level === "mandatory").length;
    const ops = (["create", "import", "read"] as const)
        .map((op) => `${doc.resources.filter((r) => r.op === op).length} ${op}`)
        .join(", ");
    const kept = doc.resources.filter((r) => r.retainOnDelete).length;
    return `${doc.resources.length} resources (${ops}${kept ? `; ${kept} kept on destroy` : ""}), ${doc.violations.length} policy violations (${mandatory} mandatory)`;
}

export function renderTable(doc: PlanDocument): string {
    const lines: string[] = [`Plan for stack ${doc.stack}: ${summary(doc)}`, ""];
    const opWidth = Math.max(6, ...doc.resources.map((r) => opLabel(r).length));
    const typeWidth = Math.min(60, Math.max(4, ...doc.resources.map((r) => r.type.length)));
    const nameWidth = Math.min(60, Math.max(4, ...doc.resources.map((r) => r.name.length)));
    lines.push(`${"OP".padEnd(opWidth)}  ${"TYPE".padEnd(typeWidth)}  ${"NAME".padEnd(nameWidth)}  PARENT`);
    for (const r of doc.resources) {
        lines.push(
            `${opLabel(r).padEnd(opWidth)}  ${r.type.padEnd(typeWidth)}  ${r.name.padEnd(nameWidth)}  ${r.parent || "-"}`,
        );
        if (r.op !== "create") lines.push(`${" ".repeat(4)}(${opText(r)})`);
        for (const [k, v] of flatten(r.inputs)) {
            // A multi-line input (aws-auth's mapRoles, a Rego source) keeps its lines; each is escaped.
            if (k) lines.push(...`${" ".repeat(4)}${k}: ${v}`.split("\n"));
        }
    }
    if (doc.violations.length) {
        lines.push("", "POLICY VIOLATIONS");
        for (const v of doc.violations) lines.push(`  [${v.level}] ${v.policy} on ${v.resource}: ${v.message}`);
    }
    if (doc.notes.length) {
        lines.push("", "NOTES");
        for (const n of doc.notes) lines.push(`  [${n.kind}] ${n.subject}: ${n.message}`);
    }
    if (doc.changes) lines.push("", ...renderChangesText(doc.changes));
    return printable(lines);
}

/**
 * A saved plan (`--against`) and the cloud-state file are the user's files, not ours: a control
 * character in a name or message is shown escaped, so that no line of the output can be forged
 * (a name holding "\nPASS" stays on its own line).
 */
function printable(lines: string[]): string {
    return lines.map(escapeControl).join("\n") + "\n";
}

function md(text: string): string {
    return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

export function renderMarkdown(doc: PlanDocument): string {
    const lines: string[] = [`### Plan for stack \`${doc.stack}\``, "", summary(doc), ""];
    if (doc.changes) lines.push(...renderChangesMarkdown(doc.changes, md));
    if (doc.violations.length) {
        lines.push("#### Policy violations", "", "| level | policy | resource | message |", "|---|---|---|---|");
        for (const v of doc.violations)
            lines.push(`| ${v.level} | ${md(v.policy)} | \`${md(v.resource)}\` | ${md(v.message)} |`);
        lines.push("");
    }
    lines.push("#### Resources", "", "| op | type | name | parent |", "|---|---|---|---|");
    for (const r of doc.resources)
        lines.push(
            `| ${md(opText(r))}${r.retainOnDelete ? " (kept)" : ""} | \`${md(r.type)}\` | \`${md(r.name)}\` | ${r.parent ? `\`${md(r.parent)}\`` : ""} |`,
        );
    lines.push("");
    if (doc.notes.length) {
        lines.push("#### Notes", "");
        for (const n of doc.notes) lines.push(`- **${n.kind}** \`${md(n.subject)}\`: ${md(n.message)}`);
        lines.push("");
    }
    lines.push("<details><summary>Inputs</summary>", "");
    for (const r of doc.resources) {
        lines.push(
            `**\`${r.name}\`** (\`${r.type}\`)`,
            "",
            "```json",
            ...JSON.stringify(r.inputs, null, 2).split("\n"),
            "```",
            "",
        );
    }
    lines.push("</details>", "");
    return printable(lines).slice(0, -1);
}
