import { strict as assert } from "assert";
import { OAuth2Client } from "google-auth-library";
import { liveGcpLookup } from "../../../lookup/gcp/live";
import { onboardGcp } from "../../../stack/gcp/onboarding";
import { cloudSource } from "../../../lookup/source";
import { loadGcpConfig } from "../../../config/gcp";
import { Answer, CloudApiServer, RecordedCall, startCloudApiServer } from "../../fixtures/cloudApiServer";
import { registered, takeNotes } from "../../helpers/pulumi";

const TOKEN = "fixture-gcp-token";
const P = "contoso-payments-prod";
const NUMBER = "482915736204";
const POOL = "7c1e4b2a93d54f68a0b72e5d9c8f1a36";
const EMAIL = `mdc-containers-k8s-operator@${P}.iam.gserviceaccount.com`;
const MEMBER = `serviceAccount:${EMAIL}`;
const PRINCIPAL_SET = `principalSet://iam.googleapis.com/projects/${NUMBER}/locations/global/workloadIdentityPools/${POOL}/*`;

const denied = (permission: string, resource: string): Answer => ({
    status: 403,
    body: {
        error: {
            code: 403,
            message: `Permission '${permission}' denied on resource '${resource}' (or it may not exist).`,
            status: "PERMISSION_DENIED",
        },
    },
});
const notFound = (what: string): Answer => ({
    status: 404,
    body: { error: { code: 404, message: `${what} not found.`, status: "NOT_FOUND" } },
});

// The version of an IAM policy a getIamPolicy asked for, where Google's definition of the method
// takes it (docs/sources.md, "GCP"): IAM's `projects.serviceAccounts.getIamPolicy` is
// `post: "/v1/{resource=projects/*/serviceAccounts/*}:getIamPolicy"` with no `body` mapping
// (googleapis `google/iam/admin/v1/iam.proto`), so `GetIamPolicyRequest.options` arrives as the
// query parameter `options.requestedPolicyVersion`; Resource Manager's `projects.getIamPolicy`
// takes the request as its body. A version sent anywhere else is not read: version 1 is answered.
function requestedVersion(c: RecordedCall, where: "query" | "body"): number {
    if (where === "query") return Number(c.query["options.requestedPolicyVersion"] ?? 0);
    const body = c.body ? (JSON.parse(c.body) as { options?: { requestedPolicyVersion?: number } }) : {};
    return body.options?.requestedPolicyVersion ?? 0;
}

/**
 * A policy as getIamPolicy answers it: at version 3 as it is; below 3 (google/iam/v1/options.proto:
 * "Requests for policies with any conditional role bindings must specify version 3"), Google's IAM
 * docs ("Policy versions") say conditional bindings come back without their condition, each role
 * suffixed `_withcond_` and a hash.
 */
function policyAt(version: number, bindings: { role: string; members: string[]; condition?: object }[]): object {
    if (version >= 3) return { version: 3, etag: "BwYz", bindings };
    return {
        version: 1,
        etag: "BwYz",
        bindings: bindings.map((b) =>
            b.condition ? { role: `${b.role}_withcond_2c8e4a6f1b3d5e7a9c1e`, members: b.members } : b,
        ),
    };
}

