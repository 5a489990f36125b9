import * as pulumi from "@pulumi/pulumi";
import { SecurityConnector } from "@pulumi/azure-native/security/securityConnector";
import { AuditLogRoleKey } from "../../domain/aws/auditLogFacts";
import { requirePlain, requirePlainContainer } from "../shared/input";
import { adoptedConnectorArgs, ExistingSecurityConnector } from "../../domain/shared/securityConnectors";

export const AWS_CONTAINERS_OFFERING = "DefenderForContainersAws";

export interface DefenderConnectorArgs {
    /** The AWS account the connector covers (for example `aws.getCallerIdentityOutput().accountId`). */
    accountId: pulumi.Input<string>;
    /** Connector name in Azure. */
    connectorName: string;
    resourceGroupName: pulumi.Input<string>;
    location: pulumi.Input<string>;
    /** The discovery role Defender assumes. */
    discoveryRoleArn: pulumi.Input<string>;
    /**
     * The audit-log pipeline's role ARNs. Present: audit-log auto-provisioning is on and the offering
     * carries them; absent: it is off. One never goes without the other.
     */
    auditLogRoleArns?: Record<AuditLogRoleKey, pulumi.Input<string>>;
    /**
     * The account's existing connector, made outside this stack (the Defender portal): imported by
     * its ARM id with its own inputs and kept on destroy; the arguments above then do not apply to it.
     */
    adopt?: ExistingSecurityConnector;
}

/**
 * The Defender side: an Azure security connector for the AWS account whose Containers
 * offering turns on agentless discovery with the role created here. The sensor and policy add-on
 * auto-provisioning stay off: this project installs those itself (Helm), and the two routes must
 * not be mixed on one cluster.
 */
export class DefenderConnector extends pulumi.ComponentResource {
    readonly connector: SecurityConnector;

    constructor(name: string, args: DefenderConnectorArgs, opts?: pulumi.ComponentResourceOptions) {
        requirePlain("DefenderConnector", name, args, {
            connectorName: "it names the security connector",
            adopt: "an existing connector is imported by its id",
        });
        requirePlainContainer(
            "DefenderConnector",
            name,
            "auditLogRoleArns",
            args.auditLogRoleArns,
            "whether it is given turns audit-log auto-provisioning on (each role ARN may be an output)",
        );
        super(
            "agentless:aws:DefenderConnector",
            name,
            {
                accountId: args.accountId,
                connectorName: args.connectorName,
                auditLogsAutoProvisioning: args.auditLogRoleArns !== undefined,
            },
            opts,
        );
        const roles = args.auditLogRoleArns;
        if (args.adopt) {
            this.connector = new SecurityConnector(`${name}-connector`, adoptedConnectorArgs(args.adopt), {
                parent: this,
                import: args.adopt.id,
                retainOnDelete: true,
            });
            this.registerOutputs({ connectorId: this.connector.id });
            return;
        }
        this.connector = new SecurityConnector(
            `${name}-connector`,
            {
                securityConnectorName: args.connectorName,
                resourceGroupName: args.resourceGroupName,
                location: args.location,
                environmentName: "AWS",
                hierarchyIdentifier: args.accountId,
                environmentData: { environmentType: "AwsAccount" },
                offerings: [
                    {
                        offeringType: AWS_CONTAINERS_OFFERING,
                        mdcContainersAgentlessDiscoveryK8S: { enabled: true, cloudRoleArn: args.discoveryRoleArn },
                        enableAuditLogsAutoProvisioning: roles !== undefined,
                        ...(roles
                            ? {
                                  kubernetesService: { cloudRoleArn: roles.kubernetesService },
                                  kubernetesDataCollection: { cloudRoleArn: roles.kubernetesDataCollection },
                                  cloudWatchToKinesis: { cloudRoleArn: roles.cloudWatchToKinesis },
                                  kinesisToS3: { cloudRoleArn: roles.kinesisToS3 },
                              }
                            : {}),
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
