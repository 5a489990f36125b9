import { AuthClient, GoogleAuth } from "google-auth-library";
import { LookupError } from "../../lib/errors";
import { GkeClientOptions, gkeLocation, googleReason, listGkeClusters } from "../discovery/gke";
import {
    CALLS,
    ExistingCustomRole,
    ExistingPool,
    ExistingPoolProvider,
    ExistingServiceAccount,
    FEDERATION_STATES,
    FederationState,
    GcpCloudLookup,
    Grant,
    IamParent,
    iamParentPath,
} from "./port";
import { serviceAccountEmail } from "../../domain/gcp/identifiers";
import type { ArmReadOptions } from "../connectors/live";

/**
 * The GCP lookups against Google's APIs: GKE through the container client (shared with the
 * inventory's discovery), IAM and Resource Manager over REST with the same credentials
 * (Application Default Credentials, as the Pulumi gcp provider uses). Read-only calls; each
 * failure is a LookupError naming the API method, the project or organization, and Google's reason.
 */
export interface LiveGcpOptions {
    /** Default: Application Default Credentials with the cloud-platform scope. */
    authClient?: AuthClient;
    /** Defaults: Google's endpoints. Tests point them at a loopback fixture. */
    iamEndpoint?: string;
    resourceManagerEndpoint?: string;
    /** Passed to the container client (its transport, endpoint, credentials). */
    container?: GkeClientOptions;
    /** The connector lookup's ARM settings (tenant, credential; a loopback endpoint in tests). */
    azure?: ArmReadOptions;
}

const SCOPE = "https://www.googleapis.com/auth/cloud-platform";

interface RoleBody {
    title?: string;
    description?: string;
    includedPermissions?: string[];
    stage?: string;
    deleted?: boolean;
}
interface FederationBody {
    displayName?: string;
    description?: string;
    disabled?: boolean;
    state?: string;
}
interface ProviderBody extends FederationBody {
    attributeMapping?: Record<string, string>;
    attributeCondition?: string;
    oidc?: { issuerUri?: string; allowedAudiences?: string[] };
}
interface PolicyBody {
    bindings?: { role?: string; members?: string[]; condition?: unknown }[];
}

