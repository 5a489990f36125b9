import { strict as assert } from "assert";
import { loadGcpConfig } from "../../../config/gcp";
import { markedDescription } from "../../../domain/gcp/facts";
import { DEFENDER_AUDIENCE, MICROSOFT_ISSUER } from "../../../domain/shared/microsoft";
import { GcpCloudLookup } from "../../../lookup/gcp/port";
import { iamParent, planAdoption, projectsToList, readGcpCloud, GcpCloudView } from "../../../stack/gcp/cloudRead";

// What the GCP program reads and what it adopts from it, called directly with a lookup that
// records its calls: which lookups are made when, and which objects are imported with which ids.
const P = "contoso-payments-prod";
const NUMBER = "482915736204";
const ORG = "731946285017";
const POOL = "7c1e4b2a93d54f68a0b72e5d9c8f1a36";
const EMAIL = `mdc-containers-k8s-operator@${P}.iam.gserviceaccount.com`;
const MEMBER = `serviceAccount:${EMAIL}`;
const PRINCIPAL_SET = `principalSet://iam.googleapis.com/projects/${NUMBER}/locations/global/workloadIdentityPools/${POOL}/*`;
const WRITE_ROLE = `projects/${P}/roles/MDCGkeClusterWriteRole`;
const INVENTORY_ROLE = `projects/${P}/roles/MDCGkeContainerInventoryCollectionRole`;
const TENANT = { azureTenantId: "7c1e4b2a-93d5-4f68-a0b7-2e5d9c8f1a36" };

const config = (over: Record<string, unknown> = {}) =>
    loadGcpConfig(
        { projectId: P, projectNumber: NUMBER, connector: { enabled: false }, auditLogs: { enabled: false }, ...over },
        "gcp",
        TENANT,
    );

const account = { email: EMAIL, displayName: "MDC operator", description: "Microsoft's script", disabled: false };
const role = {
    title: "MDC role",
    description: "Microsoft's",
    permissions: ["container.clusters.update"],
    stage: "GA",
    deleted: false,
};
const pool = { displayName: "Defender pool", description: "Microsoft's", disabled: false, state: "ACTIVE" as const };
const provider = {
    ...pool,
    attributeMapping: { "google.subject": "assertion.sub" },
    attributeCondition: "",
    issuerUri: MICROSOFT_ISSUER,
    allowedAudiences: [DEFENDER_AUDIENCE],
};

/** A lookup answering from `view`, recording each call. */
function recording(view: Partial<GcpCloudView>) {
    const calls: string[] = [];
    const lookup: GcpCloudLookup = {
        listClusters: async (p) => (
            calls.push(`listClusters ${p}`),
            (view.clusters ?? []).filter((c) => c.projectId === p)
        ),
        serviceAccount: async (p, a) => (calls.push(`serviceAccount ${p} ${a}`), view.serviceAccount),
        customRole: async (parent, id) => (
            calls.push(`customRole ${parent.kind}/${parent.id} ${id}`),
            id === "MDCGkeContainerInventoryCollectionRole" ? view.inventoryRole : view.customRole
        ),
        grants: async (parent) => (calls.push(`grants ${parent.kind}/${parent.id}`), view.grants ?? []),
        serviceAccountGrants: async (p, e) => (
            calls.push(`serviceAccountGrants ${p} ${e}`),
            view.serviceAccountGrants ?? []
        ),
        workloadIdentityPool: async (p, id) => (calls.push(`pool ${p} ${id}`), view.pool),
        workloadIdentityPoolProvider: async (p, id, pr) => (calls.push(`provider ${p} ${id} ${pr}`), view.provider),
        securityConnectors: async (s) => (calls.push(`securityConnectors ${s}`), []),
    };
    return { lookup, calls };
}

