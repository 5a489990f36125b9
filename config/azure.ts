import { AZURE_LOCATION_RULE } from "./connector";
import { ConfigError } from "../lib/errors";
import {
    bool,
    GUID_RULE,
    join,
    list,
    object,
    oneOf,
    optionalString,
    Raw,
    requiredString,
    stringWithDefault,
    unique,
} from "./read";
import {
    CONTAINERS_EXTENSIONS,
    ContainersExtension,
    CSPM_EXTENSIONS,
    CspmExtension,
    GUARD_EFFECTS,
    GuardEffect,
    OperatorKind,
    SECURITY_OPERATORS,
    AtScalePolicyKey,
} from "../domain/azure/facts";
import {
    AKS_ID_SHAPE,
    ARC_ID_SHAPE,
    ClusterRef,
    parseAksClusterId,
    parseArcClusterId,
    parseWorkspaceId,
    WORKSPACE_ID_SHAPE,
} from "../domain/azure/resourceIds";
import { AZURE_FILTER, AzureClusterOverride, BINDING_NAME, readOverrides } from "./azureClusters";
import { ClusterFilter, readFilters } from "./clusterFilters";
import { lookupConcurrency } from "./lookupConcurrency";

export interface AzureConfig {
    subscriptionId: string;
    /** Region of the policy assignments' managed identities. */
    location: string;
    logAnalyticsWorkspaceId?: string;
    plan: {
        extensions: Record<ContainersExtension, boolean>;
        cspm: { enabled: boolean; extensions: Record<CspmExtension, boolean> };
    };
    discovery: {
        enabled: boolean;
        operator: OperatorKind;
        bindingName: string;
    };
    /**
     * Explicit-list mode, per kind: only these clusters (each must exist). Absent: every cluster of
     * that kind the subscription has (discovery).
     */
    aksClusters?: ClusterRef[];
    arcClusters?: ClusterRef[];
    /** A discovered cluster is kept when it matches one `include` filter (or there is none) and no `exclude` filter. */
    include: ClusterFilter[];
    exclude: ClusterFilter[];
    /** Per-cluster settings, keyed by the cluster's resource id or `<resourceGroup>/<name>`. */
    overrides: Record<string, AzureClusterOverride>;
    atScale: {
        policies: Record<AtScalePolicyKey, boolean>;
        podSecurityBaseline: GuardEffect;
        privilegedContainers: GuardEffect;
    };
    /**
     * `defaultWorkspace`: the explicit choice of Defender's default workspace for Arc clusters. The
     * stack then installs no Defender extension itself and leaves it to policy 708b60a6, which finds
     * or creates that workspace (DefaultWorkspace-<subscription>-<geo>) and sends its id and key.
     */
    arcExtensions: { defender: boolean; azurePolicy: boolean; defaultWorkspace: boolean };
    /** Per-cluster ARM lookup calls in flight at once (azure.lookupConcurrency). */
    lookupConcurrency: number;
}

function extensionSwitches<K extends string>(
    v: unknown,
    path: string,
    defaults: Record<K, boolean>,
): Record<K, boolean> {
    const names = Object.keys(defaults) as K[];
    const raw = object(v, path, names);
    return Object.fromEntries(names.map((n) => [n, bool(raw[n], join(path, n), defaults[n])])) as Record<K, boolean>;
}

function clusters(
    v: unknown,
    path: string,
    subscriptionId: string,
    parse: (id: string) => ClusterRef | null,
    shape: string,
    kind: string,
): ClusterRef[] | undefined {
    if (v === undefined || v === null) return undefined;
    const idRule = { expected: `an ${kind} resource id ${shape}` };
    const items = list(v, path, `${kind} resource ids (or { id })`).map((item, i) => {
        const p = join(path, i);
        // Tags, location and the exclusion tag are read from the cluster itself, not from here.
        const entry = object(typeof item === "string" ? { id: item } : item, p, ["id"]);
        const id = requiredString(entry.id, join(p, "id"), idRule);
        const ref = parse(id);
        if (!ref) throw new ConfigError(join(p, "id"), id, idRule.expected);
        if (ref.subscriptionId !== subscriptionId) {
            throw new ConfigError(
                join(p, "id"),
                id,
                `a cluster in this stack's subscription ${subscriptionId}; a cluster in another subscription belongs in that subscription's stack`,
            );
        }
        return ref;
    });
    unique(items, path, (c) => c.id, "cluster");
    return items;
}

