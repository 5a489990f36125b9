/**
 * A user's mistake in stack configuration. The message always names the key, the value and what
 * is allowed, so that it can be printed on its own: no stack trace is ever shown for it.
 *
 * `__pulumiRunError` makes the Pulumi CLI treat it like `pulumi.RunError` (a clean exit with the
 * message only) without importing `@pulumi/pulumi` here, which keeps this module cheap to load.
 */
export class ConfigError extends Error {
    readonly __pulumiRunError = true;

    constructor(
        readonly key: string,
        readonly value: unknown,
        readonly allowed: string,
    ) {
        super(
            value === undefined
                ? `config key "${key}" is missing; expected ${allowed}`
                : `config key "${key}" has value ${show(value)}; expected ${allowed}`,
        );
        this.name = "ConfigError";
    }
}

/** Renders a config value for a message: short, on one line, strings quoted. */
export function show(value: unknown): string {
    const text = typeof value === "string" ? JSON.stringify(value) : JSON.stringify(value) ?? String(value);
    return text.length > 160 ? `${text.slice(0, 157)}...` : text;
}

export function isConfigError(e: unknown): e is ConfigError {
    return e instanceof ConfigError || (e as { name?: string } | undefined)?.name === "ConfigError";
}
