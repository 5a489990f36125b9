import { strict as assert } from "assert";
import { AUDIENCE_CONDITION_KEY, DEFENDER_AUDIENCE, SESSION_NAME_CONDITION_KEY } from "../../../domain/aws/facts";
import { adoptedTrustProblem, sessionName, trustPolicy } from "../../../domain/aws/policyDocuments";

const TENANT = "7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f";
const ISSUER_PATH = "sts.windows.net/33e01921-4d64-4f8c-a055-5bdaffd5e33d/";
const OURS = `arn:aws:iam::210987654321:oidc-provider/${ISSUER_PATH}`;
const OTHER = "arn:aws:iam::210987654321:oidc-provider/token.actions.githubusercontent.com";
const NO_STATEMENT =
    `its trust policy has no statement allowing sts:AssumeRoleWithWebIdentity from ${OURS} with StringEquals ` +
    `${AUDIENCE_CONDITION_KEY} = ${DEFENDER_AUDIENCE} and ${SESSION_NAME_CONDITION_KEY} = MicrosoftDefenderForClouds_<azureTenantId>`;

describe("adopted discovery role: its trust", () => {
    it("accepts the trust this stack would write", () => {
        assert.equal(adoptedTrustProblem(JSON.stringify(trustPolicy(OURS, TENANT)), OURS, TENANT), undefined);
    });

    it("refuses a trust that names another OIDC provider, even with Defender's audience and session name", () => {
        const other = JSON.stringify(trustPolicy(OTHER, TENANT));
        assert.equal(adoptedTrustProblem(other, OURS, TENANT), NO_STATEMENT);
    });

    it("refuses a trust without the audience or the session name of this tenant", () => {
        const noAudience = trustPolicy(OURS, TENANT);
        delete noAudience.Statement[0].Condition!.StringEquals[AUDIENCE_CONDITION_KEY];
        assert.equal(adoptedTrustProblem(JSON.stringify(noAudience), OURS, TENANT), NO_STATEMENT);
        const otherTenant = trustPolicy(OURS, TENANT);
        otherTenant.Statement[0].Condition!.StringEquals[SESSION_NAME_CONDITION_KEY] = sessionName(
            "00000000-0000-0000-0000-000000000000",
        );
        assert.equal(adoptedTrustProblem(JSON.stringify(otherTenant), OURS, TENANT), NO_STATEMENT);
    });
});
