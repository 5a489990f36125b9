import * as pulumi from "@pulumi/pulumi";
import { AccessEntry } from "@pulumi/aws/eks/accessEntry";
import { AccessPolicyAssociation } from "@pulumi/aws/eks/accessPolicyAssociation";
import { getClusterOutput } from "@pulumi/aws/eks/getCluster";
import { ConfigMap } from "@pulumi/kubernetes/core/v1/configMap";
import { ConfigMapPatch } from "@pulumi/kubernetes/core/v1/configMapPatch";
import { ClusterRole } from "@pulumi/kubernetes/rbac/v1/clusterRole";
import { ClusterRoleBinding } from "@pulumi/kubernetes/rbac/v1/clusterRoleBinding";
import { clusterProvider, KubeAccess } from "../kubernetes/clusterProvider";
import {
    ACCESS_ENTRY_MODES,
    accessPolicyArn,
    AUDIT_LOG_TYPES,
    AuthenticationMode,
    AWS_AUTH,
    AWS_AUTH_FIELD_MANAGER,
    DEFAULT_ACCESS_POLICY,
    DEFAULT_READER_CLUSTER_ROLE,
    DEFAULT_READER_GROUP,
    EksAccessPolicy,
    READER_RULES,
    SYSTEM_MASTERS,
} from "../../domain/aws/facts";
import { failProgram } from "../shared/programErrors";
import { mapString, plainString, requirePlain, requirePlainContainer } from "../shared/input";
import { AwsAuthExisting, AwsAuthMergeError, mergeMapRoles, MapRoleEntry } from "../../domain/aws/awsAuth";
import { EndpointSettings } from "../../domain/aws/endpointAccess";
import { accessEntryImportId, accessPolicyAssociationImportId } from "../../domain/aws/importIds";
import { judgedOutputs } from "../shared/judgedProps";
import { EksControlPlaneLogging } from "./controlPlaneLogging";
import { EksDefenderEndpointAccess } from "./defenderEndpoint";
import { ExistingAccessEntry } from "../../lookup/aws/port";
import { DEFENDER_CIDRS, ROLE_TAGS } from "../../domain/aws/facts";

export interface EksClusterAccessArgs {
    /** The cluster's name; may be an output (`aws.eks.Cluster.name`). */
    clusterName: pulumi.Input<string>;
    /** Plain: it decides the ARN partition of the access policy, and goes into the kubeconfig's `aws eks get-token`. */
    region: string;
    /**
     * The region of the AWS provider the resources use. An imported resource in another region
     * has an import id ending in `@<region>` (Pulumi AWS v7); when this is not given, every import
     * id carries the suffix, which the provider accepts for its own region as well.
     */
    providerRegion?: string;
    /** Plain: it decides which resources exist (access entry, or aws-auth and RBAC). */
    authenticationMode: AuthenticationMode;
    /** Plain: the cluster's endpoint settings as declared, which the network rules read. */
    endpoint: EndpointSettings;
    /** The discovery role to let in. */
    roleArn: pulumi.Input<string>;
    /** API / API_AND_CONFIG_MAP: the access policy of the entry; read-only view by default. */
    accessPolicy?: EksAccessPolicy;
    /** CONFIG_MAP: map the role to system:masters (Microsoft's script) instead of the read-only group. */
    mapToSystemMasters?: boolean;
    /** CONFIG_MAP: username, group and ClusterRole of the aws-auth mapping. */
    /** `existing`: what to do with an aws-auth entry for the role with other groups; "stop" by default. */
    awsAuth?: { username?: string; group?: string; clusterRoleName?: string; existing?: AwsAuthExisting };
    /**
     * CONFIG_MAP, when no Kubernetes provider comes with the resource options: how the component's
     * own provider reaches the cluster's API. By default, endpoint and CA come from
     * `eks:DescribeCluster` (the `getCluster` data source) and tokens from `aws eks get-token`.
     */
    kubeAccess?: KubeAccess;
    /** Turn on the audit log types (AUDIT_LOG_TYPES) on the cluster; off by default (a manual step). */
    manageLogging?: boolean;
    /** EKS API endpoint of the logging and endpoint resources' clients; tests against an emulator only. */
    eksEndpoint?: pulumi.Input<string>;
    /**
     * The role's access entry as the lookup found it (Defender makes it itself in access-entries
     * mode): imported, and kept on destroy; its cluster-scope policy association too, when it is the
     * one this stack asks for. An import id is plain text, so `clusterName` must then be a string.
     */
    existingEntry?: ExistingAccessEntry;
    /** Enable a public endpoint restricted to Defender's CIDRs (added to the cluster's own). */
    defenderEndpointAccess?: boolean;
}

