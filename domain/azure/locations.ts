import { nearest } from "../../lib/nearest";

/**
 * Azure location names, lower case as ARM writes them: the `AzureLocation` enum of
 * @pulumi/azure-native 3.28.0 (`types/enums/migrate`, generated from azure-rest-api-specs'
 * Azure Migrate assessment spec), without its `Unknown`. It is the only list of Azure locations
 * any package here ships, and it lags Azure: regions opened since (westus3, brazilsoutheast and
 * others) are missing, hence the escape hatch named in the message.
 * test/config/regions.test.ts compares it with the installed provider.
 */
export const AZURE_LOCATIONS: readonly string[] = [
    "eastasia",
    "southeastasia",
    "australiaeast",
    "australiasoutheast",
    "brazilsouth",
    "canadacentral",
    "canadaeast",
    "westeurope",
    "northeurope",
    "centralindia",
    "southindia",
    "westindia",
    "japaneast",
    "japanwest",
    "koreacentral",
    "koreasouth",
    "ukwest",
    "uksouth",
    "northcentralus",
    "eastus",
    "westus2",
    "southcentralus",
    "centralus",
    "eastus2",
    "westus",
    "westcentralus",
    "germanycentral",
    "germanynortheast",
    "chinanorth",
    "chinaeast",
    "usgovarizona",
    "usgovtexas",
    "usgoviowa",
    "usgovvirginia",
    "usdodcentral",
    "usdodeast",
    "francecentral",
    "australiacentral",
    "southafricanorth",
    "francesouth",
    "australiacentral2",
    "southafricawest",
    "germanynorth",
    "germanywestcentral",
    "norwayeast",
    "norwaywest",
    "chinaeast2",
    "chinanorth2",
    "switzerlandnorth",
    "switzerlandwest",
    "uaenorth",
    "uaecentral",
    "usnateast",
    "usnatwest",
    "usseceast",
    "usseccentral",
    "ussecwest",
    "swedencentral",
    "qatarcentral",
    "jioindiawest",
    "italynorth",
    "polandcentral",
    "israelcentral",
    "mexicocentral",
    "newzealandnorth",
    "spaincentral",
];

/** For a well-formed location not in AZURE_LOCATIONS (`westeurop`): the nearest names and the escape hatch. */
export function unlistedAzureLocation(location: string, escapeHatch: string): string | undefined {
    if (AZURE_LOCATIONS.includes(location)) return undefined;
    return `an Azure location the provider lists; the nearest are ${nearest(location, AZURE_LOCATIONS).join(", ")} (a location missing from that list, such as westus3: add it to ${escapeHatch})`;
}
