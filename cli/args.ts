import { UsageError } from "../lib/errors";

export interface ParsedArgs {
    positional: string[];
    flags: Record<string, string | true>;
    /** Flags that may repeat, such as --config k=v or --cloud. */
    multi: Record<string, string[]>;
}

/**
 * A small, strict parser: `--name value`, `--name=value`, boolean `--name`. Unknown flags are
 * errors that list the known ones.
 */
export function parseArgs(
    argv: string[],
    spec: { values: string[]; booleans?: string[]; repeatable?: string[] },
): ParsedArgs {
    const out: ParsedArgs = { positional: [], flags: {}, multi: {} };
    const booleans = spec.booleans ?? [];
    const repeatable = spec.repeatable ?? [];
    const known = [...spec.values, ...booleans, ...repeatable];
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        if (!arg.startsWith("--")) {
            out.positional.push(arg);
            continue;
        }
        const eq = arg.indexOf("=");
        const name = arg.slice(2, eq < 0 ? undefined : eq);
        if (!known.includes(name)) {
            throw new UsageError(`unknown option --${name}; known options: ${known.map((k) => `--${k}`).join(", ")}`);
        }
        if (booleans.includes(name)) {
            if (eq >= 0) throw new UsageError(`option --${name} takes no value`);
            out.flags[name] = true;
            continue;
        }
        const value: string | undefined = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
        if (value === undefined || (eq < 0 && value.startsWith("--")))
            throw new UsageError(`option --${name} needs a value`);
        if (repeatable.includes(name)) (out.multi[name] ??= []).push(value);
        else out.flags[name] = value;
    }
    return out;
}

export function stringFlag(args: ParsedArgs, name: string): string | undefined {
    const v = args.flags[name];
    return typeof v === "string" ? v : undefined;
}

export function oneOfFlag<T extends string>(args: ParsedArgs, name: string, allowed: readonly T[], fallback: T): T {
    const v = stringFlag(args, name) ?? fallback;
    if (!(allowed as readonly string[]).includes(v)) {
        throw new UsageError(`--${name} ${JSON.stringify(v)} is not allowed; use one of ${allowed.join(", ")}`);
    }
    return v as T;
}

/** `--config key=value` pairs. */
export function keyValues(values: string[] | undefined, flag: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const kv of values ?? []) {
        const eq = kv.indexOf("=");
        if (eq <= 0) throw new UsageError(`--${flag} ${JSON.stringify(kv)} must look like key=value`);
        out[kv.slice(0, eq)] = kv.slice(eq + 1);
    }
    return out;
}
