import { strict as assert } from "assert";
import { awsAuthMapRolesInFile } from "../../plan/awsAuthReads";
import { mockResourceState, sampleAwsAuthMapRoles } from "../../plan/mockState";
import { LookupSource } from "../../lookup/source";
import { loadAwsConfig } from "../../config/aws";
import { onboardAws } from "../../stack/aws/onboarding";
import { ClusterProviders } from "../../components/kubernetes/clusterProvider";
import { one, registered, takeNotes } from "../helpers/pulumi";
import { stateLookup, stateSource } from "../helpers/awsStateLookup";

const ACCOUNT = "210987654321";
const TENANT = "7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f";
const NODES =
    "- rolearn: arn:aws:iam::210987654321:role/nodes\n  username: system:node:{{EC2PrivateDNSName}}\n  groups:\n    - system:nodes\n";
const ENTRY = `- rolearn: arn:aws:iam::${ACCOUNT}:role/MDCContainersAgentlessDiscoveryK8sRole\n  username: MDCContainersAgentlessDiscoveryK8sRole\n  groups:\n    - mdc-agentless-discovery-readers\n`;
const state = {
    clusters: [
        {
            name: "ar-cm",
            region: "us-west-2",
            authenticationMode: "CONFIG_MAP",
            enabledLogTypes: ["audit", "authenticator"],
            awsAuth: { mapRoles: NODES },
        },
        { name: "ar-empty", region: "us-west-2", authenticationMode: "CONFIG_MAP", awsAuth: { mapRoles: "" } },
        { name: "ar-unsaid", region: "eu-west-1", authenticationMode: "CONFIG_MAP" },
    ],
};

describe("the offline plan answers the program's reads of aws-auth from the cloud-state file", () => {
    it("with the mapRoles the file gives the cluster the read is named after", () => {
        const source = stateSource(state);
        assert.equal(awsAuthMapRolesInFile(source, ACCOUNT, "eks-us-west-2-ar-cm-aws-auth-current"), NODES);
        assert.equal(awsAuthMapRolesInFile(source, ACCOUNT, "eks-us-west-2-ar-empty-aws-auth-current"), "");
        assert.equal(awsAuthMapRolesInFile(source, ACCOUNT, "eks-eu-west-1-ar-unsaid-aws-auth-current"), undefined);
        assert.equal(awsAuthMapRolesInFile(source, ACCOUNT, "eks-us-west-2-ar-cm"), undefined);
        assert.equal(awsAuthMapRolesInFile(source, ACCOUNT, "eks-eu-west-1-ar-cm-aws-auth-current"), undefined);
    });

    it("reads the file's aws section once per file", () => {
        let reads = 0;
        const source: LookupSource = {
            kind: "file",
            description: "t.cloud.yaml",
            file: () => (reads++, { path: "t.cloud.yaml", sections: { aws: state } }),
        };
        awsAuthMapRolesInFile(source, ACCOUNT, "eks-us-west-2-ar-cm-aws-auth-current");
        awsAuthMapRolesInFile(source, ACCOUNT, "eks-us-west-2-ar-empty-aws-auth-current");
        assert.equal(reads, 1);
    });

    it("answers the read as a mock, a sample where the run has no file, and names the read it cannot place", () => {
        const read = (ctx: Parameters<typeof mockResourceState>[3]) =>
            mockResourceState(
                "kubernetes:core/v1:ConfigMap",
                "eks-us-west-2-ar-cm-aws-auth-current",
                {},
                ctx,
                "kube-system/aws-auth",
            );
        assert.deepEqual(read({ awsAccountId: ACCOUNT, cloudState: stateSource(state) }).state.data, {
            mapRoles: NODES,
        });
        assert.deepEqual(read({ awsAccountId: ACCOUNT }).state.data, { mapRoles: sampleAwsAuthMapRoles(ACCOUNT) });
        assert.throws(
            () => read({ cloudState: stateSource(state) }),
            (e: Error) =>
                e.message ===
                "the read eks-us-west-2-ar-cm-aws-auth-current of a cluster's aws-auth came before an AWS provider pinned to an account (allowedAccountIds) registered; the cloud-state file's aws section is read for that account",
        );
    });

    it("is the harness's answer alone: the program given the file writes none into the mocks, which answer a sample without it", async () => {
        const cfg = loadAwsConfig({ accountId: ACCOUNT, region: "us-west-2" });
        // Each run its own cluster: the mock runtime is shared by every test of the process.
        const patched = async (name: string, harness: "file" | "none") => {
            const cluster = {
                name,
                region: "us-west-2",
                authenticationMode: "CONFIG_MAP",
                enabledLogTypes: ["audit", "authenticator"],
                awsAuth: { mapRoles: NODES },
            };
            const own = { clusters: [cluster] };
            await takeNotes();
            const rs = await registered(
                () => {
                    void onboardAws(cfg, TENANT, stateSource(own), new ClusterProviders(), stateLookup(own, ACCOUNT));
                },
                { cloudState: harness === "file" ? stateSource(own) : undefined },
            );
            await takeNotes();
            return (
                one(
                    rs.filter((r) => r.parent === `eks-us-west-2-${name}`),
                    "kubernetes:core/v1:ConfigMapPatch",
                ).inputs.data as Record<string, string>
            ).mapRoles;
        };
        assert.equal(await patched("ar-no-harness", "none"), sampleAwsAuthMapRoles(ACCOUNT) + ENTRY);
        assert.equal(await patched("ar-harness", "file"), NODES + ENTRY);
    });
});
