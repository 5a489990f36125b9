import { ConfigError } from "../../lib/errors";
import {
    bool,
    GUID_RULE,
    isPlainObject,
    join,
    list,
    object,
    optionalString,
    requiredString,
    stringMap,
    unique,
} from "../../config/read";
import {
    AzureClusterFacts,
    AzureLookup,
    ExistingArcExtension,
    ExistingBinding,
    ExistingOperator,
    ExistingPolicyAssignment,
    ExistingPricing,
    ExistingRoleAssignment,
    onScopeLine,
} from "./port";
import {
    AKS_ID_SHAPE,
    ARC_ID_SHAPE,
    AzureClusterKind,
    ClusterRef,
    parseAksClusterId,
    parseArcClusterId,
} from "../../domain/azure/resourceIds";

/**
 * The `azure` section of a cloud-state file: one subscription as ARM would describe it. Ids of
 * objects under a cluster or a plan (bindings, extensions, operators, pricings) are derived from
 * their parent and name, exactly as ARM spells them; only role and policy assignments carry their
 * own id (their names are GUIDs or free).
 */
export interface AzureCloudState {
    subscriptionId: string;
    clusters: AzureClusterFacts[];
    bindings: Map<string, ExistingBinding[]>;
    extensions: Map<string, ExistingArcExtension[]>;
    operators: (ExistingOperator & { pricingName: string; name: string })[];
    roleAssignments: ExistingRoleAssignment[];
    pricings: (ExistingPricing & { name: string })[];
    policyAssignments: ExistingPolicyAssignment[];
}

export const AZURE_STATE_KEYS = [
    "subscriptionId",
    "aksClusters",
    "arcClusters",
    "securityOperators",
    "roleAssignments",
    "pricings",
    "policyAssignments",
];

const NAME = { expected: "a name", pattern: /^[-\w.()]{1,128}$/ };
const ARM_ID = {
    expected: "an ARM resource id starting /subscriptions/ or /providers/",
    pattern: /^\/(subscriptions|providers)\/\S+$/,
};

/** The map key of a cluster's resource id: ARM compares ids without case. */
function idKey(id: string): string {
    return id.toLowerCase();
}

function readCluster(
    v: unknown,
    p: string,
    kind: AzureClusterKind,
    sub: string,
): { facts: AzureClusterFacts; raw: Record<string, unknown> } {
    const keys =
        kind === "aks"
            ? ["id", "location", "tags", "trustedAccessRoleBindings"]
            : ["id", "location", "tags", "distribution", "extensions"];
    const raw = object(v, p, keys);
    const shape = kind === "aks" ? AKS_ID_SHAPE : ARC_ID_SHAPE;
    const id = requiredString(raw.id, join(p, "id"), { expected: `a resource id ${shape}` });
    const ref: ClusterRef | null = (kind === "aks" ? parseAksClusterId : parseArcClusterId)(id);
    if (!ref) throw new ConfigError(join(p, "id"), id, `a resource id ${shape}`);
    if (ref.subscriptionId !== sub)
        throw new ConfigError(join(p, "id"), id, `a cluster of subscription ${sub} (azure.subscriptionId)`);
    const facts: AzureClusterFacts = {
        ...ref,
        kind,
        location: requiredString(raw.location, join(p, "location"), {
            expected: "the cluster's Azure region, such as westeurope",
            pattern: /^[a-z0-9]+$/,
        }),
        tags: stringMap(raw.tags, join(p, "tags")),
    };
    const distribution = optionalString(raw.distribution, join(p, "distribution"), {
        expected: "the Arc agent's distribution, such as k3s, openshift, eks, gke",
        pattern: /^[-\w.]{1,64}$/,
    });
    if (distribution !== undefined) facts.distribution = distribution;
    return { facts, raw };
}

