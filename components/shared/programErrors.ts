import * as pulumi from "@pulumi/pulumi";

/**
 * Errors the program raises inside an apply, where a throw rejects a promise that Pulumi's runtime
 * only waits on: the registration waiting on it never finishes, and what the user sees depends on
 * where the rejection lands. The error is logged too, at error level, which fails the update with
 * the program's own words under the Pulumi CLI, and fails the offline plan the same way (its
 * runtime, plan/mockRuntime.ts with plan/mockEngine.ts, receives the log as an engine does).
 */
export function failProgram<E extends Error>(e: E, resource?: pulumi.Resource): E {
    void pulumi.log.error(e.message, resource);
    return e;
}
