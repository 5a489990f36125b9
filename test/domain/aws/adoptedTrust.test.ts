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

describe("adopted discovery role: trusts that are not the one this stack writes", () => {
    const defender = trustPolicy(OURS, TENANT).Statement[0];

    it("accepts Defender's statement beside others: ones without a principal, one for an AWS service", () => {
        const doc = {
            Version: "2012-10-17",
            Statement: [
                { Effect: "Allow", Action: "sts:TagSession" },
                { Effect: "Allow", Action: "sts:AssumeRoleWithWebIdentity" },
                { Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" },
                null,
                defender,
            ],
        };
        assert.equal(adoptedTrustProblem(JSON.stringify(doc), OURS, TENANT), undefined);
    });

    it("refuses Defender's statement when it denies instead of allowing", () => {
        const doc = { Version: "2012-10-17", Statement: [{ ...defender, Effect: "Deny" }] };
        assert.equal(adoptedTrustProblem(JSON.stringify(doc), OURS, TENANT), NO_STATEMENT);
    });

    it("refuses a trust with no statement, a null one, and text that is not JSON", () => {
        for (const text of ['{"Version":"2012-10-17"}', '{"Statement":null}', "null"]) {
            assert.equal(adoptedTrustProblem(text, OURS, TENANT), NO_STATEMENT, text);
        }
        assert.equal(adoptedTrustProblem("{not json", OURS, TENANT), "its trust policy is not valid JSON");
    });
});