function readBindings(v: unknown, p: string, cluster: ClusterRef): ExistingBinding[] {
    const items = list(v, p, "trusted access role bindings ({ name, roles, sourceResourceId })").map((b, i) => {
        const bp = join(p, i);
        const raw = object(b, bp, ["name", "roles", "sourceResourceId"]);
        const name = requiredString(raw.name, join(bp, "name"), NAME);
        const roles = list(raw.roles, join(bp, "roles"), "role names").map((r, j) =>
            requiredString(r, join(join(bp, "roles"), j), {
                expected: "a trusted access role such as Microsoft.Security/pricings/microsoft-defender-operator",
            }),
        );
        if (!roles.length) throw new ConfigError(join(bp, "roles"), raw.roles, "at least one trusted access role");
        return {
            id: `${cluster.id}/trustedAccessRoleBindings/${name}`,
            name,
            roles,
            sourceResourceId: requiredString(raw.sourceResourceId, join(bp, "sourceResourceId"), ARM_ID),
        };
    });
    unique(items, p, (b) => b.name, "binding name");
    return items;
}

function readExtensions(v: unknown, p: string, cluster: ClusterRef): ExistingArcExtension[] {
    const items = list(v, p, "extensions ({ name, extensionType, ... })").map((e, i) => {
        const ep = join(p, i);
        const raw = object(e, ep, [
            "name",
            "extensionType",
            "releaseTrain",
            "autoUpgradeMinorVersion",
            "releaseNamespace",
            "configurationSettings",
            "identityType",
        ]);
        const name = requiredString(raw.name, join(ep, "name"), NAME);
        const ext: ExistingArcExtension = {
            id: `${cluster.id}/providers/Microsoft.KubernetesConfiguration/extensions/${name}`,
            name,
            extensionType: requiredString(raw.extensionType, join(ep, "extensionType"), {
                expected: "an extension type such as microsoft.azuredefender.kubernetes",
            }),
            configurationSettings: stringMap(raw.configurationSettings, join(ep, "configurationSettings")),
        };
        const releaseTrain = optionalString(raw.releaseTrain, join(ep, "releaseTrain"), {
            expected: "a release train such as Stable",
        });
        if (releaseTrain !== undefined) ext.releaseTrain = releaseTrain;
        if (raw.autoUpgradeMinorVersion !== undefined)
            ext.autoUpgradeMinorVersion = bool(raw.autoUpgradeMinorVersion, join(ep, "autoUpgradeMinorVersion"), true);
        const ns = optionalString(raw.releaseNamespace, join(ep, "releaseNamespace"), {
            expected: "a Kubernetes namespace",
            pattern: /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/,
        });
        if (ns !== undefined) ext.releaseNamespace = ns;
        const identityType = optionalString(raw.identityType, join(ep, "identityType"), {
            expected: "SystemAssigned",
            pattern: /^SystemAssigned$/,
        });
        if (identityType !== undefined) ext.identityType = "SystemAssigned";
        return ext;
    });
    unique(items, p, (e) => e.name, "extension name");
    return items;
}

/**
 * A pricing's `additionalExtensionProperties`: extension name → its properties as ARM returns them
 * (a mapping of property name to value, such as `ExclusionTags`), kept as given.
 */
function extensionProperties(v: unknown, p: string): Record<string, Record<string, unknown>> {
    if (v === undefined) return {};
    const expected = "extension name → a mapping of its additionalExtensionProperties as ARM returns them";
    if (!isPlainObject(v)) throw new ConfigError(p, v, expected);
    const out: Record<string, Record<string, unknown>> = {};
    for (const [ext, props] of Object.entries(v)) {
        if (!isPlainObject(props) || !Object.keys(props).length)
            throw new ConfigError(join(p, ext), props, `a non-empty mapping of ${ext}'s additionalExtensionProperties`);
        out[ext] = props;
    }
    return out;
}

