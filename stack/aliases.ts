import * as pulumi from "@pulumi/pulumi";

/**
 * `@pulumi/azure-native` gives every resource an alias per past API version (70 on a trusted access
 * binding), and the SDK turns each alias into its own chain of Outputs. A plan of 500 clusters spent
 * 10 s and 1.3 GB on that alone. Those aliases only matter for state written by a stack that used
 * the versioned type tokens, which this project never did, so they are dropped for its resources.
 */
export const dropApiVersionAliases: pulumi.ResourceTransformation = (args) => {
    const aliases = args.opts.aliases;
    if (!aliases || aliases.length === 0) return undefined;
    const kept = aliases.filter((a) => !isApiVersionAlias(a));
    if (kept.length === aliases.length) return undefined;
    return { props: args.props, opts: { ...args.opts, aliases: kept } };
};

function isApiVersionAlias(alias: unknown): boolean {
    if (!alias || typeof alias !== "object") return false;
    const keys = Object.keys(alias);
    const type = (alias as { type?: unknown }).type;
    return keys.length === 1 && typeof type === "string" && /^azure-native:[a-z0-9]+\/v\d{8}(preview)?:/i.test(type);
}
