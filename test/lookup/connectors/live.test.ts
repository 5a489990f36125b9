import { strict as assert } from "assert";
import type { AccessToken, TokenCredential } from "@azure/core-auth";
import { LookupError } from "../../../lib/errors";
import { liveAwsLookup } from "../../../lookup/aws/live";
import { liveGcpLookup } from "../../../lookup/gcp/live";
import { ArmReadOptions, listSecurityConnectors } from "../../../lookup/connectors/live";
import { SECURITY_CONNECTORS_API_VERSION } from "../../../domain/shared/securityConnectors";
import {
    Answer,
    CloudApiServer,
    RecordedCall,
    selfSignedCert,
    startCloudApiServer,
} from "../../fixtures/cloudApiServer";

// ARM's SecurityConnectors_List over HTTPS on loopback, shaped like the spec's example answer
// (Azure/azure-rest-api-specs .../2024-08-01-preview/examples/SecurityConnectors/GetSecurityConnectorsSubscription_example.json).
const SUB = "3f2a9c1e-7b4d-4e8a-9c62-1d5e8f0a7b34";
const DENIED = "99999999-1111-2222-3333-444444444444";
const UNREGISTERED = "77777777-1111-2222-3333-444444444444";
// Microsoft.Security's own answer for an unregistered subscription (Azure/azure-sdk-for-go issue #19900).
const SECURITY_UNREGISTERED = "66666666-1111-2222-3333-444444444444";
// A subscription ARM does not know.
const GONE = "55555555-1111-2222-3333-444444444444";
const TOKEN = "fixture-arm-token";
const LIST = `/subscriptions/${SUB}/providers/Microsoft.Security/securityConnectors`;
// ARM spells resource groups in lower case in some answers: ids are parsed case-insensitively.
const AWS_ID = `/subscriptions/${SUB}/resourcegroups/rg-defender-portal/providers/Microsoft.Security/securityConnectors/aws-prod-account`;
const GCP_ID = `/subscriptions/${SUB}/resourceGroups/rg-mdc/providers/Microsoft.Security/securityConnectors/contoso-payments-prod`;
const GITHUB_ID = `/subscriptions/${SUB}/resourceGroups/rg-mdc/providers/Microsoft.Security/securityConnectors/github`;

const credential: TokenCredential = {
    async getToken(): Promise<AccessToken> {
        return { token: TOKEN, expiresOnTimestamp: Date.now() + 3_600_000 };
    },
};

const awsConnector = {
    id: AWS_ID,
    name: "aws-prod-account",
    type: "Microsoft.Security/securityConnectors",
    etag: "e",
    kind: "",
    location: "westeurope",
    tags: { owner: "secops" },
    systemData: { createdBy: "user@contoso.com" },
    properties: {
        hierarchyIdentifier: "111122223333",
        hierarchyIdentifierTrialEndDate: "2026-12-01T00:00:00Z",
        environmentName: "AWS",
        environmentData: { environmentType: "AwsAccount", scanInterval: 4, accountName: "prod" },
        offerings: [
            {
                offeringType: "DefenderForContainersAws",
                description: "read-only text",
                mdcContainersAgentlessDiscoveryK8s: {
                    enabled: true,
                    cloudRoleArn: "arn:aws:iam::111122223333:role/MDCContainersAgentlessDiscoveryK8sRole",
                },
            },
        ],
    },
};

function route(c: RecordedCall, base: string): Answer | undefined {
    if (c.authorization !== `Bearer ${TOKEN}`)
        return { status: 401, body: { error: { code: "AuthenticationFailed", message: "no bearer token" } } };
    if (c.query["api-version"] !== SECURITY_CONNECTORS_API_VERSION)
        return {
            status: 400,
            body: { error: { code: "InvalidApiVersionParameter", message: c.query["api-version"] } },
        };
    if (c.path === `/subscriptions/${DENIED}/providers/Microsoft.Security/securityConnectors`) {
        return {
            status: 403,
            body: {
                error: {
                    code: "AuthorizationFailed",
                    message: `The client 'ci' does not have authorization to perform action 'Microsoft.Security/securityConnectors/read' over scope '/subscriptions/${DENIED}'.`,
                },
            },
        };
    }
    if (c.path === `/subscriptions/${UNREGISTERED}/providers/Microsoft.Security/securityConnectors`) {
        return {
            status: 409,
            body: {
                error: {
                    code: "MissingSubscriptionRegistration",
                    message: "The subscription is not registered to use namespace 'Microsoft.Security'.",
                },
            },
        };
    }
    if (c.path === `/subscriptions/${SECURITY_UNREGISTERED}/providers/Microsoft.Security/securityConnectors`) {
        return {
            status: 404,
            body: {
                error: {
                    code: "Subscription Not Registered",
                    message: "Please register to Microsoft.Security in order to view your security status",
                },
            },
        };
    }
    if (c.path === `/subscriptions/${GONE}/providers/Microsoft.Security/securityConnectors`) {
        return {
            status: 404,
            body: {
                error: { code: "SubscriptionNotFound", message: `The subscription '${GONE}' could not be found.` },
            },
        };
    }
    if (c.path !== LIST) return undefined;
    if (c.query.$skipToken === "2") {
        return {
            body: {
                value: [
                    {
                        id: GCP_ID,
                        name: "contoso-payments-prod",
                        location: "westeurope",
                        properties: {
                            hierarchyIdentifier: "482915736204",
                            environmentName: "GCP",
                            environmentData: {
                                environmentType: "GcpProject",
                                projectDetails: {
                                    projectId: "contoso-payments-prod",
                                    projectNumber: "482915736204",
                                    workloadIdentityPoolId: "p",
                                    projectName: "Payments",
                                },
                            },
                            offerings: [{ offeringType: "CspmMonitorGcp" }],
                        },
                    },
                    {
                        id: GITHUB_ID,
                        name: "github",
                        location: "centralus",
                        properties: {
                            hierarchyIdentifier: "/subscriptions/x",
                            environmentName: "Github",
                            environmentData: { environmentType: "GithubScope" },
                            offerings: [],
                        },
                    },
                ],
            },
        };
    }
    return {
        body: {
            value: [awsConnector],
            nextLink: `${base}${LIST}?api-version=${SECURITY_CONNECTORS_API_VERSION}&$skipToken=2`,
        },
    };
}