// Shaped like Google's REST answers (camelCase; enums as names; proto3 JSON leaves out a field at
// its default, so a role at stage ALPHA, RoleLaunchStage 0, has no `stage`).
function route(c: RecordedCall): Answer | undefined {
    if (c.authorization !== `Bearer ${TOKEN}`)
        return {
            status: 401,
            body: {
                error: {
                    code: 401,
                    message: "Request is missing required authentication credential.",
                    status: "UNAUTHENTICATED",
                },
            },
        };
    const iam = "/v1/projects/" + P;
    switch (`${c.method} ${c.path}`) {
        case `GET /v1/projects/${P}/locations/-/clusters`:
            return {
                body: {
                    clusters: [
                        {
                            name: "gke-payments-euw1",
                            location: "europe-west1",
                            zone: "europe-west1",
                            resourceLabels: { team: "payments" },
                            status: "RUNNING",
                        },
                        {
                            name: "gke-sandbox-01",
                            location: "europe-west1-b",
                            zone: "europe-west1-b",
                            resourceLabels: { ms_defender_container_exclude_agentless: "true" },
                            status: "RUNNING",
                        },
                    ],
                },
            };
        case "GET /v1/projects/gappy-project/locations/-/clusters":
            return { body: { clusters: [], missingZones: ["me-central2-a"] } };
        case "GET /v1/projects/denied-project/locations/-/clusters":
            return denied("container.clusters.list", "//container.googleapis.com/projects/denied-project/locations/-");
        case `GET ${iam}/serviceAccounts/${EMAIL}`:
            return {
                body: {
                    name: `projects/${P}/serviceAccounts/${EMAIL}`,
                    projectId: P,
                    uniqueId: "104917263548201937465",
                    email: EMAIL,
                    displayName: "mdc-containers-k8s-operator",
                    etag: "MDEwMjE5MjA=",
                    oauth2ClientId: "104917263548201937465",
                },
            };
        case `GET /v1/projects/denied-project/serviceAccounts/mdc-containers-k8s-operator@denied-project.iam.gserviceaccount.com`:
            return denied(
                "iam.serviceAccounts.get",
                "projects/denied-project/serviceAccounts/mdc-containers-k8s-operator@denied-project.iam.gserviceaccount.com",
            );
        case `GET ${iam}/roles/MDCGkeClusterWriteRole`:
            return {
                body: {
                    name: `projects/${P}/roles/MDCGkeClusterWriteRole`,
                    title: "MDCGkeClusterWriteRole",
                    includedPermissions: ["container.clusters.update"],
                    stage: "GA",
                    etag: "BwYx",
                },
            };
        case `GET ${iam}/roles/MDCGkeContainerInventoryCollectionRole`:
            return {
                body: {
                    name: `projects/${P}/roles/MDCGkeContainerInventoryCollectionRole`,
                    title: "MDCGkeContainerInventoryCollectionRole",
                    includedPermissions: ["container.nodes.proxy", "container.secrets.list"],
                    stage: "GA",
                    deleted: true,
                    etag: "BwYy",
                },
            };
        case `GET ${iam}/roles/MDCGkeAlphaRole`:
            return {
                body: {
                    name: `projects/${P}/roles/MDCGkeAlphaRole`,
                    title: "MDCGkeAlphaRole",
                    includedPermissions: ["container.clusters.update"],
                    etag: "BwYw",
                },
            };
        case `POST /v1/projects/${P}:getIamPolicy`:
            return {
                body: policyAt(requestedVersion(c, "body"), [
                    { role: "roles/container.viewer", members: [MEMBER, "group:gke-admins@contoso.example"] },
                    {
                        role: `projects/${P}/roles/MDCGkeClusterWriteRole`,
                        members: [MEMBER],
                        condition: {
                            title: "until-2027",
                            expression: "request.time < timestamp('2027-01-01T00:00:00Z')",
                        },
                    },
                ]),
            };
        case `POST ${iam}/serviceAccounts/${EMAIL}:getIamPolicy`:
            return {
                body: policyAt(requestedVersion(c, "query"), [
                    { role: "roles/iam.workloadIdentityUser", members: [PRINCIPAL_SET] },
                    {
                        role: "roles/iam.serviceAccountTokenCreator",
                        members: ["group:gke-admins@contoso.example"],
                        condition: {
                            title: "until-2027",
                            expression: "request.time < timestamp('2027-01-01T00:00:00Z')",
                        },
                    },
                ]),
            };
        case `GET ${iam}/locations/global/workloadIdentityPools/${POOL}`:
            return {
                body: {
                    name: `projects/${NUMBER}/locations/global/workloadIdentityPools/${POOL}`,
                    displayName: POOL,
                    state: "ACTIVE",
                },
            };
        case `GET ${iam}/locations/global/workloadIdentityPools/${POOL}/providers/containers`:
            return {
                body: {
                    name: `projects/${NUMBER}/locations/global/workloadIdentityPools/${POOL}/providers/containers`,
                    displayName: "containers",
                    state: "ACTIVE",
                    attributeMapping: { "google.subject": "assertion.sub" },
                    oidc: {
                        issuerUri: "https://sts.windows.net/33e01921-4d64-4f8c-a055-5bdaffd5e33d/",
                        allowedAudiences: ["api://6610e979-c931-41ec-adc7-b9920c9d52f1"],
                    },
                },
            };
        case `GET ${iam}/locations/global/workloadIdentityPools/old-pool`:
            return {
                body: {
                    name: `projects/${NUMBER}/locations/global/workloadIdentityPools/old-pool`,
                    state: "DELETED",
                    expireTime: "2026-12-20T10:00:00Z",
                },
            };
        case "POST /v1/organizations/731946285017:getIamPolicy":
            return denied("resourcemanager.organizations.getIamPolicy", "organizations/731946285017");
        case `GET ${iam}/serviceAccounts/defender-gke-discovery@${P}.iam.gserviceaccount.com`:
            return notFound("Unknown service account");
        default:
            return undefined;
    }
}

