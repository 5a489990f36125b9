import * as pulumi from "@pulumi/pulumi";

/** An output of a user's own resource: known only once it resolves, a few milliseconds later. */
export function later<T>(v: T): pulumi.Output<pulumi.Unwrap<T>> {
    return pulumi.output(new Promise<T>((resolve) => setTimeout(() => resolve(v), 5)));
}

/** An output where an Args type says plain: what a JavaScript program, or a cast, can still pass. */
export function smuggled<T>(v: unknown): T {
    return v as T;
}
