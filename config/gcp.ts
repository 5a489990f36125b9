import { ConnectorConfig, CONNECTOR_KEYS, loadConnector } from "./connector";
import { ConfigError } from "./errors";
import { bool, join, list, object, oneOf, optionalString, Raw, requiredString, StringRule, stringMap, stringWithDefault, unique } from "./read";
import { DEFAULT_CUSTOM_ROLE_ID, DEFAULT_PROVIDER_ID, DEFAULT_SERVICE_ACCOUNT_NAME, GcpScope, SCOPES } from "../components/gcp/facts";
import { defaultPoolId } from "../components/gcp/identifiers";
import { isExcluded } from "../components/shared/exclusion";

export interface GkeCluster {
    name: string;
    /** A region (regional cluster) or a zone (zonal cluster). */
    location: string;
    labels: Record<string, string>;
    excluded: boolean;
}

export type GcpConnectorConfig = ConnectorConfig;

export interface GcpConfig {
    projectId: string;
    projectNumber: string;
    scope: GcpScope;
    /** Set with scope "organization" only. */
    organizationId?: string;
    serviceAccountName: string;
    customRoleId: string;
    /** Grant MDCGkeContainerInventoryCollectionRole too (container.secrets.list): explicit opt-in. */
    inventoryRole: boolean;
    workloadIdentity: { poolId: string; providerId: string };
    auditLogs: { enabled: boolean };
    /** Absent when the connector is switched off. */
    connector?: GcpConnectorConfig;
    clusters: GkeCluster[];
}

/** Context from other top-level keys. */
export interface GcpConfigContext {
    /** `agentless-discovery:azureTenantId`, the default of the pool id. */
    azureTenantId?: string;
}

// GCP's own rules, so that a bad value fails here instead of halfway through an update.
export const PROJECT_ID_RULE: StringRule = {
    expected: "a GCP project id: 6 to 30 lower-case letters, digits and hyphens, starting with a letter and not ending with a hyphen",
    pattern: /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/,
};
export const PROJECT_NUMBER_RULE: StringRule = {
    expected: "a GCP project number: 6 to 19 digits, not starting with 0 (gcloud projects describe PROJECT_ID --format='value(projectNumber)')",
    pattern: /^[1-9][0-9]{5,18}$/,
};
export const ORGANIZATION_ID_RULE: StringRule = {
    expected: "a GCP organization id: 6 to 19 digits, not starting with 0 (gcloud organizations list)",
    pattern: /^[1-9][0-9]{5,18}$/,
};
export const SERVICE_ACCOUNT_NAME_RULE: StringRule = {
    expected: "a service account id: 6 to 30 lower-case letters, digits and hyphens, starting with a letter and not ending with a hyphen",
    pattern: /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/,
};
export const CUSTOM_ROLE_ID_RULE: StringRule = {
    expected: "a custom role id: 3 to 64 letters, digits, underscores and periods",
    pattern: /^[a-zA-Z0-9_.]{3,64}$/,
};
// Pool and provider ids share one rule; the prefix "gcp-" is Google's.
const federationIdRule = (what: string): StringRule => ({
    expected: `a ${what} id: 4 to 32 lower-case letters, digits and hyphens, not starting with "gcp-"`,
    pattern: /^(?!gcp-)[a-z0-9-]{4,32}$/,
});
export const POOL_ID_RULE = federationIdRule("workload identity pool");
export const PROVIDER_ID_RULE = federationIdRule("workload identity pool provider");
const CLUSTER_NAME_RULE: StringRule = {
    expected: "a GKE cluster name: 1 to 40 lower-case letters, digits and hyphens, starting with a letter and ending with a letter or digit",
    pattern: /^[a-z](?:[a-z0-9-]{0,38}[a-z0-9])?$/,
};
const CLUSTER_LOCATION_RULE: StringRule = {
    expected: "a GCP region such as europe-west1 or zone such as europe-west1-b",
    pattern: /^[a-z]+-[a-z]+[0-9]+(?:-[a-z])?$/,
};

/** Project numbers and organization ids are often written unquoted in YAML, which makes them numbers. */
function digits(v: unknown): unknown {
    return typeof v === "number" && Number.isSafeInteger(v) && v > 0 ? String(v) : v;
}

