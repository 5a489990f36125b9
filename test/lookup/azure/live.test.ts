import { strict as assert } from "assert";
import type { AccessToken, TokenCredential } from "@azure/core-auth";
import { liveAzureLookup, ARM_API_VERSIONS } from "../../../lookup/azure/live";
import { LookupError } from "../../../lib/errors";
import { parseAksClusterId, parseArcClusterId } from "../../../domain/azure/resourceIds";
import {
    Answer,
    CloudApiServer,
    RecordedCall,
    selfSignedCert,
    SelfSignedCert,
    startCloudApiServer,
} from "../../fixtures/cloudApiServer";

const SUB = "5e8c2a1f-3b7d-4c9e-8a6f-1d2e3f4a5b6c";
const DENIED = "99999999-1111-2222-3333-444444444444";
// An AKS-only subscription that never registered Microsoft.Kubernetes.
const NO_ARC = "77777777-1111-2222-3333-444444444444";
const TOKEN = "fixture-arm-token";
const S = `/subscriptions/${SUB}`;
const OP = `${S}/providers/Microsoft.Security/pricings/Containers/securityOperators/DefenderForContainersSecurityOperator`;
// ARM spells resource groups in lower case in list answers: ids are parsed case-insensitively.
const AKS_A = `${S}/resourcegroups/rg-a/providers/Microsoft.ContainerService/managedClusters/aks-a`;
const AKS_B = `${S}/resourcegroups/rg-b/providers/Microsoft.ContainerService/managedClusters/aks-b`;
const ARC_1 = `${S}/resourceGroups/rg-edge/providers/Microsoft.Kubernetes/connectedClusters/arc-1`;
const ARC_2 = `${S}/resourceGroups/rg-edge/providers/Microsoft.Kubernetes/connectedClusters/arc-2`;
const PRINCIPAL = "4a7e9c2d-1b3f-4e5a-8d6c-9f0e1a2b3c4d";

const credential: TokenCredential = {
    async getToken(): Promise<AccessToken> {
        return { token: TOKEN, expiresOnTimestamp: Date.now() + 3_600_000 };
    },
};

function denied(action: string, scope: string): Answer {
    return {
        status: 403,
        body: {
            error: {
                code: "AuthorizationFailed",
                message: `The client 'f3c5e2a1-0000-4000-8000-00000000000a' with object id 'f3c5e2a1-0000-4000-8000-00000000000a' does not have authorization to perform action '${action}' over scope '${scope}' or the scope is invalid.`,
            },
        },
    };
}

