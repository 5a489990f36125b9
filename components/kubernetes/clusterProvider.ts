import * as pulumi from "@pulumi/pulumi";
import { Provider } from "@pulumi/kubernetes/provider";

/**
 * How the stack reaches one cluster's Kubernetes API. `kubeconfig` uses a context of a kubeconfig
 * file (the operator's own credentials); the cloud variants build a kubeconfig whose `exec`
 * plug-in fetches short-lived tokens with the cloud's CLI, so no long-lived secret is stored.
 */
export type KubeAccess =
    | { kind: "kubeconfig"; context?: string; kubeconfigPath?: string }
    | { kind: "eks"; clusterName: string; region: string; endpoint: pulumi.Input<string>; certificateAuthority: pulumi.Input<string> };

const providers = new Map<string, Provider>();

/** Kubeconfig for EKS with `aws eks get-token` as the credential plug-in. */
export function eksKubeconfig(clusterName: string, region: string, endpoint: string, certificateAuthority: string): string {
    return JSON.stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name: clusterName, cluster: { server: endpoint, "certificate-authority-data": certificateAuthority } }],
        contexts: [{ name: clusterName, context: { cluster: clusterName, user: clusterName } }],
        "current-context": clusterName,
        users: [{
            name: clusterName,
            user: {
                exec: {
                    apiVersion: "client.authentication.k8s.io/v1beta1",
                    command: "aws",
                    args: ["eks", "get-token", "--cluster-name", clusterName, "--region", region, "--output", "json"],
                },
            },
        }],
    });
}

/**
 * One Kubernetes provider per cluster, named after the cluster, shared by every component that
 * works in that cluster (aws-auth, sensor, Gatekeeper...). Server-side apply is on: patches such
 * as the aws-auth entry must own only their own fields.
 */
export function clusterProvider(clusterName: string, access: KubeAccess): Provider {
    const existing = providers.get(clusterName);
    if (existing) return existing;
    const args: ConstructorParameters<typeof Provider>[1] = { enableServerSideApply: true, clusterIdentifier: clusterName };
    switch (access.kind) {
        case "kubeconfig":
            if (access.context) args.context = access.context;
            if (access.kubeconfigPath) args.kubeconfig = access.kubeconfigPath;
            break;
        case "eks":
            args.kubeconfig = pulumi.all([access.endpoint, access.certificateAuthority]).apply(([endpoint, ca]) =>
                eksKubeconfig(access.clusterName, access.region, endpoint, ca));
            break;
    }
    const provider = new Provider(clusterName, args);
    providers.set(clusterName, provider);
    return provider;
}
