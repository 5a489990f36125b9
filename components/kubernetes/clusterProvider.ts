import * as pulumi from "@pulumi/pulumi";
import { Provider } from "@pulumi/kubernetes/provider";

/**
 * How the stack reaches one cluster's Kubernetes API. `kubeconfig` uses a context of a kubeconfig
 * file (the operator's own credentials); the cloud variants build a kubeconfig whose `exec`
 * plug-in fetches short-lived tokens with the cloud's CLI, so no long-lived secret is stored.
 */
export type KubeAccess =
    | { kind: "kubeconfig"; context?: string; kubeconfigPath?: string }
    | {
          kind: "eks";
          clusterName: pulumi.Input<string>;
          region: string;
          endpoint: pulumi.Input<string>;
          certificateAuthority: pulumi.Input<string>;
      }
    | { kind: "gke"; clusterName: string; endpoint: pulumi.Input<string>; certificateAuthority: pulumi.Input<string> }
    | {
          kind: "aks";
          clusterName: string;
          endpoint: pulumi.Input<string>;
          certificateAuthority: pulumi.Input<string>;
          serverId?: string;
      };

/**
 * The application id of AKS's Microsoft Entra server ("Azure Kubernetes Service AAD Server"),
 * the audience kubelogin requests tokens for on AKS-managed Entra integration.
 */
export const AKS_AAD_SERVER_ID = "6dae42f8-4368-4678-94ff-3960e28e3630";

/** Kubeconfig for EKS with `aws eks get-token` as the credential plug-in. */
export function eksKubeconfig(
    clusterName: string,
    region: string,
    endpoint: string,
    certificateAuthority: string,
): string {
    return execKubeconfig(clusterName, endpoint, certificateAuthority, {
        command: "aws",
        args: ["eks", "get-token", "--cluster-name", clusterName, "--region", region, "--output", "json"],
    });
}

/** A one-cluster kubeconfig whose user runs the given exec credential plug-in. */
export function execKubeconfig(
    clusterName: string,
    endpoint: string,
    certificateAuthority: string,
    exec: Record<string, unknown>,
): string {
    return JSON.stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [
            { name: clusterName, cluster: { server: endpoint, "certificate-authority-data": certificateAuthority } },
        ],
        contexts: [{ name: clusterName, context: { cluster: clusterName, user: clusterName } }],
        "current-context": clusterName,
        users: [{ name: clusterName, user: { exec: { apiVersion: "client.authentication.k8s.io/v1beta1", ...exec } } }],
    });
}

/** Kubeconfig for GKE with `gke-gcloud-auth-plugin` (the plug-in gcloud installs) as the credential plug-in. */
export function gkeKubeconfig(clusterName: string, endpoint: string, certificateAuthority: string): string {
    return execKubeconfig(clusterName, endpoint, certificateAuthority, {
        command: "gke-gcloud-auth-plugin",
        installHint: "Install gke-gcloud-auth-plugin: gcloud components install gke-gcloud-auth-plugin",
        provideClusterInfo: true,
    });
}

/** Kubeconfig for AKS with Entra ID integration: `kubelogin get-token` with the Azure CLI's login. */
export function aksKubeconfig(
    clusterName: string,
    endpoint: string,
    certificateAuthority: string,
    serverId = AKS_AAD_SERVER_ID,
): string {
    return execKubeconfig(clusterName, endpoint, certificateAuthority, {
        command: "kubelogin",
        args: ["get-token", "--login", "azurecli", "--server-id", serverId],
        installHint: "Install kubelogin: az aks install-cli",
    });
}

/**
 * A Kubernetes provider for one cluster, with server-side apply on: patches such as the aws-auth
 * entry must own only their own fields. `clusterIdentifier` (the provider's name unless given) is
 * what makes the provider, and every resource it manages, be replaced: a new kubeconfig or token
 * of the same cluster is an update. Each call makes a new provider; a program shares one by passing
 * it to every component working in that cluster (resource option `provider`/`providers`).
 */
export function clusterProvider(
    name: string,
    access: KubeAccess,
    opts?: pulumi.CustomResourceOptions,
    clusterIdentifier: pulumi.Input<string> = name,
): Provider {
    const args: ConstructorParameters<typeof Provider>[1] = { enableServerSideApply: true, clusterIdentifier };
    switch (access.kind) {
        case "kubeconfig":
            if (access.context) args.context = access.context;
            if (access.kubeconfigPath) args.kubeconfig = access.kubeconfigPath;
            break;
        case "eks":
            args.kubeconfig = pulumi
                .all([access.clusterName, access.endpoint, access.certificateAuthority])
                .apply(([clusterName, endpoint, ca]) => eksKubeconfig(clusterName, access.region, endpoint, ca));
            break;
        case "gke":
            args.kubeconfig = pulumi
                .all([access.endpoint, access.certificateAuthority])
                .apply(([endpoint, ca]) => gkeKubeconfig(access.clusterName, endpoint, ca));
            break;
        case "aks":
            args.kubeconfig = pulumi
                .all([access.endpoint, access.certificateAuthority])
                .apply(([endpoint, ca]) => aksKubeconfig(access.clusterName, endpoint, ca, access.serverId));
            break;
    }
    return new Provider(name, args, opts);
}

/**
 * The program's Kubernetes providers for one run: one per cluster, named after the cluster and
 * shared by every component working in it (aws-auth, sensor, Gatekeeper...). Made by each run of
 * the program (stack/program.ts) and passed down, so that nothing outlives the run.
 */
export class ClusterProviders {
    private readonly providers = new Map<string, Provider>();

    /** The cluster's provider: made from `access` on the first call for `name`, the same one after. */
    get(name: string, access: KubeAccess): Provider {
        let provider = this.providers.get(name);
        if (!provider) {
            provider = clusterProvider(name, access);
            this.providers.set(name, provider);
        }
        return provider;
    }
}
