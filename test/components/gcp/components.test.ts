import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import * as gcpIam from "@pulumi/gcp/iam";
import * as gcpOrganizations from "@pulumi/gcp/organizations";
import { Project } from "@pulumi/gcp/organizations";
import * as gcpProjects from "@pulumi/gcp/projects";
import * as gcpServiceAccount from "@pulumi/gcp/serviceaccount";
import { ResourceGroup } from "@pulumi/azure-native/resources";
import { SecurityConnector } from "@pulumi/azure-native/security";
import { GkeDiscoveryAccess } from "../../../components/gcp/gkeDiscoveryAccess";
import { WorkloadIdentityFederation } from "../../../components/gcp/workloadIdentityFederation";
import { GkeAuditLogs } from "../../../components/gcp/gkeAuditLogs";
import { DefenderGcpConnector } from "../../../components/gcp/defenderConnector";
import { principalSetFromPoolName } from "../../../domain/gcp/identifiers";
import { GCP_TYPES } from "../../../domain/gcp/facts";
import { byType, one, registered } from "../../helpers/pulumi";
import { later } from "../../helpers/outputs";

const PROJECT = "contoso-payments-prod";
const NUMBER = "482915736204";
const ORG = "731946285017";
const POOL = "7c1e4b2a93d54f68a0b72e5d9c8f1a36";
const EMAIL = `mdc-containers-k8s-operator@${PROJECT}.iam.gserviceaccount.com`;

