import { strict as assert } from "assert";
import { loadGcpConfig } from "../../config/gcp";
import { loadStackConfig } from "../../config";

const TENANT = "7C1E4B2A-93D5-4F68-A0B7-2E5D9C8F1A36";
const base = { projectId: "contoso-payments-prod", projectNumber: "482915736204", connector: { enabled: false } };
const load = (over: Record<string, unknown>, tenant: string | null = TENANT) =>
    loadGcpConfig({ ...base, ...over }, "gcp", { azureTenantId: tenant?.toLowerCase() ?? undefined });

describe("GCP config", () => {
    it("fills Microsoft's names as defaults, the pool id from the tenant id, and the project scope", () => {
        assert.deepEqual(
            loadGcpConfig({ ...base, projectNumber: 482915736204 }, "gcp", { azureTenantId: TENANT.toLowerCase() }),
            {
                projectId: "contoso-payments-prod",
                projectNumber: "482915736204",
                scope: "project",
                organizationId: undefined,
                serviceAccountName: "mdc-containers-k8s-operator",
                customRoleId: "MDCGkeClusterWriteRole",
                inventoryRole: false,
                workloadIdentity: { poolId: "7c1e4b2a93d54f68a0b72e5d9c8f1a36", providerId: "containers" },
                auditLogs: { enabled: true },
                connector: undefined,
                discovery: { projects: ["contoso-payments-prod"], include: [], exclude: [] },
                clusters: undefined,
                lookupConcurrency: 8,
            },
        );
    });

    it("reads the organization scope, the connector and an explicit cluster list (other projects allowed there)", () => {
        const cfg = load(
            {
                scope: "organization",
                organizationId: 731946285017,
                workloadIdentity: { poolId: "defender-pool", providerId: "mdc-containers" },
                auditLogs: { enabled: "false" },
                connector: {
                    subscriptionId: "3F2A9C1E-7B4D-4E8A-9C62-1D5E8F0A7B34",
                    resourceGroupName: "rg-defender",
                    location: "westeurope",
                },
                clusters: [
                    { name: "gke-a", location: "europe-west1" },
                    { name: "gke-b", location: "europe-west1-b", project: "contoso-shop-prod" },
                ],
            },
            null,
        );
        assert.equal(cfg.scope, "organization");
        assert.equal(cfg.organizationId, "731946285017");
        assert.deepEqual(cfg.workloadIdentity, { poolId: "defender-pool", providerId: "mdc-containers" });
        assert.deepEqual(cfg.auditLogs, { enabled: false });
        assert.deepEqual(cfg.connector, {
            enabled: true,
            subscriptionId: "3f2a9c1e-7b4d-4e8a-9c62-1d5e8f0a7b34",
            resourceGroupName: "rg-defender",
            location: "westeurope",
            name: "gcp-contoso-payments-prod",
        });
        assert.deepEqual(cfg.clusters, [
            { projectId: "contoso-payments-prod", location: "europe-west1", name: "gke-a" },
            { projectId: "contoso-shop-prod", location: "europe-west1-b", name: "gke-b" },
        ]);
    });

    it("reads discovery: projects (organization scope) and include/exclude filters (one or a list; labels are the filters' tags)", () => {
        const cfg = load({
            scope: "organization",
            organizationId: "731946285017",
            discovery: {
                projects: ["contoso-payments-prod", "contoso-shop-prod"],
                include: { names: ["gke-*", "contoso-shop-prod/europe-*/*"] },
                exclude: [{ labels: { env: "sandbox" } }, { names: ["contoso-shop-prod/europe-west1/gke-legacy"] }],
            },
        });
        assert.deepEqual(cfg.discovery, {
            projects: ["contoso-payments-prod", "contoso-shop-prod"],
            include: [{ names: ["gke-*", "contoso-shop-prod/europe-*/*"], tags: {}, attributes: {} }],
            exclude: [
                { names: [], tags: { env: "sandbox" }, attributes: {} },
                { names: ["contoso-shop-prod/europe-west1/gke-legacy"], tags: {}, attributes: {} },
            ],
        });
    });

    const bad: [string, Record<string, unknown>, string][] = [
        [
            "a project id of the wrong shape",
            { projectId: "Contoso_Prod" },
            `config key "gcp.projectId" has value "Contoso_Prod"; expected a GCP project id: 6 to 30 lower-case letters, digits and hyphens, starting with a letter and not ending with a hyphen`,
        ],
        [
            "a project number of the wrong shape",
            { projectNumber: "48291-5736204" },
            `config key "gcp.projectNumber" has value "48291-5736204"; expected a GCP project number: 6 to 19 digits, not starting with 0 (gcloud projects describe PROJECT_ID --format='value(projectNumber)')`,
        ],
        [
            "a missing project number",
            { projectNumber: undefined },
            `config key "gcp.projectNumber" is missing; expected a GCP project number: 6 to 19 digits, not starting with 0 (gcloud projects describe PROJECT_ID --format='value(projectNumber)')`,
        ],
        [
            "a pool id too short",
            { workloadIdentity: { poolId: "mdc" } },
            `config key "gcp.workloadIdentity.poolId" has value "mdc"; expected a workload identity pool id: 4 to 32 lower-case letters, digits and hyphens, not starting with "gcp-"`,
        ],
        [
            "a pool id too long",
            { workloadIdentity: { poolId: "7c1e4b2a-93d5-4f68-a0b7-2e5d9c8f1a36" } },
            `config key "gcp.workloadIdentity.poolId" has value "7c1e4b2a-93d5-4f68-a0b7-2e5d9c8f1a36"; expected a workload identity pool id: 4 to 32 lower-case letters, digits and hyphens, not starting with "gcp-"`,
        ],
        [
            "a pool id with Google's prefix",
            { workloadIdentity: { poolId: "gcp-defender" } },
            `config key "gcp.workloadIdentity.poolId" has value "gcp-defender"; expected a workload identity pool id: 4 to 32 lower-case letters, digits and hyphens, not starting with "gcp-"`,
        ],
        [
            "a provider id with upper case",
            { workloadIdentity: { providerId: "Containers" } },
            `config key "gcp.workloadIdentity.providerId" has value "Containers"; expected a workload identity pool provider id: 4 to 32 lower-case letters, digits and hyphens, not starting with "gcp-"`,
        ],
        [
            "a custom role id GCP would refuse",
            { customRoleId: "MDC-GkeClusterWriteRole" },
            `config key "gcp.customRoleId" has value "MDC-GkeClusterWriteRole"; expected a custom role id: 3 to 64 letters, digits, underscores and periods`,
        ],
        [
            "a custom role id too short",
            { customRoleId: "ab" },
            `config key "gcp.customRoleId" has value "ab"; expected a custom role id: 3 to 64 letters, digits, underscores and periods`,
        ],
        [
            "a service account name too short",
            { serviceAccountName: "mdc" },
            `config key "gcp.serviceAccountName" has value "mdc"; expected a service account id: 6 to 30 lower-case letters, digits and hyphens, starting with a letter and not ending with a hyphen`,
        ],
        [
            "a service account name starting with a digit",
            { serviceAccountName: "1mdc-operator" },
            `config key "gcp.serviceAccountName" has value "1mdc-operator"; expected a service account id: 6 to 30 lower-case letters, digits and hyphens, starting with a letter and not ending with a hyphen`,
        ],
        [
            "an unknown scope",
            { scope: "folder" },
            `config key "gcp.scope" has value "folder"; expected one of project, organization`,
        ],
        [
            "the organization scope without an organization",
            { scope: "organization" },
            `config key "gcp.organizationId" is missing; expected a GCP organization id: 6 to 19 digits, not starting with 0 (gcloud organizations list), required when gcp.scope is "organization"`,
        ],
        [
            "an organization id with the project scope",
            { organizationId: "731946285017" },
            `config key "gcp.organizationId" has value "731946285017"; expected no organization id while gcp.scope is "project"; set scope to "organization" to grant the roles organization-wide`,
        ],
        [
            "an enabled connector without a subscription",
            { connector: { resourceGroupName: "rg", location: "westeurope" } },
            `config key "gcp.connector.subscriptionId" is missing; expected the Azure subscription id that holds the connector, a GUID such as 00000000-0000-0000-0000-000000000000 (or set gcp.connector.enabled to false to manage the connector elsewhere)`,
        ],
        [
            "a cluster location that is not a region or zone",
            { clusters: [{ name: "gke-a", location: "europe" }] },
            `config key "gcp.clusters[0].location" has value "europe"; expected a GCP region such as europe-west1 or zone such as europe-west1-b`,
        ],
        [
            "a cluster listed twice",
            {
                clusters: [
                    { name: "gke-a", location: "europe-west1" },
                    { name: "gke-a", location: "europe-west1" },
                ],
            },
            `config key "gcp.clusters[1]" has value "contoso-payments-prod/europe-west1/gke-a"; expected each cluster (project/location/name) listed once; it is already listed at gcp.clusters[0]`,
        ],
        [
            "labels written on a listed cluster",
            {
                clusters: [
                    {
                        name: "gke-a",
                        location: "europe-west1",
                        labels: { ms_defender_container_exclude_agentless: "true" },
                    },
                ],
            },
            `config key "gcp.clusters[0].labels" has value {"ms_defender_container_exclude_agentless":"true"}; expected no labels here: a cluster's labels (and the exclusion label) are read from GKE itself; remove the key`,
        ],
        [
            "another project's cluster with the project scope",
            { clusters: [{ name: "gke-a", location: "europe-west1", project: "contoso-shop-prod" }] },
            `config key "gcp.clusters[0].project" has value "contoso-shop-prod"; expected the stack's project contoso-payments-prod: with scope "project" the roles reach no other project's clusters; set scope to "organization" to read other projects`,
        ],
        [
            "another project to discover with the project scope",
            { discovery: { projects: ["contoso-payments-prod", "contoso-shop-prod"] } },
            `config key "gcp.discovery.projects[1]" has value "contoso-shop-prod"; expected the stack's project contoso-payments-prod: with scope "project" the roles reach no other project's clusters; set scope to "organization" to read other projects`,
        ],
        [
            "an empty project list",
            { discovery: { projects: [] } },
            `config key "gcp.discovery.projects" has value []; expected at least one GCP project id whose clusters are read (default: projectId)`,
        ],
        [
            "a name glob with upper case",
            { discovery: { include: { names: ["GKE-*"] } } },
            `config key "gcp.discovery.include.names[0]" has value "GKE-*"; expected a cluster name glob (letters, digits, hyphens, * and ?), or <project>/<location>/<name> with globs in any part`,
        ],
        [
            "an empty filter",
            { discovery: { exclude: {} } },
            `config key "gcp.discovery.exclude" has value {}; expected a filter with at least one of names, labels (an empty filter would match every cluster)`,
        ],
        [
            "a filter with AWS's word for labels",
            { discovery: { include: { tags: { env: "prod" } } } },
            `config key "gcp.discovery.include.tags" has value {"env":"prod"}; expected no such key; allowed keys under "gcp.discovery.include": names, labels`,
        ],
        [
            "an override, which used to decide inclusion",
            { discovery: { overrides: { "contoso-payments-prod/europe-west1/gke-a": { exclude: true } } } },
            `config key "gcp.discovery.overrides" has value {"contoso-payments-prod/europe-west1/gke-a":{"exclude":true}}; expected no value: overrides never decide whether a cluster is onboarded, and GKE clusters have no per-cluster setting (docs/cluster-selection.md); ` +
                `leave a cluster out with gcp.discovery.exclude: { names: ["<project>/<location>/<name>"] }`,
        ],
        [
            "a typo in a key",
            { auditlogs: { enabled: false } },
            `config key "gcp.auditlogs" has value {"enabled":false}; expected no such key; allowed keys under "gcp": projectId, projectNumber, scope, organizationId, serviceAccountName, customRoleId, inventoryRole, workloadIdentity, auditLogs, connector, discovery, clusters, lookupConcurrency`,
        ],
    ];
    for (const [what, over, message] of bad) {
        it(`refuses ${what} with one clear message`, () => {
            assert.throws(() => load(over), { name: "ConfigError", message });
        });
    }

    it("needs the tenant id or an explicit pool id", () => {
        assert.throws(() => load({}, null), {
            message: `config key "gcp.workloadIdentity.poolId" is missing; expected a workload identity pool id: 4 to 32 lower-case letters, digits and hyphens, not starting with "gcp-"; it defaults to agentless-discovery:azureTenantId without dashes, which is not set either`,
        });
        assert.equal(
            load({ workloadIdentity: { poolId: "defender-pool" } }, null).workloadIdentity.poolId,
            "defender-pool",
        );
    });

    it("is read by loadStackConfig for the gcp cloud, with the tenant id validated at the top level", () => {
        const cfg = loadStackConfig("gcp-test", { cloud: "gcp", azureTenantId: TENANT, gcp: base });
        assert.equal(cfg.azureTenantId, TENANT.toLowerCase());
        assert.equal(cfg.gcp?.workloadIdentity.poolId, "7c1e4b2a93d54f68a0b72e5d9c8f1a36");
        assert.throws(
            () => loadStackConfig("gcp-test", { cloud: "gcp", azureTenantId: "contoso.onmicrosoft.com", gcp: base }),
            {
                message: `config key "azureTenantId" has value "contoso.onmicrosoft.com"; expected the customer's Azure (Entra) tenant id, a GUID such as 00000000-0000-0000-0000-000000000000`,
            },
        );
        assert.throws(() => loadStackConfig("gcp-test", { cloud: "gcp", azureTenantId: TENANT }), {
            message: `config key "gcp" is missing; expected an object with at least projectId and projectNumber (the stack's cloud is gcp)`,
        });
    });
});

