import * as fs from "fs";

/** The store folder of a kubeconfig context (inventory/clusterKey.ts: `kube-<context>-<host>-<hash>`), or a name that does not exist. */
export function contextDir(out: string, context: string): string {
    const re = new RegExp(
        `^kube-${context.replace(/[^A-Za-z0-9._]+/g, "_").replace(/\./g, "\\.")}-[^-]+-[0-9a-f]{12}$`,
    );
    const found = fs.existsSync(out) ? fs.readdirSync(out).filter((d) => re.test(d)) : [];
    if (found.length > 1) throw new Error(`more than one folder for context ${context} in ${out}: ${found.join(", ")}`);
    return found[0] ?? `kube-${context}-absent`;
}
