import { ConfigError } from "../lib/errors";

/**
 * Small readers for structured config. Each takes the raw value and its dotted path, and either
 * returns a typed value or throws a ConfigError naming the path, the value and what is allowed.
 */

export type Raw = Record<string, unknown>;

export function isPlainObject(v: unknown): v is Raw {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** An object with only the given keys; absent means empty. Unknown keys are typos and rejected. */
export function object(v: unknown, path: string, allowedKeys: readonly string[]): Raw {
    if (v === undefined || v === null) return {};
    if (!isPlainObject(v)) throw new ConfigError(path, v, `an object with keys ${allowedKeys.join(", ")}`);
    for (const k of Object.keys(v)) {
        if (!allowedKeys.includes(k)) {
            throw new ConfigError(
                join(path, k),
                v[k],
                `no such key; allowed keys under "${path}": ${allowedKeys.join(", ")}`,
            );
        }
    }
    return v;
}

export function join(path: string, key: string | number): string {
    if (typeof key === "number") return `${path}[${key}]`;
    return path ? `${path}.${key}` : key;
}

export interface StringRule {
    /** What a valid value looks like, for the message. */
    expected: string;
    pattern?: RegExp;
    minLength?: number;
    maxLength?: number;
}

export function requiredString(v: unknown, path: string, rule: StringRule): string {
    if (v === undefined || v === null || v === "") throw new ConfigError(path, undefined, rule.expected);
    return checkString(v, path, rule);
}

export function optionalString(v: unknown, path: string, rule: StringRule): string | undefined {
    if (v === undefined || v === null) return undefined;
    return checkString(v, path, rule);
}

export function stringWithDefault(v: unknown, path: string, fallback: string, rule: StringRule): string {
    return optionalString(v, path, rule) ?? fallback;
}

function checkString(v: unknown, path: string, rule: StringRule): string {
    if (typeof v !== "string") throw new ConfigError(path, v, rule.expected);
    if (rule.minLength !== undefined && v.length < rule.minLength) throw new ConfigError(path, v, rule.expected);
    if (rule.maxLength !== undefined && v.length > rule.maxLength) throw new ConfigError(path, v, rule.expected);
    if (rule.pattern && !rule.pattern.test(v)) throw new ConfigError(path, v, rule.expected);
    return v;
}

/** Booleans, also as the strings "true"/"false" that `pulumi config set` writes. */
export function bool(v: unknown, path: string, fallback: boolean): boolean {
    if (v === undefined || v === null) return fallback;
    if (typeof v === "boolean") return v;
    if (v === "true") return true;
    if (v === "false") return false;
    throw new ConfigError(path, v, "true or false");
}

export function oneOf<T extends string>(v: unknown, path: string, allowed: readonly T[], fallback?: T): T {
    if ((v === undefined || v === null) && fallback !== undefined) return fallback;
    if (typeof v !== "string" || !(allowed as readonly string[]).includes(v)) {
        throw new ConfigError(path, v, `one of ${allowed.join(", ")}`);
    }
    return v as T;
}

export function list(v: unknown, path: string, expected: string): unknown[] {
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) throw new ConfigError(path, v, `a list of ${expected}`);
    return v;
}

/** A map of string to string (tags, labels). */
export function stringMap(v: unknown, path: string): Record<string, string> {
    if (v === undefined || v === null) return {};
    if (!isPlainObject(v)) throw new ConfigError(path, v, "a map of string keys to string values");
    const out: Record<string, string> = {};
    for (const [k, val] of Object.entries(v)) {
        if (typeof val === "boolean" || typeof val === "number") out[k] = String(val);
        else if (typeof val === "string") out[k] = val;
        else throw new ConfigError(join(path, k), val, "a string value");
    }
    return out;
}

/** Rejects the second occurrence of the same key in a list, naming both positions. */
export function unique<T>(items: readonly T[], path: string, keyOf: (t: T) => string, what: string): void {
    const seen = new Map<string, number>();
    items.forEach((item, i) => {
        const key = keyOf(item).toLowerCase();
        const first = seen.get(key);
        if (first !== undefined) {
            throw new ConfigError(
                `${path}[${i}]`,
                keyOf(item),
                `each ${what} listed once; it is already listed at ${path}[${first}]`,
            );
        }
        seen.set(key, i);
    });
}

export const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
export const GUID_RULE: StringRule = { expected: "a GUID such as 00000000-0000-0000-0000-000000000000", pattern: GUID };
