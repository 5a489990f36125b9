import * as pulumi from "@pulumi/pulumi";
import * as projects from "@pulumi/gcp/projects";
import * as organizations from "@pulumi/gcp/organizations";
import { requirePlain } from "../shared/input";
import { AUDIT_LOG_TYPES, AUDIT_SERVICE, GcpScope } from "../../domain/gcp/facts";

export interface GkeAuditLogsArgs {
    /** Plain: it decides whether the project's or the organization's audit config exists. */
    scope: GcpScope;
    /** May be an output (`gcp.organizations.Project.projectId`). */
    projectId: pulumi.Input<string>;
    /** Required with scope "organization"; may be an output. */
    organizationId?: pulumi.Input<string>;
}

/**
 * Data Access audit logs (ADMIN_READ, DATA_READ, DATA_WRITE) for `container.googleapis.com`.
 *
 * The audit config resource is authoritative for its service: it replaces whatever audit config
 * the project (or organization) already has for `container.googleapis.com`, exempted members
 * included. Other services' audit configs are left alone. Projects whose audit config is managed
 * elsewhere switch this off (`gcp.auditLogs.enabled: false`).
 */
export class GkeAuditLogs extends pulumi.ComponentResource {
    readonly config: projects.IAMAuditConfig | organizations.IamAuditConfig;

    constructor(name: string, args: GkeAuditLogsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("agentless:gcp:GkeAuditLogs", name, {}, opts);
        requirePlain("GkeAuditLogs", name, args, {
            scope: "it decides whether the project's or the organization's audit config exists",
        });
        const auditLogConfigs = AUDIT_LOG_TYPES.map((logType) => ({ logType }));
        if (args.scope === "organization") {
            if (!args.organizationId) throw new Error(`${name}: scope "organization" needs an organizationId`);
            this.config = new organizations.IamAuditConfig(
                `${name}-container`,
                {
                    orgId: args.organizationId,
                    service: AUDIT_SERVICE,
                    auditLogConfigs,
                },
                { parent: this },
            );
        } else {
            this.config = new projects.IAMAuditConfig(
                `${name}-container`,
                {
                    project: args.projectId,
                    service: AUDIT_SERVICE,
                    auditLogConfigs,
                },
                { parent: this },
            );
        }
        this.registerOutputs({});
    }
}
