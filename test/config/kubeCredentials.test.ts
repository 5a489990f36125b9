import { strict as assert } from "assert";
import { kubeCredentialSteps } from "../../config/kubeCredentials";
import { loadKubernetesConfig } from "../../config/kubernetes";

const SUB = "9b1c4e2a-5d3f-4a6b-8c7d-2e1f0a9b8c7d";
const rid = (type: string, group: string, name: string) =>
    `/subscriptions/${SUB}/resourceGroups/${group}/providers/${type}/${name}`;

function clusters(list: unknown[]) {
    return loadKubernetesConfig({ clusters: list }, false)!.clusters;
}

describe("kubeconfig credential steps", () => {
    it("writes each cluster's context with its cloud's CLI, each step saying what it needs", () => {
        const { steps, notes } = kubeCredentialSteps(
            clusters([
                {
                    name: "aks-a",
                    kind: "aks",
                    resourceId: rid("Microsoft.ContainerService/managedClusters", "rg-a", "aks-one"),
                    region: "westeurope",
                    access: { context: "ctx-a" },
                },
                {
                    name: "aks-b",
                    kind: "aks",
                    resourceId: rid("Microsoft.ContainerService/managedClusters", "rg-b", "aks-two"),
                    region: "westeurope",
                    access: { context: "ctx-b", kubeconfig: "/k/aks" },
                },
                {
                    name: "aks-c",
                    kind: "aks",
                    resourceId: rid("Microsoft.ContainerService/managedClusters", "rg-c", "aks-three"),
                    region: "westeurope",
                    access: { context: "ctx-c" },
                },
                {
                    name: "eks-a",
                    kind: "eks",
                    accountId: "123456789012",
                    region: "eu-west-1",
                    clusterName: "lab",
                    access: { context: "ctx-eks" },
                },
                {
                    name: "gke-a",
                    kind: "gke",
                    projectId: "contoso-lab",
                    location: "europe-west1-b",
                    clusterName: "lab",
                    access: { context: "ctx-gke", kubeconfig: "/k/gke" },
                },
            ]),
            "/home/ci/.kube/config",
        );
        assert.deepEqual(notes, []);
        const azureCli = "the Azure CLI (preinstalled on GitHub's Ubuntu runners)";
        const aks = (group: string, name: string, context: string, file: string) => ({
            argv: [
                "az",
                "aks",
                "get-credentials",
                "--subscription",
                SUB,
                "--resource-group",
                group,
                "--name",
                name,
                "--context",
                context,
                "--file",
                file,
                "--overwrite-existing",
            ],
            kubeconfig: file,
            needs: azureCli,
        });
        const kubelogin = (file: string) => ({
            argv: ["kubelogin", "convert-kubeconfig", "--login", "azurecli", "--kubeconfig", file],
            kubeconfig: file,
            cluster: "the AKS clusters",
            needs: "kubelogin (Azure/use-kubelogin)",
        });
        assert.deepEqual(steps, [
            { ...aks("rg-a", "aks-one", "ctx-a", "/home/ci/.kube/config"), cluster: "aks-a" },
            { ...aks("rg-b", "aks-two", "ctx-b", "/k/aks"), cluster: "aks-b" },
            { ...aks("rg-c", "aks-three", "ctx-c", "/home/ci/.kube/config"), cluster: "aks-c" },
            {
                argv: [
                    "aws",
                    "eks",
                    "update-kubeconfig",
                    "--name",
                    "lab",
                    "--region",
                    "eu-west-1",
                    "--alias",
                    "ctx-eks",
                    "--kubeconfig",
                    "/home/ci/.kube/config",
                ],
                kubeconfig: "/home/ci/.kube/config",
                cluster: "eks-a",
                needs: "the AWS CLI v2 (preinstalled on GitHub's Ubuntu runners)",
            },
            {
                argv: [
                    "gcloud",
                    "container",
                    "clusters",
                    "get-credentials",
                    "lab",
                    "--location",
                    "europe-west1-b",
                    "--project",
                    "contoso-lab",
                ],
                kubeconfig: "/k/gke",
                cluster: "gke-a",
                needs: "gcloud with the gke-gcloud-auth-plugin component (google-github-actions/setup-gcloud)",
            },
            // gcloud's own name for the context is not the one asked for.
            {
                argv: [
                    "kubectl",
                    "config",
                    "rename-context",
                    "gke_contoso-lab_europe-west1-b_lab",
                    "ctx-gke",
                    "--kubeconfig",
                    "/k/gke",
                ],
                kubeconfig: "/k/gke",
                cluster: "gke-a",
                needs: "kubectl (preinstalled on GitHub's Ubuntu runners)",
            },
            // Once per kubeconfig file holding AKS contexts, after all of them are written.
            kubelogin("/home/ci/.kube/config"),
            kubelogin("/k/aks"),
        ]);
    });

    it("writes nothing for clusters the stack's provider or an Arc proxy reaches", () => {
        const { steps, notes } = kubeCredentialSteps(
            clusters([
                {
                    name: "eks-cloud",
                    kind: "eks",
                    accountId: "123456789012",
                    region: "eu-west-1",
                    access: {
                        cloudCredentials: true,
                        endpoint: "https://eks.example.com",
                        certificateAuthority: "LS0tLS1CRUdJTiBDRVJU",
                    },
                },
                {
                    name: "arc-lab",
                    kind: "arc",
                    resourceId: rid("Microsoft.Kubernetes/connectedClusters", "rg-lab", "arc-lab"),
                    region: "westeurope",
                    access: { context: "arc-ctx" },
                },
            ]),
            "/k/config",
        );
        assert.deepEqual(steps, []);
        assert.deepEqual(notes, [
            "eks-cloud: cloudCredentials is true, the stack's provider runs the plug-in itself; nothing to write",
            'arc-lab: an Arc-enabled cluster is reached through "az connectedk8s proxy", which must run for the whole job; its context "arc-ctx" is not written here',
        ]);
    });
});
