import { LookupSource } from "../lookup/source";
import { fileAwsState } from "../lookup/aws/stateFile";
import { awsAuthReadName } from "../stack/aws/resourceNames";

/** Per file, read once: a plan reads one cluster's aws-auth after another. */
const answers = new WeakMap<LookupSource, Map<string, string>>();

/**
 * What the offline plan's mocks answer when the program reads a cluster's aws-auth ConfigMap
 * (`ConfigMap.get`, components/aws/eksClusterAccess.ts): the mapRoles that the run's cloud-state
 * file gives that cluster, as `pulumi preview` would read them from the cluster. The read is named
 * after its cluster (stack/aws/resourceNames.ts), so its name tells which. Undefined when the
 * file gives that cluster no mapRoles.
 */
export function awsAuthMapRolesInFile(source: LookupSource, accountId: string, readName: string): string | undefined {
    let byRead = answers.get(source);
    if (!byRead) {
        const clusters = fileAwsState(source, accountId)().clusters;
        byRead = new Map(
            clusters.flatMap((c) =>
                c.awsAuthMapRoles !== undefined ? [[awsAuthReadName(c), c.awsAuthMapRoles] as const] : [],
            ),
        );
        answers.set(source, byRead);
    }
    return byRead.get(readName);
}
