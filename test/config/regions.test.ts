import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { loadStackConfig } from "../../config";
import { AWS_REGIONS } from "../../domain/aws/regions";
import { AZURE_LOCATIONS } from "../../domain/azure/locations";
import { editDistance, nearest } from "../../lib/nearest";
import { ROOT } from "../helpers/cli";
import * as awsEnums from "@pulumi/aws/types/enums";
import * as migrateEnums from "@pulumi/azure-native/types/enums/migrate";
import { configErrorMessage } from "../helpers/configError";

const TENANT = "7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f";
const SUB = "3f2a9c1e-7b4d-4e8a-9c62-1d5e8f0a7b34";
const HATCH = "agentless-discovery:unlistedRegions";

const aws = (over: Record<string, unknown>, top: Record<string, unknown> = {}) =>
    loadStackConfig("s", {
        cloud: "aws",
        azureTenantId: TENANT,
        aws: { accountId: "123456789012", region: "eu-west-1", ...over },
        ...top,
    });
const azure = (location: string, top: Record<string, unknown> = {}) =>
    loadStackConfig("s", { cloud: "azure", azure: { subscriptionId: SUB, location }, ...top });

const message = configErrorMessage;

describe("regions and locations are checked against the lists the SDKs and providers ship", () => {
    it("refuses a misspelt or made-up AWS region, with the nearest listed names and the escape hatch", () => {
        assert.equal(
            message(() => aws({ region: "us-easst-2" })),
            `config key "aws.region" has value "us-easst-2"; expected an AWS region the AWS SDK lists; the nearest are us-east-2, us-east-1, ap-east-2 (a region AWS opened after this release: add it to ${HATCH})`,
        );
        assert.equal(
            message(() => aws({ region: "us-east-7" })),
            `config key "aws.region" has value "us-east-7"; expected an AWS region the AWS SDK lists; the nearest are us-east-1, us-east-2, ap-east-1 (a region AWS opened after this release: add it to ${HATCH})`,
        );
        assert.match(
            message(() => aws({ regions: ["eu-west-1", "eu-west-5"] })),
            /^config key "aws\.regions\[1\]" has value "eu-west-5"; expected an AWS region the AWS SDK lists; the nearest are eu-west-1,/,
        );
        assert.match(
            message(() => aws({ connector: { subscriptionId: SUB, resourceGroupName: "rg", location: "westeurop" } })),
            /^config key "aws\.connector\.location" has value "westeurop"; expected an Azure location the provider lists; the nearest are westeurope,/,
        );
    });

    it("refuses a misspelt Azure location, with the nearest listed names", () => {
        assert.equal(
            message(() => azure("westeurop")),
            `config key "azure.location" has value "westeurop"; expected an Azure location the provider lists; the nearest are westeurope, westus2, westus (a location missing from that list, such as westus3: add it to ${HATCH})`,
        );
    });

    it("accepts a real region the lists lack only when named in agentless-discovery:unlistedRegions", () => {
        // A region opened after the SDK's release, and an Azure region the provider's list never had.
        assert.match(
            message(() => aws({ region: "eu-west-4" })),
            /the nearest are eu-west-1, eu-west-2, eu-west-3/,
        );
        assert.equal(aws({ region: "eu-west-4" }, { unlistedRegions: ["eu-west-4"] }).aws!.region, "eu-west-4");
        assert.match(
            message(() => azure("westus3")),
            /the nearest are westus2, westus, eastus /,
        );
        assert.equal(azure("westus3", { unlistedRegions: ["westus3"] }).azure!.location, "westus3");
        assert.equal(
            message(() => azure("westeurope", { unlistedRegions: ["westeurope"] })),
            'config key "unlistedRegions[0]" has value "westeurope"; expected a name the lists lack; this one is listed already, remove it',
        );
    });

    it("the AWS list is every region of every partition of the installed AWS SDK, and holds @pulumi/aws's Region enum", () => {
        const file = path.join(ROOT, "node_modules/@aws-sdk/core/dist-cjs/submodules/client/index.js");
        const text = fs.readFileSync(file, "utf8");
        const sdk = [...text.matchAll(/"([a-z]+(?:-[a-z]+)+-\d+)": \{\s*"?description"?/g)].map((m) => m[1]);
        assert.ok(sdk.length > 30, "the SDK's partitions data was found");
        assert.deepEqual([...new Set(sdk)].sort(), [...AWS_REGIONS].sort());
        const { Region } = awsEnums as { Region: Record<string, string> };
        assert.deepEqual(
            Object.values(Region).filter((r) => !AWS_REGIONS.includes(r)),
            [],
        );
    });

    it("the Azure list is @pulumi/azure-native's AzureLocation enum, lower case", () => {
        const { AzureLocation } = migrateEnums as { AzureLocation: Record<string, string> };
        assert.deepEqual(
            Object.values(AzureLocation)
                .filter((l) => l !== "Unknown")
                .map((l) => l.toLowerCase()),
            AZURE_LOCATIONS,
        );
    });

    it("nearest: by edit distance, a swap of neighbours counting once", () => {
        assert.equal(editDistance("westeurpoe", "westeurope"), 1);
        assert.equal(editDistance("westeurop", "westeurope"), 1);
        assert.deepEqual(nearest("westeurpoe", ["westus", "northeurope", "westeurope"], 2), ["westeurope", "westus"]);
    });
});
