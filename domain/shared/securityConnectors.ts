import type { SecurityConnectorArgs } from "@pulumi/azure-native/security/securityConnector";
import { ConfigError } from "../../lib/errors";

/**
 * The Azure security connectors (`Microsoft.Security/securityConnectors`) of the subscription that
 * an AWS or GCP stack puts its connector in, and the decision what to do with them. Defender for
 * Cloud's portal makes one connector per AWS account or GCP project; a second one for the same
 * account fails or duplicates it, so the stack adopts the one that exists (docs/connector-adoption.md).
 * Pure functions: the lookups (live ARM or a cloud-state file) hand in what exists.
 */

/** The API version of the lookup: the one `@pulumi/azure-native` 3.x declares the resource with. */
export const SECURITY_CONNECTORS_API_VERSION = "2024-08-01-preview";

/** `SecurityConnectors_List`, the ARM operation the lookup calls (for LookupError). */
export const LIST_CONNECTORS_CALL = "SecurityConnectors_List";

/** The spec's `cloudName` enum (securityConnectors.json, 2024-08-01-preview). */
export const CONNECTOR_ENVIRONMENT_NAMES = [
    "Azure",
    "AWS",
    "GCP",
    "Github",
    "AzureDevOps",
    "GitLab",
    "DockerHub",
    "JFrog",
] as const;

/** The spec's `offeringType` enum (same file). */
export const CONNECTOR_OFFERING_TYPES = [
    "CspmMonitorAws",
    "DefenderForContainersAws",
    "DefenderForServersAws",
    "DefenderForDatabasesAws",
    "CspmMonitorGcp",
    "CspmMonitorGithub",
    "CspmMonitorAzureDevOps",
    "DefenderForServersGcp",
    "DefenderForContainersGcp",
    "DefenderForDatabasesGcp",
    "DefenderCspmAws",
    "DefenderCspmGcp",
    "CspmMonitorGitLab",
    "CspmMonitorDockerHub",
    "DefenderForContainersDockerHub",
    "DefenderCspmDockerHub",
    "CspmMonitorJFrog",
    "DefenderForContainersJFrog",
    "DefenderCspmJFrog",
] as const;

export const CONNECTOR_ID_SHAPE =
    "/subscriptions/<subscription>/resourceGroups/<group>/providers/Microsoft.Security/securityConnectors/<name>";
const CONNECTOR_ID =
    /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Security\/securityConnectors\/([^/]+)$/i;

/** One connector as ARM describes it; `environmentData` and `offerings` keep ARM's (REST) spelling. */
export interface ExistingSecurityConnector {
    id: string;
    subscriptionId: string;
    resourceGroupName: string;
    name: string;
    location: string;
    environmentName: string;
    hierarchyIdentifier: string;
    environmentData: Record<string, unknown>;
    offerings: Record<string, unknown>[];
    tags: Record<string, string>;
}

export function parseConnectorId(
    id: string,
): { subscriptionId: string; resourceGroupName: string; name: string } | undefined {
    const m = CONNECTOR_ID.exec(id);
    return m ? { subscriptionId: m[1].toLowerCase(), resourceGroupName: m[2], name: m[3] } : undefined;
}

