import * as pulumi from "@pulumi/pulumi";

/**
 * `f` of a string argument: computed at once when the caller gave plain text, applied to the value
 * once an output resolves. Plain text stays plain so that the program's own stacks register their
 * resources in the same order (and print the same plan) as before the argument took outputs.
 */
export function mapString(v: pulumi.Input<string>, f: (s: string) => string): pulumi.Input<string> {
    return typeof v === "string" ? f(v) : pulumi.output(v).apply(f);
}

/**
 * Where an output (or a promise) sits in `v`: `key`, or its path below `key` inside plain objects
 * and arrays; undefined when `v` is plain throughout.
 */
export function outputPath(v: unknown, key: string): string | undefined {
    if (pulumi.Output.isInstance(v) || v instanceof Promise) return key;
    if (Array.isArray(v)) {
        for (let i = 0; i < v.length; i++) {
            const found = outputPath(v[i], `${key}[${i}]`);
            if (found) return found;
        }
        return undefined;
    }
    if (v !== null && typeof v === "object" && [Object.prototype, null].includes(Object.getPrototypeOf(v))) {
        for (const [k, x] of Object.entries(v)) {
            const found = outputPath(x, `${key}.${k}`);
            if (found) return found;
        }
    }
    return undefined;
}

/** The message of an output given where a component needs a plain value. */
export function plainValueError(component: string, name: string, path: string, reason: string): Error {
    return new Error(`${name} (${component}): ${path} must be a plain value, not an output: ${reason}`);
}

/**
 * Stops a component given an output in an argument that must be plain, with the reason per argument:
 * Pulumi must know which resources exist, their names and their import ids before any output
 * resolves, and an output read as plain would pass unnoticed (an object is truthy, a template
 * spells "[object Object]"). `at` is where `args` sits in the component's arguments (`clusters[0]`).
 */
export function requirePlain<A extends object>(
    component: string,
    name: string,
    args: A,
    reasons: Partial<Record<keyof A & string, string>>,
    at?: string,
): void {
    for (const [key, reason] of Object.entries(reasons) as [keyof A & string, string][]) {
        const path = outputPath(args[key], at ? `${at}.${key}` : key);
        if (path) throw plainValueError(component, name, path, reason);
    }
}

/**
 * A list or record argument that must itself be plain (its length or presence decides which
 * resources exist) while its items may be outputs: only the container is checked.
 */
export function requirePlainContainer(component: string, name: string, key: string, v: unknown, reason: string): void {
    if (pulumi.Output.isInstance(v) || v instanceof Promise) throw plainValueError(component, name, key, reason);
}

/** A string argument that must be plain text in this use (`reason`); an output stops the component. */
export function plainString(
    component: string,
    name: string,
    key: string,
    v: pulumi.Input<string>,
    reason: string,
): string {
    if (typeof v === "string") return v;
    throw plainValueError(component, name, key, reason);
}