export function liveGcpLookup(opts: LiveGcpOptions = {}): GcpCloudLookup {
    const iam = opts.iamEndpoint ?? "https://iam.googleapis.com";
    const crm = opts.resourceManagerEndpoint ?? "https://cloudresourcemanager.googleapis.com";
    const auth = opts.authClient ?? new GoogleAuth({ scopes: [SCOPE] });
    const container: GkeClientOptions = {
        ...(opts.authClient ? { authClient: opts.authClient } : {}),
        ...opts.container,
    };

    /** A GET, or a POST when `post` says so (with a JSON body if given); undefined for 404: "not found" is an answer here. */
    async function call<T>(
        name: string,
        scope: string,
        url: string,
        post?: { body?: unknown },
    ): Promise<T | undefined> {
        try {
            const res = await auth.request<T>({
                url,
                method: post ? "POST" : "GET",
                ...(post?.body === undefined ? {} : { data: post.body }),
                retry: false,
            });
            return res.data;
        } catch (e) {
            if ((e as { status?: number; response?: { status?: number } }).response?.status === 404) return undefined;
            throw new LookupError(name, scope, googleReason(e));
        }
    }

    /**
     * A getIamPolicy asking for policy version 3, without which Google flattens conditional bindings
     * into unconditional ones on `<role>_withcond_<hash>`. Where the version goes is the method's own
     * (docs/sources.md, "GCP"): Resource Manager's `projects.getIamPolicy` and
     * `organizations.getIamPolicy` take a body (`{ options: { requestedPolicyVersion } }`); IAM's
     * `projects.serviceAccounts.getIamPolicy` maps no body (googleapis `google/iam/admin/v1/iam.proto`),
     * so there it is the query parameter `options.requestedPolicyVersion`.
     */
    const policy = async (name: string, scope: string, url: string, versionIn: "body" | "query"): Promise<Grant[]> => {
        const p =
            versionIn === "body"
                ? await call<PolicyBody>(name, scope, url, { body: { options: { requestedPolicyVersion: 3 } } })
                : await call<PolicyBody>(name, scope, `${url}?options.requestedPolicyVersion=3`, {});
        // A conditional binding grants only under its condition: it is not the grant this stack makes.
        return (p?.bindings ?? [])
            .filter((b) => !b.condition && b.role)
            .flatMap((b) => (b.members ?? []).map((member) => ({ role: b.role!, member })));
    };

    return {
        async listClusters(projectId) {
            let res;
            try {
                res = await listGkeClusters(projectId, container);
            } catch (e) {
                throw new LookupError(CALLS.listClusters, `projects/${projectId}`, googleReason(e));
            }
            // A location that did not answer may hide clusters: the run would plan on half a picture.
            if (res.missingZones.length) {
                throw new LookupError(
                    CALLS.listClusters,
                    `projects/${projectId}`,
                    `locations did not answer: ${res.missingZones.join(", ")}`,
                );
            }
            // In one order whatever order Google lists them in (by location, then name): the plan's
            // notes follow it, and an exported cloud-state file lists them so (lookup/gcp/stateExport.ts).
            const key = (c: { location: string; name: string }) => `${c.location}\u0000${c.name}`;
            return res.clusters
                .map((c) => ({
                    projectId,
                    location: gkeLocation(c),
                    name: c.name ?? "",
                    labels: { ...((c.resourceLabels ?? {}) as Record<string, string>) },
                }))
                .sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
        },

        async serviceAccount(projectId, accountId) {
            const email = serviceAccountEmail(accountId, projectId);
            const a = await call<{ email?: string; displayName?: string; description?: string; disabled?: boolean }>(
                CALLS.serviceAccount,
                `projects/${projectId}`,
                `${iam}/v1/projects/${projectId}/serviceAccounts/${email}`,
            );
            return a
                ? ({
                      email: a.email ?? email,
                      displayName: a.displayName ?? "",
                      description: a.description ?? "",
                      disabled: a.disabled ?? false,
                  } satisfies ExistingServiceAccount)
                : undefined;
        },

        async customRole(parent: IamParent, roleId) {
            const name = parent.kind === "project" ? CALLS.projectRole : CALLS.organizationRole;
            const r = await call<RoleBody>(
                name,
                iamParentPath(parent),
                `${iam}/v1/${iamParentPath(parent)}/roles/${roleId}`,
            );
            if (!r) return undefined;
            return {
                title: r.title ?? "",
                description: r.description ?? "",
                permissions: [...(r.includedPermissions ?? [])],
                // proto3 JSON leaves a field at its default out: RoleLaunchStage's default (0) is ALPHA.
                stage: r.stage ?? "ALPHA",
                deleted: r.deleted ?? false,
            } satisfies ExistingCustomRole;
        },

        grants: (parent) =>
            parent.kind === "project"
                ? policy(
                      CALLS.projectPolicy,
                      iamParentPath(parent),
                      `${crm}/v1/projects/${parent.id}:getIamPolicy`,
                      "body",
                  )
                : policy(
                      CALLS.organizationPolicy,
                      iamParentPath(parent),
                      `${crm}/v1/organizations/${parent.id}:getIamPolicy`,
                      "body",
                  ),

        serviceAccountGrants: (projectId, email) =>
            policy(
                CALLS.serviceAccountPolicy,
                `projects/${projectId}`,
                `${iam}/v1/projects/${projectId}/serviceAccounts/${email}:getIamPolicy`,
                "query",
            ),

        async workloadIdentityPool(projectId, poolId) {
            const w = await call<FederationBody>(
                CALLS.pool,
                `projects/${projectId}`,
                `${iam}/v1/projects/${projectId}/locations/global/workloadIdentityPools/${poolId}`,
            );
            return w ? ({ ...federation(w) } satisfies ExistingPool) : undefined;
        },

        async workloadIdentityPoolProvider(projectId, poolId, providerId) {
            const p = await call<ProviderBody>(
                CALLS.poolProvider,
                `projects/${projectId}`,
                `${iam}/v1/projects/${projectId}/locations/global/workloadIdentityPools/${poolId}/providers/${providerId}`,
            );
            if (!p) return undefined;
            return {
                ...federation(p),
                attributeMapping: { ...(p.attributeMapping ?? {}) },
                attributeCondition: p.attributeCondition ?? "",
                issuerUri: p.oidc?.issuerUri ?? "",
                allowedAudiences: [...(p.oidc?.allowedAudiences ?? [])],
            } satisfies ExistingPoolProvider;
        },

        // Loaded on use: the Azure pipeline costs start-up time that a stack without a connector does not pay.
        securityConnectors: (subscriptionId) =>
            (require("../connectors/live") as typeof import("../connectors/live")).listSecurityConnectors(
                subscriptionId,
                opts.azure,
            ),
    };
}

function federation(b: FederationBody): ExistingPool {
    // Any state but DELETED (ACTIVE, or unspecified while being created) is usable.
    const state: FederationState = (FEDERATION_STATES as readonly string[]).includes(b.state ?? "")
        ? (b.state as FederationState)
        : "ACTIVE";
    return { displayName: b.displayName ?? "", description: b.description ?? "", disabled: b.disabled ?? false, state };
}
