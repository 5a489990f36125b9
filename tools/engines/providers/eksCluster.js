"use strict";
// The stand-in aws provider's answer to `aws:eks/getCluster:getCluster` (the `aws.eks.getCluster`
// data source, eks:DescribeCluster), from the simulated cloud: the cluster is the object of type
// `aws:eks/cluster:Cluster` under its name in the region the call names, or the provider's region
// (the data source's documented `region` argument). The answer has the data source's output
// property names (GetClusterResult in node_modules/@pulumi/aws/eks/getCluster.d.ts): the resource's
// singular blocks (accessConfig, certificateAuthority, vpcConfig) become one-element lists.

const CLUSTER = "aws:eks/cluster:Cluster";

/**
 * @param load (type, scope, id) => the simulated cloud's record, or undefined
 * @param providerRegion the region the provider instance is configured for
 * @param args the call's arguments ({ name, region?, tags? })
 */
function getCluster(load, providerRegion, args) {
    const region = args.region || providerRegion || "";
    const found = load(CLUSTER, region, args.name);
    // The data source's error for a cluster DescribeCluster does not find (ResourceNotFoundException).
    if (!found) throw new Error(`reading EKS Cluster (${args.name}): couldn't find resource`);
    const c = { ...found.props, ...found.outputs };
    return {
        id: c.name,
        name: c.name,
        region,
        arn: c.arn,
        endpoint: c.endpoint,
        status: c.status,
        version: c.version || "1.33",
        platformVersion: c.platformVersion || "eks.1",
        roleArn: c.roleArn || "",
        createdAt: c.createdAt || "2025-01-01T00:00:00Z",
        clusterId: "",
        deletionProtection: false,
        accessConfigs: c.accessConfig ? [c.accessConfig] : [],
        certificateAuthorities: c.certificateAuthority ? [c.certificateAuthority] : [],
        enabledClusterLogTypes: c.enabledClusterLogTypes || [],
        tags: c.tags || {},
        vpcConfig: {
            clusterSecurityGroupId: "",
            controlPlaneEgressMode: "",
            securityGroupIds: [],
            subnetIds: [],
            vpcId: "",
            ...c.vpcConfig,
        },
        identities: [],
        computeConfigs: [],
        controlPlaneScalingConfigs: [],
        kubeApiServerConfigs: [],
        kubeControllerManagerConfigs: [],
        kubeSchedulerConfigs: [],
        kubernetesNetworkConfigs: [],
        outpostConfigs: [],
        remoteNetworkConfigs: [],
        storageConfigs: [],
        upgradePolicies: [],
        zonalShiftConfigs: [],
    };
}

module.exports = { getCluster };
