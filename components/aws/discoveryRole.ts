import * as pulumi from "@pulumi/pulumi";
import { OpenIdConnectProvider } from "@pulumi/aws/iam/openIdConnectProvider";
import { Role } from "@pulumi/aws/iam/role";
import { RolePolicy } from "@pulumi/aws/iam/rolePolicy";
import {
    accessPolicyArn,
    AccessMode,
    ACTIONS_BY_MODE,
    DEFAULT_ACCESS_POLICY,
    AUDIENCE_CONDITION_KEY,
    DEFAULT_ROLE_NAME,
    DEFENDER_AUDIENCE,
    MICROSOFT_ISSUER,
    OIDC_PROVIDER_TEMPLATE_NAME,
    ROLE_TAGS,
    SESSION_NAME_PREFIX,
} from "../../domain/aws/facts";
import { permissionsPolicy, trustPolicy } from "../../domain/aws/policyDocuments";
import { requirePlain, requirePlainContainer } from "../shared/input";
import { judgedOutputs } from "../shared/judgedProps";

export interface DiscoveryRoleArgs {
    /** Role name; Microsoft's name by default. */
    roleName?: string;
    accessMode: AccessMode;
    /** An existing IAM OIDC provider for Microsoft's issuer; when given, none is created. */
    existingOidcProviderArn?: pulumi.Input<string>;
    /** Thumbprints of a created provider; IAM fetches the issuer's CA itself when none are given. */
    oidcThumbprints?: string[];
    /** The customer's Azure tenant id, which the trusted session name carries (an identifier, not a secret). */
    azureTenantId: pulumi.Input<string>;
    /**
     * ARNs of the clusters the role may describe and open: the listed, non-excluded ones (each may
     * be an output, such as `aws.eks.Cluster.arn`; the list itself is plain: its length decides
     * whether the permissions policy exists).
     */
    clusterArns: readonly pulumi.Input<string>[];
    /** Account of the role; needed in access-entries mode, whose statements name the role's own entry. */
    accountId?: pulumi.Input<string>;
    /** Access policy ARN per cluster ARN, which the role may associate with its own entry (access-entries mode). */
    accessPolicyArns?: Record<string, string>;
    /**
     * Microsoft's OIDC provider, found by the lookup and not made by this stack: read, never managed
     * (all Defender plans share it; docs/aws-discovery.md, "Adoption").
     */
    adoptedOidcProviderArn?: string;
    /**
     * The role, found by the lookup and not made by this stack (Microsoft's CloudFormation template
     * makes it): read, never managed; its trust and permissions stay its maker's.
     */
    adoptedRoleArn?: string;
    /**
     * The adopted role's inline and attached policies as the lookup read them: recorded on the
     * component for the policy pack to judge (policies/rules/widerGrants.ts); absent, the gate says
     * it could not judge them.
     */
    adoptedRolePolicies?: {
        inline: { name: string; document: string }[];
        attached: { arn: string; document: string }[];
    };
    /**
     * The adopted role's trust policy as the lookup read it: recorded for the policy pack, which
     * judges who else may assume the role (policies/rules/widerGrants.ts).
     */
    adoptedRoleTrust?: string;
}

/** The arguments that must be plain, and why (docs/library.md); each of `clusterArns` may be an output. */
const PLAIN_ARGS = {
    accessMode: "it decides which statements the permissions policy holds",
    roleName: "it names the role and its policy",
    oidcThumbprints: "whether it has any decides whether the created provider declares thumbprints",
    accessPolicyArns: "it is keyed by cluster ARN, beside the view policy of every cluster",
    adoptedOidcProviderArn: "an adopted provider is read by its id",
    adoptedRoleArn: "an adopted role is read by its id",
    adoptedRolePolicies: "the policy pack judges them as the lookup read them",
    adoptedRoleTrust: "the policy pack judges it as the lookup read it",
} as const;

const accountOf = (clusterArn: string): string => clusterArn.split(":")[4];
/** The default access policy (view) for every cluster, in each cluster's partition. */
const viewPolicyByCluster = (arns: readonly string[]): Record<string, string> =>
    Object.fromEntries(arns.map((a) => [a, accessPolicyArn(DEFAULT_ACCESS_POLICY, a.split(":")[3])]));

/**
 * Steps 1 and 2 of the discovery flow on AWS: Microsoft's tenant as an IAM OIDC provider, the role
 * Defender assumes through it, and the role's only permissions, in one inline policy.
 */
export class DiscoveryRole extends pulumi.ComponentResource {
    readonly oidcProvider?: OpenIdConnectProvider;
    readonly oidcProviderArn: pulumi.Output<string>;
    readonly role: Role;
    readonly permissions?: RolePolicy;
    readonly arn: pulumi.Output<string>;

