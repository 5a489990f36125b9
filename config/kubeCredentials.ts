import { KubeCluster } from "./kubernetes";

/**
 * The commands that give a CI job a kubeconfig context for each Kubernetes cluster of a stack
 * (`access.context`), each through its cloud's own credential plug-in, so that no long-lived
 * kubeconfig is stored anywhere: the contexts run `kubelogin`, `aws eks get-token` or
 * `gke-gcloud-auth-plugin` with the job's OIDC login (docs/sources.md, "CI credentials").
 */

export interface KubeCredentialStep {
    argv: string[];
    /** The kubeconfig file the command writes (also given to it as KUBECONFIG). */
    kubeconfig: string;
    /** The cluster it is for, for messages. */
    cluster: string;
    /** What provides the program, for the message when it is missing. */
    needs: string;
}

export function kubeCredentialSteps(
    clusters: readonly KubeCluster[],
    defaultKubeconfig: string,
): { steps: KubeCredentialStep[]; notes: string[] } {
    const steps: KubeCredentialStep[] = [];
    const notes: string[] = [];
    const aksFiles: string[] = [];
    for (const c of clusters) {
        if (c.access.mode === "cloud") {
            notes.push(
                `${c.name}: cloudCredentials is true, the stack's provider runs the plug-in itself; nothing to write`,
            );
            continue;
        }
        const file = c.access.kubeconfig ?? defaultKubeconfig;
        const context = c.access.context;
        const id = c.identifiers;
        // The loader gives AKS and Arc clusters Azure identifiers, EKS AWS ones and GKE GCP ones.
        switch (id.cloud) {
            case "Azure":
                if (c.kind === "arc") {
                    notes.push(
                        `${c.name}: an Arc-enabled cluster is reached through "az connectedk8s proxy", which must run for the whole job; its context ${JSON.stringify(context)} is not written here`,
                    );
                    break;
                }
                steps.push({
                    argv: [
                        "az",
                        "aks",
                        "get-credentials",
                        "--subscription",
                        id.subscriptionId,
                        "--resource-group",
                        id.resourceGroupName,
                        "--name",
                        id.clusterName,
                        "--context",
                        context,
                        "--file",
                        file,
                        "--overwrite-existing",
                    ],
                    kubeconfig: file,
                    cluster: c.name,
                    needs: "the Azure CLI (preinstalled on GitHub's Ubuntu runners)",
                });
                if (!aksFiles.includes(file)) aksFiles.push(file);
                break;
            case "AWS":
                steps.push({
                    argv: [
                        "aws",
                        "eks",
                        "update-kubeconfig",
                        "--name",
                        id.clusterName,
                        "--region",
                        id.region,
                        "--alias",
                        context,
                        "--kubeconfig",
                        file,
                    ],
                    kubeconfig: file,
                    cluster: c.name,
                    needs: "the AWS CLI v2 (preinstalled on GitHub's Ubuntu runners)",
                });
                break;
            case "GCP": {
                steps.push({
                    argv: [
                        "gcloud",
                        "container",
                        "clusters",
                        "get-credentials",
                        id.clusterName,
                        "--location",
                        id.location,
                        "--project",
                        id.projectId,
                    ],
                    kubeconfig: file,
                    cluster: c.name,
                    needs: "gcloud with the gke-gcloud-auth-plugin component (google-github-actions/setup-gcloud)",
                });
                // gcloud names the context gke_<project>_<location>_<cluster> and takes no other name.
                const written = `gke_${id.projectId}_${id.location}_${id.clusterName}`;
                if (written !== context)
                    steps.push({
                        argv: ["kubectl", "config", "rename-context", written, context, "--kubeconfig", file],
                        kubeconfig: file,
                        cluster: c.name,
                        needs: "kubectl (preinstalled on GitHub's Ubuntu runners)",
                    });
                break;
            }
        }
    }
    // Azure's kubeconfig asks for an interactive device login; kubelogin makes it use the az login.
    for (const file of aksFiles)
        steps.push({
            argv: ["kubelogin", "convert-kubeconfig", "--login", "azurecli", "--kubeconfig", file],
            kubeconfig: file,
            cluster: "the AKS clusters",
            needs: "kubelogin (Azure/use-kubelogin)",
        });
    return { steps, notes };
}
