import type { TokenCredential } from "@azure/core-auth";
import { ContainerServiceClient, ContainerServiceClientOptionalParams } from "@azure/arm-containerservice";
import { createDefaultHttpClient, createPipelineRequest, HttpClient } from "@azure/core-rest-pipeline";
import { cloudReason, LookupError } from "../../lib/errors";
import { armErrorRecorder, armErrorText } from "../discovery/aks";
import { armCode, isUnregistered } from "./registration";
import {
    AzureClusterFacts,
    AzureLookup,
    ExistingArcExtension,
    ExistingBinding,
    ExistingPolicyAssignment,
    ExistingPricing,
    ExistingRoleAssignment,
} from "./port";
import { ClusterRef, parseAksClusterId, parseArcClusterId } from "../../domain/azure/resourceIds";

/**
 * The Azure lookups answered by ARM. AKS clusters and their trusted access bindings through
 * `@azure/arm-containerservice` (as inventory discovery does); the rest (Arc clusters, which have
 * no SDK here, security operators, role and policy assignments, pricings, Arc extensions) through
 * ARM's REST API on the same client pipeline: same credential, TLS and retry settings. Every
 * failure is a LookupError naming the ARM operation, the scope and ARM's own reason.
 */

/**
 * API versions of the REST calls: the newest stable version in each resource provider's spec
 * (docs/sources.md names the spec files), except security operators, whose spec has only previews
 * (2023-01-01-preview, the version `@pulumi/azure-native` declares them with).
 */
export const ARM_API_VERSIONS = {
    connectedClusters: "2026-05-01",
    securityOperators: "2023-01-01-preview",
    roleAssignments: "2022-04-01",
    extensions: "2025-03-01",
    pricings: "2024-01-01",
    policyAssignments: "2025-03-01",
} as const;

interface ArmResource {
    id?: string;
    name?: string;
    location?: string;
    tags?: Record<string, string>;
    identity?: { principalId?: string; type?: string };
    properties?: Record<string, unknown>;
}

class ArmError extends Error {
    constructor(
        readonly status: number,
        readonly code: string | undefined,
        message: string,
    ) {
        super(message);
    }
}

