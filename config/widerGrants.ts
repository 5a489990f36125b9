import { ConfigError } from "../lib/errors";
import { WIDER_GRANT_KINDS_BY_CLOUD, WIDER_GRANTS_KEY } from "../domain/shared/widerGrants";
import { join, list } from "./read";

/**
 * The wider grants the stack acknowledges: each `<kind>:<subject>` with a kind this cloud's stack can
 * make. The gate judges whether each still matches a grant of the plan (a stale one is reported).
 */
export function loadAcknowledgedWiderGrants(v: unknown, cloud: keyof typeof WIDER_GRANT_KINDS_BY_CLOUD): string[] {
    const kinds: Record<string, string> = WIDER_GRANT_KINDS_BY_CLOUD[cloud];
    const forms = Object.entries(kinds).map(([k, subject]) => `${k}:${subject}`);
    const expected =
        forms.length > 0
            ? `a wider grant as the gate names it on a stack of cloud ${cloud}: ${forms.join(", ")}`
            : `nothing: a stack of cloud ${cloud} makes no wider grant to acknowledge`;
    const out: string[] = [];
    list(v, WIDER_GRANTS_KEY, "wider grants such as the gate names them").forEach((item, i) => {
        const path = join(WIDER_GRANTS_KEY, i);
        const m = typeof item === "string" ? /^([a-z-]+):(\S+)$/.exec(item) : null;
        if (!m || !(m[1] in kinds)) throw new ConfigError(path, item, expected);
        if (out.includes(item as string)) throw new ConfigError(path, item, "each wider grant once");
        out.push(item as string);
    });
    return out;
}