// Shaped like ARM's answers (properties nested, nextLink for the next page).
function route(c: RecordedCall, base: string): Answer | undefined {
    if (c.authorization !== `Bearer ${TOKEN}`)
        return { status: 401, body: { error: { code: "AuthenticationFailed", message: "no bearer token" } } };
    const p = c.path;
    const v = c.query["api-version"];
    if (p === `/subscriptions/${DENIED}/providers/Microsoft.ContainerService/managedClusters`)
        return denied("Microsoft.ContainerService/managedClusters/read", `/subscriptions/${DENIED}`);
    if (p === `/subscriptions/${DENIED}/providers/Microsoft.Security/pricings/Containers`)
        return denied("Microsoft.Security/pricings/read", `/subscriptions/${DENIED}`);
    if (p === `/subscriptions/${NO_ARC}/providers/Microsoft.ContainerService/managedClusters`)
        return { body: { value: [] } };
    if (p === `/subscriptions/${NO_ARC}/providers/Microsoft.Kubernetes/connectedClusters`) {
        return {
            status: 409,
            body: {
                error: {
                    code: "MissingSubscriptionRegistration",
                    message:
                        "The subscription is not registered to use namespace 'Microsoft.Kubernetes'. See https://aka.ms/rps-not-found for how to register subscriptions.",
                },
            },
        };
    }
    if (p === `${S}/providers/Microsoft.ContainerService/managedClusters`) {
        if (c.query.$skipToken === "2")
            return { body: { value: [{ id: AKS_B, name: "aks-b", location: "northeurope", properties: {} }] } };
        return {
            body: {
                value: [{ id: AKS_A, name: "aks-a", location: "westeurope", tags: { team: "a" }, properties: {} }],
                nextLink: `${base}${p}?api-version=${v}&$skipToken=2`,
            },
        };
    }
    if (p === `${S}/providers/Microsoft.Kubernetes/connectedClusters` && v === ARM_API_VERSIONS.connectedClusters) {
        if (c.query.$skipToken === "2")
            return { body: { value: [{ id: ARC_2, name: "arc-2", location: "eastus", properties: {} }] } };
        return {
            body: {
                value: [
                    {
                        id: ARC_1,
                        name: "arc-1",
                        location: "westeurope",
                        tags: { site: "lyon" },
                        properties: { distribution: "k3s" },
                    },
                ],
                nextLink: `${base}${p}?api-version=${v}&$skipToken=2`,
            },
        };
    }
    if (p === OP && v === ARM_API_VERSIONS.securityOperators)
        return {
            body: {
                id: OP,
                name: "DefenderForContainersSecurityOperator",
                identity: { principalId: PRINCIPAL, tenantId: "t", type: "SystemAssigned" },
            },
        };
    if (p === `${S}/providers/Microsoft.Security/pricings/CloudPosture/securityOperators/DefenderCSPMSecurityOperator`)
        return { status: 404, body: { error: { code: "NotFound", message: "not found" } } };
    if (
        p === `${S}/providers/Microsoft.Authorization/roleAssignments` &&
        v === ARM_API_VERSIONS.roleAssignments &&
        c.query.$filter === `principalId eq '${PRINCIPAL}'`
    ) {
        return {
            body: {
                value: [
                    {
                        id: `${S}/providers/Microsoft.Authorization/roleAssignments/0c8e4f2a-6b1d-4c3e-9a5f-7d2b8e1c4a6f`,
                        properties: {
                            scope: S,
                            roleDefinitionId: `${S}/providers/Microsoft.Authorization/roleDefinitions/d5a2ae44-610b-4500-93be-660a0c5f5ca6`,
                            principalId: PRINCIPAL,
                            principalType: "ServicePrincipal",
                        },
                    },
                ],
            },
        };
    }
    if (p.toLowerCase() === `${AKS_A}/trustedAccessRoleBindings`.toLowerCase()) {
        return {
            body: {
                value: [
                    {
                        id: `${AKS_A}/trustedAccessRoleBindings/defender-containers`,
                        name: "defender-containers",
                        properties: {
                            roles: ["Microsoft.Security/pricings/microsoft-defender-operator"],
                            sourceResourceId: OP,
                            provisioningState: "Succeeded",
                        },
                    },
                ],
            },
        };
    }
    if (p.toLowerCase() === `${AKS_B}/trustedAccessRoleBindings`.toLowerCase())
        return denied("Microsoft.ContainerService/managedClusters/trustedAccessRoleBindings/read", AKS_B);
    if (p === `${ARC_1}/providers/Microsoft.KubernetesConfiguration/extensions` && v === ARM_API_VERSIONS.extensions) {
        return {
            body: {
                value: [
                    {
                        id: `${p}/microsoft.azuredefender.kubernetes`,
                        name: "microsoft.azuredefender.kubernetes",
                        identity: { type: "SystemAssigned", principalId: "x" },
                        properties: {
                            extensionType: "microsoft.azuredefender.kubernetes",
                            releaseTrain: "Stable",
                            autoUpgradeMinorVersion: true,
                            scope: { cluster: { releaseNamespace: "mdc" } },
                            configurationSettings: { logAnalyticsWorkspaceResourceID: "/w" },
                        },
                    },
                ],
            },
        };
    }
    if (p === `${S}/providers/Microsoft.Security/pricings/Containers` && v === ARM_API_VERSIONS.pricings) {
        return {
            body: {
                id: p,
                name: "Containers",
                properties: {
                    pricingTier: "Standard",
                    extensions: [
                        { name: "AgentlessDiscoveryForKubernetes", isEnabled: "True" },
                        { name: "ContainerSensor", isEnabled: "False" },
                    ],
                },
            },
        };
    }
    if (p === `${S}/providers/Microsoft.Authorization/policyAssignments` && c.query.$filter === "atExactScope()") {
        return {
            body: {
                value: [
                    {
                        id: `${p}/mdc-aks-defender-profile`,
                        name: "mdc-aks-defender-profile",
                        identity: { type: "SystemAssigned", principalId: PRINCIPAL },
                        properties: {
                            policyDefinitionId:
                                "/providers/Microsoft.Authorization/policyDefinitions/64def556-fbad-4622-930e-72d1d5589bf5",
                        },
                    },
                ],
            },
        };
    }
    return undefined;
}