describe("security connector lookup (ARM SecurityConnectors_List) against an HTTPS fixture", () => {
    // bearerTokenAuthenticationPolicy refuses plain HTTP: the fixture speaks TLS with a throw-away certificate.
    const fixture: { arm?: CloudApiServer; ca?: string } = {};
    before(async () => {
        const cert = selfSignedCert();
        Object.assign(fixture, { ca: cert.cert, arm: await startCloudApiServer(route, { tls: cert }) });
    });
    after(() => fixture.arm?.close());
    const azure = (): ArmReadOptions => ({
        credential,
        endpoint: fixture.arm!.url,
        pipeline: { tlsOptions: { ca: fixture.ca }, retryOptions: { maxRetries: 0 } },
    });

    it("reads every page (nextLink) with the provider's API version and keeps ARM's id, name, group, environment, offerings and tags", async () => {
        const found = await listSecurityConnectors(SUB, azure());
        assert.deepEqual(
            found.map((c) => [
                c.id,
                c.subscriptionId,
                c.resourceGroupName,
                c.name,
                c.location,
                c.environmentName,
                c.hierarchyIdentifier,
            ]),
            [
                [AWS_ID, SUB, "rg-defender-portal", "aws-prod-account", "westeurope", "AWS", "111122223333"],
                [GCP_ID, SUB, "rg-mdc", "contoso-payments-prod", "westeurope", "GCP", "482915736204"],
                [GITHUB_ID, SUB, "rg-mdc", "github", "centralus", "Github", "/subscriptions/x"],
            ],
        );
        assert.deepEqual(found[0].tags, { owner: "secops" });
        assert.deepEqual(found[0].environmentData, {
            environmentType: "AwsAccount",
            scanInterval: 4,
            accountName: "prod",
        });
        assert.deepEqual(found[0].offerings, awsConnector.properties.offerings);
        const pages = fixture
            .arm!.calls.filter((c) => c.path === LIST)
            .map((c) => [c.query["api-version"], c.query.$skipToken ?? null]);
        assert.deepEqual(pages.slice(-2), [
            ["2024-08-01-preview", null],
            ["2024-08-01-preview", "2"],
        ]);
    });

    it("is the securityConnectors lookup of both the AWS and the GCP live lookups", async () => {
        const aws = liveAwsLookup({ accountId: "111122223333", region: "eu-west-1", azure: azure() });
        try {
            assert.deepEqual(
                (await aws.securityConnectors(SUB)).map((c) => c.name),
                ["aws-prod-account", "contoso-payments-prod", "github"],
            );
        } finally {
            aws.close();
        }
        const gcp = liveGcpLookup({ authClient: {} as never, azure: azure() });
        assert.deepEqual(
            (await gcp.securityConnectors(SUB)).map((c) => c.name),
            ["aws-prod-account", "contoso-payments-prod", "github"],
        );
    });

    it("turns a 403 into a LookupError naming SecurityConnectors_List, the subscription and ARM's reason", async () => {
        const e = await listSecurityConnectors(DENIED, azure()).then(
            () => assert.fail("expected a LookupError"),
            (x: unknown) => x,
        );
        assert.ok(e instanceof LookupError, String(e));
        assert.equal(e.call, "SecurityConnectors_List");
        assert.equal(e.scope, `subscriptions/${DENIED}`);
        assert.equal(
            e.reason,
            `ARM answered 403 AuthorizationFailed: The client 'ci' does not have authorization to perform action 'Microsoft.Security/securityConnectors/read' over scope '/subscriptions/${DENIED}'.`,
        );
    });

    it("reads a subscription never registered for Microsoft.Security as one without connectors", async () => {
        assert.deepEqual(await listSecurityConnectors(UNREGISTERED, azure()), []);
        assert.deepEqual(
            await listSecurityConnectors(SECURITY_UNREGISTERED, azure()),
            [],
            "Microsoft.Security's own 404 Subscription Not Registered",
        );
    });

    it("fails on a 404 that does not say unregistered: a wrong subscription is not one without connectors", async () => {
        const e = await listSecurityConnectors(GONE, azure()).then(
            () => assert.fail("expected a LookupError"),
            (x: unknown) => x as LookupError,
        );
        assert.deepEqual(
            [e.call, e.reason],
            [
                "SecurityConnectors_List",
                `ARM answered 404 SubscriptionNotFound: The subscription '${GONE}' could not be found.`,
            ],
        );
    });

    it("names the endpoint's failure when ARM cannot be reached", async () => {
        const e = await listSecurityConnectors(SUB, { ...azure(), endpoint: "https://127.0.0.1:1" }).then(
            () => assert.fail("expected a LookupError"),
            (x: unknown) => x,
        );
        assert.ok(e instanceof LookupError, String(e));
        assert.equal(e.call, "SecurityConnectors_List");
        assert.match(e.reason, /ECONNREFUSED/);
    });
});
