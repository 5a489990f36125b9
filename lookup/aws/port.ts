/**
 * What the AWS stack reads from the cloud before it declares anything: the EKS clusters of each
 * region with their facts, and the objects Defender or Microsoft's CloudFormation template may
 * already have made. Two implementations answer it: the live one (`live.ts`, AWS SDK with
 * the deployer's credentials) and the offline one (`lookup/aws/stateFile.ts`, a cloud-state file).
 * Every failure is a LookupError naming the call, the scope and the cloud's reason.
 */
import { AuthenticationMode, ControlPlaneLogType } from "../../domain/aws/facts";
import { EksEndpoint } from "../../config/aws";
import type { ExistingSecurityConnector } from "../../domain/shared/securityConnectors";

/** One EKS cluster as eks:DescribeCluster reports it. */
export interface DiscoveredEksCluster {
    name: string;
    region: string;
    arn: string;
    authenticationMode: AuthenticationMode;
    endpoint: EksEndpoint;
    enabledLogTypes: ControlPlaneLogType[];
    tags: Record<string, string>;
}

/** An IAM role that exists (iam:GetRole). */
export interface ExistingRole {
    name: string;
    arn: string;
    tags: Record<string, string>;
    /** The trust policy (JSON text), when known. */
    trustPolicy?: string;
}

/**
 * The permissions of a role that exists: its inline policies and the managed policies attached to
 * it, each document as JSON text (IAM's URL encoding undone). A managed policy's document is its
 * default version's.
 */
export interface RolePolicies {
    inline: { name: string; document: string }[];
    attached: { arn: string; document: string }[];
}

/** The IAM OIDC provider for Microsoft's issuer (iam:GetOpenIDConnectProvider). */
export interface ExistingOidcProvider {
    arn: string;
    clientIds: string[];
    tags: Record<string, string>;
}

/** An EKS access entry of a principal on a cluster, with the access policies associated with it. */
export interface ExistingAccessEntry {
    principalArn: string;
    type: string;
    kubernetesGroups: string[];
    tags: Record<string, string>;
    /** Policy ARNs associated at cluster scope (namespace-scoped associations are not listed). */
    clusterScopePolicyArns: string[];
}

export interface AwsCloudLookup {
    /** Where the answers come from, for notes: "the cloud" or a cloud-state file. */
    readonly description: string;
    /** eks:ListClusters + eks:DescribeCluster in one region, sorted by name. */
    listClusters(region: string): Promise<DiscoveredEksCluster[]>;
    /** iam:GetRole; undefined when the role does not exist (NoSuchEntity), a LookupError on any other failure. */
    findRole(name: string): Promise<ExistingRole | undefined>;
    /**
     * iam:ListRolePolicies + iam:GetRolePolicy, iam:ListAttachedRolePolicies + iam:GetPolicy +
     * iam:GetPolicyVersion (every page): what an adopted role may do, for the gate to judge.
     * Undefined when the answer does not say (a cloud-state file without `policies`).
     */
    rolePolicies(name: string): Promise<RolePolicies | undefined>;
    /** iam:ListOpenIDConnectProviders + iam:GetOpenIDConnectProvider for Microsoft's issuer. */
    findOidcProvider(): Promise<ExistingOidcProvider | undefined>;
    /** eks:ListAccessEntries (+ eks:DescribeAccessEntry, eks:ListAssociatedAccessPolicies) for one principal. */
    findAccessEntry(cluster: DiscoveredEksCluster, principalArn: string): Promise<ExistingAccessEntry | undefined>;
    /**
     * The Azure security connectors of one subscription (ARM `SecurityConnectors_List`, every page):
     * where the account may already be connected to Defender.
     */
    securityConnectors(subscriptionId: string): Promise<ExistingSecurityConnector[]>;
    /** Releases the clients (open sockets would keep the program alive). */
    close(): void;
}