describe("GCP cloud read: which lookups are made", () => {
    it("reads the service account's grants and the pool's provider only when the account and a live pool exist", async () => {
        const none = recording({});
        const fresh = await readGcpCloud(config(), none.lookup);
        assert.deepEqual(none.calls.sort(), [
            `customRole project/${P} MDCGkeClusterWriteRole`,
            `grants project/${P}`,
            `listClusters ${P}`,
            `pool ${P} ${POOL}`,
            `serviceAccount ${P} mdc-containers-k8s-operator`,
        ]);
        assert.deepEqual(fresh, {
            clusters: [],
            serviceAccount: undefined,
            customRole: undefined,
            inventoryRole: undefined,
            grants: [],
            serviceAccountGrants: [],
            pool: undefined,
            provider: undefined,
        });

        const all = recording({ serviceAccount: account, pool, provider });
        const view = await readGcpCloud(config(), all.lookup);
        assert.ok(all.calls.includes(`serviceAccountGrants ${P} ${EMAIL}`));
        assert.ok(all.calls.includes(`provider ${P} ${POOL} containers`));
        assert.deepEqual(view.provider, provider);

        const deleted = recording({ pool: { ...pool, state: "DELETED" }, provider });
        assert.equal((await readGcpCloud(config(), deleted.lookup)).provider, undefined);
        assert.ok(!deleted.calls.some((c) => c.startsWith("provider ")), "no provider is read under a deleted pool");
    });

    it("reads the inventory role only when asked for, and at the organization with that scope", async () => {
        const r = recording({});
        await readGcpCloud(
            config({
                scope: "organization",
                organizationId: ORG,
                inventoryRole: true,
                discovery: { projects: [P, "contoso-shop"] },
            }),
            r.lookup,
        );
        assert.deepEqual(r.calls.sort(), [
            `customRole organization/${ORG} MDCGkeClusterWriteRole`,
            `customRole organization/${ORG} MDCGkeContainerInventoryCollectionRole`,
            `grants organization/${ORG}`,
            `listClusters ${P}`,
            "listClusters contoso-shop",
            `pool ${P} ${POOL}`,
            `serviceAccount ${P} mdc-containers-k8s-operator`,
        ]);
    });

    it("lists the explicit clusters' projects once each, else the discovery projects", () => {
        assert.deepEqual(
            projectsToList({
                clusters: [
                    { projectId: "a", location: "l", name: "x" },
                    { projectId: "b", location: "l", name: "y" },
                    { projectId: "a", location: "m", name: "z" },
                ],
                discovery: { projects: ["c"] } as never,
            }),
            ["a", "b"],
        );
        assert.deepEqual(projectsToList({ clusters: undefined, discovery: { projects: ["c", "d"] } as never }), [
            "c",
            "d",
        ]);
        assert.deepEqual(iamParent(config()), { kind: "project", id: P });
        assert.deepEqual(iamParent(config({ scope: "organization", organizationId: ORG })), {
            kind: "organization",
            id: ORG,
        });
    });
});

