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
// A subscription ARM does not know: its AKS list is empty, its Arc list 404 SubscriptionNotFound.
const GONE = "55555555-1111-2222-3333-444444444444";
// A subscription that registered none of the namespaces read here.
const NOTHING = "66666666-1111-2222-3333-444444444444";
// A Log Analytics workspace in another subscription, where a policy identity holds a role.
const WS =
    "/subscriptions/0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e/resourceGroups/rg-logs/providers/Microsoft.OperationalInsights/workspaces/law-central";
const WS_RA = `${WS}/providers/Microsoft.Authorization/roleAssignments/3e5a7c9b-2d4f-4a6c-8e0b-1a3c5e7f9b2d`;
// ARM's own answer for an unregistered namespace (docs/sources.md): 409, code, namespace as target.
function unregistered(namespace: string): Answer {
    return {
        status: 409,
        body: {
            error: {
                code: "MissingSubscriptionRegistration",
                message: `The subscription is not registered to use namespace '${namespace}'. See https://aka.ms/rps-not-found for how to register subscriptions.`,
                details: [{ code: "MissingSubscriptionRegistration", target: namespace }],
            },
        },
    };
}
// Microsoft.Security's own answer (Azure/azure-sdk-for-go issue #19900).
const SECURITY_NOT_REGISTERED: Answer = {
    status: 404,
    body: {
        error: {
            code: "Subscription Not Registered",
            message: "Please register to Microsoft.Security in order to view your security status",
        },
    },
};

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
    if (p.startsWith(`/subscriptions/${NOTHING}/`)) {
        if (p.endsWith("/providers/Microsoft.ContainerService/managedClusters"))
            return unregistered("Microsoft.ContainerService");
        if (p.endsWith("/providers/Microsoft.Kubernetes/connectedClusters"))
            return unregistered("Microsoft.Kubernetes");
        if (p.endsWith("/providers/Microsoft.KubernetesConfiguration/extensions"))
            return unregistered("Microsoft.KubernetesConfiguration");
        if (p.includes("/providers/Microsoft.Security/")) return SECURITY_NOT_REGISTERED;
        if (p.endsWith("/trustedAccessRoleBindings")) return unregistered("Microsoft.ContainerService");
        if (p.endsWith("/providers/Microsoft.Authorization/policyAssignments"))
            return unregistered("Microsoft.Authorization");
        return undefined;
    }
    if (p === `${ARC_2}/providers/Microsoft.KubernetesConfiguration/extensions` && v === ARM_API_VERSIONS.extensions)
        return { body: { value: [] } };
    // A cluster deleted between the cluster list and its own read; a wrong subscription; a wrong api-version.
    if (p.endsWith("/connectedClusters/arc-gone/providers/Microsoft.KubernetesConfiguration/extensions"))
        return {
            status: 404,
            body: {
                error: {
                    code: "ParentResourceNotFound",
                    message:
                        "Can not perform requested operation on nested resource. Parent resource 'arc-gone' not found.",
                },
            },
        };
    if (p === `/subscriptions/${GONE}/providers/Microsoft.ContainerService/managedClusters`)
        return { body: { value: [] } };
    if (p === `/subscriptions/${GONE}/providers/Microsoft.Kubernetes/connectedClusters`)
        return {
            status: 404,
            body: {
                error: { code: "SubscriptionNotFound", message: `The subscription '${GONE}' could not be found.` },
            },
        };
    if (p === `/subscriptions/${GONE}/providers/Microsoft.Authorization/policyAssignments`)
        return {
            status: 400,
            body: {
                error: {
                    code: "NoRegisteredProviderFound",
                    message: `No registered resource provider found for location 'global' and API version '${v}' for type 'policyAssignments'.`,
                },
            },
        };
    if (
        p === `${WS}/providers/Microsoft.Authorization/roleAssignments` &&
        v === ARM_API_VERSIONS.roleAssignments &&
        c.query.$filter === `principalId eq '${PRINCIPAL}'`
    ) {
        return {
            body: {
                value: [
                    {
                        id: WS_RA,
                        properties: {
                            scope: WS,
                            roleDefinitionId: `/subscriptions/0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e/providers/Microsoft.Authorization/roleDefinitions/92aaf0da-9dab-42b6-94a3-d43ce8d16293`,
                            principalId: PRINCIPAL,
                            principalType: "ServicePrincipal",
                        },
                    },
                ],
            },
        };
    }
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
                        {
                            name: "AgentlessVmScanning",
                            isEnabled: "True",
                            additionalExtensionProperties: { ExclusionTags: '[{"key":"scan","value":"off"}]' },
                        },
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
        assert.deepEqual(await l.arcExtensions(parseArcClusterId(ARC_2)!), [], "an empty list: none installed");
        assert.deepEqual(await l.pricing("Containers"), {
            id: `${S}/providers/Microsoft.Security/pricings/Containers`,
            pricingTier: "Standard",
            extensions: { AgentlessDiscoveryForKubernetes: true, ContainerSensor: false, AgentlessVmScanning: true },
            extensionProperties: { AgentlessVmScanning: { ExclusionTags: '[{"key":"scan","value":"off"}]' } },
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

    it("reads every namespace the subscription has not registered as holding nothing: every list empty, every object absent", async () => {
        const l = lookup(NOTHING);
        const aks = parseAksClusterId(AKS_A.replace(SUB, NOTHING))!;
        const arc = parseArcClusterId(ARC_1.replace(SUB, NOTHING))!;
        assert.deepEqual(await l.clusters(), [], "409 on AKS and on Arc");
        assert.deepEqual(await l.trustedAccessBindings(aks), []);
        assert.deepEqual(await l.arcExtensions(arc), [], "409 for Microsoft.KubernetesConfiguration");
        assert.deepEqual(await l.policyAssignments(), []);
        assert.equal(await l.pricing("Containers"), undefined, "Microsoft.Security's 404 Subscription Not Registered");
        assert.equal(await l.securityOperator("Containers", "DefenderForContainersSecurityOperator"), undefined);
        const calls = arm.calls.filter((c) => c.path.startsWith(`/subscriptions/${NOTHING}/`)).map((c) => c.path);
        assert.equal(calls.length, 7, calls.join("\n"));
    });

    it("fails a list on any other error, a 404 included: a wrong subscription, a deleted parent, a wrong api-version", async () => {
        const failure = (p: Promise<unknown>) =>
            p.then(
                () => assert.fail("expected a LookupError"),
                (x: unknown) => x as LookupError,
            );
        const wrongSub = await failure(lookup(GONE).clusters());
        assert.deepEqual(
            [wrongSub.call, wrongSub.reason],
            [
                "ConnectedCluster_ListBySubscription",
                `ARM answered 404 SubscriptionNotFound: The subscription '${GONE}' could not be found.`,
            ],
        );
        const gone = await failure(lookup().arcExtensions(parseArcClusterId(ARC_1.replace("/arc-1", "/arc-gone"))!));
        assert.deepEqual(
            [gone.call, gone.reason.split(":")[0]],
            ["Extensions_List", "ARM answered 404 ParentResourceNotFound"],
        );
        const policies = await failure(lookup(GONE).policyAssignments());
        assert.deepEqual(
            [policies.call, policies.reason.split(":")[0]],
            ["PolicyAssignments_List", "ARM answered 400 NoRegisteredProviderFound"],
        );
    });

    it("lists a principal's role assignments at a workspace in another subscription (ListForScope), which the subscription's list does not show", async () => {
        const l = lookup();
        assert.deepEqual(
            (await l.roleAssignments(PRINCIPAL)).map((a) => a.id),
            [`${S}/providers/Microsoft.Authorization/roleAssignments/0c8e4f2a-6b1d-4c3e-9a5f-7d2b8e1c4a6f`],
        );
        assert.deepEqual(await l.roleAssignments(PRINCIPAL, WS), [
            {
                id: WS_RA,
                scope: WS,
                roleDefinitionId:
                    "/subscriptions/0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e/providers/Microsoft.Authorization/roleDefinitions/92aaf0da-9dab-42b6-94a3-d43ce8d16293",
                principalId: PRINCIPAL,
                principalType: "ServicePrincipal",
            },
        ]);
        const last = arm.calls.at(-1)!;
        assert.deepEqual(
            [last.path, last.query["api-version"], last.query.$filter],
            [`${WS}/providers/Microsoft.Authorization/roleAssignments`, "2022-04-01", `principalId eq '${PRINCIPAL}'`],
        );
    });

    it("reads with the newest stable api-version of each spec (security operators: the only, preview, one)", () => {
        assert.deepEqual(ARM_API_VERSIONS, {
            connectedClusters: "2026-05-01",
            securityOperators: "2023-01-01-preview",
            roleAssignments: "2022-04-01",
            extensions: "2025-03-01",
            pricings: "2024-01-01",
            policyAssignments: "2025-03-01",
        });
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