export function liveAzureLookup(
    subscriptionId: string,
    credential: TokenCredential = defaultCredential(),
    clientOptions: ContainerServiceClientOptionalParams = {},
): AzureLookup {
    const client = new ContainerServiceClient(credential, subscriptionId, clientOptions);
    const lastArmError = armErrorRecorder(client);
    const http: HttpClient = createDefaultHttpClient();
    const endpoint = (clientOptions.endpoint ?? "https://management.azure.com").replace(/\/+$/, "");
    const subScope = `subscriptions/${subscriptionId}`;

    /** Runs a lookup; turns any failure into a LookupError with ARM's reason. */
    async function call<T>(operation: string, scope: string, fn: () => Promise<T>): Promise<T> {
        try {
            return await fn();
        } catch (e) {
            if (e instanceof LookupError) throw e;
            const status = (e as { statusCode?: number; status?: number }).statusCode ?? (e as ArmError).status;
            const reason =
                e instanceof ArmError ? e.message : (status !== undefined && lastArmError()) || cloudReason(e);
            throw new LookupError(operation, scope, reason);
        }
    }

    async function get(pathAndQuery: string): Promise<unknown> {
        const url = /^https?:/.test(pathAndQuery) ? pathAndQuery : `${endpoint}${pathAndQuery}`;
        const response = await client.pipeline.sendRequest(http, createPipelineRequest({ url, method: "GET" }));
        const body = response.bodyAsText ?? undefined;
        if (response.status >= 400)
            throw new ArmError(response.status, armCode(body), armErrorText(response.status, body));
        return JSON.parse(body || "{}");
    }

    /** One object, or undefined when ARM answers 404 or its namespace is not registered (`registration.ts`). */
    async function getOne(pathAndQuery: string): Promise<ArmResource | undefined> {
        try {
            return (await get(pathAndQuery)) as ArmResource;
        } catch (e) {
            if (e instanceof ArmError && (e.status === 404 || isUnregistered(e.code))) return undefined;
            throw e;
        }
    }

    /**
     * Every item of an ARM list, following nextLink; empty when the namespace is not registered
     * (`registration.ts`). Any other error, a 404 included, fails the lookup.
     */
    async function list(path: string, apiVersion: string, filter?: string): Promise<ArmResource[]> {
        const out: ArmResource[] = [];
        let next: string | undefined =
            `${path}?api-version=${apiVersion}${filter ? `&$filter=${encodeURIComponent(filter)}` : ""}`;
        try {
            while (next) {
                const page = (await get(next)) as { value?: ArmResource[]; nextLink?: string };
                out.push(...(page.value ?? []));
                next = page.nextLink || undefined;
            }
        } catch (e) {
            if (e instanceof ArmError && isUnregistered(e.code) && out.length === 0) return [];
            throw e;
        }
        return out;
    }

    /** The same rule for the SDK's lists (its RestError carries ARM's code). */
    async function sdkList<T>(items: AsyncIterable<T>): Promise<T[]> {
        const out: T[] = [];
        try {
            for await (const item of items) out.push(item);
        } catch (e) {
            if (out.length === 0 && isUnregistered((e as { code?: string }).code)) return [];
            throw e;
        }
        return out;
    }

    return {
        async clusters() {
            const aks = await call("ManagedClusters_List", subScope, async () =>
                (await sdkList(client.managedClusters.list())).flatMap((c): AzureClusterFacts[] => {
                    const ref = parseAksClusterId(c.id ?? "");
                    return ref ? [{ ...ref, kind: "aks", location: c.location ?? "", tags: c.tags ?? {} }] : [];
                }),
            );
            const arc = await call("ConnectedCluster_ListBySubscription", subScope, async () =>
                (
                    await list(
                        `/${subScope}/providers/Microsoft.Kubernetes/connectedClusters`,
                        ARM_API_VERSIONS.connectedClusters,
                    )
                ).flatMap((c) => {
                    const ref = parseArcClusterId(c.id ?? "");
                    if (!ref) return [];
                    const facts: AzureClusterFacts = {
                        ...ref,
                        kind: "arc",
                        location: c.location ?? "",
                        tags: c.tags ?? {},
                    };
                    const distribution = c.properties?.distribution;
                    if (typeof distribution === "string" && distribution) facts.distribution = distribution;
                    return [facts];
                }),
            );
            return [...aks, ...arc];
        },

        securityOperator(pricingName, name) {
            const id = `/${subScope}/providers/Microsoft.Security/pricings/${pricingName}/securityOperators/${name}`;
            return call("SecurityOperators_Get", subScope, async () => {
                const op = await getOne(`${id}?api-version=${ARM_API_VERSIONS.securityOperators}`);
                if (!op) return undefined;
                if (!op.identity?.principalId) {
                    throw new LookupError(
                        "SecurityOperators_Get",
                        subScope,
                        `security operator ${id} exists without an identity yet (Defender is still making it); run again in a few minutes`,
                    );
                }
                return { id: op.id ?? id, principalId: op.identity.principalId };
            });
        },

        roleAssignments(principalId, scope) {
            // ListForScope at another scope (a workspace in another subscription): ListForSubscription
            // answers only assignments at, above or below this subscription.
            const at = (scope ?? `/${subScope}`).replace(/\/+$/, "");
            const operation = scope ? "RoleAssignments_ListForScope" : "RoleAssignments_ListForSubscription";
            return call(operation, at.slice(1), async () =>
                (
                    await list(
                        `${at}/providers/Microsoft.Authorization/roleAssignments`,
                        ARM_API_VERSIONS.roleAssignments,
                        `principalId eq '${principalId}'`,
                    )
                ).map((a): ExistingRoleAssignment => {
                    const p = a.properties ?? {};
                    const ra: ExistingRoleAssignment = {
                        id: a.id ?? "",
                        scope: String(p.scope ?? ""),
                        roleDefinitionId: String(p.roleDefinitionId ?? ""),
                        principalId: String(p.principalId ?? ""),
                    };
                    if (typeof p.principalType === "string") ra.principalType = p.principalType;
                    if (typeof p.description === "string" && p.description) ra.description = p.description;
                    return ra;
                }),
            );
        },

        trustedAccessBindings(cluster: ClusterRef) {
            return call("TrustedAccessRoleBindings_List", cluster.id.slice(1), async () => {
                const found: ExistingBinding[] = [];
                for (const b of await sdkList(
                    client.trustedAccessRoleBindings.list(cluster.resourceGroup, cluster.name),
                )) {
                    found.push({
                        id: b.id ?? `${cluster.id}/trustedAccessRoleBindings/${b.name}`,
                        name: b.name ?? "",
                        roles: b.roles ?? [],
                        sourceResourceId: b.sourceResourceId ?? "",
                    });
                }
                return found;
            });
        },

        arcExtensions(cluster: ClusterRef) {
            return call("Extensions_List", cluster.id.slice(1), async () =>
                (
                    await list(
                        `${cluster.id}/providers/Microsoft.KubernetesConfiguration/extensions`,
                        ARM_API_VERSIONS.extensions,
                    )
                ).map((e): ExistingArcExtension => {
                    const p = e.properties ?? {};
                    const ext: ExistingArcExtension = {
                        id: e.id ?? "",
                        name: e.name ?? "",
                        extensionType: String(p.extensionType ?? ""),
                        configurationSettings: (p.configurationSettings as Record<string, string> | undefined) ?? {},
                    };
                    if (typeof p.releaseTrain === "string") ext.releaseTrain = p.releaseTrain;
                    if (typeof p.autoUpgradeMinorVersion === "boolean")
                        ext.autoUpgradeMinorVersion = p.autoUpgradeMinorVersion;
                    const ns = (p.scope as { cluster?: { releaseNamespace?: string } } | undefined)?.cluster
                        ?.releaseNamespace;
                    if (ns) ext.releaseNamespace = ns;
                    if (e.identity?.type === "SystemAssigned") ext.identityType = "SystemAssigned";
                    return ext;
                }),
            );
        },

        pricing(name) {
            return call("Pricings_Get", subScope, async () => {
                const r = await getOne(
                    `/${subScope}/providers/Microsoft.Security/pricings/${name}?api-version=${ARM_API_VERSIONS.pricings}`,
                );
                if (!r) return undefined;
                const p = r.properties ?? {};
                const extensions: Record<string, boolean> = {};
                const extensionProperties: Record<string, Record<string, unknown>> = {};
                type Extension = { name?: string; isEnabled?: string; additionalExtensionProperties?: unknown };
                for (const x of (p.extensions as Extension[] | undefined) ?? []) {
                    if (!x.name) continue;
                    extensions[x.name] = String(x.isEnabled).toLowerCase() === "true";
                    const more = x.additionalExtensionProperties;
                    if (more && typeof more === "object" && !Array.isArray(more) && Object.keys(more).length)
                        extensionProperties[x.name] = more as Record<string, unknown>;
                }
                const pricing: ExistingPricing = {
                    id: r.id ?? `/${subScope}/providers/Microsoft.Security/pricings/${name}`,
                    pricingTier: String(p.pricingTier ?? "Free"),
                    extensions,
                };
                if (Object.keys(extensionProperties).length) pricing.extensionProperties = extensionProperties;
                return pricing;
            });
        },

        policyAssignments() {
            return call("PolicyAssignments_List", subScope, async () =>
                (
                    await list(
                        `/${subScope}/providers/Microsoft.Authorization/policyAssignments`,
                        ARM_API_VERSIONS.policyAssignments,
                        "atExactScope()",
                    )
                ).map((a): ExistingPolicyAssignment => {
                    const pa: ExistingPolicyAssignment = {
                        id: a.id ?? "",
                        name: a.name ?? "",
                        policyDefinitionId: String(a.properties?.policyDefinitionId ?? ""),
                    };
                    if (a.identity?.principalId) pa.principalId = a.identity.principalId;
                    return pa;
                }),
            );
        },
    };
}

/** The deployer's own login (az CLI, environment, managed identity), as `pulumi up` uses it. */
function defaultCredential(): TokenCredential {
    const { DefaultAzureCredential } = require("@azure/identity") as typeof import("@azure/identity");
    return new DefaultAzureCredential();
}
