import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { AksDiscoveryAccess } from "../../components/azure/aksDiscoveryAccess";
import { ArcExtensions } from "../../components/azure/arcExtensions";
import { targetKey } from "../../components/azure/resourceIds";
import { EksClusterAccess } from "../../components/aws/eksClusterAccess";
import { GkeDiscoveryAccess } from "../../components/gcp/gkeDiscoveryAccess";
import { one, registered } from "../helpers/pulumi";

// Outputs of a user's own resources, known only once those resolve: what the components must accept
// wherever docs/library.md says "pulumi.Input".
const later = (v: string): pulumi.Output<string> => pulumi.output(new Promise<string>((resolve) => setTimeout(() => resolve(v), 5)));
const SUB = "6b1e0f3a-2c4d-4e5f-8a9b-0c1d2e3f4a5b";

describe("component arguments a user's program fills with outputs (docs/library.md)", () => {
    it("AksDiscoveryAccess: binds a cluster given by output resource group and name, under its plain key, in an output subscription", async () => {
        const rs = await registered(() => {
            new AksDiscoveryAccess("lib-aks", {
                subscriptionId: later(SUB),
                operator: "containers",
                clusters: [{ resourceGroup: later("rg-apps"), name: later("aks-apps"), key: "apps" }],
            });
        });
        const binding = one(rs, "azure-native:containerservice:TrustedAccessRoleBinding", "lib-aks-apps");
        assert.equal(binding.inputs.resourceGroupName, "rg-apps");
        assert.equal(binding.inputs.resourceName, "aks-apps");
        const ra = one(rs, "azure-native:authorization:RoleAssignment", "lib-aks-api-access");
        assert.equal(ra.inputs.scope, `/subscriptions/${SUB}`);
        assert.equal(ra.inputs.roleDefinitionId, `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/d5a2ae44-610b-4500-93be-660a0c5f5ca6`);
    });

    it("ArcExtensions: installs the Azure Policy extension on a connected cluster given by outputs", async () => {
        const rs = await registered(() => {
            new ArcExtensions("lib-arc", {
                clusters: [{ resourceGroup: later("rg-edge"), name: later("arc-edge-1"), key: "edge-1" }],
                defender: false,
                azurePolicy: true,
            });
        });
        const ext = one(rs, "azure-native:kubernetesconfiguration:Extension", "lib-arc-edge-1-azure-policy");
        assert.equal(ext.inputs.clusterName, "arc-edge-1");
        assert.equal(ext.inputs.resourceGroupName, "rg-edge");
    });

    it("names the key as the cure when a cluster's resource group or name is an output and no key is given", () => {
        assert.equal(targetKey("x", { resourceGroup: "RG-Apps", name: "aks-1" }), "rg-apps-aks-1");
        assert.throws(() => targetKey("lib-aks2", { resourceGroup: "rg", name: later("aks") }),
            { message: "lib-aks2: a cluster whose resourceGroup or name is an output needs a plain key (it names the cluster's resources), for example key: \"apps\"" });
    });

    it("GkeDiscoveryAccess: creates the account, the role and its grants in an output project", async () => {
        const rs = await registered(() => {
            new GkeDiscoveryAccess("lib-gke", { projectId: later("apps-prod-4711"), scope: "project" });
        });
        assert.equal(one(rs, "gcp:serviceaccount/account:Account", "lib-gke-sa").inputs.project, "apps-prod-4711");
        assert.equal(one(rs, "gcp:projects/iAMCustomRole:IAMCustomRole", "lib-gke-role").inputs.project, "apps-prod-4711");
        assert.deepEqual(rs.filter((r) => r.type === "gcp:projects/iAMMember:IAMMember").map((r) => [r.name, r.inputs.project, r.inputs.role]).sort(), [
            ["lib-gke-cluster-write", "apps-prod-4711", "projects/apps-prod-4711/roles/MDCGkeClusterWriteRole"],
            ["lib-gke-container-viewer", "apps-prod-4711", "roles/container.viewer"],
        ]);
    });

    it("EksClusterAccess on a CONFIG_MAP cluster given by output name: its own provider is named after the component, its kubeconfig and identifier name the cluster", async () => {
        const rs = await registered(() => {
            new EksClusterAccess("lib-eks-cm", {
                clusterName: later("legacy-apps"), region: "eu-west-1", authenticationMode: "CONFIG_MAP",
                endpoint: { publicAccess: true, privateAccess: true, publicAccessCidrs: ["0.0.0.0/0"] }, roleArn: "arn:aws:iam::111122223333:role/r",
            });
        });
        const provider = one(rs, "pulumi:providers:kubernetes", "lib-eks-cm-kubernetes");
        assert.equal(provider.parent, "lib-eks-cm");
        assert.equal(provider.inputs.clusterIdentifier, "eu-west-1-legacy-apps");
        const kubeconfig = JSON.parse(String(provider.inputs.kubeconfig));
        assert.equal(kubeconfig.clusters[0].cluster.server.endsWith(".gr7.eu-west-1.eks.amazonaws.com"), true);
        assert.deepEqual(kubeconfig.users[0].user.exec.args, ["eks", "get-token", "--cluster-name", "legacy-apps", "--region", "eu-west-1", "--output", "json"]);
        assert.equal(one(rs, "agentless:aws:EksClusterAccess", "lib-eks-cm").inputs.clusterName, "legacy-apps");
    });

    it("refuses adopted grants (keyed by the role's name) with an output project, and an imported access entry with an output cluster name", () => {
        assert.throws(() => new GkeDiscoveryAccess("lib-gke2", { projectId: later("p"), scope: "project", adopt: { grants: {} } }),
            { message: "lib-gke2: adopt.grants is keyed by the custom role's name, so projectId must be a plain string, not an output" });
        assert.throws(() => new EksClusterAccess("lib-eks2", {
            clusterName: later("apps"), region: "eu-west-1", authenticationMode: "API",
            endpoint: { publicAccess: true, privateAccess: true, publicAccessCidrs: ["0.0.0.0/0"] }, roleArn: "arn:aws:iam::111122223333:role/r",
            existingEntry: { principalArn: "arn:aws:iam::111122223333:role/r", type: "STANDARD", kubernetesGroups: [], tags: {}, clusterScopePolicyArns: [] },
        }), { message: "cluster of lib-eks2: existingEntry is imported by an id that names the cluster, so clusterName must be a plain string, not an output" });
    });
});
