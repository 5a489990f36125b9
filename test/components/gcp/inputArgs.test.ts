import { strict as assert } from "assert";
import { Project } from "@pulumi/gcp/organizations";
import {
    WorkloadIdentityFederation,
    WorkloadIdentityFederationArgs,
} from "../../../components/gcp/workloadIdentityFederation";
import { DefenderGcpConnector } from "../../../components/gcp/defenderConnector";
import { GkeAuditLogs } from "../../../components/gcp/gkeAuditLogs";
import { one, registered } from "../../helpers/pulumi";
import { later, smuggled } from "../../helpers/outputs";

const PROJECT = "lib-apps-4711";
const NUMBER = "482915736204";
const ORG = "123456789012";
const EMAIL = `mdc-discovery@${PROJECT}.iam.gserviceaccount.com`;
const AUDIT_LOG_CONFIGS = [{ logType: "ADMIN_READ" }, { logType: "DATA_READ" }, { logType: "DATA_WRITE" }];

/** The program's own project: its projectId and orgId are outputs of a (mocked) gcp.organizations.Project. */
const userProject = () => new Project(`${PROJECT}-project`, { projectId: PROJECT, name: "Apps", orgId: ORG });

// DefenderGcpConnector given outputs: test/components/gcp/components.test.ts, beside the same connector from plain values.
describe("GCP components given outputs of a user's program (docs/library.md)", () => {
    // The pool's name, as GCP answers it, is spelled with the project number (the mock learns it here).
    const context = { gcpProjectNumbers: { [PROJECT]: NUMBER } };

    it("WorkloadIdentityFederation: the pool, its provider and the impersonation grant in the program's project, checked against an output project number", async () => {
        const rs = await registered(() => {
            new WorkloadIdentityFederation("lib-wif", {
                projectId: userProject().projectId,
                projectNumber: later(NUMBER),
                poolId: "defender-pool",
                serviceAccountName: later(`projects/${PROJECT}/serviceAccounts/${EMAIL}`),
            });
        }, context);
        assert.deepEqual(one(rs, "agentless:gcp:WorkloadIdentityFederation", "lib-wif").inputs, {
            projectId: PROJECT,
            projectNumber: NUMBER,
            poolId: "defender-pool",
            providerId: "containers",
        });
        assert.deepEqual(one(rs, "gcp:iam/workloadIdentityPool:WorkloadIdentityPool", "lib-wif-pool").inputs, {
            project: PROJECT,
            workloadIdentityPoolId: "defender-pool",
            displayName: "Microsoft Defender for Cloud",
            description:
                "Federates Microsoft Defender for Cloud's identities (Entra tokens) for agentless discovery [managed by the agentless-discovery Pulumi stack]",
            disabled: false,
        });
        assert.deepEqual(
            one(rs, "gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider", "lib-wif-provider").inputs,
            {
                project: PROJECT,
                workloadIdentityPoolId: "defender-pool",
                workloadIdentityPoolProviderId: "containers",
                displayName: "Defender for Containers",
                description:
                    "Trusts tokens from Microsoft's tenant for Defender's application [managed by the agentless-discovery Pulumi stack]",
                disabled: false,
                attributeMapping: { "google.subject": "assertion.sub" },
                oidc: {
                    issuerUri: "https://sts.windows.net/33e01921-4d64-4f8c-a055-5bdaffd5e33d/",
                    allowedAudiences: ["api://6610e979-c931-41ec-adc7-b9920c9d52f1"],
                },
            },
        );
        assert.deepEqual(one(rs, "gcp:serviceaccount/iAMMember:IAMMember", "lib-wif-workload-identity-user").inputs, {
            serviceAccountId: `projects/${PROJECT}/serviceAccounts/${EMAIL}`,
            role: "roles/iam.workloadIdentityUser",
            member: `principalSet://iam.googleapis.com/projects/${NUMBER}/locations/global/workloadIdentityPools/defender-pool/*`,
        });
    });

    it("GkeAuditLogs: the audit config of the program's project, and of its organization given as an output", async () => {
        const rs = await registered(() => {
            const project = userProject();
            new GkeAuditLogs("lib-audit", { scope: "project", projectId: project.projectId });
            new GkeAuditLogs("lib-audit-org", {
                scope: "organization",
                projectId: project.projectId,
                organizationId: project.orgId.apply((id) => id ?? ""),
            });
        }, context);
        assert.deepEqual(one(rs, "gcp:projects/iAMAuditConfig:IAMAuditConfig", "lib-audit-container").inputs, {
            project: PROJECT,
            service: "container.googleapis.com",
            auditLogConfigs: AUDIT_LOG_CONFIGS,
        });
        assert.deepEqual(one(rs, "gcp:organizations/iamAuditConfig:IamAuditConfig", "lib-audit-org-container").inputs, {
            orgId: ORG,
            service: "container.googleapis.com",
            auditLogConfigs: AUDIT_LOG_CONFIGS,
        });
    });

    describe("stops on an output where a plain value is required, naming the argument, the component and why", () => {
        const wif = (over: Partial<WorkloadIdentityFederationArgs>) => () =>
            new WorkloadIdentityFederation("lib-wif-bad", {
                projectId: PROJECT,
                projectNumber: NUMBER,
                poolId: "defender-pool",
                serviceAccountName: `projects/${PROJECT}/serviceAccounts/${EMAIL}`,
                ...over,
            });
        const cases: [string, () => unknown, string][] = [
            [
                "WorkloadIdentityFederation poolId",
                wif({ poolId: smuggled(later("defender-pool")) }),
                "lib-wif-bad (WorkloadIdentityFederation): poolId must be a plain value, not an output: it names the workload identity pool",
            ],
            [
                "WorkloadIdentityFederation providerId",
                wif({ providerId: smuggled(later("containers")) }),
                "lib-wif-bad (WorkloadIdentityFederation): providerId must be a plain value, not an output: it names the pool's provider",
            ],
            [
                "WorkloadIdentityFederation adopt",
                wif({ adopt: { impersonationImportId: smuggled(later("x")) } }),
                "lib-wif-bad (WorkloadIdentityFederation): adopt.impersonationImportId must be a plain value, not an output: adopted objects are imported by id, with the inputs they have",
            ],
            [
                "DefenderGcpConnector connectorName",
                () =>
                    new DefenderGcpConnector("lib-gcp-connector-bad", {
                        projectId: PROJECT,
                        projectNumber: NUMBER,
                        resourceGroupName: "rg",
                        location: "westeurope",
                        connectorName: smuggled(later("gcp-apps")),
                        workloadIdentityProviderId: "containers",
                        serviceAccountEmailAddress: EMAIL,
                    }),
                "lib-gcp-connector-bad (DefenderGcpConnector): connectorName must be a plain value, not an output: it names the security connector",
            ],
            [
                "DefenderGcpConnector adopt",
                () =>
                    new DefenderGcpConnector("lib-gcp-connector-bad2", {
                        projectId: PROJECT,
                        projectNumber: NUMBER,
                        resourceGroupName: "rg",
                        location: "westeurope",
                        connectorName: "gcp-apps",
                        workloadIdentityProviderId: "containers",
                        serviceAccountEmailAddress: EMAIL,
                        adopt: smuggled(later({})),
                    }),
                "lib-gcp-connector-bad2 (DefenderGcpConnector): adopt must be a plain value, not an output: an existing connector is imported by its id",
            ],
            [
                "GkeAuditLogs scope",
                () =>
                    new GkeAuditLogs("lib-audit-bad", {
                        scope: smuggled(later("organization")),
                        projectId: PROJECT,
                        organizationId: ORG,
                    }),
                "lib-audit-bad (GkeAuditLogs): scope must be a plain value, not an output: it decides whether the project's or the organization's audit config exists",
            ],
        ];
        for (const [what, make, message] of cases) {
            it(what, () => assert.throws(make, { message }));
        }
    });
});
