import { ConfigError } from "../../lib/errors";
import {
    bool,
    isPlainObject,
    join,
    list,
    object,
    oneOf,
    optionalString,
    requiredString,
    StringRule,
    stringMap,
    unique,
} from "../../config/read";
import {
    CLUSTER_LOCATION_RULE,
    CLUSTER_NAME_RULE,
    CUSTOM_ROLE_ID_RULE,
    ORGANIZATION_ID_RULE,
    POOL_ID_RULE,
    PROJECT_ID_RULE,
    PROVIDER_ID_RULE,
    SERVICE_ACCOUNT_NAME_RULE,
} from "../../config/gcp";
import {
    CALLS,
    ExistingCustomRole,
    ExistingPool,
    ExistingPoolProvider,
    ExistingServiceAccount,
    FEDERATION_STATES,
    GcpCloudLookup,
    GkeClusterFacts,
    Grant,
    IamParent,
} from "./port";
import { serviceAccountEmail } from "../../domain/gcp/identifiers";
import { CloudStateError, LookupError } from "../../lib/errors";
import { CloudStateFile, readSection } from "../stateFile";
import { fileSecurityConnectors } from "../connectors/stateFile";

/**
 * The `gcp` section of a cloud-state file: per project (and per organization) what exists. Every
 * key is checked; a missing required fact or an unknown key is one CloudStateError naming the
 * file, the key path, the value and what is allowed. docs/gcp-discovery.md documents each key.
 */
export interface GcpCloudState {
    projects: Record<string, ProjectState>;
    organizations: Record<string, OrganizationState>;
}

interface Failures {
    /** Google API method → the reason Google gave: the lookup fails with it (a denied call, an API off). */
    failures: Record<string, string>;
}

export interface ProjectState extends Failures {
    clusters: GkeClusterFacts[];
    serviceAccounts: (ExistingServiceAccount & { accountId: string; grants: Grant[] })[];
    customRoles: (ExistingCustomRole & { roleId: string })[];
    grants: Grant[];
    workloadIdentityPools: (ExistingPool & {
        poolId: string;
        providers: (ExistingPoolProvider & { providerId: string })[];
    })[];
}

export interface OrganizationState extends Failures {
    customRoles: (ExistingCustomRole & { roleId: string })[];
    grants: Grant[];
}

const TEXT: StringRule = { expected: "a string" };
const NON_EMPTY: StringRule = { expected: "a non-empty string" };
const PERMISSION_RULE: StringRule = {
    expected: "an IAM permission such as container.clusters.update",
    pattern: /^[a-zA-Z0-9]+(\.[a-zA-Z0-9]+){2,}$/,
};
const ROLE_RULE: StringRule = {
    expected: "a role: roles/<name>, projects/<id>/roles/<id> or organizations/<id>/roles/<id>",
    pattern: /^(roles\/|projects\/[^/]+\/roles\/|organizations\/[^/]+\/roles\/)[A-Za-z0-9_.]+$/,
};
const MEMBER_RULE: StringRule = {
    expected: "an IAM member such as serviceAccount:<email> or principalSet://...",
    pattern: /^[a-zA-Z]+:\S+$/,
};
const CALL_NAMES: readonly string[] = Object.values(CALLS);

function entries<T>(
    v: unknown,
    path: string,
    what: string,
    read: (item: unknown, path: string) => T,
    key: (t: T) => string,
): T[] {
    const items = list(v, path, what).map((item, i) => read(item, join(path, i)));
    unique(items, path, key, what);
    return items;
}

function grants(v: unknown, path: string): Grant[] {
    return entries(
        v,
        path,
        "grants ({ role, member })",
        (item, p) => {
            const g = object(item, p, ["role", "member"]);
            return {
                role: requiredString(g.role, join(p, "role"), ROLE_RULE),
                member: requiredString(g.member, join(p, "member"), MEMBER_RULE),
            };
        },
        (g) => `${g.role} ${g.member}`,
    );
}

function failures(v: unknown, path: string): Record<string, string> {
    const out = stringMap(v, path);
    for (const [call, reason] of Object.entries(out)) {
        if (!CALL_NAMES.includes(call))
            throw new ConfigError(
                join(path, call),
                reason,
                `a Google API method this stack calls: ${CALL_NAMES.join(", ")}`,
            );
    }
    return out;
}

