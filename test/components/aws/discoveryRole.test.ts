import { strict as assert } from "assert";
import { DiscoveryRole } from "../../../components/aws/discoveryRole";
import { one, registered } from "../../helpers/pulumi";

const ACCOUNT = "210987654321";
const TENANT = "7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f";

describe("DiscoveryRole: session length", () => {
    for (const accessMode of ["least-privilege", "access-entries"] as const) {
        it(`limits Defender's sessions to one hour (${accessMode})`, async () => {
            const rs = await registered(
                () => {
                    new DiscoveryRole("dr", {
                        accessMode,
                        azureTenantId: TENANT,
                        clusterArns: [`arn:aws:eks:eu-west-1:${ACCOUNT}:cluster/a`],
                    });
                },
                { awsAccountId: ACCOUNT },
            );
            assert.equal(one(rs, "aws:iam/role:Role").inputs.maxSessionDuration, 3600);
        });
    }
});
