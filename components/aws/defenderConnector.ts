import * as pulumi from "@pulumi/pulumi";
import { SecurityConnector } from "@pulumi/azure-native/security/securityConnector";

export const AWS_CONTAINERS_OFFERING = "DefenderForContainersAws";

export interface DefenderConnectorArgs {
    accountId: string;
    /** Connector name in Azure. */
    connectorName: string;
    resourceGroupName: string;
    location: string;
    /** The discovery role Defender assumes. */
    discoveryRoleArn: pulumi.Input<string>;
    auditLogsAutoProvisioning: boolean;
}

/**
 * The Defender side (SPEC §5): an Azure security connector for the AWS account whose Containers
 * offering turns on agentless discovery with the role created here. The sensor and policy add-on
 * auto-provisioning stay off: this project installs those itself (Helm), and the two routes must
 * not be mixed on one cluster.
 */
export class DefenderConnector extends pulumi.ComponentResource {
    readonly connector: SecurityConnector;

    constructor(name: string, args: DefenderConnectorArgs, opts?: pulumi.ComponentResourceOptions) {
        super("agentless:aws:DefenderConnector", name, {
            accountId: args.accountId,
            connectorName: args.connectorName,
            auditLogsAutoProvisioning: args.auditLogsAutoProvisioning,
        }, opts);
        this.connector = new SecurityConnector(`${name}-connector`, {
            securityConnectorName: args.connectorName,
            resourceGroupName: args.resourceGroupName,
            location: args.location,
            environmentName: "AWS",
            hierarchyIdentifier: args.accountId,
            environmentData: { environmentType: "AwsAccount" },
            offerings: [{
                offeringType: AWS_CONTAINERS_OFFERING,
                mdcContainersAgentlessDiscoveryK8S: { enabled: true, cloudRoleArn: args.discoveryRoleArn },
                enableAuditLogsAutoProvisioning: args.auditLogsAutoProvisioning,
                enableDefenderAgentAutoProvisioning: false,
                enablePolicyAgentAutoProvisioning: false,
            }],
        }, { parent: this });
        this.registerOutputs({ connectorId: this.connector.id });
    }
}
