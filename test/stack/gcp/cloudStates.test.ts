import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { onboardGcp } from "../../../stack/gcp/onboarding";
import { cloudSource } from "../../../lookup/source";
import { loadGcpConfig } from "../../../config/gcp";
import { PlanResource } from "../../../plan/mockRuntime";
import { stateLookup } from "../../helpers/gcpStateLookup";
import { registered, takeNotes } from "../../helpers/pulumi";
import { gkeWriteRoleExact } from "../../../policies/rules/gkeWriteRoleExact";
import { planAdoption, readGcpCloud } from "../../../stack/gcp/cloudRead";
import { GkeDiscoveryAccess } from "../../../components/gcp/gkeDiscoveryAccess";
import { WorkloadIdentityFederation } from "../../../components/gcp/workloadIdentityFederation";

// The GCP program under Pulumi mocks, driven by several cloud states (in memory, read by the
// cloud-state reader): exact ops, import ids and inputs.
const P = "contoso-payments-prod";
const NUMBER = "482915736204";
const ORG = "731946285017";
const POOL = "7c1e4b2a93d54f68a0b72e5d9c8f1a36";
const EMAIL = `mdc-containers-k8s-operator@${P}.iam.gserviceaccount.com`;
const MEMBER = `serviceAccount:${EMAIL}`;
const PRINCIPAL_SET = `principalSet://iam.googleapis.com/projects/${NUMBER}/locations/global/workloadIdentityPools/${POOL}/*`;
const ISSUER = "https://sts.windows.net/33e01921-4d64-4f8c-a055-5bdaffd5e33d/";
const AUDIENCE = "api://6610e979-c931-41ec-adc7-b9920c9d52f1";
const TENANT = { azureTenantId: "7c1e4b2a-93d5-4f68-a0b7-2e5d9c8f1a36" };

const config = (over: Record<string, unknown> = {}) =>
    loadGcpConfig(
        { projectId: P, projectNumber: NUMBER, connector: { enabled: false }, auditLogs: { enabled: false }, ...over },
        "gcp",
        TENANT,
    );

const cluster = (name: string, location: string, labels: Record<string, string> = {}) => ({ name, location, labels });
const twoClusters = [
    cluster("gke-payments", "europe-west1", { team: "payments" }),
    cluster("gke-payments", "us-central1"),
];

/** Everything Microsoft's script makes for the project scope, as the cloud would answer. */
const defenderOn = (clusters: unknown[] = twoClusters) => ({
    projects: {
        [P]: {
            clusters,
            serviceAccounts: [
                {
                    accountId: "mdc-containers-k8s-operator",
                    displayName: "Microsoft Defender Containers Kubernetes Operator",
                    grants: [{ role: "roles/iam.workloadIdentityUser", member: PRINCIPAL_SET }],
                },
            ],
            customRoles: [
                {
                    roleId: "MDCGkeClusterWriteRole",
                    title: "MDC GKE Cluster Write Role",
                    description: "MDC GKE Cluster Write Custom Role.",
                    permissions: ["container.clusters.update"],
                    stage: "ALPHA",
                },
            ],
            grants: [
                { role: `projects/${P}/roles/MDCGkeClusterWriteRole`, member: MEMBER },
                { role: "roles/container.viewer", member: MEMBER },
            ],
            workloadIdentityPools: [
                {
                    poolId: POOL,
                    displayName: "Defender pool",
                    providers: [
                        {
                            providerId: "containers",
                            description: "OIDC identity pool provider for Containers.",
                            attributeMapping: { "google.subject": "assertion.sub" },
                            issuerUri: ISSUER,
                            allowedAudiences: [AUDIENCE],
                        },
                    ],
                },
            ],
        },
    },
});

async function run(state: unknown, cfg = config()) {
    await takeNotes();
    let out: Awaited<ReturnType<typeof onboardGcp>> | undefined;
    const rs = await registered(async () => {
        out = await onboardGcp(cfg, {}, cloudSource(), stateLookup(state));
    });
    return { rs, out: out!, notes: await takeNotes() };
}

const ops = (rs: PlanResource[]) =>
    rs
        .filter((r) => r.custom && !r.type.startsWith("pulumi:providers"))
        .map((r) => `${r.op} ${r.name}${r.importId ? ` <- ${r.importId}` : ""}`)
        .sort();
