import * as fs from "fs";
import * as path from "path";
import type * as pulumi from "@pulumi/pulumi";
import { version as sdkVersion } from "@pulumi/pulumi/version";
import { providerKey, SERIALIZED_PROVIDERS, SerializedProviders } from "../../components/shared/dynamicResource";
import { ROOT } from "./cli";

/** What `npm run build` serialized for `pulumi up` (components/shared/dynamicResource.ts). */
export const BUILT_PROVIDERS_FILE = path.join(ROOT, "dist", "components", "shared", "dynamicProviders.json");

export function builtProviders(): SerializedProviders {
    const file = JSON.parse(fs.readFileSync(BUILT_PROVIDERS_FILE, "utf8")) as SerializedProviders;
    if (file.sdk !== sdkVersion)
        throw new Error(
            `${BUILT_PROVIDERS_FILE} was written by @pulumi/pulumi ${file.sdk}, not the installed ${sdkVersion}: run npm run build`,
        );
    return file;
}

/**
 * A dynamic provider as the Pulumi dynamic-provider plugin runs it (@pulumi/pulumi/cmd/dynamic-provider,
 * getProvider): the text the build serialized, loaded with require-from-string, then `.handler()`.
 * So the tests that drive it exercise the code that is deployed, not the TypeScript source.
 */
export function deployedProvider<I, O>(
    exportName: (typeof SERIALIZED_PROVIDERS)[number]["exportName"],
): pulumi.dynamic.ResourceProvider<I, O> {
    const entry = SERIALIZED_PROVIDERS.find((p) => p.exportName === exportName)!;
    const text = builtProviders().providers[providerKey(entry)];
    const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json"));
    const requireFromString = require(require.resolve("require-from-string", { paths: [pulumiDir] })) as (
        code: string,
    ) => { handler(): pulumi.dynamic.ResourceProvider<I, O> };
    return requireFromString(text).handler();
}
