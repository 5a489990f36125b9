import * as pulumi from "@pulumi/pulumi";
import * as serviceaccount from "@pulumi/gcp/serviceaccount";
import * as projects from "@pulumi/gcp/projects";
import * as organizations from "@pulumi/gcp/organizations";
import {
    CUSTOM_ROLE_PERMISSIONS, CUSTOM_ROLE_TITLE, DEFAULT_CUSTOM_ROLE_ID, DEFAULT_SERVICE_ACCOUNT_NAME, GcpScope,
    INVENTORY_ROLE_ID, INVENTORY_ROLE_PERMISSIONS, INVENTORY_ROLE_TITLE,
    SERVICE_ACCOUNT_DISPLAY_NAME, VIEWER_ROLE,
} from "./facts";

export interface GkeDiscoveryAccessArgs {
    /** The project that holds the service account (and, with scope "project", the role and bindings). */
    projectId: string;
    /** Where the custom role lives and the roles are granted. */
    scope: GcpScope;
    /** Required with scope "organization". */
    organizationId?: string;
    serviceAccountName?: string;
    customRoleId?: string;
    /** Also create and grant MDCGkeContainerInventoryCollectionRole (reads Secrets: opt-in). */
    inventoryRole?: boolean;
}

/**
 * Steps 1 and 2 of the discovery flow on GCP: the service account Defender acts as, the custom
 * role holding `container.clusters.update` only, and the two role grants. Step 4 needs nothing
 * per cluster: GKE maps IAM roles to Kubernetes access, so `roles/container.viewer` already reads
 * every cluster in scope.
 *
 * Grants are non-authoritative (`IAMMember`): each adds one member to one role and leaves every
 * other binding of the project or organization as it is.
 */
export class GkeDiscoveryAccess extends pulumi.ComponentResource {
    readonly serviceAccount: serviceaccount.Account;
    readonly email: pulumi.Output<string>;
    readonly member: pulumi.Output<string>;
    readonly customRole: projects.IAMCustomRole | organizations.IAMCustomRole;
    /** `projects/<id>/roles/<roleId>` or `organizations/<id>/roles/<roleId>`. */
    readonly customRoleName: pulumi.Output<string>;
    readonly grants: (projects.IAMMember | organizations.IAMMember)[] = [];
    readonly inventoryRole?: projects.IAMCustomRole | organizations.IAMCustomRole;

    constructor(name: string, args: GkeDiscoveryAccessArgs, opts?: pulumi.ComponentResourceOptions) {
        super("agentless:gcp:GkeDiscoveryAccess", name, {}, opts);
        if (args.scope === "organization" && !args.organizationId) {
            throw new Error(`${name}: scope "organization" needs an organizationId`);
        }
        const roleId = args.customRoleId ?? DEFAULT_CUSTOM_ROLE_ID;

        this.serviceAccount = new serviceaccount.Account(`${name}-sa`, {
            project: args.projectId,
            accountId: args.serviceAccountName ?? DEFAULT_SERVICE_ACCOUNT_NAME,
            displayName: SERVICE_ACCOUNT_DISPLAY_NAME,
            description: "Lists GKE clusters and reads their Kubernetes API for Defender's inventory; may add Defender's IP ranges to authorized networks",
        }, { parent: this });
        this.email = this.serviceAccount.email;
        this.member = pulumi.interpolate`serviceAccount:${this.serviceAccount.email}`;

        const roleArgs = {
            roleId,
            title: CUSTOM_ROLE_TITLE,
            description: "Microsoft Defender for Containers: update GKE clusters to allow Defender's IP ranges on clusters with authorized networks",
            permissions: [...CUSTOM_ROLE_PERMISSIONS],
            stage: "GA",
        };
        if (args.scope === "organization") {
            const orgId = args.organizationId!;
            this.customRole = new organizations.IAMCustomRole(`${name}-role`, { ...roleArgs, orgId }, { parent: this });
            for (const [suffix, role] of [["cluster-write", this.customRole.name], ["container-viewer", VIEWER_ROLE]] as const) {
                this.grants.push(new organizations.IAMMember(`${name}-${suffix}`, { orgId, role, member: this.member }, { parent: this }));
            }
        } else {
            this.customRole = new projects.IAMCustomRole(`${name}-role`, { ...roleArgs, project: args.projectId }, { parent: this });
            for (const [suffix, role] of [["cluster-write", this.customRole.name], ["container-viewer", VIEWER_ROLE]] as const) {
                this.grants.push(new projects.IAMMember(`${name}-${suffix}`, { project: args.projectId, role, member: this.member }, { parent: this }));
            }
        }
        this.customRoleName = this.customRole.name;

        if (args.inventoryRole) {
            const inv = {
                roleId: INVENTORY_ROLE_ID,
                title: INVENTORY_ROLE_TITLE,
                description: "Microsoft Defender for Containers: node proxy and Secret listing for the container inventory (opt-in: reads Secrets)",
                permissions: [...INVENTORY_ROLE_PERMISSIONS],
                stage: "GA",
            };
            if (args.scope === "organization") {
                const orgId = args.organizationId!;
                this.inventoryRole = new organizations.IAMCustomRole(`${name}-inventory-role`, { ...inv, orgId }, { parent: this });
                this.grants.push(new organizations.IAMMember(`${name}-inventory`, { orgId, role: this.inventoryRole.name, member: this.member }, { parent: this }));
            } else {
                this.inventoryRole = new projects.IAMCustomRole(`${name}-inventory-role`, { ...inv, project: args.projectId }, { parent: this });
                this.grants.push(new projects.IAMMember(`${name}-inventory`, { project: args.projectId, role: this.inventoryRole.name, member: this.member }, { parent: this }));
            }
        }

        this.registerOutputs({ email: this.email, customRole: this.customRoleName });
    }
}