/** The arguments that must be plain, and why (docs/library.md). */
const PLAIN_ARGS = {
    region: "it decides the access policy's partition, and goes into the kubeconfig's aws eks get-token",
    providerRegion: "it decides whether an import id ends in @<region>",
    authenticationMode: "it decides between an access entry and aws-auth with reader RBAC",
    endpoint: "the network rules read it",
    accessPolicy:
        "it decides the policy association and whether an existing one is imported; the policy rules read its ARN",
    mapToSystemMasters: "it decides whether the reader ClusterRole and its binding exist",
    awsAuth: "the aws-auth entry is merged from it, and it names the reader RBAC",
    manageLogging: "it decides whether the logging resource exists",
    defenderEndpointAccess: "it decides whether the Defender endpoint access resource exists",
    existingEntry: "an existing access entry is imported by its id",
} as const;

/**
 * Step 4 of the discovery flow on AWS for one cluster: an EKS access entry with a read-only access
 * policy where the cluster honours access entries, else a `mapRoles` entry in `aws-auth` mapped to
 * a read-only group. The component's props carry the endpoint settings for the network rules.
 *
 * On CONFIG_MAP clusters the Kubernetes resources use the kubernetes provider of the resource
 * options (`provider`, `providers`, or the parent's), as Pulumi components take providers, so
 * that a program can share one provider per cluster; without one, the component makes its own,
 * its child `<name>-kubernetes`.
 */
export class EksClusterAccess extends pulumi.ComponentResource {
    readonly accessEntry?: AccessEntry;
    readonly policyAssociation?: AccessPolicyAssociation;
    readonly awsAuthPatch?: ConfigMapPatch;
    readonly clusterRole?: ClusterRole;
    readonly clusterRoleBinding?: ClusterRoleBinding;
    /** The mapRoles text the patch writes (CONFIG_MAP clusters). */
    readonly mapRoles?: pulumi.Output<string>;
    /** The cluster's audit log types, when manageLogging is on. */
    readonly logging?: EksControlPlaneLogging;
    /** Defender's CIDRs on the public endpoint, when defenderEndpointAccess is on. */
    readonly defenderEndpoint?: EksDefenderEndpointAccess;

