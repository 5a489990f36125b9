import { cloudSource } from "../../../lookup/source";
import { strict as assert } from "assert";
import { loadGcpConfig } from "../../../config/gcp";
import { onboardGcp } from "../../../stack/gcp/onboarding";
import { byType, one, registered, takeNotes } from "../../helpers/pulumi";
import { stateLookup } from "../../helpers/gcpStateLookup";

describe("onboardGcp (organization scope, no connector, audit logs managed elsewhere)", () => {
    it("grants at the organization, skips the audit config and the connector, and says what is left to do", async () => {
        const cfg = loadGcpConfig(
            {
                projectId: "contoso-mgmt-01",
                projectNumber: "918273645501",
                scope: "organization",
                organizationId: "731946285017",
                workloadIdentity: { poolId: "defender-pool" },
                auditLogs: { enabled: false },
                connector: { enabled: false },
            },
            "gcp",
        );
        await takeNotes();
        const state = stateLookup({
            projects: { "contoso-mgmt-01": { clusters: [] } },
            organizations: { "731946285017": {} },
        });
        const rs = await registered(() => onboardGcp(cfg, {}, cloudSource(), state));
        assert.equal(one(rs, "gcp:organizations/iAMCustomRole:IAMCustomRole").inputs.orgId, "731946285017");
        assert.equal(byType(rs, "gcp:organizations/iAMMember:IAMMember").length, 2);
        assert.equal(
            one(rs, "gcp:serviceaccount/iAMMember:IAMMember").inputs.member,
            "principalSet://iam.googleapis.com/projects/918273645501/locations/global/workloadIdentityPools/defender-pool/*",
        );
        for (const absent of [
            "gcp:projects/iAMCustomRole:IAMCustomRole",
            "gcp:projects/iAMMember:IAMMember",
            "gcp:projects/iAMAuditConfig:IAMAuditConfig",
            "gcp:organizations/iamAuditConfig:IamAuditConfig",
            "azure-native:security:SecurityConnector",
            "pulumi:providers:azure-native",
        ]) {
            assert.equal(byType(rs, absent).length, 0, absent);
        }
        const notes = await takeNotes();
        assert.deepEqual(
            notes.map((n) => n.kind),
            ["info", "manual-step", "manual-step", "info"],
        );
        assert.match(
            notes[0].message,
            /^MDCGkeContainerInventoryCollectionRole not granted \(gcp.inventoryRole: false\): .*container.secrets.list would let Defender read every Secret/,
        );
    });
});
