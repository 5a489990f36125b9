import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { version as sdkVersion } from "@pulumi/pulumi/version";

/**
 * A dynamic resource whose provider code `npm run build` serialized, instead of every
 * `pulumi preview` and `up` (docs/runtime.md, "Dynamic providers").
 *
 * `pulumi.dynamic.Resource` serializes its provider object on every run with the SDK's closure
 * serializer, which loads TypeScript to parse the text of each function the provider uses: about
 * half a second of the AWS program's start-up. That text depends only on the compiled modules and
 * the SDK, so scripts/serializeProviders.js makes the same call over dist/ once, at build time, and
 * writes the texts beside this module's compiled form. This class registers what
 * `dynamic.Resource` registers (@pulumi/pulumi/dynamic/index.js): type
 * `pulumi-nodejs:dynamic:Resource`, the props, and the provider text as `__provider`, set last; the
 * dynamic-provider plugin deserializes and runs that text. Without a matching file (the sources
 * run through tsx in the tests, or another SDK version is installed) it serializes at run time,
 * with the same call.
 */

/** Every dynamic provider of the package: its module under components/ and the export that holds it. */
export const SERIALIZED_PROVIDERS = [
    { module: "aws/controlPlaneLogging", exportName: "loggingProvider" },
    { module: "aws/defenderEndpoint", exportName: "endpointProvider" },
] as const;

/** Written by scripts/serializeProviders.js into dist/components/shared/; never present beside the sources. */
export const SERIALIZED_PROVIDERS_FILE = path.join(__dirname, "dynamicProviders.json");

export interface SerializedProviders {
    /** The @pulumi/pulumi version whose serializer wrote the texts. */
    sdk: string;
    /** `module#exportName` → the provider's serialized text. */
    providers: Record<string, string>;
}

export const providerKey = (p: { module: string; exportName: string }): string => `${p.module}#${p.exportName}`;

/** A provider of any inputs and outputs (the SDK's default type arguments): here it is only serialized and compared by identity. */
type AnyProvider = pulumi.dynamic.ResourceProvider;

/**
 * The call `dynamic.Resource` makes (serializeFunctionMaybeSecret): the closure is `() => provider`,
 * and its text is part of the output, so the parameter keeps the SDK's name.
 */
export async function serializeProvider(provider: AnyProvider): Promise<{ text: string; containsSecrets: boolean }> {
    const sf = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
    return { text: sf.text, containsSecrets: sf.containsSecrets };
}

let built: SerializedProviders | null | undefined;

function readBuilt(): SerializedProviders | null {
    if (built !== undefined) return built;
    try {
        built = JSON.parse(fs.readFileSync(SERIALIZED_PROVIDERS_FILE, "utf8")) as SerializedProviders;
    } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
        built = null;
    }
    return built;
}

/**
 * The text in `file` for this provider object: only from a file the installed SDK wrote (another
 * SDK would serialize differently), and matched by identity with a listed export, never by name.
 * Only an already loaded module can export the object at hand, so nothing is loaded to look.
 */
export function builtText(
    file: SerializedProviders | null,
    provider: AnyProvider,
    sdk: string = sdkVersion,
): string | undefined {
    if (!file || file.sdk !== sdk) return undefined;
    for (const p of SERIALIZED_PROVIDERS) {
        const loaded = require.cache[require.resolve(path.join(__dirname, "..", p.module))];
        if (loaded?.exports?.[p.exportName] === provider) return file.providers[providerKey(p)];
    }
    return undefined;
}

/** The build's text for this provider, if this build serialized it. */
export function builtProviderText(provider: AnyProvider): string | undefined {
    return builtText(readBuilt(), provider);
}

const atRunTime = new WeakMap<AnyProvider, pulumi.Output<string>>();

/** The `__provider` input: the build's text, else serialized now (once per provider, as the SDK caches it). */
export function providerInput(provider: AnyProvider): pulumi.Input<string> {
    const text = builtProviderText(provider);
    if (text !== undefined) return text;
    const cached = atRunTime.get(provider);
    if (cached) return cached;
    const out = pulumi
        .output(serializeProvider(provider))
        .apply((sf) => (sf.containsSecrets ? pulumi.secret(sf.text) : pulumi.output(sf.text)));
    atRunTime.set(provider, out);
    return out;
}

/** `pulumi.dynamic.Resource`, with the provider's text from the build when there is one. */
export class SerializedDynamicResource extends pulumi.CustomResource {
    constructor(provider: AnyProvider, name: string, props: pulumi.Inputs, opts?: pulumi.CustomResourceOptions) {
        if (props.__provider)
            throw new Error(
                `dynamic resource ${name}: props must not define __provider, the key that carries the provider's code`,
            );
        props.__provider = providerInput(provider);
        super("pulumi-nodejs:dynamic:Resource", name, props, opts);
    }
}
