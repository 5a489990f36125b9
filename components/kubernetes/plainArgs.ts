import * as pulumi from "@pulumi/pulumi";

/** True when `v` is an output or a promise, or holds one in a list or an object: known only later. */
function holdsEventual(v: unknown): boolean {
    if (pulumi.Output.isInstance(v) || v instanceof Promise) return true;
    if (Array.isArray(v)) return v.some(holdsEventual);
    if (v !== null && typeof v === "object") return Object.values(v).some(holdsEventual);
    return false;
}

/**
 * Stops a component whose argument must be plain (it decides which resources exist, goes into
 * their names, or is read by the plan and the policy rules) when it is an output: a JavaScript
 * caller, or a cast, gets past the declared type. `why` completes "`arg` ... so it must be plain".
 */
export function requirePlain(component: string, arg: string, value: unknown, why: string): void {
    if (holdsEventual(value)) throw new Error(`${component}: ${arg} ${why}, so it must be a plain value, not an output`);
}
