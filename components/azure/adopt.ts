import * as pulumi from "@pulumi/pulumi";
import type * as authorization from "@pulumi/azure-native/authorization";
import { ExistingRoleAssignment, lastSegment } from "../../lookup/azure/port";

/**
 * Resource options for an object that already exists and that Defender (or Microsoft's policy)
 * owns: Pulumi imports it by its ARM id instead of creating it (azure-native refuses to create an
 * existing resource), and `pulumi destroy` leaves it in place. Nothing for an object to create.
 */
export function adopt(id: string | undefined): pulumi.CustomResourceOptions {
    return id ? { import: id, retainOnDelete: true } : {};
}

/** A role assignment declared as ARM holds it, so that its import matches. */
export function existingRoleAssignmentArgs(ra: ExistingRoleAssignment): authorization.RoleAssignmentArgs {
    return {
        roleAssignmentName: lastSegment(ra.id),
        principalId: ra.principalId,
        ...(ra.principalType ? { principalType: ra.principalType } : {}),
        roleDefinitionId: ra.roleDefinitionId,
        scope: ra.scope,
        ...(ra.description ? { description: ra.description } : {}),
    };
}