describe("GCP adoption plan", () => {
    const view = (over: Partial<GcpCloudView> = {}): GcpCloudView => ({
        clusters: [],
        grants: [],
        serviceAccountGrants: [],
        ...over,
    });

    it("fresh project: nothing imported, nothing retained", () => {
        assert.deepEqual(planAdoption(config(), view()), {
            access: {
                serviceAccount: undefined,
                customRole: undefined,
                inventoryRole: undefined,
                grants: {},
                retainGrants: false,
            },
            federation: {
                pool: undefined,
                provider: undefined,
                impersonationImportId: undefined,
                retainImpersonation: false,
            },
            undeletes: [],
        });
    });

    it("Microsoft's objects: each imported with its id, the account's existing grants imported and every grant retained", () => {
        const plan = planAdoption(
            config({ inventoryRole: true }),
            view({
                serviceAccount: account,
                customRole: role,
                inventoryRole: { ...role, deleted: true },
                grants: [
                    { role: WRITE_ROLE, member: MEMBER },
                    { role: "roles/container.viewer", member: MEMBER },
                    { role: INVENTORY_ROLE, member: MEMBER },
                    { role: "roles/owner", member: MEMBER },
                    { role: "roles/container.viewer", member: "user:someone@contoso.com" },
                ],
                serviceAccountGrants: [{ role: "roles/iam.workloadIdentityUser", member: PRINCIPAL_SET }],
                pool,
                provider,
            }),
        );
        assert.deepEqual(plan.access.grants, {
            [WRITE_ROLE]: `${P} ${WRITE_ROLE} ${MEMBER}`,
            "roles/container.viewer": `${P} roles/container.viewer ${MEMBER}`,
            [INVENTORY_ROLE]: `${P} ${INVENTORY_ROLE} ${MEMBER}`,
        });
        assert.equal(plan.access.retainGrants, true);
        assert.equal(plan.access.serviceAccount?.importId, `projects/${P}/serviceAccounts/${EMAIL}`);
        assert.equal(plan.access.customRole?.importId, WRITE_ROLE);
        assert.equal(plan.access.inventoryRole, undefined);
        assert.equal(plan.undeletes.length, 1);
        assert.match(
            plan.undeletes[0],
            /^custom role projects\/contoso-payments-prod\/roles\/MDCGkeContainerInventoryCollectionRole is soft-deleted/,
        );
        assert.equal(plan.federation.pool?.importId, `projects/${P}/locations/global/workloadIdentityPools/${POOL}`);
        assert.equal(
            plan.federation.provider?.importId,
            `projects/${P}/locations/global/workloadIdentityPools/${POOL}/providers/containers`,
        );
        assert.equal(
            plan.federation.impersonationImportId,
            `projects/${P}/serviceAccounts/${EMAIL} roles/iam.workloadIdentityUser ${PRINCIPAL_SET}`,
        );
        assert.equal(plan.federation.retainImpersonation, true);
    });

    it("grants at the organization are imported with the organization's id", () => {
        const orgRole = `organizations/${ORG}/roles/MDCGkeClusterWriteRole`;
        const plan = planAdoption(
            config({ scope: "organization", organizationId: ORG }),
            view({ serviceAccount: account, grants: [{ role: orgRole, member: MEMBER }] }),
        );
        assert.deepEqual(plan.access.grants, { [orgRole]: `${ORG} ${orgRole} ${MEMBER}` });
    });

    it("the stack's own account: its grants are the stack's, neither imported nor retained", () => {
        const plan = planAdoption(
            config({ inventoryRole: true }),
            view({
                serviceAccount: { ...account, description: markedDescription("MDC") },
                grants: [{ role: WRITE_ROLE, member: MEMBER }],
                serviceAccountGrants: [{ role: "roles/iam.workloadIdentityUser", member: PRINCIPAL_SET }],
            }),
        );
        assert.deepEqual(plan.access.grants, {});
        assert.equal(plan.access.retainGrants, false);
        assert.equal(plan.federation.impersonationImportId, undefined);
        assert.equal(plan.federation.retainImpersonation, false);
    });

    it("Microsoft's account without the impersonation grant: it is created, and kept on destroy", () => {
        const plan = planAdoption(
            config(),
            view({
                serviceAccount: account,
                serviceAccountGrants: [
                    { role: "roles/iam.workloadIdentityUser", member: "principalSet://iam.googleapis.com/other/*" },
                ],
            }),
        );
        assert.equal(plan.federation.impersonationImportId, undefined);
        assert.equal(plan.federation.retainImpersonation, true);
    });

    it("stops on a soft-deleted pool or a provider with a foreign trust, naming the config key", () => {
        assert.throws(() => planAdoption(config(), view({ pool: { ...pool, state: "DELETED" } })), {
            name: "ConfigError",
            message: new RegExp(`^config key "gcp\\.workloadIdentity\\.poolId" has value "${POOL}"`),
        });
        assert.throws(
            () => planAdoption(config(), view({ pool, provider: { ...provider, allowedAudiences: ["api://x"] } })),
            {
                name: "ConfigError",
                message: /^config key "gcp\.workloadIdentity\.providerId" has value "containers"/,
            },
        );
    });
});
