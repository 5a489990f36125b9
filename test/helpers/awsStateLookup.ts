import { fileAwsLookup } from "../../lookup/aws/stateFile";
import { LookupSource } from "../../lookup/source";

/** The offline AWS lookup over an in-memory cloud-state `aws` section, as if read from `file`. */
export function stateSource(aws: unknown, file = "test.cloud.yaml"): LookupSource {
    return { kind: "file", description: file, file: () => ({ path: file, sections: { aws } }) };
}

export function stateLookup(aws: unknown, accountId: string, file = "test.cloud.yaml") {
    return fileAwsLookup(stateSource(aws, file), accountId);
}
