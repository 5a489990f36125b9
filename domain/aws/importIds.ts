/**
 * Import ids of the EKS resources this project adopts, in the formats the Pulumi AWS provider
 * documents (the "## Import" sections of `@pulumi/aws/eks/accessEntry.d.ts` and
 * `@pulumi/aws/eks/accessPolicyAssociation.d.ts`). Since v7 (enhanced region support,
 * docs/sources.md) one provider serves every region: a resource in a region other than the
 * provider's takes `region` as an input, and its import id ends in `@<region>`, else the import reads
 * the provider's region, where the resource does not exist (or another one of the same name does).
 */

/** `id`, with `@<region>` when `region` is not the provider's; always when the provider's region is unknown. */
export function regionalImportId(id: string, region: string, providerRegion: string | undefined): string {
    return region === providerRegion ? id : `${id}@${region}`;
}

/** `aws:eks/accessEntry:AccessEntry`: `<clusterName>:<principalArn>`. */
export function accessEntryImportId(
    clusterName: string,
    principalArn: string,
    region: string,
    providerRegion: string | undefined,
): string {
    return regionalImportId(`${clusterName}:${principalArn}`, region, providerRegion);
}

/** `aws:eks/accessPolicyAssociation:AccessPolicyAssociation`: `<clusterName>#<principalArn>#<policyArn>`. */
export function accessPolicyAssociationImportId(
    clusterName: string,
    principalArn: string,
    policyArn: string,
    region: string,
    providerRegion: string | undefined,
): string {
    return regionalImportId(`${clusterName}#${principalArn}#${policyArn}`, region, providerRegion);
}