describe("GCP live lookups against Google-shaped REST fixtures on loopback", function () {
    this.timeout(20_000);
    let api: CloudApiServer;
    before(async () => {
        api = await startCloudApiServer(route);
    });
    after(() => api?.close());

    const lookup = () => {
        const authClient = new OAuth2Client();
        authClient.setCredentials({ access_token: TOKEN, expiry_date: Date.now() + 3_600_000 });
        return liveGcpLookup({
            authClient,
            iamEndpoint: api.url,
            resourceManagerEndpoint: api.url,
            container: { fallback: "rest", apiEndpoint: "127.0.0.1", port: api.port, protocol: "http" },
        });
    };

    it("lists the project's clusters of every location with their resource labels", async () => {
        assert.deepEqual(await lookup().listClusters(P), [
            { projectId: P, location: "europe-west1", name: "gke-payments-euw1", labels: { team: "payments" } },
            {
                projectId: P,
                location: "europe-west1-b",
                name: "gke-sandbox-01",
                labels: { ms_defender_container_exclude_agentless: "true" },
            },
        ]);
    });

    it("reads the service account, the roles (one soft-deleted), the pool, the provider and both IAM policies, conditional bindings left out", async () => {
        const l = lookup();
        const start = api.calls.length;
        assert.deepEqual(await l.serviceAccount(P, "mdc-containers-k8s-operator"), {
            email: EMAIL,
            displayName: "mdc-containers-k8s-operator",
            description: "",
            disabled: false,
        });
        assert.equal(await l.serviceAccount(P, "defender-gke-discovery"), undefined);
        assert.deepEqual(await l.customRole({ kind: "project", id: P }, "MDCGkeClusterWriteRole"), {
            title: "MDCGkeClusterWriteRole",
            description: "",
            permissions: ["container.clusters.update"],
            stage: "GA",
            deleted: false,
        });
        assert.equal(
            (await l.customRole({ kind: "project", id: P }, "MDCGkeContainerInventoryCollectionRole"))?.deleted,
            true,
        );
        assert.equal(
            await l.customRole({ kind: "organization", id: "731946285017" }, "MDCGkeClusterWriteRole"),
            undefined,
        );
        assert.deepEqual(await l.grants({ kind: "project", id: P }), [
            { role: "roles/container.viewer", member: MEMBER },
            { role: "roles/container.viewer", member: "group:gke-admins@contoso.example" },
        ]);
        assert.deepEqual(await l.serviceAccountGrants(P, EMAIL), [
            { role: "roles/iam.workloadIdentityUser", member: PRINCIPAL_SET },
        ]);
        assert.equal((await l.customRole({ kind: "project", id: P }, "MDCGkeAlphaRole"))?.stage, "ALPHA");
        assert.deepEqual(await l.workloadIdentityPool(P, POOL), {
            displayName: POOL,
            description: "",
            disabled: false,
            state: "ACTIVE",
        });
        assert.equal((await l.workloadIdentityPool(P, "old-pool"))?.state, "DELETED");
        assert.deepEqual(await l.workloadIdentityPoolProvider(P, POOL, "containers"), {
            displayName: "containers",
            description: "",
            disabled: false,
            state: "ACTIVE",
            attributeMapping: { "google.subject": "assertion.sub" },
            attributeCondition: "",
            issuerUri: "https://sts.windows.net/33e01921-4d64-4f8c-a055-5bdaffd5e33d/",
            allowedAudiences: ["api://6610e979-c931-41ec-adc7-b9920c9d52f1"],
        });
        // Read-only calls, on the documented paths, every one with the caller's token.
        assert.deepEqual(
            api.calls.slice(start).map((c) => `${c.method} ${c.path}`),
            [
                `GET /v1/projects/${P}/serviceAccounts/${EMAIL}`,
                `GET /v1/projects/${P}/serviceAccounts/defender-gke-discovery@${P}.iam.gserviceaccount.com`,
                `GET /v1/projects/${P}/roles/MDCGkeClusterWriteRole`,
                `GET /v1/projects/${P}/roles/MDCGkeContainerInventoryCollectionRole`,
                "GET /v1/organizations/731946285017/roles/MDCGkeClusterWriteRole",
                `POST /v1/projects/${P}:getIamPolicy`,
                `POST /v1/projects/${P}/serviceAccounts/${EMAIL}:getIamPolicy`,
                `GET /v1/projects/${P}/roles/MDCGkeAlphaRole`,
                `GET /v1/projects/${P}/locations/global/workloadIdentityPools/${POOL}`,
                `GET /v1/projects/${P}/locations/global/workloadIdentityPools/old-pool`,
                `GET /v1/projects/${P}/locations/global/workloadIdentityPools/${POOL}/providers/containers`,
            ],
        );
        assert.ok(api.calls.slice(start).every((c) => c.authorization === `Bearer ${TOKEN}`));
    });

    it("asks for policy version 3 where each getIamPolicy takes it: in the body for Resource Manager, as a query parameter with no body for a service account", async () => {
        const l = lookup();
        const start = api.calls.length;
        await l.grants({ kind: "project", id: P });
        await l.serviceAccountGrants(P, EMAIL);
        assert.deepEqual(
            api.calls.slice(start).map((c) => ({ method: c.method, path: c.path, query: c.query, body: c.body })),
            [
                {
                    method: "POST",
                    path: `/v1/projects/${P}:getIamPolicy`,
                    query: {},
                    body: JSON.stringify({ options: { requestedPolicyVersion: 3 } }),
                },
                {
                    method: "POST",
                    path: `/v1/projects/${P}/serviceAccounts/${EMAIL}:getIamPolicy`,
                    query: { "options.requestedPolicyVersion": "3" },
                    body: "",
                },
            ],
        );
    });

    it("reads a custom role that has no stage as ALPHA, and adopts it with that stage", async () => {
        const l = lookup();
        assert.deepEqual(await l.customRole({ kind: "project", id: P }, "MDCGkeAlphaRole"), {
            title: "MDCGkeAlphaRole",
            description: "",
            permissions: ["container.clusters.update"],
            stage: "ALPHA",
            deleted: false,
        });
        const cfg = loadGcpConfig(
            {
                projectId: P,
                projectNumber: NUMBER,
                customRoleId: "MDCGkeAlphaRole",
                connector: { enabled: false },
            },
            "gcp",
            { azureTenantId: "7c1e4b2a-93d5-4f68-a0b7-2e5d9c8f1a36" },
        );
        await takeNotes();
        const rs = await registered(() => onboardGcp(cfg, {}, cloudSource(), l));
        await takeNotes();
        const role = rs.find((r) => r.name === "discovery-role")!;
        assert.equal(role.importId, `projects/${P}/roles/MDCGkeAlphaRole`);
        assert.equal(role.inputs.stage, "ALPHA");
    });

    it("turns PERMISSION_DENIED into a LookupError naming the call, the project and Google's reason", async () => {
        await assert.rejects(lookup().serviceAccount("denied-project", "mdc-containers-k8s-operator"), {
            name: "LookupError",
            message:
                "cloud lookup iam.projects.serviceAccounts.get in projects/denied-project failed: Google answered 403 PERMISSION_DENIED: Permission 'iam.serviceAccounts.get' denied on resource 'projects/denied-project/serviceAccounts/mdc-containers-k8s-operator@denied-project.iam.gserviceaccount.com' (or it may not exist).; nothing is declared for projects/denied-project until it succeeds",
        });
        await assert.rejects(lookup().listClusters("denied-project"), {
            name: "LookupError",
            call: "container.projects.locations.clusters.list",
            scope: "projects/denied-project",
            reason: "Google answered 403 PERMISSION_DENIED: Permission 'container.clusters.list' denied on resource '//container.googleapis.com/projects/denied-project/locations/-' (or it may not exist).",
        });
    });

    it("names the organization as the scope of a denied organization policy read", async () => {
        await assert.rejects(lookup().grants({ kind: "organization", id: "731946285017" }), {
            name: "LookupError",
            call: "cloudresourcemanager.organizations.getIamPolicy",
            scope: "organizations/731946285017",
            reason: "Google answered 403 PERMISSION_DENIED: Permission 'resourcemanager.organizations.getIamPolicy' denied on resource 'organizations/731946285017' (or it may not exist).",
        });
    });

    it("fails the cluster listing when a location did not answer (a partial list would hide clusters)", async () => {
        await assert.rejects(lookup().listClusters("gappy-project"), {
            name: "LookupError",
            scope: "projects/gappy-project",
            reason: "locations did not answer: me-central2-a",
        });
    });

    it("drives the stack: what exists is imported with its id, the soft-deleted inventory role is created (undeleted), the rest created", async () => {
        const cfg = loadGcpConfig(
            { projectId: P, projectNumber: NUMBER, inventoryRole: true, connector: { enabled: false } },
            "gcp",
            { azureTenantId: "7c1e4b2a-93d5-4f68-a0b7-2e5d9c8f1a36" },
        );
        await takeNotes();
        const rs = await registered(() => onboardGcp(cfg, {}, cloudSource(), lookup()));
        const ops = rs
            .filter((r) => r.custom && !r.type.startsWith("pulumi:providers"))
            .map((r) => [r.op, r.name, r.importId ?? ""])
            .sort();
        assert.deepEqual(ops, [
            ["create", "audit-logs-container", ""],
            ["create", "discovery-cluster-write", ""],
            ["create", "discovery-inventory", ""],
            ["create", "discovery-inventory-role", ""],
            ["import", "discovery-container-viewer", `${P} roles/container.viewer ${MEMBER}`],
            ["import", "discovery-role", `projects/${P}/roles/MDCGkeClusterWriteRole`],
            ["import", "discovery-sa", `projects/${P}/serviceAccounts/${EMAIL}`],
            ["import", "federation-pool", `projects/${P}/locations/global/workloadIdentityPools/${POOL}`],
            [
                "import",
                "federation-provider",
                `projects/${P}/locations/global/workloadIdentityPools/${POOL}/providers/containers`,
            ],
            [
                "import",
                "federation-workload-identity-user",
                `projects/${P}/serviceAccounts/${EMAIL} roles/iam.workloadIdentityUser ${PRINCIPAL_SET}`,
            ],
        ]);
        // Import needs the declared inputs to equal what exists: they come from the lookup.
        const sa = rs.find((r) => r.name === "discovery-sa")!;
        assert.deepEqual(sa.inputs, {
            project: P,
            accountId: "mdc-containers-k8s-operator",
            displayName: "mdc-containers-k8s-operator",
            description: "",
            disabled: false,
        });
        const role = rs.find((r) => r.name === "discovery-role")!;
        assert.deepEqual(role.inputs, {
            project: P,
            roleId: "MDCGkeClusterWriteRole",
            title: "MDCGkeClusterWriteRole",
            description: "",
            permissions: ["container.clusters.update"],
            stage: "GA",
        });
        const notes = await takeNotes();
        assert.ok(
            notes.some((n) =>
                n.message.startsWith(
                    `custom role projects/${P}/roles/MDCGkeContainerInventoryCollectionRole is soft-deleted: creating it undeletes it`,
                ),
            ),
        );
        assert.deepEqual(
            notes.filter((n) => n.kind === "excluded").map((n) => n.subject),
            [`projects/${P}/locations/europe-west1-b/clusters/gke-sandbox-01`],
        );
    });
});