/**
 * The Arc Defender extension works only with a workspace's id and key: a stack that installs it
 * names a workspace, or chooses Defender's default one explicitly (left to policy 708b60a6).
 */
export function checkArcWorkspace(
    ext: AzureConfig["arcExtensions"],
    workspace: string | undefined,
    arcDefenderPolicy: boolean,
    arcClusters: readonly unknown[],
    path = "azure",
): void {
    const extPath = join(path, "arcExtensions");
    if (ext.defaultWorkspace) {
        if (workspace !== undefined) {
            throw new ConfigError(
                join(extPath, "defaultWorkspace"),
                true,
                `false (or absent) while ${join(path, "logAnalyticsWorkspaceId")} names a workspace: choose one of the two`,
            );
        }
        if (!arcDefenderPolicy) {
            throw new ConfigError(
                join(path, "atScale.arcDefender"),
                false,
                `true while ${join(extPath, "defaultWorkspace")} is true: policy 708b60a6 is what installs the Defender extension with Defender's default workspace`,
            );
        }
        return;
    }
    if (ext.defender && workspace === undefined && arcClusters.length > 0) {
        throw new ConfigError(
            join(path, "logAnalyticsWorkspaceId"),
            undefined,
            `a workspace resource id ${WORKSPACE_ID_SHAPE} for the Defender extension on ${join(path, "arcClusters")} (it needs the workspace's id and key), ` +
                `or ${join(extPath, "defaultWorkspace")}: true to use Defender's default workspace, or ${join(extPath, "defender")}: false`,
        );
    }
}

