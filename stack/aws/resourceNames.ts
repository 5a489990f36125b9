/**
 * Names the AWS program gives per cluster, which the offline plan needs too: its mocks answer the
 * read of a cluster's aws-auth from the cloud-state file, and the read's name tells the cluster.
 */

/** The name of a cluster's EksClusterAccess component; the resources under it are named after it. */
export function eksAccessName(c: { region: string; name: string }): string {
    return `eks-${c.region}-${c.name}`;
}

/** The name of the read of a cluster's aws-auth ConfigMap (components/aws/eksClusterAccess.ts: `<component>-aws-auth-current`). */
export function awsAuthReadName(c: { region: string; name: string }): string {
    return `${eksAccessName(c)}-aws-auth-current`;
}
