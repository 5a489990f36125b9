import * as pulumi from "@pulumi/pulumi";

/**
 * `f` of a string argument: computed at once when the caller gave plain text, applied to the value
 * once an output resolves. Plain text stays plain so that the program's own stacks register their
 * resources in the same order (and print the same plan) as before the argument took outputs.
 */
export function mapString(v: pulumi.Input<string>, f: (s: string) => string): pulumi.Input<string> {
    return typeof v === "string" ? f(v) : pulumi.output(v).apply(f);
}