function customRoles(v: unknown, path: string): ProjectState["customRoles"] {
    return entries(
        v,
        path,
        "custom roles ({ roleId, title, description, permissions, stage, deleted })",
        (item, p) => {
            const r = object(item, p, ["roleId", "title", "description", "permissions", "stage", "deleted"]);
            return {
                roleId: requiredString(r.roleId, join(p, "roleId"), CUSTOM_ROLE_ID_RULE),
                title: requiredString(r.title, join(p, "title"), NON_EMPTY),
                description: optionalString(r.description, join(p, "description"), TEXT) ?? "",
                permissions: list(r.permissions, join(p, "permissions"), "IAM permissions").map((x, i) =>
                    requiredString(x, join(join(p, "permissions"), i), PERMISSION_RULE),
                ),
                stage: oneOf(
                    r.stage,
                    join(p, "stage"),
                    ["ALPHA", "BETA", "GA", "DEPRECATED", "DISABLED", "EAP"] as const,
                    // As the IAM API answers: a role without a stage is at RoleLaunchStage's default, ALPHA.
                    "ALPHA",
                ),
                deleted: bool(r.deleted, join(p, "deleted"), false),
            };
        },
        (r) => r.roleId,
    );
}

function project(v: unknown, path: string, projectId: string): ProjectState {
    const raw = object(v, path, [
        "clusters",
        "serviceAccounts",
        "customRoles",
        "grants",
        "workloadIdentityPools",
        "failures",
    ]);
    return {
        clusters: entries(
            raw.clusters,
            join(path, "clusters"),
            "GKE clusters ({ name, location, labels })",
            (item, p) => {
                const c = object(item, p, ["name", "location", "labels"]);
                return {
                    projectId,
                    location: requiredString(c.location, join(p, "location"), CLUSTER_LOCATION_RULE),
                    name: requiredString(c.name, join(p, "name"), CLUSTER_NAME_RULE),
                    labels: stringMap(c.labels, join(p, "labels")),
                };
            },
            (c) => `${c.location}/${c.name}`,
        ),
        serviceAccounts: entries(
            raw.serviceAccounts,
            join(path, "serviceAccounts"),
            "service accounts ({ accountId, displayName, description, disabled, grants })",
            (item, p) => {
                const a = object(item, p, ["accountId", "displayName", "description", "disabled", "grants"]);
                const accountId = requiredString(a.accountId, join(p, "accountId"), SERVICE_ACCOUNT_NAME_RULE);
                return {
                    accountId,
                    email: serviceAccountEmail(accountId, projectId),
                    displayName: optionalString(a.displayName, join(p, "displayName"), TEXT) ?? "",
                    description: optionalString(a.description, join(p, "description"), TEXT) ?? "",
                    disabled: bool(a.disabled, join(p, "disabled"), false),
                    grants: grants(a.grants, join(p, "grants")),
                };
            },
            (a) => a.accountId,
        ),
        customRoles: customRoles(raw.customRoles, join(path, "customRoles")),
        grants: grants(raw.grants, join(path, "grants")),
        workloadIdentityPools: entries(
            raw.workloadIdentityPools,
            join(path, "workloadIdentityPools"),
            "workload identity pools ({ poolId, displayName, description, disabled, state, providers })",
            (item, p) => {
                const w = object(item, p, ["poolId", "displayName", "description", "disabled", "state", "providers"]);
                return {
                    poolId: requiredString(w.poolId, join(p, "poolId"), POOL_ID_RULE),
                    ...federationCommon(w, p),
                    providers: entries(
                        w.providers,
                        join(p, "providers"),
                        "pool providers ({ providerId, issuerUri, allowedAudiences, attributeMapping, ... })",
                        (pi, pp) => {
                            const r = object(pi, pp, [
                                "providerId",
                                "displayName",
                                "description",
                                "disabled",
                                "state",
                                "attributeMapping",
                                "attributeCondition",
                                "issuerUri",
                                "allowedAudiences",
                            ]);
                            return {
                                providerId: requiredString(r.providerId, join(pp, "providerId"), PROVIDER_ID_RULE),
                                ...federationCommon(r, pp),
                                attributeMapping: stringMap(r.attributeMapping, join(pp, "attributeMapping")),
                                attributeCondition:
                                    optionalString(r.attributeCondition, join(pp, "attributeCondition"), TEXT) ?? "",
                                issuerUri: requiredString(r.issuerUri, join(pp, "issuerUri"), {
                                    expected: "the OIDC issuer URL the provider trusts (https://...)",
                                    pattern: /^https:\/\/\S+$/,
                                }),
                                allowedAudiences: list(
                                    r.allowedAudiences,
                                    join(pp, "allowedAudiences"),
                                    "audiences",
                                ).map((x, i) => requiredString(x, join(join(pp, "allowedAudiences"), i), NON_EMPTY)),
                            };
                        },
                        (r) => r.providerId,
                    ),
                };
            },
            (w) => w.poolId,
        ),
        failures: failures(raw.failures, join(path, "failures")),
    };
}

function federationCommon(
    raw: Record<string, unknown>,
    path: string,
): Pick<ExistingPool, "displayName" | "description" | "disabled" | "state"> {
    return {
        displayName: optionalString(raw.displayName, join(path, "displayName"), TEXT) ?? "",
        description: optionalString(raw.description, join(path, "description"), TEXT) ?? "",
        disabled: bool(raw.disabled, join(path, "disabled"), false),
        state: oneOf(raw.state, join(path, "state"), FEDERATION_STATES, "ACTIVE"),
    };
}

