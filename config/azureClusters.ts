import { ConfigError } from "../lib/errors";
import { bool, isPlainObject, join, object, optionalString } from "./read";
import { FilterShape } from "./clusterFilters";
import {
    AZURE_CLUSTER_KINDS,
    parseAksClusterId,
    parseArcClusterId,
    RESOURCE_GROUP_PATTERN,
} from "../domain/azure/resourceIds";

/**
 * What an Azure stack's cluster selection adds to the one rule (docs/cluster-selection.md): the
 * filters' resource group and kind criteria, and the per-cluster settings of `azure.overrides`.
 * The matching itself is `stack/selection.ts`, with `stack/azure/selection.ts`.
 */

export interface AzureClusterOverride {
    /** AKS: declare the trusted access binding for this cluster (default true). */
    bind?: boolean;
    /** AKS: this cluster's binding name, instead of azure.discovery.bindingName. */
    bindingName?: string;
    /** Arc: install the Defender extension (default azure.arcExtensions.defender). */
    defenderExtension?: boolean;
    /** Arc: install the Azure Policy extension (default azure.arcExtensions.azurePolicy). */
    azurePolicyExtension?: boolean;
}

export const AKS_OVERRIDE_KEYS = ["bind", "bindingName"] as const;
export const ARC_OVERRIDE_KEYS = ["defenderExtension", "azurePolicyExtension"] as const;

// Names and resource groups as ARM allows them, with the wildcards; a name glob may say its group.
const GROUP_GLOB = {
    expected: "a resource group name or glob (* and ?) of letters, digits and - _ . ( )",
    pattern: /^[-\w.()*?]{1,90}$/,
};
const NAME_GLOB = {
    expected: "a name or glob (* and ?) of letters, digits and - _ . ( ), or <resource group glob>/<name glob>",
    pattern: /^(?:[-\w.()*?]{1,90}\/)?[-\w.()*?]{1,90}$/,
};

export const AZURE_FILTER: FilterShape = {
    nameGlob: NAME_GLOB,
    tagsKey: "tags",
    attributes: { resourceGroups: GROUP_GLOB, kinds: AZURE_CLUSTER_KINDS },
};

// AKS trusted access role binding names: 1-24 lower-case letters, digits and '-'.
export const BINDING_NAME = {
    expected:
        "a trusted access role binding name: 1 to 24 lower-case letters, digits and hyphens, starting and ending alphanumeric",
    pattern: /^[a-z0-9](?:[-a-z0-9]{0,22}[a-z0-9])?$/,
};

const OVERRIDE_KEY_SHAPE = "an AKS or Arc cluster resource id of this subscription, or <resourceGroup>/<name>";
const SHORT_KEY = new RegExp(`^${RESOURCE_GROUP_PATTERN}/[a-zA-Z0-9][-_.a-zA-Z0-9]{0,62}$`);

export function readOverrides(v: unknown, path: string, subscriptionId: string): Record<string, AzureClusterOverride> {
    if (v === undefined || v === null) return {};
    if (!isPlainObject(v))
        throw new ConfigError(
            path,
            v,
            `a map of ${OVERRIDE_KEY_SHAPE} to { ${[...AKS_OVERRIDE_KEYS, ...ARC_OVERRIDE_KEYS].join(", ")} }`,
        );
    const out: Record<string, AzureClusterOverride> = {};
    for (const [key, value] of Object.entries(v)) {
        const p = `${path}["${key}"]`;
        const ref = parseAksClusterId(key) ?? parseArcClusterId(key);
        if (ref ? ref.subscriptionId !== subscriptionId : !SHORT_KEY.test(key))
            throw new ConfigError(p, key, OVERRIDE_KEY_SHAPE);
        const raw = object(value, p, [...AKS_OVERRIDE_KEYS, ...ARC_OVERRIDE_KEYS]);
        const o: AzureClusterOverride = {};
        if (raw.bind !== undefined) o.bind = bool(raw.bind, join(p, "bind"), true);
        if (raw.bindingName !== undefined)
            o.bindingName = optionalString(raw.bindingName, join(p, "bindingName"), BINDING_NAME);
        if (raw.defenderExtension !== undefined)
            o.defenderExtension = bool(raw.defenderExtension, join(p, "defenderExtension"), true);
        if (raw.azurePolicyExtension !== undefined)
            o.azurePolicyExtension = bool(raw.azurePolicyExtension, join(p, "azurePolicyExtension"), true);
        out[key] = o;
    }
    return out;
}