const named = (rs: PlanResource[], name: string) => rs.find((r) => r.name === name)!;

describe("GCP program under several cloud states", function () {
    this.timeout(20_000);

    it("fresh project: everything is created, nothing imported", async () => {
        const { rs, out } = await run({ projects: { [P]: { clusters: twoClusters } } });
        assert.deepEqual(ops(rs), [
            "create discovery-cluster-write",
            "create discovery-container-viewer",
            "create discovery-role",
            "create discovery-sa",
            "create federation-pool",
            "create federation-provider",
            "create federation-workload-identity-user",
        ]);
        assert.deepEqual(named(rs, "discovery-role").inputs.permissions, ["container.clusters.update"]);
        assert.deepEqual(out.discoveredClusters, [
            `projects/${P}/locations/europe-west1/clusters/gke-payments`,
            `projects/${P}/locations/us-central1/clusters/gke-payments`,
        ]);
    });

    it("Defender already on: every object is imported with its exact id and the inputs that exist", async () => {
        const { rs, notes } = await run(defenderOn());
        assert.deepEqual(ops(rs), [
            `import discovery-cluster-write <- ${P} projects/${P}/roles/MDCGkeClusterWriteRole ${MEMBER}`,
            `import discovery-container-viewer <- ${P} roles/container.viewer ${MEMBER}`,
            `import discovery-role <- projects/${P}/roles/MDCGkeClusterWriteRole`,
            `import discovery-sa <- projects/${P}/serviceAccounts/${EMAIL}`,
            `import federation-pool <- projects/${P}/locations/global/workloadIdentityPools/${POOL}`,
            `import federation-provider <- projects/${P}/locations/global/workloadIdentityPools/${POOL}/providers/containers`,
            `import federation-workload-identity-user <- projects/${P}/serviceAccounts/${EMAIL} roles/iam.workloadIdentityUser ${PRINCIPAL_SET}`,
        ]);
        assert.deepEqual(named(rs, "discovery-role").inputs, {
            project: P,
            roleId: "MDCGkeClusterWriteRole",
            title: "MDC GKE Cluster Write Role",
            description: "MDC GKE Cluster Write Custom Role.",
            permissions: ["container.clusters.update"],
            stage: "ALPHA",
        });
        assert.deepEqual(named(rs, "discovery-sa").inputs, {
            project: P,
            accountId: "mdc-containers-k8s-operator",
            displayName: "Microsoft Defender Containers Kubernetes Operator",
            description: "",
            disabled: false,
        });
        assert.deepEqual(named(rs, "federation-pool").inputs, {
            project: P,
            workloadIdentityPoolId: POOL,
            displayName: "Defender pool",
            description: "",
            disabled: false,
        });
        const provider = named(rs, "federation-provider").inputs;
        assert.equal(provider.description, "OIDC identity pool provider for Containers.");
        assert.equal(provider.displayName, "");
        assert.deepEqual(provider.oidc, { issuerUri: ISSUER, allowedAudiences: [AUDIENCE] });
        assert.match(
            notes.find((n) => n.message.startsWith("adopted"))!.message,
            /service account mdc-containers-k8s-operator; custom role MDCGkeClusterWriteRole; /,
        );
    });

    it("a custom role given without a stage is at ALPHA, as the IAM API answers one (RoleLaunchStage's default), and is imported so", async () => {
        const state = defenderOn();
        delete (state.projects[P].customRoles[0] as { stage?: string }).stage;
        const { rs } = await run(state);
        assert.equal(named(rs, "discovery-role").importId, `projects/${P}/roles/MDCGkeClusterWriteRole`);
        assert.equal(named(rs, "discovery-role").inputs.stage, "ALPHA");
    });

    it("adopted objects are imported with retainOnDelete, and a grant added to Microsoft's account is kept on destroy too", async () => {
        const seen: Record<string, { import?: string; retainOnDelete?: boolean }> = {};
        const record: pulumi.ResourceTransformation = (a) => {
            seen[a.name] = {
                import: (a.opts as pulumi.CustomResourceOptions).import,
                retainOnDelete: a.opts.retainOnDelete,
            };
            return undefined;
        };
        const state = defenderOn();
        state.projects[P].grants = state.projects[P].grants.slice(0, 1); // the viewer grant is missing
        const cfg = config();
        const plan = planAdoption(cfg, await readGcpCloud(cfg, stateLookup(state)));
        await registered(() => {
            const access = new GkeDiscoveryAccess(
                "retain",
                { projectId: P, scope: "project", adopt: plan.access },
                { transformations: [record] },
            );
            new WorkloadIdentityFederation(
                "retain-fed",
                {
                    projectId: P,
                    projectNumber: NUMBER,
                    poolId: POOL,
                    serviceAccountName: access.serviceAccount.name,
                    adopt: plan.federation,
                },
                { transformations: [record] },
            );
        });
        assert.deepEqual(seen["retain-sa"], { import: `projects/${P}/serviceAccounts/${EMAIL}`, retainOnDelete: true });
        assert.deepEqual(seen["retain-cluster-write"], {
            import: `${P} projects/${P}/roles/MDCGkeClusterWriteRole ${MEMBER}`,
            retainOnDelete: true,
        });
        assert.deepEqual(seen["retain-fed-provider"], {
            import: `projects/${P}/locations/global/workloadIdentityPools/${POOL}/providers/containers`,
            retainOnDelete: true,
        });
        // Destroy must not take a grant away from an account it leaves in place.
        assert.deepEqual(seen["retain-container-viewer"], { import: undefined, retainOnDelete: true });
    });

    it("a second run finds the stack's own objects (marked in their description) and declares them as usual: no import, nothing retained", async () => {
        const mark = "[managed by the agentless-discovery Pulumi stack]";
        const state = {
            projects: {
                [P]: {
                    clusters: twoClusters,
                    serviceAccounts: [
                        {
                            accountId: "mdc-containers-k8s-operator",
                            description: `Lists GKE clusters ${mark}`,
                            grants: [{ role: "roles/iam.workloadIdentityUser", member: PRINCIPAL_SET }],
                        },
                    ],
                    customRoles: [
                        {
                            roleId: "MDCGkeClusterWriteRole",
                            title: "MDC GKE Cluster Write Role",
                            description: `update clusters ${mark}`,
                            permissions: ["container.clusters.update"],
                        },
                    ],
                    grants: [
                        { role: `projects/${P}/roles/MDCGkeClusterWriteRole`, member: MEMBER },
                        { role: "roles/container.viewer", member: MEMBER },
                    ],
                    workloadIdentityPools: [
                        {
                            poolId: POOL,
                            description: `federates ${mark}`,
                            providers: [
                                {
                                    providerId: "containers",
                                    description: `trusts ${mark}`,
                                    issuerUri: ISSUER,
                                    allowedAudiences: [AUDIENCE],
                                },
                            ],
                        },
                    ],
                },
            },
        };
        const { rs } = await run(state);
        assert.ok(
            rs.filter((r) => r.custom).every((r) => r.op === "create"),
            ops(rs).join("\n"),
        );
        // What the first run declared carries the mark, so this holds from the first run on.
        assert.ok(String(named(rs, "discovery-sa").inputs.description).endsWith(mark));
        assert.ok(String(named(rs, "federation-provider").inputs.description).endsWith(mark));
    });

    it("partial: only the service account exists; it is imported, the rest created", async () => {
        const state = {
            projects: {
                [P]: { clusters: twoClusters, serviceAccounts: [{ accountId: "mdc-containers-k8s-operator" }] },
            },
        };
        const { rs } = await run(state);
        assert.deepEqual(
            ops(rs).filter((o) => o.startsWith("import")),
            [`import discovery-sa <- projects/${P}/serviceAccounts/${EMAIL}`],
        );
        assert.equal(ops(rs).length, 7);
    });

    it("a cluster added or removed changes the discovered list only: no resource is renamed or replaced", async () => {
        const base = await run(defenderOn());
        const added = await run(defenderOn([...twoClusters, cluster("gke-orders", "asia-east1-a")]));
        const removed = await run(defenderOn(twoClusters.slice(1)));
        assert.deepEqual(ops(added.rs), ops(base.rs));
        assert.deepEqual(ops(removed.rs), ops(base.rs));
        assert.deepEqual(
            added.out.discoveredClusters.filter((c) => !base.out.discoveredClusters.includes(c)),
            [`projects/${P}/locations/asia-east1-a/clusters/gke-orders`],
        );
        assert.deepEqual(removed.out.discoveredClusters, [`projects/${P}/locations/us-central1/clusters/gke-payments`]);
    });

    it("a cluster labelled for exclusion is left out with the reason, whatever config says", async () => {
        // The include filter names it by its key: the label still wins.
        const cfg = config({ discovery: { include: { names: [`${P}/us-central1/gke-batch`, "gke-payments"] } } });
        const { out, notes } = await run(
            defenderOn([
                ...twoClusters,
                cluster("gke-batch", "us-central1", { ms_defender_container_exclude_agentless: "True" }),
            ]),
            cfg,
        );
        assert.deepEqual(out.excludedClusters, [`projects/${P}/locations/us-central1/clusters/gke-batch`]);
        assert.deepEqual(
            notes.filter((n) => n.kind === "excluded").map((n) => n.message),
            ["left out: labelled ms_defender_container_exclude_agentless=true (Defender skips it)"],
        );
    });

    it("a role that holds more than Microsoft's is adopted as it is, and the mandatory policy then flags it", async () => {
        const state = defenderOn();
        state.projects[P].customRoles[0].permissions = ["container.clusters.update", "container.clusters.delete"];
        const { rs } = await run(state);
        const role = named(rs, "discovery-role");
        assert.equal(role.op, "import");
        assert.deepEqual(gkeWriteRoleExact.validate(role), [
            `custom role MDCGkeClusterWriteRole holds "container.clusters.delete"; it may hold only container.clusters.update`,
        ]);
    });

    it("a soft-deleted custom role is created (the provider undeletes it), with a note saying so", async () => {
        const state = {
            projects: {
                [P]: {
                    clusters: [],
                    customRoles: [
                        {
                            roleId: "MDCGkeClusterWriteRole",
                            title: "MDC GKE Cluster Write Role",
                            permissions: ["container.clusters.update"],
                            deleted: true,
                        },
                    ],
                },
            },
        };
        const { rs, notes } = await run(state);
        assert.equal(named(rs, "discovery-role").op, "create");
        assert.deepEqual(named(rs, "discovery-role").inputs.permissions, ["container.clusters.update"]);
        assert.ok(
            notes.some((n) =>
                n.message.startsWith(
                    `custom role projects/${P}/roles/MDCGkeClusterWriteRole is soft-deleted: creating it undeletes it`,
                ),
            ),
        );
    });

    const refused: [string, unknown, RegExp][] = [
        [
            "a soft-deleted pool",
            { projects: { [P]: { workloadIdentityPools: [{ poolId: POOL, state: "DELETED" }] } } },
            new RegExp(
                `^config key "gcp.workloadIdentity.poolId" has value "${POOL}"; expected an id that is not soft-deleted: workload identity pool projects/${P}/locations/global/workloadIdentityPools/${POOL} is DELETED and GCP keeps its id for about 30 days; undelete it \\(gcloud iam workload-identity-pools undelete ${POOL} --location=global --project=${P}\\) or choose another pool id$`,
            ),
        ],
        [
            "a provider trusting another issuer",
            {
                projects: {
                    [P]: {
                        workloadIdentityPools: [
                            {
                                poolId: POOL,
                                providers: [
                                    {
                                        providerId: "containers",
                                        issuerUri: "https://token.actions.githubusercontent.com",
                                        allowedAudiences: [AUDIENCE],
                                    },
                                ],
                            },
                        ],
                    },
                },
            },
            /^config key "gcp.workloadIdentity.providerId" has value "containers"; expected a provider trusting issuer https:\/\/sts.windows.net\/33e01921-4d64-4f8c-a055-5bdaffd5e33d\/ for audience api:\/\/6610e979-c931-41ec-adc7-b9920c9d52f1 only; the existing .* trusts issuer https:\/\/token.actions.githubusercontent.com/,
        ],
        [
            "a denied lookup",
            {
                projects: {
                    [P]: {
                        failures: {
                            "iam.projects.roles.get":
                                "Google answered 403 PERMISSION_DENIED: Permission 'iam.roles.get' denied",
                        },
                    },
                },
            },
            /^cloud lookup iam.projects.roles.get in projects\/contoso-payments-prod failed: Google answered 403 PERMISSION_DENIED: Permission 'iam.roles.get' denied; nothing is declared/,
        ],
        [
            "a project the state does not describe",
            { projects: {} },
            /^cloud-state file \(test state\): key "gcp.projects.contoso-payments-prod" is missing; expected what exists in the project the stack reads/,
        ],
        [
            "a cloud-state key of the wrong type",
            { projects: { [P]: { clusters: [{ name: "gke-a", location: "europe-west1", labels: ["a"] }] } } },
            /^cloud-state file \(test state\): key "gcp.projects.contoso-payments-prod.clusters\[0\].labels" has value \["a"\]; expected a map of string keys to string values$/,
        ],
        [
            "an unknown failure call",
            { projects: { [P]: { failures: { "iam.roles.list": "x" } } } },
            /^cloud-state file \(test state\): key "gcp.projects.contoso-payments-prod.failures.iam.roles.list" has value "x"; expected a Google API method this stack calls: container.projects.locations.clusters.list, /,
        ],
    ];
    for (const [what, state, message] of refused) {
        it(`stops on ${what} with one message and declares nothing`, async () => {
            await takeNotes();
            let rs: PlanResource[] = [];
            await assert.rejects(
                async () => {
                    rs = await registered(() => onboardGcp(config(), {}, cloudSource(), stateLookup(state)));
                },
                (e: Error) => message.test(e.message) || assert.fail(e.message),
            );
            assert.deepEqual(rs, []);
        });
    }

    it("explicit list: a listed cluster the cloud does not have is an error naming it and what GKE lists", async () => {
        const cfg = config({
            clusters: [
                { name: "gke-payments", location: "europe-west1" },
                { name: "gke-orders", location: "europe-west1" },
            ],
        });
        await assert.rejects(run(defenderOn(), cfg), {
            name: "ConfigError",
            message: `config key "gcp.clusters[1]" has value "${P}/europe-west1/gke-orders"; expected a cluster that discovery found in project ${P}; it found ${P}/europe-west1/gke-payments, ${P}/us-central1/gke-payments`,
        });
        const ok = await run(defenderOn(), config({ clusters: [{ name: "gke-payments", location: "us-central1" }] }));
        assert.deepEqual(ok.out.discoveredClusters, [`projects/${P}/locations/us-central1/clusters/gke-payments`]);
        assert.deepEqual(ok.out.excludedClusters, [`projects/${P}/locations/europe-west1/clusters/gke-payments`]);
        assert.ok(
            ok.notes.some(
                (n) =>
                    n.kind === "excluded" &&
                    n.subject === `projects/${P}/locations/europe-west1/clusters/gke-payments` &&
                    n.message === "left out: not listed in gcp.clusters",
            ),
        );
    });

    it("organization scope: clusters of every listed project, grants and role looked up and imported at the organization", async () => {
        const cfg = config({
            scope: "organization",
            organizationId: ORG,
            discovery: { projects: [P, "contoso-shop-prod"] },
        });
        const state = {
            projects: {
                [P]: {
                    clusters: [cluster("gke-payments", "europe-west1")],
                    serviceAccounts: [{ accountId: "mdc-containers-k8s-operator" }],
                },
                "contoso-shop-prod": { clusters: [cluster("gke-payments", "europe-west1")] },
            },
            organizations: {
                [ORG]: {
                    customRoles: [
                        {
                            roleId: "MDCGkeClusterWriteRole",
                            title: "MDC GKE Cluster Write Role",
                            permissions: ["container.clusters.update"],
                            stage: "ALPHA",
                        },
                    ],
                    grants: [{ role: "roles/container.viewer", member: MEMBER }],
                },
            },
        };
        const { rs, out } = await run(state, cfg);
        assert.deepEqual(
            ops(rs).filter((o) => o.startsWith("import")),
            [
                `import discovery-container-viewer <- ${ORG} roles/container.viewer ${MEMBER}`,
                `import discovery-role <- organizations/${ORG}/roles/MDCGkeClusterWriteRole`,
                `import discovery-sa <- projects/${P}/serviceAccounts/${EMAIL}`,
            ],
        );
        assert.deepEqual(out.discoveredClusters, [
            `projects/${P}/locations/europe-west1/clusters/gke-payments`,
            "projects/contoso-shop-prod/locations/europe-west1/clusters/gke-payments",
        ]);
    });
});
