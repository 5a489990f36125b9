import * as pulumi from "@pulumi/pulumi";
import * as iam from "@pulumi/gcp/iam";
import * as serviceaccount from "@pulumi/gcp/serviceaccount";
import { DEFENDER_AUDIENCE, MICROSOFT_ISSUER } from "../../domain/shared/microsoft";
import {
    ATTRIBUTE_MAPPING,
    DEFAULT_PROVIDER_ID,
    markedDescription,
    WORKLOAD_IDENTITY_USER_ROLE,
} from "../../domain/gcp/facts";
import { principalSetFromPoolName } from "../../domain/gcp/identifiers";
import { Adopted, adoptOptions, PoolInputs, ProviderInputs } from "./adoption";
import { requirePlain } from "../shared/input";

export interface WorkloadIdentityFederationArgs {
    /** The project of the pool; may be an output (`gcp.organizations.Project.projectId`). */
    projectId: pulumi.Input<string>;
    /**
     * The pool's resource name is spelled with it; checked against what GCP returns. May be an
     * output (`gcp.organizations.Project.number`).
     */
    projectNumber: pulumi.Input<string>;
    /** Plain: it names the pool (and an adopted pool's import id). */
    poolId: string;
    /** Plain: it names the pool's provider (and an adopted provider's import id). */
    providerId?: string;
    /** `projects/<id>/serviceAccounts/<email>` of the account the federated identity may act as. */
    serviceAccountName: pulumi.Input<string>;
    /** What exists already (`adoption.ts`): imported with these inputs and retained on destroy. Plain. */
    adopt?: {
        pool?: Adopted<PoolInputs>;
        provider?: Adopted<ProviderInputs>;
        impersonationImportId?: string;
        retainImpersonation?: boolean;
    };
}

/** Why each plain argument of WorkloadIdentityFederation cannot be an output (docs/library.md). */
const PLAIN_ARGS = {
    poolId: "it names the workload identity pool",
    providerId: "it names the pool's provider",
    adopt: "adopted objects are imported by id, with the inputs they have",
} as const;

/**
 * Step 1 seen from Microsoft's side: a workload identity pool whose OIDC provider trusts the
 * tokens Microsoft's tenant issues for Defender's application, and the grant that lets the pool's
 * identities impersonate the discovery service account. No key is ever created.
 */
export class WorkloadIdentityFederation extends pulumi.ComponentResource {
    readonly pool: iam.WorkloadIdentityPool;
    readonly provider: iam.WorkloadIdentityPoolProvider;
    /** `principalSet://iam.googleapis.com/projects/<number>/locations/global/workloadIdentityPools/<pool>/*`. */
    readonly principalSet: pulumi.Output<string>;
    readonly impersonation: serviceaccount.IAMMember;
    /** The provider id Defender's connector names (`workloadIdentityProviderId`). */
    readonly providerId: pulumi.Output<string>;

    constructor(name: string, args: WorkloadIdentityFederationArgs, opts?: pulumi.ComponentResourceOptions) {
        const providerId = args.providerId ?? DEFAULT_PROVIDER_ID;
        // The identifiers are recorded on the component too: reviewers and policies read them there.
        super(
            "agentless:gcp:WorkloadIdentityFederation",
            name,
            {
                projectId: args.projectId,
                projectNumber: args.projectNumber,
                poolId: args.poolId,
                providerId,
            },
            opts,
        );
        requirePlain("WorkloadIdentityFederation", name, args, PLAIN_ARGS);

        const adopt = args.adopt ?? {};
        this.pool = new iam.WorkloadIdentityPool(
            `${name}-pool`,
            {
                project: args.projectId,
                workloadIdentityPoolId: args.poolId,
                ...(adopt.pool?.inputs ?? {
                    displayName: "Microsoft Defender for Cloud",
                    description: markedDescription(
                        "Federates Microsoft Defender for Cloud's identities (Entra tokens) for agentless discovery",
                    ),
                    disabled: false,
                }),
            },
            { parent: this, ...adoptOptions(adopt.pool?.importId) },
        );

        const provider = adopt.provider?.inputs;
        this.provider = new iam.WorkloadIdentityPoolProvider(
            `${name}-provider`,
            {
                project: args.projectId,
                workloadIdentityPoolId: this.pool.workloadIdentityPoolId,
                workloadIdentityPoolProviderId: providerId,
                displayName: provider?.displayName ?? "Defender for Containers",
                description:
                    provider?.description ??
                    markedDescription("Trusts tokens from Microsoft's tenant for Defender's application"),
                disabled: provider?.disabled ?? false,
                attributeMapping: { ...(provider?.attributeMapping ?? ATTRIBUTE_MAPPING) },
                ...(provider?.attributeCondition ? { attributeCondition: provider.attributeCondition } : {}),
                oidc: {
                    issuerUri: MICROSOFT_ISSUER,
                    allowedAudiences: provider?.allowedAudiences ?? [DEFENDER_AUDIENCE],
                },
            },
            { parent: this, ...adoptOptions(adopt.provider?.importId) },
        );
        this.providerId = this.provider.workloadIdentityPoolProviderId;

        // Built from the name GCP returns (spelled with the project number), checked against config.
        this.principalSet = pulumi
            .all([this.pool.name, args.projectId, args.projectNumber])
            .apply(([poolName, projectId, projectNumber]) =>
                principalSetFromPoolName(name, poolName, projectId, projectNumber),
            );

        this.impersonation = new serviceaccount.IAMMember(
            `${name}-workload-identity-user`,
            {
                serviceAccountId: args.serviceAccountName,
                role: WORKLOAD_IDENTITY_USER_ROLE,
                member: this.principalSet,
            },
            {
                parent: this,
                dependsOn: [this.provider],
                ...adoptOptions(adopt.impersonationImportId, adopt.retainImpersonation),
            },
        );

        this.registerOutputs({ pool: this.pool.name, provider: this.provider.name, principalSet: this.principalSet });
    }
}
