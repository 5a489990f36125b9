import { RESOURCE_GROUP_PATTERN } from "../domain/azure/resourceIds";
import { bool, GUID_RULE, join, Raw, requiredString, StringRule, stringWithDefault } from "./read";

/** Azure names shared by every block that places something in Azure. */
export const AZURE_LOCATION_RULE: StringRule = {
    expected: "an Azure region name such as westeurope (lower-case letters and digits)",
    pattern: /^[a-z][a-z0-9]{2,30}$/,
};
export const RESOURCE_GROUP_RULE: StringRule = {
    expected: "a resource group name: 1 to 90 letters, digits, '_', '-', '.', '(' and ')', not ending with '.'",
    pattern: new RegExp(`^${RESOURCE_GROUP_PATTERN}$`),
};
export const CONNECTOR_NAME_RULE: StringRule = {
    expected:
        "a security connector name: 1 to 80 letters, digits, '_', '-' and '.', starting with a letter or digit and not ending with '.'",
    pattern: /^[A-Za-z0-9](?:[\w.-]{0,78}[\w-])?$/,
};

/** The Azure side of an AWS or GCP stack: where Defender's security connector is created. */
export interface ConnectorConfig {
    enabled: true;
    subscriptionId: string;
    resourceGroupName: string;
    location: string;
    name: string;
}

export const CONNECTOR_KEYS = ["enabled", "subscriptionId", "resourceGroupName", "location", "name"] as const;

/**
 * Reads `<cloud>.connector` (already checked for unknown keys by the caller, which may allow more).
 * Absent when switched off; then the stack prints a manual step instead.
 */
export function loadConnector(
    raw: Raw,
    path: string,
    defaultName: string,
    enabledByDefault: boolean,
): ConnectorConfig | undefined {
    if (!bool(raw.enabled, join(path, "enabled"), enabledByDefault)) return undefined;
    const why = ` (or set ${join(path, "enabled")} to false to manage the connector elsewhere)`;
    const withWhy = (rule: StringRule): StringRule => ({ ...rule, expected: rule.expected + why });
    return {
        enabled: true,
        subscriptionId: requiredString(raw.subscriptionId, join(path, "subscriptionId"), {
            ...GUID_RULE,
            expected: `the Azure subscription id that holds the connector, a GUID such as 00000000-0000-0000-0000-000000000000${why}`,
        }).toLowerCase(),
        resourceGroupName: requiredString(
            raw.resourceGroupName,
            join(path, "resourceGroupName"),
            withWhy(RESOURCE_GROUP_RULE),
        ),
        location: requiredString(raw.location, join(path, "location"), withWhy(AZURE_LOCATION_RULE)),
        name: stringWithDefault(raw.name, join(path, "name"), defaultName, CONNECTOR_NAME_RULE),
    };
}
