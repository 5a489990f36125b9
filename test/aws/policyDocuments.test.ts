import { strict as assert } from "assert";
import {
    ACCESS_ENTRY_ACTIONS, ACTIONS_BY_MODE, clusterArn, DEFENDER_CIDRS, LEAST_PRIVILEGE_ACTIONS,
} from "../../components/aws/facts";
import { allowedActions, permissionsPolicy, trustPolicy } from "../../components/aws/policyDocuments";
import { cidrContains, cidrsWithDefender, endpointNetworkNote, missingDefenderCidrs, restrictedEndpointCommand } from "../../components/aws/endpointAccess";

const PROVIDER = "arn:aws:iam::123456789012:oidc-provider/sts.windows.net/33e01921-4d64-4f8c-a055-5bdaffd5e33d/";
const TENANT = "7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f";
const A = clusterArn("eu-west-1", "123456789012", "eks-a");
const B = clusterArn("us-east-1", "123456789012", "eks-b");

describe("discovery role policy documents", () => {
    it("trusts only Defender's web identity from Microsoft's tenant, for this customer's session", () => {
        assert.deepEqual(trustPolicy(PROVIDER, TENANT), {
            Version: "2012-10-17",
            Statement: [{
                Sid: "DefenderAgentlessDiscovery",
                Effect: "Allow",
                Principal: { Federated: PROVIDER },
                Action: "sts:AssumeRoleWithWebIdentity",
                Condition: {
                    StringEquals: {
                        "sts.windows.net/33e01921-4d64-4f8c-a055-5bdaffd5e33d/:aud": "api://6610e979-c931-41ec-adc7-b9920c9d52f1",
                        "sts:RoleSessionName": `MicrosoftDefenderForClouds_${TENANT}`,
                    },
                },
            }],
        });
    });

    it("least-privilege holds exactly DescribeCluster and UpdateClusterConfig on the listed clusters", () => {
        const doc = permissionsPolicy("least-privilege", [B, A]);
        assert.deepEqual(doc, {
            Version: "2012-10-17",
            Statement: [{
                Sid: "DescribeAndOpenClusters",
                Effect: "Allow",
                Action: ["eks:UpdateClusterConfig", "eks:DescribeCluster"],
                Resource: [
                    "arn:aws:eks:eu-west-1:123456789012:cluster/eks-a",
                    "arn:aws:eks:us-east-1:123456789012:cluster/eks-b",
                ],
            }],
        });
    });

    it("access-entries adds the four access-entry actions on the clusters and their access entries", () => {
        const doc = permissionsPolicy("access-entries", [A]);
        assert.deepEqual(allowedActions(doc).sort(), [
            "eks:AssociateAccessPolicy", "eks:CreateAccessEntry", "eks:DescribeCluster", "eks:ListAccessEntries",
            "eks:ListAssociatedAccessPolicies", "eks:UpdateClusterConfig",
        ]);
        assert.deepEqual(doc.Statement[1], {
            Sid: "ManageOwnAccessEntries",
            Effect: "Allow",
            Action: [...ACCESS_ENTRY_ACTIONS],
            Resource: [A, "arn:aws:eks:eu-west-1:123456789012:access-entry/eks-a/*"],
        });
    });

    it("never holds a wildcard action or a bare * resource in either mode", () => {
        for (const mode of ["least-privilege", "access-entries"] as const) {
            const doc = permissionsPolicy(mode, [A, B]);
            assert.deepEqual(allowedActions(doc), [...ACTIONS_BY_MODE[mode]]);
            for (const s of doc.Statement) {
                for (const a of [s.Action].flat()) assert.ok(!a.includes("*"), `${mode}: action ${a}`);
                for (const r of s.Resource ?? []) assert.ok(r !== "*" && r.startsWith("arn:aws:eks:"), `${mode}: resource ${r}`);
            }
        }
        assert.deepEqual([...LEAST_PRIVILEGE_ACTIONS], ["eks:UpdateClusterConfig", "eks:DescribeCluster"]);
    });

    it("refuses to write a statement without clusters", () => {
        assert.throws(() => permissionsPolicy("least-privilege", []), /needs at least one cluster ARN/);
    });

    it("spells cluster ARNs in the region's partition", () => {
        assert.equal(clusterArn("cn-north-1", "123456789012", "c"), "arn:aws-cn:eks:cn-north-1:123456789012:cluster/c");
        assert.equal(clusterArn("us-gov-west-1", "123456789012", "c"), "arn:aws-us-gov:eks:us-gov-west-1:123456789012:cluster/c");
    });
});

describe("endpoint reachability for Defender", () => {
    it("knows which Defender CIDRs an allow list covers", () => {
        assert.equal(cidrContains("172.212.0.0/16", "172.212.245.192/28"), true);
        assert.equal(cidrContains("172.212.245.200/29", "172.212.245.192/28"), false);
        assert.deepEqual(missingDefenderCidrs({ publicAccess: true, privateAccess: false, publicAccessCidrs: ["0.0.0.0/0"] }), []);
        assert.deepEqual(missingDefenderCidrs({ publicAccess: true, privateAccess: true, publicAccessCidrs: ["203.0.113.0/24", "48.209.1.192/28"] }), ["172.212.245.192/28"]);
        assert.deepEqual(missingDefenderCidrs({ publicAccess: false, privateAccess: true, publicAccessCidrs: ["0.0.0.0/0"] }), [...DEFENDER_CIDRS]);
    });

    it("adds Defender's CIDRs to the existing ones, keeping them, in the restricted-endpoint command", () => {
        assert.deepEqual(cidrsWithDefender(["198.51.100.0/24", "48.209.1.0/24"]), ["198.51.100.0/24", "48.209.1.0/24", "172.212.245.192/28"]);
        assert.equal(restrictedEndpointCommand("c1", "eu-west-1", { publicAccess: false, privateAccess: true, publicAccessCidrs: ["0.0.0.0/0"] }),
            "aws eks update-cluster-config --region eu-west-1 --name c1 --resources-vpc-config endpointPublicAccess=true,endpointPrivateAccess=true,publicAccessCidrs=172.212.245.192/28,48.209.1.192/28");
    });

    it("writes a note only for private or restricted endpoints", () => {
        assert.equal(endpointNetworkNote({ publicAccess: true, privateAccess: false, publicAccessCidrs: ["0.0.0.0/0"] }), undefined);
        assert.equal(endpointNetworkNote({ publicAccess: false, privateAccess: true, publicAccessCidrs: [] }),
            "API endpoint is private: discovery cannot reach this cluster (Defender does not open the endpoint); enable a restricted public endpoint that allows 172.212.245.192/28 and 48.209.1.192/28");
        assert.equal(endpointNetworkNote({ publicAccess: true, privateAccess: false, publicAccessCidrs: ["10.0.0.0/8"] }),
            "public API endpoint is restricted to 10.0.0.0/8: add 172.212.245.192/28 and 48.209.1.192/28 to publicAccessCidrs so that Defender can reach it");
    });
});