describe("GCP components", () => {
    it("GkeDiscoveryAccess (project scope): the service account, the custom role with exactly container.clusters.update, and two non-authoritative grants", async () => {
        const rs = await registered(
            () => {
                new GkeDiscoveryAccess("g1", { projectId: PROJECT, scope: "project" });
            },
            { gcpProject: PROJECT },
        );
        const sa = one(rs, "gcp:serviceaccount/account:Account");
        assert.equal(sa.inputs.accountId, "mdc-containers-k8s-operator");
        assert.equal(sa.inputs.project, PROJECT);

        const role = one(rs, "gcp:projects/iAMCustomRole:IAMCustomRole");
        assert.deepEqual(role.inputs.permissions, ["container.clusters.update"]);
        assert.equal(role.inputs.roleId, "MDCGkeClusterWriteRole");
        assert.equal(role.inputs.project, PROJECT);

        const grants = byType(rs, "gcp:projects/iAMMember:IAMMember");
        assert.deepEqual(grants.map((g) => [g.name, g.inputs.project, g.inputs.role, g.inputs.member]).sort(), [
            [
                "g1-cluster-write",
                PROJECT,
                `projects/${PROJECT}/roles/MDCGkeClusterWriteRole`,
                `serviceAccount:${EMAIL}`,
            ],
            ["g1-container-viewer", PROJECT, "roles/container.viewer", `serviceAccount:${EMAIL}`],
        ]);
        // Authoritative IAM resources would wipe the bindings others made.
        assert.equal(rs.filter((r) => /IAM(Policy|Binding)|iamPolicy|iamBinding/i.test(r.type)).length, 0);
        assert.equal(rs.filter((r) => r.type.startsWith("gcp:organizations/")).length, 0);
        assert.ok(rs.filter((r) => r.custom).every((r) => r.parent === "g1"));
    });

    it("GkeDiscoveryAccess (organization scope): role and grants at the organization, service account in the project, names customized", async () => {
        const rs = await registered(
            () => {
                new GkeDiscoveryAccess("g2", {
                    projectId: PROJECT,
                    scope: "organization",
                    organizationId: ORG,
                    serviceAccountName: "defender-gke-discovery",
                    customRoleId: "contoso.gkeClusterWrite",
                });
            },
            { gcpProject: PROJECT },
        );
        const email = `defender-gke-discovery@${PROJECT}.iam.gserviceaccount.com`;
        assert.equal(one(rs, "gcp:serviceaccount/account:Account").inputs.accountId, "defender-gke-discovery");
        const role = one(rs, "gcp:organizations/iAMCustomRole:IAMCustomRole");
        assert.deepEqual(role.inputs.permissions, ["container.clusters.update"]);
        assert.equal(role.inputs.roleId, "contoso.gkeClusterWrite");
        assert.equal(role.inputs.orgId, ORG);
        const grants = byType(rs, "gcp:organizations/iAMMember:IAMMember");
        assert.deepEqual(grants.map((g) => [g.inputs.orgId, g.inputs.role, g.inputs.member]).sort(), [
            [ORG, `organizations/${ORG}/roles/contoso.gkeClusterWrite`, `serviceAccount:${email}`],
            [ORG, "roles/container.viewer", `serviceAccount:${email}`],
        ]);
        assert.equal(
            byType(rs, "gcp:projects/iAMMember:IAMMember").length +
                byType(rs, "gcp:projects/iAMCustomRole:IAMCustomRole").length,
            0,
        );
    });

    it("WorkloadIdentityFederation: pool, OIDC provider trusting Microsoft's issuer and audience, and the principal set as workload identity user", async () => {
        const saName = `projects/${PROJECT}/serviceAccounts/${EMAIL}`;
        const rs = await registered(
            () => {
                new WorkloadIdentityFederation("f1", {
                    projectId: PROJECT,
                    projectNumber: NUMBER,
                    poolId: POOL,
                    serviceAccountName: saName,
                });
            },
            { gcpProject: PROJECT },
        );
        const pool = one(rs, "gcp:iam/workloadIdentityPool:WorkloadIdentityPool");
        assert.equal(pool.inputs.workloadIdentityPoolId, POOL);
        assert.equal(pool.inputs.project, PROJECT);
        assert.equal(pool.inputs.disabled, false);

        const provider = one(rs, "gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider");
        assert.equal(provider.inputs.workloadIdentityPoolId, POOL);
        assert.equal(provider.inputs.workloadIdentityPoolProviderId, "containers");
        assert.deepEqual(provider.inputs.oidc, {
            issuerUri: "https://sts.windows.net/33e01921-4d64-4f8c-a055-5bdaffd5e33d/",
            allowedAudiences: ["api://6610e979-c931-41ec-adc7-b9920c9d52f1"],
        });
        assert.deepEqual(provider.inputs.attributeMapping, { "google.subject": "assertion.sub" });
        assert.equal(provider.inputs.attributeCondition, undefined);

        const user = one(rs, "gcp:serviceaccount/iAMMember:IAMMember");
        assert.equal(user.inputs.role, "roles/iam.workloadIdentityUser");
        assert.equal(user.inputs.serviceAccountId, saName);
        assert.equal(
            user.inputs.member,
            `principalSet://iam.googleapis.com/projects/${NUMBER}/locations/global/workloadIdentityPools/${POOL}/*`,
        );

        // The component records its identifiers for reviewers and policies.
        assert.deepEqual(one(rs, "agentless:gcp:WorkloadIdentityFederation").inputs, {
            projectId: PROJECT,
            projectNumber: NUMBER,
            poolId: POOL,
            providerId: "containers",
        });
    });

    it("the principal set comes from the pool GCP created, and a pool in another project number is refused", () => {
        assert.equal(
            principalSetFromPoolName(
                "federation",
                `projects/${NUMBER}/locations/global/workloadIdentityPools/${POOL}`,
                PROJECT,
                NUMBER,
            ),
            `principalSet://iam.googleapis.com/projects/${NUMBER}/locations/global/workloadIdentityPools/${POOL}/*`,
        );
        assert.throws(
            () =>
                principalSetFromPoolName(
                    "federation",
                    `projects/111111111111/locations/global/workloadIdentityPools/${POOL}`,
                    PROJECT,
                    NUMBER,
                ),
            {
                message:
                    `federation (WorkloadIdentityFederation): projectNumber is ${NUMBER}, but GCP reports project ${PROJECT} as number 111111111111; ` +
                    "correct projectNumber (in this package's program: the stack config gcp.projectNumber)",
            },
        );
        assert.throws(
            () =>
                principalSetFromPoolName(
                    "federation",
                    `projects/${PROJECT}/locations/global/workloadIdentityPools/${POOL}`,
                    PROJECT,
                    NUMBER,
                ),
            /is not in the form/,
        );
    });

    it("GkeAuditLogs: Data Access audit logs for container.googleapis.com, in the project or the organization", async () => {
        const rs = await registered(() => {
            new GkeAuditLogs("a1", { scope: "project", projectId: PROJECT });
            new GkeAuditLogs("a2", { scope: "organization", projectId: PROJECT, organizationId: ORG });
        });
        const project = one(rs, "gcp:projects/iAMAuditConfig:IAMAuditConfig");
        assert.deepEqual(project.inputs, {
            project: PROJECT,
            service: "container.googleapis.com",
            auditLogConfigs: [{ logType: "ADMIN_READ" }, { logType: "DATA_READ" }, { logType: "DATA_WRITE" }],
        });
        const org = one(rs, "gcp:organizations/iamAuditConfig:IamAuditConfig");
        assert.deepEqual(org.inputs, {
            orgId: ORG,
            service: "container.googleapis.com",
            auditLogConfigs: [{ logType: "ADMIN_READ" }, { logType: "DATA_READ" }, { logType: "DATA_WRITE" }],
        });
        assert.equal(org.parent, "a2");
    });

    const connectorInputs = {
        resourceGroupName: "rg-defender-connectors",
        securityConnectorName: "gcp-contoso",
        location: "westeurope",
        environmentName: "GCP",
        hierarchyIdentifier: NUMBER,
        environmentData: {
            environmentType: "GcpProject",
            projectDetails: { projectId: PROJECT, projectNumber: NUMBER },
        },
        offerings: [
            {
                offeringType: "DefenderForContainersGcp",
                mdcContainersAgentlessDiscoveryK8S: {
                    enabled: true,
                    workloadIdentityProviderId: "containers",
                    serviceAccountEmailAddress: EMAIL,
                },
                enableAuditLogsAutoProvisioning: false,
                enableDefenderAgentAutoProvisioning: false,
                enablePolicyAgentAutoProvisioning: false,
            },
        ],
    };

    it("DefenderGcpConnector: a GCP security connector on the project number with agentless discovery on the federated account", async () => {
        const rs = await registered(() => {
            new DefenderGcpConnector("d1", {
                projectId: PROJECT,
                projectNumber: NUMBER,
                resourceGroupName: "rg-defender-connectors",
                location: "westeurope",
                connectorName: "gcp-contoso",
                workloadIdentityProviderId: pulumi.output("containers"),
                serviceAccountEmailAddress: EMAIL,
            });
        });
        assert.deepEqual(one(rs, "azure-native:security:SecurityConnector").inputs, connectorInputs);
    });

    it("DefenderGcpConnector given outputs of a user's program (docs/library.md): its project's id, a resource group's location, a later project number and group name", async () => {
        const rs = await registered(() => {
            const project = new Project("d2-project", { projectId: PROJECT, name: "Payments" });
            const rg = new ResourceGroup("d2-rg", {
                resourceGroupName: "rg-defender-connectors",
                location: "westeurope",
            });
            new DefenderGcpConnector("d2", {
                projectId: project.projectId,
                projectNumber: later(NUMBER),
                resourceGroupName: later("rg-defender-connectors"),
                location: rg.location,
                connectorName: "gcp-contoso",
                workloadIdentityProviderId: later("containers"),
                serviceAccountEmailAddress: later(EMAIL),
            });
        });
        assert.deepEqual(one(rs, "azure-native:security:SecurityConnector", "d2-connector").inputs, connectorInputs);
    });
});

describe("GCP_TYPES", () => {
    it("spells each type token the way @pulumi/gcp registers it", () => {
        const classes: Record<string, object> = {
            serviceAccount: gcpServiceAccount.Account,
            serviceAccountIamMember: gcpServiceAccount.IAMMember,
            projectCustomRole: gcpProjects.IAMCustomRole,
            projectIamMember: gcpProjects.IAMMember,
            projectAuditConfig: gcpProjects.IAMAuditConfig,
            organizationCustomRole: gcpOrganizations.IAMCustomRole,
            organizationIamMember: gcpOrganizations.IAMMember,
            organizationAuditConfig: gcpOrganizations.IamAuditConfig,
            workloadIdentityPool: gcpIam.WorkloadIdentityPool,
            workloadIdentityPoolProvider: gcpIam.WorkloadIdentityPoolProvider,
            securityConnector: SecurityConnector,
        };
        for (const [key, cls] of Object.entries(classes)) {
            // The type token each generated class carries (an @internal static, absent from the declarations).
            assert.equal(GCP_TYPES[key as keyof typeof GCP_TYPES], (cls as { __pulumiType: string }).__pulumiType, key);
        }
    });
});
