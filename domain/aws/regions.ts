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

/** A message naming the value and what is allowed, or undefined for a well-formed region. */
export function awsRegionProblem(region: string): string | undefined {
    if (REGION.test(region)) return undefined;
    return `--region ${JSON.stringify(region)} is not an AWS region; expected <area>-<direction>-<number> such as eu-west-1, with area one of ${AREAS.join(", ")} and direction one of ${DIRECTIONS.join(", ")}`;
}