export function connectorId(subscriptionId: string, resourceGroupName: string, name: string): string {
    return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroupName}/providers/Microsoft.Security/securityConnectors/${name}`;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** One item of ARM's list answer; undefined for an item that is not a connector id (never expected). */
export function connectorFromArm(item: unknown): ExistingSecurityConnector | undefined {
    if (!isObject(item) || typeof item.id !== "string") return undefined;
    const ref = parseConnectorId(item.id);
    if (!ref) return undefined;
    const p = isObject(item.properties) ? item.properties : {};
    const tags = isObject(item.tags)
        ? Object.fromEntries(Object.entries(item.tags).map(([k, v]) => [k, String(v)]))
        : {};
    return {
        id: item.id,
        ...ref,
        location: typeof item.location === "string" ? item.location : "",
        environmentName: typeof p.environmentName === "string" ? p.environmentName : "",
        hierarchyIdentifier: typeof p.hierarchyIdentifier === "string" ? p.hierarchyIdentifier : "",
        environmentData: isObject(p.environmentData) ? p.environmentData : {},
        offerings: Array.isArray(p.offerings) ? p.offerings.filter(isObject) : [],
        tags,
    };
}

/**
 * What the stack wants: a connector for one AWS account (hierarchyIdentifier = the account id) or
 * one GCP project (= the project NUMBER), at the configured name and resource group.
 */
export interface WantedConnector {
    environmentName: "AWS" | "GCP";
    hierarchyIdentifier: string;
    subscriptionId: string;
    resourceGroupName: string;
    name: string;
    /** `aws.connector` or `gcp.connector`, for errors. */
    keyPath: string;
}

export type ConnectorDecision =
    /** None exists for the account/project: the stack creates its own. */
    | { action: "create" }
    /** The one at the configured id: the stack's own (an earlier run made it); managed as usual. */
    | { action: "manage"; existing: ExistingSecurityConnector }
    /** Someone else's (the portal's, usually under another name): imported as it is, kept on destroy. */
    | { action: "adopt"; existing: ExistingSecurityConnector };

const sameId = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

function covers(c: ExistingSecurityConnector, want: WantedConnector): boolean {
    return (
        c.environmentName.toUpperCase() === want.environmentName && c.hierarchyIdentifier === want.hierarchyIdentifier
    );
}

function what(want: WantedConnector): string {
    return want.environmentName === "AWS"
        ? `AWS account ${want.hierarchyIdentifier}`
        : `GCP project number ${want.hierarchyIdentifier}`;
}

/**
 * Adopt, don't duplicate. A connector covers the account/project when its environmentName and
 * hierarchyIdentifier say so. The stack's own connector is the one at exactly the configured id:
 * the stack creates it there and nowhere else (a tag would tell it apart too, but would change the
 * inputs of every connector this stack already created). Two connectors for the same account, or
 * the configured id taken by a connector for something else, stop the run.
 */
export function decideConnector(want: WantedConnector, found: readonly ExistingSecurityConnector[]): ConnectorDecision {
    const configured = connectorId(want.subscriptionId, want.resourceGroupName, want.name);
    const matching = found.filter((c) => covers(c, want));
    if (matching.length > 1) {
        throw new ConfigError(
            want.keyPath,
            { name: want.name, resourceGroupName: want.resourceGroupName },
            `one security connector per ${what(want)}, but subscription ${want.subscriptionId} holds ${matching.length}: ${matching.map((c) => c.id).join(" and ")}; ` +
                "delete all but one in Defender for Cloud (Environment settings), then run again",
        );
    }
    const taken = found.find((c) => sameId(c.id, configured) && !covers(c, want));
    if (taken) {
        throw new ConfigError(
            `${want.keyPath}.name`,
            want.name,
            `a connector name not taken in resource group ${want.resourceGroupName}: ${taken.id} exists for ${taken.environmentName} ${taken.hierarchyIdentifier}, not for ${what(want)}`,
        );
    }
    if (matching.length === 0) return { action: "create" };
    const [existing] = matching;
    return sameId(existing.id, configured) ? { action: "manage", existing } : { action: "adopt", existing };
}

/** Read-only fields of ARM's answer (the spec marks them readOnly): never inputs. */
const READ_ONLY_ENVIRONMENT_KEYS = new Set([
    "accountName",
    "workloadIdentityPoolId",
    "projectName",
    "organizationName",
]);
const READ_ONLY_OFFERING_KEYS = new Set(["description"]);
const NONE: ReadonlySet<string> = new Set();

/**
 * ARM's JSON as azure-native inputs: read-only fields dropped, and the one spelling that differs
 * (REST `mdcContainersAgentlessDiscoveryK8s`, azure-native `mdcContainersAgentlessDiscoveryK8S`).
 */
function asInputs(v: unknown, readOnly: ReadonlySet<string>, readOnlyBelow: ReadonlySet<string>): unknown {
    if (Array.isArray(v)) return v.map((x) => asInputs(x, readOnly, readOnlyBelow));
    if (!isObject(v)) return v;
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
        if (readOnly.has(k)) continue;
        out[k.replace(/K8s$/, "K8S")] = asInputs(x, readOnlyBelow, readOnlyBelow);
    }
    return out;
}

/**
 * The inputs of an adopted connector, exactly as it exists: Pulumi's import then shows no
 * difference, and `pulumi up` changes nothing on a connector the portal (or Defender) owns.
 */
export function adoptedConnectorArgs(c: ExistingSecurityConnector): SecurityConnectorArgs {
    return {
        securityConnectorName: c.name,
        resourceGroupName: c.resourceGroupName,
        location: c.location,
        environmentName: c.environmentName,
        hierarchyIdentifier: c.hierarchyIdentifier,
        // The environment's read-only fields sit one or two levels down (projectDetails, organizationalData).
        environmentData: asInputs(
            c.environmentData,
            READ_ONLY_ENVIRONMENT_KEYS,
            READ_ONLY_ENVIRONMENT_KEYS,
        ) as SecurityConnectorArgs["environmentData"],
        offerings: c.offerings.map((o) =>
            asInputs(o, READ_ONLY_OFFERING_KEYS, NONE),
        ) as SecurityConnectorArgs["offerings"],
        ...(Object.keys(c.tags).length > 0 ? { tags: { ...c.tags } } : {}),
    };
}

/**
 * How the adopted connector's agentless discovery differs from what the stack sets up (the
 * offering `offeringType`, `mdcContainersAgentlessDiscoveryK8s` enabled with these fields), for a
 * manual-step note; undefined when it already points at the stack's identity.
 */
export function discoveryDifference(
    c: ExistingSecurityConnector,
    offeringType: string,
    expected: Record<string, string>,
): string | undefined {
    const offering = c.offerings.find((o) => o.offeringType === offeringType);
    if (!offering)
        return `it has no ${offeringType} offering (its offerings: ${c.offerings.map((o) => String(o.offeringType)).join(", ") || "none"})`;
    const d = offering.mdcContainersAgentlessDiscoveryK8s;
    const discovery = isObject(d) ? d : {};
    const problems: string[] = [];
    if (discovery.enabled !== true) problems.push("agentless discovery for Kubernetes is off");
    for (const [k, v] of Object.entries(expected)) {
        if (discovery[k] !== v)
            problems.push(
                `${k} is ${discovery[k] === undefined ? "not set" : JSON.stringify(discovery[k])}, not ${JSON.stringify(v)}`,
            );
    }
    return problems.length ? `in its ${offeringType} offering ${problems.join("; ")}` : undefined;
}