    constructor(name: string, args: DiscoveryRoleArgs, opts?: pulumi.ComponentResourceOptions) {
        requirePlain("DiscoveryRole", name, args, PLAIN_ARGS);
        requirePlainContainer(
            "DiscoveryRole",
            name,
            "clusterArns",
            args.clusterArns,
            "its length decides whether the permissions policy exists (each ARN may be an output)",
        );
        const roleName = args.roleName ?? DEFAULT_ROLE_NAME;
        // These props let policy rules check the trust policy's shape and the permissions without
        // parsing the documents.
        const props = {
            roleName,
            accessMode: args.accessMode,
            existingOidcProviderArn: args.existingOidcProviderArn ?? args.adoptedOidcProviderArn ?? null,
            adopted: {
                role: args.adoptedRoleArn !== undefined,
                oidcProvider: args.adoptedOidcProviderArn !== undefined,
            },
            // Absent on an adopted role: the lookup did not read its permissions (the gate says so).
            ...(args.adoptedRoleArn !== undefined && args.adoptedRolePolicies
                ? {
                      adoptedRolePolicies: {
                          inline: args.adoptedRolePolicies.inline.map((p) => ({ ...p })),
                          attached: args.adoptedRolePolicies.attached.map((p) => ({ ...p })),
                      },
                  }
                : {}),
            ...(args.adoptedRoleArn !== undefined && args.adoptedRoleTrust !== undefined
                ? { adoptedRoleTrust: args.adoptedRoleTrust }
                : {}),
            issuer: MICROSOFT_ISSUER,
            audience: DEFENDER_AUDIENCE,
            audienceConditionKey: AUDIENCE_CONDITION_KEY,
            sessionNamePrefix: SESSION_NAME_PREFIX,
            actions: [...ACTIONS_BY_MODE[args.accessMode]],
            clusterArns: pulumi.all([...args.clusterArns]).apply((arns) => [...arns].sort()),
        };
        super("agentless:aws:DiscoveryRole", name, props, opts);

        if (args.existingOidcProviderArn) {
            this.oidcProviderArn = pulumi.output(args.existingOidcProviderArn);
        } else if (args.adoptedOidcProviderArn) {
            this.oidcProvider = OpenIdConnectProvider.get(
                `${name}-${OIDC_PROVIDER_TEMPLATE_NAME}`,
                args.adoptedOidcProviderArn,
                undefined,
                { parent: this },
            );
            this.oidcProviderArn = pulumi.output(args.adoptedOidcProviderArn);
        } else {
            this.oidcProvider = new OpenIdConnectProvider(
                `${name}-${OIDC_PROVIDER_TEMPLATE_NAME}`,
                {
                    url: MICROSOFT_ISSUER,
                    clientIdLists: [DEFENDER_AUDIENCE],
                    ...(args.oidcThumbprints && args.oidcThumbprints.length > 0
                        ? { thumbprintLists: args.oidcThumbprints }
                        : {}),
                    tags: { ...ROLE_TAGS },
                },
                { parent: this },
            );
            this.oidcProviderArn = this.oidcProvider.arn;
        }

        if (args.adoptedRoleArn) {
            // The ARN comes from the lookup (a read's outputs are only known at deploy time).
            this.role = Role.get(`${name}-role`, roleName, undefined, { parent: this });
            this.arn = pulumi.output(args.adoptedRoleArn);
            this.registerOutputs(judgedOutputs(props, { roleArn: this.arn, oidcProviderArn: this.oidcProviderArn }));
            return;
        }
        this.role = new Role(
            `${name}-role`,
            {
                name: roleName,
                description: "Microsoft Defender for Containers agentless discovery of EKS clusters",
                assumeRolePolicy: pulumi
                    .all([this.oidcProviderArn, args.azureTenantId])
                    .apply(([arn, t]) => JSON.stringify(trustPolicy(arn, t))),
                maxSessionDuration: 3600,
                tags: { ...ROLE_TAGS },
            },
            { parent: this },
        );
        this.arn = this.role.arn;

        // No cluster to reach means no statement to write: IAM rejects a statement without resources.
        if (args.clusterArns.length > 0) {
            this.permissions = new RolePolicy(
                `${name}-permissions`,
                {
                    role: this.role.name,
                    name: `${roleName}-eks-${args.accessMode}`.slice(0, 128),
                    policy: pulumi.all([pulumi.all([...args.clusterArns]), args.accountId]).apply(([arns, accountId]) =>
                        JSON.stringify(
                            permissionsPolicy(
                                args.accessMode,
                                arns,
                                args.accessMode === "access-entries"
                                    ? {
                                          roleName,
                                          roleAccountId: accountId ?? accountOf(arns[0]),
                                          accessPolicyArns: {
                                              ...viewPolicyByCluster(arns),
                                              ...args.accessPolicyArns,
                                          },
                                      }
                                    : undefined,
                            ),
                        ),
                    ),
                },
                { parent: this },
            );
        }

        this.registerOutputs(judgedOutputs(props, { roleArn: this.arn, oidcProviderArn: this.oidcProviderArn }));
    }
}
