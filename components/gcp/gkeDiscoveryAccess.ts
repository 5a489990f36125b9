import * as pulumi from "@pulumi/pulumi";
import * as serviceaccount from "@pulumi/gcp/serviceaccount";
import * as projects from "@pulumi/gcp/projects";
import * as organizations from "@pulumi/gcp/organizations";
import {
    CUSTOM_ROLE_PERMISSIONS,
    CUSTOM_ROLE_TITLE,
    DEFAULT_CUSTOM_ROLE_ID,
    DEFAULT_SERVICE_ACCOUNT_NAME,
    GcpScope,
    INVENTORY_ROLE_ID,
    INVENTORY_ROLE_PERMISSIONS,
    INVENTORY_ROLE_TITLE,
    markedDescription,
    SERVICE_ACCOUNT_DISPLAY_NAME,
    VIEWER_ROLE,
} from "../../domain/gcp/facts";
import { Adopted, adoptOptions } from "./adoption";
import { organizationCustomRoleName, projectCustomRoleName } from "../../domain/gcp/identifiers";
import { plainString, requirePlain } from "../shared/input";

type RoleInputs = { title: string; description: string; permissions: string[]; stage: string };

/** What already exists and is imported instead of created (`adoption.ts`); retained on destroy. */
export interface GkeDiscoveryAccessAdoption {
    serviceAccount?: Adopted<{ displayName: string; description: string; disabled: boolean }>;
    customRole?: Adopted<RoleInputs>;
    inventoryRole?: Adopted<RoleInputs>;
    /**
     * Granted role (`roles/...` or the custom role's name) → import id of the existing grant. The
     * custom role's name is spelled from `projectId`/`organizationId`, which must then be strings.
     */
    grants?: Record<string, string>;
    /** The account is Microsoft's (adopted): its grants are kept on destroy too, imported or not. */
    retainGrants?: boolean;
}

export interface GkeDiscoveryAccessArgs {
    /**
     * The project that holds the service account (and, with scope "project", the role and bindings);
     * may be an output (`gcp.organizations.Project.projectId`).
     */
    projectId: pulumi.Input<string>;
    /** Where the custom role lives and the roles are granted. Plain: it decides which resources exist. */
    scope: GcpScope;
    /** Required with scope "organization"; may be an output. */
    organizationId?: pulumi.Input<string>;
    serviceAccountName?: string;
    customRoleId?: string;
    /** Also create and grant MDCGkeContainerInventoryCollectionRole (reads Secrets: opt-in). */
    inventoryRole?: boolean;
    adopt?: GkeDiscoveryAccessAdoption;
}