export function loadAzureConfig(v: unknown, path = "azure"): AzureConfig {
    const raw: Raw = object(v, path, [
        "subscriptionId",
        "location",
        "logAnalyticsWorkspaceId",
        "plan",
        "discovery",
        "aksClusters",
        "arcClusters",
        "include",
        "exclude",
        "overrides",
        "atScale",
        "arcExtensions",
        "lookupConcurrency",
    ]);
    if (v === undefined)
        throw new ConfigError(path, undefined, "an object with at least subscriptionId (the stack's cloud is azure)");
    const subscriptionId = requiredString(raw.subscriptionId, join(path, "subscriptionId"), {
        ...GUID_RULE,
        expected: "the subscription id, a GUID such as 00000000-0000-0000-0000-000000000000",
    }).toLowerCase();
    const location = requiredString(raw.location, join(path, "location"), AZURE_LOCATION_RULE);

    const workspacePath = join(path, "logAnalyticsWorkspaceId");
    const logAnalyticsWorkspaceId = optionalString(raw.logAnalyticsWorkspaceId, workspacePath, {
        expected: `a workspace resource id ${WORKSPACE_ID_SHAPE}`,
    });
    if (logAnalyticsWorkspaceId !== undefined && !parseWorkspaceId(logAnalyticsWorkspaceId)) {
        throw new ConfigError(workspacePath, logAnalyticsWorkspaceId, `a workspace resource id ${WORKSPACE_ID_SHAPE}`);
    }

    const planPath = join(path, "plan");
    const planRaw = object(raw.plan, planPath, ["extensions", "cspm"]);
    const cspmPath = join(planPath, "cspm");
    const cspmRaw = object(planRaw.cspm, cspmPath, ["enabled", "extensions"]);
    const plan = {
        extensions: extensionSwitches(planRaw.extensions, join(planPath, "extensions"), { ...CONTAINERS_EXTENSIONS }),
        cspm: {
            enabled: bool(cspmRaw.enabled, join(cspmPath, "enabled"), false),
            extensions: extensionSwitches(cspmRaw.extensions, join(cspmPath, "extensions"), { ...CSPM_EXTENSIONS }),
        },
    };

    const discPath = join(path, "discovery");
    const discRaw = object(raw.discovery, discPath, ["enabled", "operator", "bindingName"]);
    const operator = oneOf<OperatorKind>(
        discRaw.operator,
        join(discPath, "operator"),
        ["containers", "cspm"],
        "containers",
    );
    const discovery = {
        enabled: bool(discRaw.enabled, join(discPath, "enabled"), true),
        operator,
        bindingName: stringWithDefault(
            discRaw.bindingName,
            join(discPath, "bindingName"),
            SECURITY_OPERATORS[operator].bindingName,
            BINDING_NAME,
        ),
    };
    // The operator identity exists only once its plan's discovery extension is on.
    if (discovery.enabled && operator === "containers" && !plan.extensions.AgentlessDiscoveryForKubernetes) {
        throw new ConfigError(
            join(planPath, "extensions.AgentlessDiscoveryForKubernetes"),
            false,
            `true while ${join(discPath, "operator")} is "containers": the Containers security operator is created by that extension`,
        );
    }
    if (
        discovery.enabled &&
        operator === "cspm" &&
        !(plan.cspm.enabled && plan.cspm.extensions.AgentlessDiscoveryForKubernetes)
    ) {
        throw new ConfigError(
            join(cspmPath, "enabled"),
            plan.cspm.enabled,
            `true, with extensions.AgentlessDiscoveryForKubernetes true, while ${join(discPath, "operator")} is "cspm"`,
        );
    }

    const atPath = join(path, "atScale");
    const atRaw = object(raw.atScale, atPath, [
        "defenderProfile",
        "azurePolicyAddon",
        "arcDefender",
        "arcAzurePolicy",
        "podSecurityBaseline",
        "privilegedContainers",
    ]);
    const atScale = {
        policies: {
            defenderProfile: bool(atRaw.defenderProfile, join(atPath, "defenderProfile"), true),
            azurePolicyAddon: bool(atRaw.azurePolicyAddon, join(atPath, "azurePolicyAddon"), true),
            arcDefender: bool(atRaw.arcDefender, join(atPath, "arcDefender"), true),
            arcAzurePolicy: bool(atRaw.arcAzurePolicy, join(atPath, "arcAzurePolicy"), true),
        },
        podSecurityBaseline: oneOf(
            atRaw.podSecurityBaseline,
            join(atPath, "podSecurityBaseline"),
            GUARD_EFFECTS,
            "off",
        ),
        privilegedContainers: oneOf(
            atRaw.privilegedContainers,
            join(atPath, "privilegedContainers"),
            GUARD_EFFECTS,
            "off",
        ),
    };

    const arcExtPath = join(path, "arcExtensions");
    const arcExtRaw = object(raw.arcExtensions, arcExtPath, ["defender", "azurePolicy", "defaultWorkspace"]);
    const arcExtensions = {
        defender: bool(arcExtRaw.defender, join(arcExtPath, "defender"), true),
        azurePolicy: bool(arcExtRaw.azurePolicy, join(arcExtPath, "azurePolicy"), true),
        defaultWorkspace: bool(arcExtRaw.defaultWorkspace, join(arcExtPath, "defaultWorkspace"), false),
    };
    const arcClusters = clusters(
        raw.arcClusters,
        join(path, "arcClusters"),
        subscriptionId,
        parseArcClusterId,
        ARC_ID_SHAPE,
        "Arc-enabled cluster",
    );
    // With discovery the Arc clusters are known only after the lookup: onboarding checks again then.
    checkArcWorkspace(arcExtensions, logAnalyticsWorkspaceId, atScale.policies.arcDefender, arcClusters ?? [], path);

    return {
        subscriptionId,
        location,
        logAnalyticsWorkspaceId,
        plan,
        discovery,
        aksClusters: clusters(
            raw.aksClusters,
            join(path, "aksClusters"),
            subscriptionId,
            parseAksClusterId,
            AKS_ID_SHAPE,
            "AKS cluster",
        ),
        arcClusters,
        include: readFilters(raw.include, join(path, "include"), AZURE_FILTER),
        exclude: readFilters(raw.exclude, join(path, "exclude"), AZURE_FILTER),
        overrides: readOverrides(raw.overrides, join(path, "overrides"), subscriptionId),
        atScale,
        arcExtensions,
        lookupConcurrency: lookupConcurrency(raw.lookupConcurrency, join(path, "lookupConcurrency")),
    };
}
