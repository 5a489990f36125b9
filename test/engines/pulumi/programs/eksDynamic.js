"use strict";
// A small program for the engine suite (test/engines/pulumi/dynamicProviders.engine.ts): the
// project's two EKS dynamic resources, as compiled by `npm run build` (their providers the text the
// build serialized), on each cluster the stack's config names, against the EKS endpoint it gives.
const path = require("path");
const pulumi = require("@pulumi/pulumi");
const { EksControlPlaneLogging, EksDefenderEndpointAccess } = require(
    path.join(__dirname, "..", "..", "..", "..", "dist", "components", "aws"),
);
const { DEFENDER_CIDRS } = require(path.join(__dirname, "..", "..", "..", "..", "dist", "domain", "aws", "facts"));

module.exports = () => {
    const config = new pulumi.Config();
    const region = config.require("region");
    const endpoint = config.require("endpoint");
    const out = {};
    for (const clusterName of config.requireObject("clusters")) {
        const logging = new EksControlPlaneLogging(`${clusterName}-logging`, {
            clusterName,
            region,
            logTypes: ["audit", "authenticator"],
            endpoint,
        });
        const access = new EksDefenderEndpointAccess(`${clusterName}-endpoint`, {
            clusterName,
            region,
            cidrs: [...DEFENDER_CIDRS],
            endpoint,
        });
        out[clusterName] = {
            enabledByStack: logging.enabledByStack,
            addedCidrs: access.addedCidrs,
            enabledPublicAccess: access.enabledPublicAccess,
        };
    }
    return out;
};