describe("Azure live lookups against an HTTPS ARM fixture", function () {
    this.timeout(20_000);
    let tls: SelfSignedCert;
    let arm: CloudApiServer;
    before(async () => {
        tls = selfSignedCert();
        arm = await startCloudApiServer(route, { tls });
    });
    after(() => arm?.close());
    const lookup = (sub = SUB) =>
        liveAzureLookup(sub, credential, {
            endpoint: arm.url,
            tlsOptions: { ca: tls.cert },
            retryOptions: { maxRetries: 0 },
        });

    it("lists every AKS and Arc cluster of the subscription, following nextLink, with location, tags and distribution", async () => {
        const found = await lookup().clusters();
        assert.deepEqual(
            found.map((c) => [c.kind, c.resourceGroup, c.name, c.location, c.tags, c.distribution]),
            [
                ["aks", "rg-a", "aks-a", "westeurope", { team: "a" }, undefined],
                ["aks", "rg-b", "aks-b", "northeurope", {}, undefined],
                ["arc", "rg-edge", "arc-1", "westeurope", { site: "lyon" }, "k3s"],
                ["arc", "rg-edge", "arc-2", "eastus", {}, undefined],
            ],
        );
        assert.equal(
            found[0].id,
            `${S}/resourceGroups/rg-a/providers/Microsoft.ContainerService/managedClusters/aks-a`,
        );
        const arcPages = arm.calls
            .filter((c) => c.path.endsWith("/connectedClusters"))
            .map((c) => c.query.$skipToken ?? null);
        assert.deepEqual(arcPages, [null, "2"]);
    });

    it("reads the operator, its role assignments, a cluster's bindings, an Arc cluster's extensions, a plan and the policy assignments", async () => {
        const l = lookup();
        assert.deepEqual(await l.securityOperator("Containers", "DefenderForContainersSecurityOperator"), {
            id: OP,
            principalId: PRINCIPAL,
        });
        assert.equal(
            await l.securityOperator("CloudPosture", "DefenderCSPMSecurityOperator"),
            undefined,
            "a 404 is: not made yet",
        );
        assert.deepEqual(await l.roleAssignments(PRINCIPAL), [
            {
                id: `${S}/providers/Microsoft.Authorization/roleAssignments/0c8e4f2a-6b1d-4c3e-9a5f-7d2b8e1c4a6f`,
                scope: S,
                roleDefinitionId: `${S}/providers/Microsoft.Authorization/roleDefinitions/d5a2ae44-610b-4500-93be-660a0c5f5ca6`,
                principalId: PRINCIPAL,
                principalType: "ServicePrincipal",
            },
        ]);
        assert.deepEqual(await l.trustedAccessBindings(parseAksClusterId(AKS_A)!), [
            {
                id: `${AKS_A}/trustedAccessRoleBindings/defender-containers`,
                name: "defender-containers",
                roles: ["Microsoft.Security/pricings/microsoft-defender-operator"],
                sourceResourceId: OP,
            },
        ]);
        assert.deepEqual(await l.arcExtensions(parseArcClusterId(ARC_1)!), [
            {
                id: `${ARC_1}/providers/Microsoft.KubernetesConfiguration/extensions/microsoft.azuredefender.kubernetes`,
                name: "microsoft.azuredefender.kubernetes",
                extensionType: "microsoft.azuredefender.kubernetes",
                configurationSettings: { logAnalyticsWorkspaceResourceID: "/w" },
                releaseTrain: "Stable",
                autoUpgradeMinorVersion: true,
                releaseNamespace: "mdc",
                identityType: "SystemAssigned",
            },
        ]);
        assert.deepEqual(
            await l.arcExtensions(parseArcClusterId(ARC_2)!),
            [],
            "no extension list (404): none installed",
        );
        assert.deepEqual(await l.pricing("Containers"), {
            id: `${S}/providers/Microsoft.Security/pricings/Containers`,
            pricingTier: "Standard",
            extensions: { AgentlessDiscoveryForKubernetes: true, ContainerSensor: false },
        });
        assert.deepEqual(await l.policyAssignments(), [
            {
                id: `${S}/providers/Microsoft.Authorization/policyAssignments/mdc-aks-defender-profile`,
                name: "mdc-aks-defender-profile",
                policyDefinitionId:
                    "/providers/Microsoft.Authorization/policyDefinitions/64def556-fbad-4622-930e-72d1d5589bf5",
                principalId: PRINCIPAL,
            },
        ]);
    });

    it("reads a subscription not registered for Microsoft.Kubernetes as one without Arc clusters", async () => {
        assert.deepEqual(await lookup(NO_ARC).clusters(), []);
    });

    it("turns a 403 into a LookupError naming the ARM call, the scope and ARM's reason", async () => {
        const e = await lookup(DENIED)
            .clusters()
            .then(
                () => assert.fail("expected a LookupError"),
                (x: unknown) => x,
            );
        assert.ok(e instanceof LookupError, String(e));
        assert.equal(e.call, "ManagedClusters_List");
        assert.equal(e.scope, `subscriptions/${DENIED}`);
        assert.equal(
            e.reason,
            `ARM answered 403 AuthorizationFailed: ${(denied("Microsoft.ContainerService/managedClusters/read", `/subscriptions/${DENIED}`).body as { error: { message: string } }).error.message}`,
        );
        assert.match(
            e.message,
            /^cloud lookup ManagedClusters_List in subscriptions\/99999999-1111-2222-3333-444444444444 failed: ARM answered 403 AuthorizationFailed: .*'Microsoft\.ContainerService\/managedClusters\/read'/,
        );

        const rest = await lookup(DENIED)
            .pricing("Containers")
            .then(
                () => assert.fail("expected a LookupError"),
                (x: unknown) => x as LookupError,
            );
        assert.deepEqual([rest.call, rest.scope], ["Pricings_Get", `subscriptions/${DENIED}`]);
        assert.match(rest.reason, /^ARM answered 403 AuthorizationFailed: .*'Microsoft\.Security\/pricings\/read'/);

        const perCluster = await lookup()
            .trustedAccessBindings(parseAksClusterId(AKS_B)!)
            .then(
                () => assert.fail("expected a LookupError"),
                (x: unknown) => x as LookupError,
            );
        assert.deepEqual(
            [perCluster.call, perCluster.scope],
            ["TrustedAccessRoleBindings_List", parseAksClusterId(AKS_B)!.id.slice(1)],
        );
        assert.match(perCluster.reason, /trustedAccessRoleBindings\/read/);
    });
});