/** Validates the section (ConfigError naming the key path; `readSection` adds the file's name). */
export function readAzureCloudState(v: unknown, path = "azure"): AzureCloudState {
    if (v === undefined || v === null)
        throw new ConfigError(
            path,
            undefined,
            "an azure section with at least subscriptionId (this stack's cloud is azure)",
        );
    const raw = object(v, path, AZURE_STATE_KEYS);
    const sub = requiredString(raw.subscriptionId, join(path, "subscriptionId"), {
        ...GUID_RULE,
        expected: "the subscription id this state describes, a GUID",
    }).toLowerCase();
    const state: AzureCloudState = {
        subscriptionId: sub,
        clusters: [],
        bindings: new Map(),
        extensions: new Map(),
        operators: [],
        roleAssignments: [],
        pricings: [],
        policyAssignments: [],
    };
    for (const kind of ["aks", "arc"] as const) {
        const p = join(path, `${kind}Clusters`);
        const items = list(raw[`${kind}Clusters`], p, "clusters ({ id, location, tags, ... })").map((c, i) => {
            const cp = join(p, i);
            const { facts, raw: cr } = readCluster(c, cp, kind, sub);
            if (kind === "aks")
                state.bindings.set(
                    idKey(facts.id),
                    readBindings(cr.trustedAccessRoleBindings, join(cp, "trustedAccessRoleBindings"), facts),
                );
            else state.extensions.set(idKey(facts.id), readExtensions(cr.extensions, join(cp, "extensions"), facts));
            return facts;
        });
        unique(items, p, (c) => c.id, "cluster");
        state.clusters.push(...items);
    }
    const opPath = join(path, "securityOperators");
    state.operators = list(
        raw.securityOperators,
        opPath,
        "security operators ({ pricingName, name, principalId })",
    ).map((o, i) => {
        const p = join(opPath, i);
        const r = object(o, p, ["pricingName", "name", "principalId"]);
        const pricingName = requiredString(r.pricingName, join(p, "pricingName"), {
            expected: "Containers or CloudPosture",
            pattern: /^(Containers|CloudPosture)$/,
        });
        const name = requiredString(r.name, join(p, "name"), NAME);
        return {
            pricingName,
            name,
            id: `/subscriptions/${sub}/providers/Microsoft.Security/pricings/${pricingName}/securityOperators/${name}`,
            principalId: requiredString(r.principalId, join(p, "principalId"), {
                ...GUID_RULE,
                expected: "the operator identity's principal id, a GUID",
            }),
        };
    });
    const raPath = join(path, "roleAssignments");
    state.roleAssignments = list(
        raw.roleAssignments,
        raPath,
        "role assignments ({ id, scope, roleDefinitionId, principalId })",
    ).map((a, i) => {
        const p = join(raPath, i);
        const r = object(a, p, ["id", "scope", "roleDefinitionId", "principalId", "principalType", "description"]);
        const id = requiredString(r.id, join(p, "id"), {
            expected: "a role assignment id <scope>/providers/Microsoft.Authorization/roleAssignments/<GUID>",
            pattern: /\/providers\/Microsoft\.Authorization\/roleAssignments\/[0-9a-fA-F-]{36}$/,
        });
        const ra: ExistingRoleAssignment = {
            id,
            scope: requiredString(r.scope, join(p, "scope"), ARM_ID),
            roleDefinitionId: requiredString(r.roleDefinitionId, join(p, "roleDefinitionId"), {
                expected: "a role definition id .../providers/Microsoft.Authorization/roleDefinitions/<GUID>",
                pattern: /\/providers\/Microsoft\.Authorization\/roleDefinitions\/[0-9a-fA-F-]{36}$/,
            }),
            principalId: requiredString(r.principalId, join(p, "principalId"), {
                ...GUID_RULE,
                expected: "the principal id, a GUID",
            }),
        };
        const principalType = optionalString(r.principalType, join(p, "principalType"), {
            expected: "ServicePrincipal, User, Group or ForeignGroup",
            pattern: /^(ServicePrincipal|User|Group|ForeignGroup)$/,
        });
        if (principalType !== undefined) ra.principalType = principalType;
        const description = optionalString(r.description, join(p, "description"), { expected: "text" });
        if (description !== undefined) ra.description = description;
        return ra;
    });
    const prPath = join(path, "pricings");
    state.pricings = list(raw.pricings, prPath, "pricings ({ name, pricingTier, extensions })").map((pr, i) => {
        const p = join(prPath, i);
        const r = object(pr, p, ["name", "pricingTier", "extensions", "additionalExtensionProperties"]);
        const name = requiredString(r.name, join(p, "name"), {
            expected: "a plan name such as Containers or CloudPosture",
            pattern: /^[A-Za-z]+$/,
        });
        const extPath = join(p, "extensions");
        const extRaw = stringMap(r.extensions, extPath);
        const extensions: Record<string, boolean> = {};
        for (const [k, val] of Object.entries(extRaw)) extensions[k] = bool(val, join(extPath, k), false);
        const pricing: ExistingPricing & { name: string } = {
            name,
            extensions,
            id: `/subscriptions/${sub}/providers/Microsoft.Security/pricings/${name}`,
            pricingTier: requiredString(r.pricingTier, join(p, "pricingTier"), {
                expected: "Free or Standard",
                pattern: /^(Free|Standard)$/,
            }),
        };
        const more = extensionProperties(r.additionalExtensionProperties, join(p, "additionalExtensionProperties"));
        for (const ext of Object.keys(more)) {
            if (!(ext in extensions))
                throw new ConfigError(
                    join(join(p, "additionalExtensionProperties"), ext),
                    more[ext],
                    `properties of an extension listed in ${join(p, "extensions")} (${Object.keys(extensions).join(", ") || "none listed"})`,
                );
        }
        if (Object.keys(more).length) pricing.extensionProperties = more;
        return pricing;
    });
    unique(state.pricings, prPath, (p) => p.name, "pricing");
    const paPath = join(path, "policyAssignments");
    state.policyAssignments = list(
        raw.policyAssignments,
        paPath,
        "policy assignments ({ name, policyDefinitionId, principalId })",
    ).map((a, i) => {
        const p = join(paPath, i);
        const r = object(a, p, ["name", "policyDefinitionId", "principalId"]);
        const name = requiredString(r.name, join(p, "name"), {
            expected: "the assignment's name",
            pattern: /^[^<>*%&:\\?.+/]{1,64}$/,
        });
        const pa: ExistingPolicyAssignment = {
            name,
            id: `/subscriptions/${sub}/providers/Microsoft.Authorization/policyAssignments/${name}`,
            policyDefinitionId: requiredString(r.policyDefinitionId, join(p, "policyDefinitionId"), {
                expected:
                    "a policy (set) definition id /providers/Microsoft.Authorization/policy[Set]Definitions/<GUID>",
                pattern: /^\/providers\/Microsoft\.Authorization\/policy(Set)?Definitions\/[0-9a-fA-F-]{36}$/,
            }),
        };
        const principalId = optionalString(r.principalId, join(p, "principalId"), {
            ...GUID_RULE,
            expected: "the assignment identity's principal id, a GUID",
        });
        if (principalId !== undefined) pa.principalId = principalId;
        return pa;
    });
    unique(state.policyAssignments, paPath, (a) => a.name, "policy assignment name");
    return state;
}

/** Answers the lookups from a validated section, as ARM would have. */
export function fileAzureLookup(state: AzureCloudState): AzureLookup {
    return {
        clusters: async () => state.clusters,
        securityOperator: async (pricingName, name) =>
            state.operators.find((o) => o.pricingName === pricingName && o.name.toLowerCase() === name.toLowerCase()),
        roleAssignments: async (principalId, scope = `/subscriptions/${state.subscriptionId}`) =>
            state.roleAssignments.filter(
                (a) => a.principalId.toLowerCase() === principalId.toLowerCase() && onScopeLine(a.scope, scope),
            ),
        trustedAccessBindings: async (cluster) => state.bindings.get(idKey(cluster.id)) ?? [],
        arcExtensions: async (cluster) => state.extensions.get(idKey(cluster.id)) ?? [],
        // ARM answers every plan; one the file does not list is off (Free).
        pricing: async (name) =>
            state.pricings.find((p) => p.name === name) ?? {
                id: `/subscriptions/${state.subscriptionId}/providers/Microsoft.Security/pricings/${name}`,
                pricingTier: "Free",
                extensions: {},
            },
        policyAssignments: async () => state.policyAssignments,
    };
}
