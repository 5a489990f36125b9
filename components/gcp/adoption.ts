import type { CustomResourceOptions } from "@pulumi/pulumi";
import { ConfigError } from "../../lib/errors";
import { DEFENDER_AUDIENCE, MICROSOFT_ISSUER } from "../../domain/shared/microsoft";
import { isMarked } from "../../domain/gcp/facts";
import {
    ExistingCustomRole,
    ExistingPool,
    ExistingPoolProvider,
    ExistingServiceAccount,
    Grant,
    IamParent,
    iamParentPath,
} from "../../lookup/gcp/port";

/**
 * Adopt, don't duplicate: what the stack declares with Pulumi's `import` option because it already
 * exists (made by Microsoft's gcloud script, by Defender's setup, or by hand). Pure functions from
 * the lookups' answers to import ids and inputs. Import needs the declared inputs to equal what
 * exists, so the inputs come from the lookup; adopted objects are never deleted by destroy
 * (retainOnDelete): this stack did not make them.
 *
 * Import id formats are the Pulumi gcp provider's (docs/gcp-discovery.md: sources).
 */

export interface Adopted<T> {
    importId: string;
    inputs: T;
}

/** Pulumi options that import an existing object and never delete it; `retain` also keeps a new one. */
export function adoptOptions(importId: string | undefined, retain = false): CustomResourceOptions {
    if (importId) return { import: importId, retainOnDelete: true };
    return retain ? { retainOnDelete: true } : {};
}

export function serviceAccountImportId(projectId: string, email: string): string {
    return `projects/${projectId}/serviceAccounts/${email}`;
}

/** `projects/<p>/roles/<id>` or `organizations/<o>/roles/<id>`: the role's name is its import id. */
export function customRoleImportId(parent: IamParent, roleId: string): string {
    return `${iamParentPath(parent)}/roles/${roleId}`;
}

/** IAMMember ids are space-separated: `<project id | org id | SA resource> <role> <member>`. */
export function grantImportId(resource: string, g: Grant): string {
    return `${resource} ${g.role} ${g.member}`;
}

export function poolImportId(projectId: string, poolId: string): string {
    return `projects/${projectId}/locations/global/workloadIdentityPools/${poolId}`;
}

export function poolProviderImportId(projectId: string, poolId: string, providerId: string): string {
    return `${poolImportId(projectId, poolId)}/providers/${providerId}`;
}

/** Made by an earlier run of this stack: already in its state, declared as usual, never adopted. */
function ours(existing: { description: string } | undefined): boolean {
    return existing !== undefined && isMarked(existing.description);
}

export function adoptServiceAccount(
    projectId: string,
    existing: ExistingServiceAccount | undefined,
): Adopted<{ displayName: string; description: string; disabled: boolean }> | undefined {
    if (!existing || ours(existing)) return undefined;
    return {
        importId: serviceAccountImportId(projectId, existing.email),
        inputs: { displayName: existing.displayName, description: existing.description, disabled: existing.disabled },
    };
}

export interface CustomRoleDecision {
    adopted?: Adopted<{ title: string; description: string; permissions: string[]; stage: string }>;
    /** Why the role is created although GCP answered with it (soft-deleted), for a note. */
    undeletes?: string;
}

/**
 * A live role is adopted with its own title, description, permissions and stage (a role holding
 * more or fewer permissions than Microsoft's is then flagged by the policy gke-write-role-exact).
 * A soft-deleted role is not importable: it is declared as new, and the provider's create undeletes
 * it and updates it to the declared fields (the provider's documented behaviour).
 */
export function adoptCustomRole(
    parent: IamParent,
    roleId: string,
    existing: ExistingCustomRole | undefined,
): CustomRoleDecision {
    if (!existing || (ours(existing) && !existing.deleted)) return {};
    const id = customRoleImportId(parent, roleId);
    if (existing.deleted) {
        return {
            undeletes: `custom role ${id} is soft-deleted: creating it undeletes it and sets the declared permissions (GCP keeps a deleted role undeletable for 7 days; after that its id stays reserved for up to 30 more days and creation fails until then: choose another role id)`,
        };
    }
    return {
        adopted: {
            importId: id,
            inputs: {
                title: existing.title,
                description: existing.description,
                permissions: [...existing.permissions].sort(),
                stage: existing.stage,
            },
        },
    };
}

export function hasGrant(grants: readonly Grant[], role: string, member: string): boolean {
    return grants.some((g) => g.role === role && g.member === member);
}

export type PoolInputs = { displayName: string; description: string; disabled: boolean };

/**
 * A soft-deleted pool (or provider) cannot be imported, used or re-created under its id for about
 * 30 days: the run stops naming the config key, with both ways out.
 */
export function adoptPool(
    projectId: string,
    poolId: string,
    existing: ExistingPool | undefined,
    keyPath: string,
): Adopted<PoolInputs> | undefined {
    if (!existing) return undefined;
    const importId = poolImportId(projectId, poolId);
    if (existing.state === "DELETED") {
        throw new ConfigError(
            keyPath,
            poolId,
            `an id that is not soft-deleted: workload identity pool ${importId} is DELETED and GCP keeps its id for about 30 days; undelete it (gcloud iam workload-identity-pools undelete ${poolId} --location=global --project=${projectId}) or choose another pool id`,
        );
    }
    if (ours(existing)) return undefined;
    return {
        importId,
        inputs: { displayName: existing.displayName, description: existing.description, disabled: existing.disabled },
    };
}

export type ProviderInputs = PoolInputs & {
    attributeMapping: Record<string, string>;
    attributeCondition?: string;
    allowedAudiences: string[];
};

/**
 * An existing provider is adopted only if it trusts what Defender presents: Microsoft's issuer and
 * Defender's audience. Anything else would be a trust this stack cannot vouch for, so the run stops.
 */
export function adoptPoolProvider(
    projectId: string,
    poolId: string,
    providerId: string,
    existing: ExistingPoolProvider | undefined,
    keyPath: string,
): Adopted<ProviderInputs> | undefined {
    if (!existing) return undefined;
    const importId = poolProviderImportId(projectId, poolId, providerId);
    if (existing.state === "DELETED") {
        throw new ConfigError(
            keyPath,
            providerId,
            `an id that is not soft-deleted: provider ${importId} is DELETED and GCP keeps its id for about 30 days; undelete it (gcloud iam workload-identity-pools providers undelete ${providerId} --workload-identity-pool=${poolId} --location=global --project=${projectId}) or choose another provider id`,
        );
    }
    if (ours(existing)) return undefined;
    const audiences = existing.allowedAudiences;
    if (existing.issuerUri !== MICROSOFT_ISSUER || audiences.length !== 1 || audiences[0] !== DEFENDER_AUDIENCE) {
        throw new ConfigError(
            keyPath,
            providerId,
            `a provider trusting issuer ${MICROSOFT_ISSUER} for audience ${DEFENDER_AUDIENCE} only; the existing ${importId} trusts issuer ${existing.issuerUri} for ${JSON.stringify(audiences)}: correct it or choose another provider id`,
        );
    }
    return {
        importId,
        inputs: {
            displayName: existing.displayName,
            description: existing.description,
            disabled: existing.disabled,
            attributeMapping: { ...existing.attributeMapping },
            ...(existing.attributeCondition ? { attributeCondition: existing.attributeCondition } : {}),
            allowedAudiences: [...audiences],
        },
    };
}
