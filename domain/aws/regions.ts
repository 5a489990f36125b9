import { nearest } from "../../lib/nearest";

/**
 * AWS region codes are `<area>-<direction>-<number>` (docs.aws.amazon.com/global-infrastructure/
 * latest/regions/aws-regions.html): the areas and directions below are every one AWS uses, so a
 * typo or a made-up region (`us-middle-1`, `moon-east-1`) is refused before any API call, instead
 * of a DNS failure or an empty list that reads as "no clusters".
 */
const AREAS = [
    "us",
    "eu",
    "ap",
    "sa",
    "ca",
    "me",
    "af",
    "il",
    "mx",
    "cn",
    "us-gov",
    "us-iso",
    "us-isob",
    "eu-isoe",
    "us-isof",
    "eusc-de",
];
const DIRECTIONS = ["north", "south", "east", "west", "central", "northeast", "northwest", "southeast", "southwest"];
const REGION = new RegExp(`^(${AREAS.join("|")})-(${DIRECTIONS.join("|")})-[1-9]\\d?$`);

/**
 * Every region of every partition the AWS SDK for JavaScript knows (@aws-sdk/core 3.981.0,
 * `util-endpoints/lib/aws/partitions.js`, the `regions` of each partition without the `*-global`
 * pseudo-regions). test/config/regions.test.ts compares it with the installed SDK and with
 * @pulumi/aws's `Region` enum, so an upgrade that adds a region fails the test until it is added.
 */
export const AWS_REGIONS: readonly string[] = [
    "af-south-1",
    "ap-east-1",
    "ap-east-2",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-south-1",
    "ap-south-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-6",
    "ap-southeast-7",
    "ca-central-1",
    "ca-west-1",
    "cn-north-1",
    "cn-northwest-1",
    "eu-central-1",
    "eu-central-2",
    "eu-isoe-west-1",
    "eu-north-1",
    "eu-south-1",
    "eu-south-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "eusc-de-east-1",
    "il-central-1",
    "me-central-1",
    "me-south-1",
    "me-west-1",
    "mx-central-1",
    "sa-east-1",
    "sa-west-1",
    "us-east-1",
    "us-east-2",
    "us-gov-east-1",
    "us-gov-west-1",
    "us-iso-east-1",
    "us-iso-west-1",
    "us-isob-east-1",
    "us-isob-west-1",
    "us-isof-east-1",
    "us-isof-south-1",
    "us-west-1",
    "us-west-2",
];

/** A message naming the value and what is allowed, or undefined for a well-formed region. */
export function awsRegionProblem(region: string): string | undefined {
    if (REGION.test(region)) return undefined;
    return `--region ${JSON.stringify(region)} is not an AWS region; expected <area>-<direction>-<number> such as eu-west-1, with area one of ${AREAS.join(", ")} and direction one of ${DIRECTIONS.join(", ")}`;
}

/**
 * For a well-formed region that is not in AWS_REGIONS (`us-east-7`, `us-easst-2`): what to write
 * instead, the nearest listed names and the escape hatch for a region AWS opened after this list.
 */
export function unlistedAwsRegion(region: string, escapeHatch: string): string | undefined {
    if (AWS_REGIONS.includes(region)) return undefined;
    return `an AWS region the AWS SDK lists; the nearest are ${nearest(region, AWS_REGIONS).join(", ")} (a region AWS opened after this release: add it to ${escapeHatch})`;
}