describe("GCP config: every key's shape, defaults and brownfield settings", () => {
    const NUMBER_EXPECTED =
        "expected a GCP project number: 6 to 19 digits, not starting with 0 (gcloud projects describe PROJECT_ID --format='value(projectNumber)')";

    it("names an unquoted project number that is not a positive whole number as it was written", () => {
        for (const n of [0, -482915736204, 4829157362.5]) {
            assert.throws(() => load({ projectNumber: n }), {
                name: "ConfigError",
                message: `config key "gcp.projectNumber" has value ${n}; ${NUMBER_EXPECTED}`,
            });
        }
        assert.throws(() => load({ scope: "organization", organizationId: 0 }), {
            message: `config key "gcp.organizationId" has value 0; expected a GCP organization id: 6 to 19 digits, not starting with 0 (gcloud organizations list), required when gcp.scope is "organization"`,
        });
    });

    it("treats null clusters, projects, overrides and organization id as absent", () => {
        const cfg = load({ clusters: null, organizationId: null, discovery: { projects: null, overrides: null } });
        assert.deepEqual(
            [cfg.clusters, cfg.organizationId, cfg.discovery.projects],
            [undefined, undefined, ["contoso-payments-prod"]],
        );
    });

    it("reads the opt-in inventory role and audit logs turned off", () => {
        const cfg = load({ inventoryRole: "true", auditLogs: { enabled: false } });
        assert.deepEqual([cfg.inventoryRole, cfg.auditLogs], [true, { enabled: false }]);
    });

    it("is read under gcp by default", () => {
        assert.throws(() => loadGcpConfig({ projectId: "contoso-payments-prod" }), {
            message: `config key "gcp.projectNumber" is missing; ${NUMBER_EXPECTED}`,
        });
    });

    const bad: [string, Record<string, unknown>, string][] = [
        [
            "a cluster list that is not a list",
            { clusters: { name: "gke-a", location: "europe-west1" } },
            `config key "gcp.clusters" has value {"name":"gke-a","location":"europe-west1"}; expected a list of GKE cluster entries ({ name, location, project })`,
        ],
        [
            "a cluster name GKE refuses",
            { clusters: [{ name: "GKE-A", location: "europe-west1" }] },
            `config key "gcp.clusters[0].name" has value "GKE-A"; expected a GKE cluster name: 1 to 40 lower-case letters, digits and hyphens, starting with a letter and ending with a letter or digit`,
        ],
        [
            "a project list that is not a list",
            { discovery: { projects: "contoso-payments-prod" } },
            `config key "gcp.discovery.projects" has value "contoso-payments-prod"; expected a list of GCP project ids`,
        ],
        [
            "a project listed twice",
            {
                scope: "organization",
                organizationId: "731946285017",
                discovery: { projects: ["contoso-shop-prod", "contoso-shop-prod"] },
            },
            `config key "gcp.discovery.projects[1]" has value "contoso-shop-prod"; expected each project listed once; it is already listed at gcp.discovery.projects[0]`,
        ],
        [
            "an inventory role switch that is not a boolean",
            { inventoryRole: "yes" },
            `config key "gcp.inventoryRole" has value "yes"; expected true or false`,
        ],
        [
            "an unknown audit-log key",
            { auditLogs: { dataAccess: true } },
            `config key "gcp.auditLogs.dataAccess" has value true; expected no such key; allowed keys under "gcp.auditLogs": enabled`,
        ],
        [
            "an audit-log switch that is not a boolean",
            { auditLogs: { enabled: "off" } },
            `config key "gcp.auditLogs.enabled" has value "off"; expected true or false`,
        ],
    ];
    for (const [what, over, message] of bad) {
        it(`refuses ${what}, naming key, value and what is allowed`, () => {
            assert.throws(() => load(over), { name: "ConfigError", message });
        });
    }
});