    constructor(name: string, args: EksClusterAccessArgs, opts?: pulumi.ComponentResourceOptions) {
        requirePlain("EksClusterAccess", name, args, PLAIN_ARGS);
        requirePlainContainer(
            "EksClusterAccess",
            name,
            "kubeAccess",
            args.kubeAccess,
            "its kind decides how the component's own provider reaches the cluster",
        );
        if (args.kubeAccess)
            requirePlain(
                "EksClusterAccess",
                name,
                args.kubeAccess,
                { kind: "it decides how the component's own provider reaches the cluster" },
                "kubeAccess",
            );
        const mapToSystemMasters = args.mapToSystemMasters ?? false;
        const usesAccessEntries = ACCESS_ENTRY_MODES.includes(args.authenticationMode);
        const policy = args.accessPolicy ?? DEFAULT_ACCESS_POLICY;
        // Messages name the cluster, or the component when the name is only known at deploy time.
        const label = typeof args.clusterName === "string" ? args.clusterName : `of ${name}`;
        const props = {
            clusterName: args.clusterName,
            region: args.region,
            authenticationMode: args.authenticationMode,
            endpointPublicAccess: args.endpoint.publicAccess,
            endpointPrivateAccess: args.endpoint.privateAccess,
            publicAccessCidrs: [...args.endpoint.publicAccessCidrs],
            mapToSystemMasters,
            accessPolicyArn: usesAccessEntries ? accessPolicyArn(policy, args.region) : null,
            manageLogging: args.manageLogging ?? false,
            defenderEndpointAccess: args.defenderEndpointAccess ?? false,
            existingAccessEntry: args.existingEntry !== undefined,
        };
        super("agentless:aws:EksClusterAccess", name, props, opts);

        if (args.defenderEndpointAccess) {
            this.defenderEndpoint = new EksDefenderEndpointAccess(
                `${name}-defender-endpoint`,
                {
                    clusterName: args.clusterName,
                    region: args.region,
                    cidrs: [...DEFENDER_CIDRS],
                    ...(args.eksEndpoint ? { endpoint: args.eksEndpoint } : {}),
                },
                { parent: this },
            );
        }

        if (args.manageLogging) {
            this.logging = new EksControlPlaneLogging(
                `${name}-logging`,
                {
                    clusterName: args.clusterName,
                    region: args.region,
                    logTypes: [...AUDIT_LOG_TYPES],
                    ...(args.eksEndpoint ? { endpoint: args.eksEndpoint } : {}),
                },
                { parent: this },
            );
        }

        if (usesAccessEntries) {
            if (mapToSystemMasters)
                throw new Error(`cluster ${label}: mapToSystemMasters applies to CONFIG_MAP clusters only`);
            const existing = args.existingEntry;
            const importedCluster = existing
                ? plainString(
                      "EksClusterAccess",
                      name,
                      "clusterName",
                      args.clusterName,
                      "existingEntry is imported by an id that names the cluster",
                  )
                : undefined;
            const policyArn = accessPolicyArn(policy, args.region);
            // An import must declare what exists, so its inputs come from the lookup.
            this.accessEntry = new AccessEntry(
                `${name}-entry`,
                {
                    clusterName: args.clusterName,
                    region: args.region,
                    principalArn: existing?.principalArn ?? args.roleArn,
                    type: existing?.type ?? "STANDARD",
                    ...(existing && existing.kubernetesGroups.length > 0
                        ? { kubernetesGroups: [...existing.kubernetesGroups] }
                        : {}),
                    // Tagged as this stack's, so that the next run's lookup does not take it for Defender's.
                    ...(existing
                        ? Object.keys(existing.tags).length > 0
                            ? { tags: { ...existing.tags } }
                            : {}
                        : { tags: { ...ROLE_TAGS } }),
                },
                {
                    parent: this,
                    ...(existing
                        ? {
                              import: accessEntryImportId(
                                  importedCluster!,
                                  existing.principalArn,
                                  args.region,
                                  args.providerRegion,
                              ),
                              retainOnDelete: true,
                          }
                        : {}),
                },
            );
            const associated = existing?.clusterScopePolicyArns.includes(policyArn) ?? false;
            this.policyAssociation = new AccessPolicyAssociation(
                `${name}-policy`,
                {
                    clusterName: args.clusterName,
                    region: args.region,
                    principalArn: existing?.principalArn ?? args.roleArn,
                    policyArn,
                    accessScope: { type: "cluster" },
                },
                {
                    parent: this,
                    dependsOn: [this.accessEntry],
                    ...(associated
                        ? {
                              import: accessPolicyAssociationImportId(
                                  importedCluster!,
                                  existing!.principalArn,
                                  policyArn,
                                  args.region,
                                  args.providerRegion,
                              ),
                              retainOnDelete: true,
                          }
                        : {}),
                },
            );
        } else {
            const group = args.awsAuth?.group ?? DEFAULT_READER_GROUP;
            const given = this.getProvider(KUBERNETES_TYPE);
            if (given && args.kubeAccess) {
                throw new Error(
                    `cluster ${label}: kubeAccess and the kubernetes provider of the resource options both say how to reach the cluster; give one`,
                );
            }
            const kube =
                given ??
                clusterProvider(
                    `${name}-kubernetes`,
                    args.kubeAccess ?? this.eksAccess(args),
                    { parent: this },
                    mapString(args.clusterName, (n) => `${args.region}-${n}`),
                );
            const kubeOpts = { parent: this, provider: kube };
            const dependsOn: pulumi.Resource[] = [];
            if (!mapToSystemMasters) {
                const roleName = args.awsAuth?.clusterRoleName ?? DEFAULT_READER_CLUSTER_ROLE;
                const labels = {
                    "app.kubernetes.io/managed-by": "pulumi",
                    "app.kubernetes.io/part-of": "agentless-discovery",
                };
                this.clusterRole = new ClusterRole(
                    `${name}-reader`,
                    {
                        metadata: { name: roleName, labels },
                        rules: READER_RULES.map((r) => ({
                            apiGroups: [...r.apiGroups],
                            resources: [...r.resources],
                            verbs: [...r.verbs],
                        })),
                    },
                    kubeOpts,
                );
                this.clusterRoleBinding = new ClusterRoleBinding(
                    `${name}-readers`,
                    {
                        metadata: { name: roleName, labels },
                        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: roleName },
                        subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: group }],
                    },
                    kubeOpts,
                );
                dependsOn.push(this.clusterRoleBinding);
            }

            // Read what aws-auth holds now, and write it back with the entry appended (see awsAuth.ts).
            const current = ConfigMap.get(
                `${name}-aws-auth-current`,
                `${AWS_AUTH.namespace}/${AWS_AUTH.name}`,
                kubeOpts,
            );
            this.mapRoles = pulumi
                .all([current.data, args.roleArn, args.clusterName])
                .apply(([data, roleArn, clusterName]) => {
                    const entry: MapRoleEntry = {
                        rolearn: roleArn,
                        username: args.awsAuth?.username ?? roleArn.split("/").pop()!,
                        groups: [mapToSystemMasters ? SYSTEM_MASTERS : group],
                    };
                    try {
                        return mergeMapRoles(data?.[AWS_AUTH.key], entry, args.awsAuth?.existing ?? "stop").mapRoles;
                    } catch (e) {
                        if (e instanceof AwsAuthMergeError)
                            throw failProgram(
                                new AwsAuthMergeError(`cluster ${args.region}/${clusterName}: ${e.message}`),
                                this,
                            );
                        throw e;
                    }
                });
            this.awsAuthPatch = new ConfigMapPatch(
                `${name}-aws-auth`,
                {
                    metadata: {
                        name: AWS_AUTH.name,
                        namespace: AWS_AUTH.namespace,
                        annotations: {
                            // The patch carries the whole merged mapRoles string, so taking the field
                            // over from its last writer keeps their entries (README, "aws-auth").
                            "pulumi.com/patchForce": "true",
                            "pulumi.com/patchFieldManager": AWS_AUTH_FIELD_MANAGER,
                        },
                    },
                    data: { [AWS_AUTH.key]: this.mapRoles },
                },
                {
                    ...kubeOpts,
                    dependsOn,
                    // Deleting a patch removes the fields it owns: here the whole mapRoles, node roles
                    // included. Never do that; removing the entry is a documented manual step.
                    retainOnDelete: true,
                },
            );
        }

        this.registerOutputs(
            judgedOutputs(props, {
                accessEntry: this.accessEntry?.id,
                awsAuthPatch: this.awsAuthPatch?.id,
                logging: this.logging?.id,
                defenderEndpoint: this.defenderEndpoint?.id,
            }),
        );
    }

    private eksAccess(args: EksClusterAccessArgs): KubeAccess {
        return eksKubeAccess(args.clusterName, args.region, { parent: this });
    }
}

/** A type of the kubernetes package: what `getProvider` looks a provider up by (its package). */
const KUBERNETES_TYPE = "kubernetes:core/v1:ConfigMap";

/**
 * How to reach an EKS cluster's API with the deployer's AWS credentials: endpoint and CA from
 * `eks:DescribeCluster` (the `getCluster` data source, on the AWS provider `opts` lead to), tokens
 * from `aws eks get-token` at run time, so that no credential is stored.
 */
export function eksKubeAccess(
    clusterName: pulumi.Input<string>,
    region: string,
    opts: pulumi.InvokeOutputOptions,
): KubeAccess {
    const cluster = getClusterOutput({ name: clusterName, region }, opts);
    return {
        kind: "eks",
        clusterName,
        region,
        endpoint: cluster.endpoint,
        certificateAuthority: cluster.certificateAuthorities.apply((cas) => cas[0]?.data ?? ""),
    };
}
