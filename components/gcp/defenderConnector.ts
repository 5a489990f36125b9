import * as pulumi from "@pulumi/pulumi";
import * as security from "@pulumi/azure-native/security";
import { requirePlain } from "../shared/input";
import {
    CONNECTOR_ENVIRONMENT_NAME,
    CONNECTOR_ENVIRONMENT_TYPE,
    CONTAINERS_OFFERING_TYPE,
} from "../../domain/gcp/facts";
import { adoptedConnectorArgs, ExistingSecurityConnector } from "../../domain/shared/securityConnectors";

export interface DefenderGcpConnectorArgs {
    /** The project the connector covers; may be an output (`gcp.organizations.Project.projectId`). */
    projectId: pulumi.Input<string>;
    /** May be an output (`gcp.organizations.Project.number`). */
    projectNumber: pulumi.Input<string>;
    /** The Azure resource group of the connector; may be an output (`resources.ResourceGroup.name`). */
    resourceGroupName: pulumi.Input<string>;
    location: pulumi.Input<string>;
    /** Plain: it names the connector. */
    connectorName: string;
    /** The pool provider's id (not its full resource name): Defender looks it up in the project's pool. */
    workloadIdentityProviderId: pulumi.Input<string>;
    serviceAccountEmailAddress: pulumi.Input<string>;
    /**
     * The project's existing connector, made outside this stack (the Defender portal): imported by
     * its ARM id with its own inputs and kept on destroy; the arguments above then do not apply to it.
     */
    adopt?: ExistingSecurityConnector;
}

/**
 * The Defender side (docs/sources.md: connectors): an Azure security connector for the GCP project with the
 * Defender for Containers offering, whose agentless discovery points at the federated service
 * account. Only discovery is switched on here: the sensor, policy and audit-log pipelines need
 * service accounts, Pub/Sub and Arc resources that this stack does not create, so they are set
 * off explicitly rather than left to the API's defaults.
 */
export class DefenderGcpConnector extends pulumi.ComponentResource {
    readonly connector: security.SecurityConnector;

    constructor(name: string, args: DefenderGcpConnectorArgs, opts?: pulumi.ComponentResourceOptions) {
        super("agentless:gcp:DefenderGcpConnector", name, {}, opts);
        requirePlain("DefenderGcpConnector", name, args, {
            connectorName: "it names the security connector",
            adopt: "an existing connector is imported by its id",
        });
        if (args.adopt) {
            this.connector = new security.SecurityConnector(`${name}-connector`, adoptedConnectorArgs(args.adopt), {
                parent: this,
                import: args.adopt.id,
                retainOnDelete: true,
            });
            this.registerOutputs({ connectorId: this.connector.id });
            return;
        }
        this.connector = new security.SecurityConnector(
            `${name}-connector`,
            {
                resourceGroupName: args.resourceGroupName,
                securityConnectorName: args.connectorName,
                location: args.location,
                environmentName: CONNECTOR_ENVIRONMENT_NAME,
                hierarchyIdentifier: args.projectNumber,
                environmentData: {
                    environmentType: CONNECTOR_ENVIRONMENT_TYPE,
                    projectDetails: { projectId: args.projectId, projectNumber: args.projectNumber },
                },
                offerings: [
                    {
                        offeringType: CONTAINERS_OFFERING_TYPE,
                        mdcContainersAgentlessDiscoveryK8S: {
                            enabled: true,
                            workloadIdentityProviderId: args.workloadIdentityProviderId,
                            serviceAccountEmailAddress: args.serviceAccountEmailAddress,
                        },
                        enableAuditLogsAutoProvisioning: false,
                        enableDefenderAgentAutoProvisioning: false,
                        enablePolicyAgentAutoProvisioning: false,
                    },
                ],
            },
            { parent: this },
        );
        this.registerOutputs({ connectorId: this.connector.id });
    }
}