/** The arguments that must be plain, and why (docs/library.md). */
const PLAIN_ARGS = {
    scope: "it decides whether the role and grants are the project's or the organization's",
    serviceAccountName: "it names the service account",
    customRoleId: "it names the custom role",
    inventoryRole: "it decides whether the inventory role and its grant exist",
    adopt: "adopted objects are imported by id, with the inputs they have",
} as const;

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
        requirePlain("GkeDiscoveryAccess", name, args, PLAIN_ARGS);
        if (args.scope === "organization" && !args.organizationId) {
            throw new Error(`${name}: scope "organization" needs an organizationId`);
        }
        const roleId = args.customRoleId ?? DEFAULT_CUSTOM_ROLE_ID;
        const adopt = args.adopt ?? {};

        this.serviceAccount = new serviceaccount.Account(
            `${name}-sa`,
            {
                project: args.projectId,
                accountId: args.serviceAccountName ?? DEFAULT_SERVICE_ACCOUNT_NAME,
                ...(adopt.serviceAccount?.inputs ?? {
                    displayName: SERVICE_ACCOUNT_DISPLAY_NAME,
                    description: markedDescription(
                        "Lists GKE clusters and reads their Kubernetes API for Defender's inventory; may add Defender's IP ranges to authorized networks",
                    ),
                }),
            },
            { parent: this, ...adoptOptions(adopt.serviceAccount?.importId) },
        );
        this.email = this.serviceAccount.email;
        this.member = pulumi.interpolate`serviceAccount:${this.serviceAccount.email}`;

        this.customRole = this.roleWithGrants(
            name,
            args,
            "role",
            roleId,
            adopt.customRole ?? {
                inputs: {
                    title: CUSTOM_ROLE_TITLE,
                    description: markedDescription(
                        "Microsoft Defender for Containers: update GKE clusters to allow Defender's IP ranges on clusters with authorized networks",
                    ),
                    permissions: [...CUSTOM_ROLE_PERMISSIONS],
                    stage: "GA",
                },
            },
            ["cluster-write", "container-viewer"],
        );
        this.customRoleName = this.customRole.name;

        if (args.inventoryRole) {
            this.inventoryRole = this.roleWithGrants(
                name,
                args,
                "inventory-role",
                INVENTORY_ROLE_ID,
                adopt.inventoryRole ?? {
                    inputs: {
                        title: INVENTORY_ROLE_TITLE,
                        description: markedDescription(
                            "Microsoft Defender for Containers: node proxy and Secret listing for the container inventory (opt-in: reads Secrets)",
                        ),
                        permissions: [...INVENTORY_ROLE_PERMISSIONS],
                        stage: "GA",
                    },
                },
                ["inventory"],
            );
        }

        this.registerOutputs({ email: this.email, customRole: this.customRoleName });
    }

    /**
     * A custom role at the scope (project or organization) and one non-authoritative grant per
     * suffix: the first grant is of the custom role itself, a second (if named) of roles/container.viewer.
     */
    private roleWithGrants(
        name: string,
        args: GkeDiscoveryAccessArgs,
        roleSuffix: string,
        roleId: string,
        role: { importId?: string; inputs: RoleInputs },
        grantSuffixes: readonly string[],
    ): projects.IAMCustomRole | organizations.IAMCustomRole {
        const roleArgs = { roleId, ...role.inputs };
        const opts = { parent: this };
        const roleOpts = { ...opts, ...adoptOptions(role.importId) };
        const created =
            args.scope === "organization"
                ? new organizations.IAMCustomRole(
                      `${name}-${roleSuffix}`,
                      { ...roleArgs, orgId: args.organizationId! },
                      roleOpts,
                  )
                : new projects.IAMCustomRole(
                      `${name}-${roleSuffix}`,
                      { ...roleArgs, project: args.projectId },
                      roleOpts,
                  );
        const grants = args.adopt?.grants;
        const roleName = grants ? plainCustomRoleName(name, args, roleId) : undefined;
        grantSuffixes.forEach((suffix, i) => {
            const granted = i === 0 ? created.name : VIEWER_ROLE;
            const grantOpts = {
                ...opts,
                ...adoptOptions(grants?.[i === 0 ? roleName! : VIEWER_ROLE], args.adopt?.retainGrants),
            };
            this.grants.push(
                args.scope === "organization"
                    ? new organizations.IAMMember(
                          `${name}-${suffix}`,
                          { orgId: args.organizationId!, role: granted, member: this.member },
                          grantOpts,
                      )
                    : new projects.IAMMember(
                          `${name}-${suffix}`,
                          { project: args.projectId, role: granted, member: this.member },
                          grantOpts,
                      ),
            );
        });
        return created;
    }
}

/** The custom role's full name, which keys adopted grants: it needs the scope's id as a string. */
function plainCustomRoleName(name: string, args: GkeDiscoveryAccessArgs, roleId: string): string {
    const [key, v] =
        args.scope === "organization" ? ["organizationId", args.organizationId!] : ["projectId", args.projectId];
    const id = plainString(
        "GkeDiscoveryAccess",
        name,
        key,
        v,
        "adopt.grants is keyed by the custom role's full name, which it spells",
    );
    return args.scope === "organization" ? organizationCustomRoleName(id, roleId) : projectCustomRoleName(id, roleId);
}
