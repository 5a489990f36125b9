import * as pulumi from "@pulumi/pulumi";
import { Cluster } from "@pulumi/aws/eks/cluster";
import { Role } from "@pulumi/aws/iam/role";
import { RolePolicyAttachment } from "@pulumi/aws/iam/rolePolicyAttachment";
import { getCallerIdentityOutput } from "@pulumi/aws/getCallerIdentity";
import { Provider as AzureProvider } from "@pulumi/azure-native/provider";
import {
    cidrsWithDefender,
    DefenderConnector,
    DiscoveryRole,
    EksClusterAccess,
    EndpointSettings,
} from "agentless-discovery/aws";

// A platform team's own cluster, onboarded in the same program: the library's components take the
// cluster's name and ARN as outputs, and the values that decide which resources exist as plain values.
const config = new pulumi.Config();
const region = new pulumi.Config("aws").require("region");

const clusterRole = new Role("apps-cluster", {
    assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: "eks.amazonaws.com" }, Action: "sts:AssumeRole" }],
    }),
});
const clusterPolicy = new RolePolicyAttachment("apps-cluster", {
    role: clusterRole.name,
    policyArn: "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy",
});

// Declared once, given to the cluster and to the component, whose network rules read it.
const endpoint: EndpointSettings = {
    publicAccess: true,
    privateAccess: true,
    publicAccessCidrs: cidrsWithDefender(["203.0.113.0/24"]),
};

const cluster = new Cluster(
    "apps",
    {
        roleArn: clusterRole.arn,
        accessConfig: { authenticationMode: "API" },
        vpcConfig: {
            subnetIds: config.requireObject<string[]>("subnetIds"),
            endpointPublicAccess: endpoint.publicAccess,
            endpointPrivateAccess: endpoint.privateAccess,
            publicAccessCidrs: [...endpoint.publicAccessCidrs],
        },
    },
    { dependsOn: [clusterPolicy] },
);

const discovery = new DiscoveryRole("defender-discovery", {
    accessMode: "least-privilege",
    azureTenantId: config.require("azureTenantId"),
    clusterArns: [cluster.arn],
});

new EksClusterAccess("apps-discovery", {
    clusterName: cluster.name,
    region,
    authenticationMode: "API",
    endpoint,
    roleArn: discovery.arn,
});

// The Azure side through an explicit provider, given to the component as Pulumi components take one.
const azure = new AzureProvider("defender-subscription", {
    subscriptionId: new pulumi.Config("azure-native").require("subscriptionId"),
});
const connector = new DefenderConnector(
    "defender",
    {
        accountId: getCallerIdentityOutput().accountId,
        connectorName: "aws-apps",
        resourceGroupName: config.require("resourceGroupName"),
        location: config.require("location"),
        discoveryRoleArn: discovery.arn,
    },
    { providers: [azure] },
);

export const clusterName = cluster.name;
export const discoveryRoleArn = discovery.arn;
export const connectorId = connector.connector.id;