function clusters(v: unknown, path: string): GkeCluster[] {
    const items = list(v, path, "GKE cluster entries ({ name, location, labels })").map((item, i) => {
        const p = join(path, i);
        const entry = object(item, p, ["name", "location", "labels"]);
        const labels = stringMap(entry.labels, join(p, "labels"));
        return {
            name: requiredString(entry.name, join(p, "name"), CLUSTER_NAME_RULE),
            location: requiredString(entry.location, join(p, "location"), CLUSTER_LOCATION_RULE),
            labels,
            excluded: isExcluded(labels),
        };
    });
    unique(items, path, (c) => `${c.location}/${c.name}`, "cluster (location/name)");
    return items;
}

function connector(v: unknown, path: string, projectId: string): GcpConnectorConfig | undefined {
    return loadConnector(object(v, path, CONNECTOR_KEYS), path, `gcp-${projectId}`, true);
}

export function loadGcpConfig(v: unknown, path = "gcp", context: GcpConfigContext = {}): GcpConfig {
    const raw: Raw = object(v, path, [
        "projectId", "projectNumber", "scope", "organizationId", "serviceAccountName", "customRoleId", "inventoryRole", "workloadIdentity", "auditLogs", "connector", "clusters",
    ]);
    if (v === undefined) throw new ConfigError(path, undefined, "an object with at least projectId and projectNumber (the stack's cloud is gcp)");
    const projectId = requiredString(raw.projectId, join(path, "projectId"), PROJECT_ID_RULE);
    const projectNumber = requiredString(digits(raw.projectNumber), join(path, "projectNumber"), PROJECT_NUMBER_RULE);

    const scope = oneOf<GcpScope>(raw.scope, join(path, "scope"), SCOPES, "project");
    const orgPath = join(path, "organizationId");
    let organizationId: string | undefined;
    if (scope === "organization") {
        organizationId = requiredString(digits(raw.organizationId), orgPath, { ...ORGANIZATION_ID_RULE, expected: `${ORGANIZATION_ID_RULE.expected}, required when ${join(path, "scope")} is "organization"` });
    } else if (raw.organizationId !== undefined && raw.organizationId !== null) {
        // Silently ignoring it would let a user believe the whole organization was onboarded.
        throw new ConfigError(orgPath, raw.organizationId, `no organization id while ${join(path, "scope")} is "project"; set scope to "organization" to grant the roles organization-wide`);
    }

    const wiPath = join(path, "workloadIdentity");
    const wiRaw = object(raw.workloadIdentity, wiPath, ["poolId", "providerId"]);
    const poolPath = join(wiPath, "poolId");
    let poolId = optionalString(wiRaw.poolId, poolPath, POOL_ID_RULE);
    if (poolId === undefined) {
        if (!context.azureTenantId) {
            throw new ConfigError(poolPath, undefined,
                `${POOL_ID_RULE.expected}; it defaults to agentless-discovery:azureTenantId without dashes, which is not set either`);
        }
        poolId = defaultPoolId(context.azureTenantId);
    }

    const auditPath = join(path, "auditLogs");
    const auditRaw = object(raw.auditLogs, auditPath, ["enabled"]);

    return {
        projectId,
        projectNumber,
        scope,
        organizationId,
        serviceAccountName: stringWithDefault(raw.serviceAccountName, join(path, "serviceAccountName"), DEFAULT_SERVICE_ACCOUNT_NAME, SERVICE_ACCOUNT_NAME_RULE),
        customRoleId: stringWithDefault(raw.customRoleId, join(path, "customRoleId"), DEFAULT_CUSTOM_ROLE_ID, CUSTOM_ROLE_ID_RULE),
        inventoryRole: bool(raw.inventoryRole, join(path, "inventoryRole"), false),
        workloadIdentity: {
            poolId,
            providerId: stringWithDefault(wiRaw.providerId, join(wiPath, "providerId"), DEFAULT_PROVIDER_ID, PROVIDER_ID_RULE),
        },
        auditLogs: { enabled: bool(auditRaw.enabled, join(auditPath, "enabled"), true) },
        connector: connector(raw.connector, join(path, "connector"), projectId),
        clusters: clusters(raw.clusters, join(path, "clusters")),
    };
}