function organization(v: unknown, path: string): OrganizationState {
    const raw = object(v, path, ["customRoles", "grants", "failures"]);
    return {
        customRoles: customRoles(raw.customRoles, join(path, "customRoles")),
        grants: grants(raw.grants, join(path, "grants")),
        failures: failures(raw.failures, join(path, "failures")),
    };
}

function keyed<T>(
    v: unknown,
    path: string,
    rule: StringRule,
    read: (value: unknown, path: string, key: string) => T,
): Record<string, T> {
    if (v === undefined || v === null) return {};
    if (!isPlainObject(v)) throw new ConfigError(path, v, `a map from id to its state (${rule.expected})`);
    const out: Record<string, T> = {};
    for (const [k, value] of Object.entries(v)) {
        if (!rule.pattern!.test(k)) throw new ConfigError(join(path, k), k, rule.expected);
        out[k] = read(value, join(path, k), k);
    }
    return out;
}

export function readGcpCloudState(v: unknown, path = "gcp"): GcpCloudState {
    if (v === undefined || v === null)
        throw new ConfigError(
            path,
            undefined,
            "the GCP section: projects (by project id) and, with the organization scope, organizations (by id)",
        );
    const raw = object(v, path, ["projects", "organizations"]);
    return {
        projects: keyed(raw.projects, join(path, "projects"), PROJECT_ID_RULE, (value, p, id) => project(value, p, id)),
        organizations: keyed(raw.organizations, join(path, "organizations"), ORGANIZATION_ID_RULE, (value, p) =>
            organization(value, p),
        ),
    };
}

/** Answers the stack's lookups from the cloud-state file, as Google would (not found = undefined). */
export function fileGcpLookup(file: CloudStateFile): GcpCloudLookup {
    let state: GcpCloudState | undefined;
    const read = () => (state ??= readSection(file, "gcp", readGcpCloudState));
    const projectState = (projectId: string, call: string): ProjectState => {
        const p = read().projects[projectId];
        if (!p)
            throw new CloudStateError(
                file.path,
                `gcp.projects.${projectId}`,
                undefined,
                "what exists in the project the stack reads (clusters: [] if it has none)",
            );
        failed(p, call, `projects/${projectId}`);
        return p;
    };
    const parentState = (parent: IamParent, call: string): ProjectState | OrganizationState => {
        if (parent.kind === "project") return projectState(parent.id, call);
        const o = read().organizations[parent.id];
        if (!o)
            throw new CloudStateError(
                file.path,
                `gcp.organizations.${parent.id}`,
                undefined,
                "what exists in the organization the stack grants in (customRoles, grants)",
            );
        failed(o, call, `organizations/${parent.id}`);
        return o;
    };
    const pool = (projectId: string, poolId: string, call: string) =>
        projectState(projectId, call).workloadIdentityPools.find((w) => w.poolId === poolId);
    return {
        listClusters: async (projectId) =>
            projectState(projectId, CALLS.listClusters).clusters.map((c) => ({ ...c, labels: { ...c.labels } })),
        serviceAccount: async (projectId, accountId) =>
            strip(
                projectState(projectId, CALLS.serviceAccount).serviceAccounts.find((a) => a.accountId === accountId),
                ["accountId", "grants"],
            ),
        customRole: async (parent, roleId) =>
            strip(
                parentState(
                    parent,
                    parent.kind === "project" ? CALLS.projectRole : CALLS.organizationRole,
                ).customRoles.find((r) => r.roleId === roleId),
                ["roleId"],
            ),
        grants: async (parent) =>
            parentState(parent, parent.kind === "project" ? CALLS.projectPolicy : CALLS.organizationPolicy).grants,
        serviceAccountGrants: async (projectId, email) =>
            projectState(projectId, CALLS.serviceAccountPolicy).serviceAccounts.find((a) => a.email === email)
                ?.grants ?? [],
        workloadIdentityPool: async (projectId, poolId) =>
            strip(pool(projectId, poolId, CALLS.pool), ["poolId", "providers"]),
        workloadIdentityPoolProvider: async (projectId, poolId, providerId) =>
            strip(
                pool(projectId, poolId, CALLS.poolProvider)?.providers.find((r) => r.providerId === providerId),
                ["providerId"],
            ),
        securityConnectors: fileSecurityConnectors(() => file),
    };
}

function failed(s: Failures, call: string, scope: string): void {
    const reason = s.failures[call];
    if (reason !== undefined) throw new LookupError(call, scope, reason);
}

function strip<T extends object, K extends keyof T>(v: T | undefined, keys: K[]): Omit<T, K> | undefined {
    if (!v) return undefined;
    const copy: Partial<T> = { ...v };
    for (const k of keys) delete copy[k];
    return copy as Omit<T, K>;
}
