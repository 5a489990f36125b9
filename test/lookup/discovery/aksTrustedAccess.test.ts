import { strict as assert } from "assert";
import type { AccessToken, TokenCredential } from "@azure/core-auth";
import { discoverAks } from "../../../lookup/discovery/aks";
import { addTrustedAccessBindings, trustedAccessReason } from "../../../lookup/discovery/aksTrustedAccess";
import { liveAzureLookup } from "../../../lookup/azure/live";
import { readCloudStateFile } from "../../../lookup/stateFile";
import { AccessEvidence, defenderAccess } from "../../../inventory/defenderAccess";
import { normalise } from "../../../inventory/normalise";
import { CloudApiServer, selfSignedCert, SelfSignedCert, startCloudApiServer } from "../../fixtures/cloudApiServer";
import { ARM_TOKEN, armFromState } from "../../fixtures/armFromState";
import { DiscoveryResult } from "../../../lookup/discovery/types";

const ROLE = "Microsoft.Security/pricings/microsoft-defender-operator";
const credential: TokenCredential = {
    async getToken(): Promise<AccessToken> {
        return { token: ARM_TOKEN, expiresOnTimestamp: Date.now() + 3_600_000 };
    },
};

type Obj = Record<string, unknown>;

/**
 * The azure-brownfield example's subscription as it could stand today: Defender's portal bound its
 * operator in aks-orders-weu under a name of its own beside a machine-learning binding; aks-catalog-neu
 * holds only a backup extension's binding (a wrong role for Defender); aks-denied's bindings are
 * refused to the caller; aks-many holds five bindings that ARM pages two at a time, Defender's last.
 */
function brownfield(): Obj {
    const azure = structuredClone(
        readCloudStateFile("examples/stacks/azure-brownfield.cloud.yaml").sections.azure,
    ) as Obj;
    const sub = String(azure.subscriptionId);
    const operator = `/subscriptions/${sub}/providers/Microsoft.Security/pricings/Containers/securityOperators/DefenderForContainersSecurityOperator`;
    const aks = azure.aksClusters as Obj[];
    aks[0].trustedAccessRoleBindings = [
        {
            name: "ml-workload",
            roles: ["Microsoft.MachineLearningServices/workspaces/mlworkload"],
            sourceResourceId: "/subscriptions/x/ml",
        },
        { name: "mdc-portal-7f3a", roles: [ROLE], sourceResourceId: operator },
    ];
    aks[1].trustedAccessRoleBindings = [
        {
            name: "backup-ext",
            roles: ["Microsoft.DataProtection/backupVaults/backup-operator"],
            sourceResourceId: `/subscriptions/${sub}/resourceGroups/rg-backup/providers/Microsoft.DataProtection/backupVaults/bv`,
        },
    ];
    const id = (name: string) =>
        `/subscriptions/${sub}/resourceGroups/rg-more/providers/Microsoft.ContainerService/managedClusters/${name}`;
    aks.push(
        {
            id: id("aks-denied"),
            location: "westeurope",
            trustedAccessRoleBindings: [{ name: "defender", roles: [ROLE], sourceResourceId: operator }],
        },
        {
            id: id("aks-many"),
            location: "westeurope",
            trustedAccessRoleBindings: [
                ...["a-backup", "b-ml", "c-flux", "d-other"].map((name) => ({
                    name,
                    roles: [`Microsoft.Example/${name}/reader`],
                    sourceResourceId: `/subscriptions/${sub}/x/${name}`,
                })),
                { name: "z-defender", roles: [ROLE], sourceResourceId: operator },
            ],
        },
    );
    return azure;
}

function verdictOf(details: Record<string, unknown>) {
    const e = new AccessEvidence();
    e.add(normalise("Node", { metadata: { name: "n" }, spec: { providerID: "azure:///subscriptions/s/vm" } }));
    return defenderAccess({ source: "azure", cloudFacts: details, evidence: e, unread: new Set() });
}

describe("AKS trusted access role bindings read from ARM for the snapshot (loopback ARM, brownfield)", function () {
    this.timeout(60_000);
    let tls: SelfSignedCert;
    let arm: CloudApiServer;
    const azure = brownfield();
    const sub = String(azure.subscriptionId);
    const deniedPath = `/subscriptions/${sub}/resourceGroups/rg-more/providers/Microsoft.ContainerService/managedClusters/aks-denied/trustedAccessRoleBindings`;
    before(async () => {
        tls = selfSignedCert();
        arm = await startCloudApiServer(
            armFromState(
                azure,
                {
                    path: deniedPath,
                    action: "Microsoft.ContainerService/managedClusters/trustedAccessRoleBindings/read",
                },
                2,
            ),
            { tls },
        );
    });
    after(() => arm?.close());
    const options = () => ({ endpoint: arm.url, tlsOptions: { ca: tls.cert }, retryOptions: { maxRetries: 0 } });

    async function discovered(cred: TokenCredential = credential): Promise<DiscoveryResult> {
        const found = await discoverAks(sub, credential, options());
        assert.deepStrictEqual(found.failures, []);
        await addTrustedAccessBindings(found, liveAzureLookup(sub, cred, options()));
        return found;
    }

    it("lists every cluster's bindings, every page, and judges them by role whatever their name", async () => {
        const start = arm.calls.length;
        const found = await discovered();
        const byName = new Map(found.clusters.map((c) => [c.name, c.details]));
        assert.deepStrictEqual(byName.get("aks-orders-weu")!.trustedAccessRoleBindings, [
            {
                name: "mdc-portal-7f3a",
                roles: [ROLE],
                sourceResourceId: `/subscriptions/${sub}/providers/Microsoft.Security/pricings/Containers/securityOperators/DefenderForContainersSecurityOperator`,
            },
            {
                name: "ml-workload",
                roles: ["Microsoft.MachineLearningServices/workspaces/mlworkload"],
                sourceResourceId: "/subscriptions/x/ml",
            },
        ]);
        assert.deepStrictEqual(verdictOf(byName.get("aks-orders-weu")!), {
            state: "granted",
            cloud: "azure",
            evidence: [`trusted access role binding mdc-portal-7f3a grants ${ROLE}`],
        });
        assert.deepStrictEqual(verdictOf(byName.get("aks-catalog-neu")!), {
            state: "missing",
            cloud: "azure",
            reason: `no trusted access role binding grants ${ROLE} (the cluster's: backup-ext grants Microsoft.DataProtection/backupVaults/backup-operator) and no ClusterRoleBinding to aks:trustedaccessrole:defender-containers:microsoft-defender-operator or aks:trustedaccessrole:defender-cloudposture:microsoft-defender-operator`,
            remedy: `create the trusted access role binding with role ${ROLE}: turn on the AgentlessDiscoveryForKubernetes extension of the Defender plan, or run \`pulumi up\` for the stack that onboards this subscription`,
        });
        // Defender's binding is on the third page: found only by following nextLink.
        assert.deepStrictEqual(
            (byName.get("aks-many")!.trustedAccessRoleBindings as { name: string }[]).map((b) => b.name),
            ["a-backup", "b-ml", "c-flux", "d-other", "z-defender"],
        );
        assert.equal(verdictOf(byName.get("aks-many")!).state, "granted");
        const many = arm.calls
            .slice(start)
            .filter((c) => c.path.endsWith("/aks-many/trustedAccessRoleBindings"))
            .map((c) => [c.query["api-version"], c.query.$skipToken ?? null]);
        assert.deepStrictEqual(many, [
            ["2026-04-01", null],
            ["2026-04-01", "2"],
            ["2026-04-01", "4"],
        ]);
        // Every cluster not tagged for exclusion is listed once (aks-ml-lab is left out by the stack's filter, which a snapshot does not apply).
        const listed = arm.calls
            .slice(start)
            .filter((c) => c.path.endsWith("/trustedAccessRoleBindings") && !c.query.$skipToken);
        assert.equal(listed.length, found.clusters.filter((c) => !c.excluded).length);
    });

    it("a 403 leaves the verdict unknown with ARM's status and code, never granted, and keeps the caller's ids out", async () => {
        const found = await discovered();
        const denied = found.clusters.find((c) => c.name === "aks-denied")!.details;
        assert.equal(denied.trustedAccessRoleBindings, undefined);
        assert.equal(
            denied.trustedAccessError,
            "TrustedAccessRoleBindings_List: ARM answered 403 AuthorizationFailed (reading them needs Microsoft.ContainerService/managedClusters/trustedAccessRoleBindings/read)",
        );
        assert.deepStrictEqual(verdictOf(denied), {
            state: "unknown",
            cloud: "azure",
            reason: "the trusted access role bindings could not be read (TrustedAccessRoleBindings_List: ARM answered 403 AuthorizationFailed (reading them needs Microsoft.ContainerService/managedClusters/trustedAccessRoleBindings/read)) and the cluster has no ClusterRoleBinding to aks:trustedaccessrole:defender-containers:microsoft-defender-operator or aks:trustedaccessrole:defender-cloudposture:microsoft-defender-operator",
        });
        assert.doesNotMatch(String(denied.trustedAccessError), /f3c5e2a1|6d0f3b2a/);
    });

    it("without credentials every cluster's verdict is unknown with the credential's reason", async () => {
        const none: TokenCredential = {
            async getToken(): Promise<AccessToken> {
                const e = new Error("EnvironmentCredential is unavailable. No credential in the environment.");
                e.name = "CredentialUnavailableError";
                throw e;
            },
        };
        const found = await discovered(none);
        for (const c of found.clusters.filter((x) => !x.excluded)) {
            assert.equal(
                c.details.trustedAccessError,
                "TrustedAccessRoleBindings_List: CredentialUnavailableError: EnvironmentCredential is unavailable",
                c.name,
            );
            assert.equal(verdictOf(c.details).state, "unknown", c.name);
        }
    });

    it("reads no cluster tagged for exclusion, and says so of an id that is not an AKS id", async () => {
        const asked: string[] = [];
        const cluster = (name: string, id: string, excluded: boolean) => ({
            cloud: "azure" as const,
            name,
            id,
            location: "westeurope",
            tags: {},
            excluded,
            details: {} as Record<string, unknown>,
        });
        const result: DiscoveryResult = {
            clusters: [
                cluster(
                    "kept",
                    `/subscriptions/${sub}/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/kept`,
                    false,
                ),
                cluster(
                    "tagged",
                    `/subscriptions/${sub}/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/tagged`,
                    true,
                ),
                cluster("odd", "aks-odd", false),
            ],
            failures: [],
        };
        await addTrustedAccessBindings(result, {
            trustedAccessBindings: async (ref) => {
                asked.push(ref.name);
                return [];
            },
        });
        assert.deepStrictEqual(asked, ["kept"]);
        assert.deepStrictEqual(
            result.clusters.map((c) => c.details),
            [
                { trustedAccessRoleBindings: [] },
                {},
                { trustedAccessError: "the cluster's id is not an AKS resource id" },
            ],
        );
    });

    it("the in-cluster ClusterRoleBinding still proves the grant when the list is refused", () => {
        const e = new AccessEvidence();
        e.add(
            normalise("ClusterRoleBinding", {
                metadata: { name: "aks-tra" },
                roleRef: {
                    kind: "ClusterRole",
                    name: "aks:trustedaccessrole:defender-containers:microsoft-defender-operator",
                },
                subjects: [],
            }),
        );
        assert.equal(
            defenderAccess({
                source: "azure",
                cloudFacts: {
                    trustedAccessError: "TrustedAccessRoleBindings_List: ARM answered 403 AuthorizationFailed",
                },
                evidence: e,
                unread: new Set(),
            }).state,
            "granted",
        );
    });

    it("a cluster without any binding is missing, and one whose RBAC was not read says so", () => {
        assert.deepStrictEqual(
            defenderAccess({
                source: "azure",
                cloudFacts: { trustedAccessRoleBindings: [] },
                evidence: new AccessEvidence(),
                unread: new Set(["ClusterRoleBinding"]),
            }),
            {
                state: "missing",
                cloud: "azure",
                reason: `no trusted access role binding grants ${ROLE} (the cluster has none)`,
                remedy: `create the trusted access role binding with role ${ROLE}: turn on the AgentlessDiscoveryForKubernetes extension of the Defender plan, or run \`pulumi up\` for the stack that onboards this subscription`,
            },
        );
        assert.equal(
            trustedAccessReason(new Error("connect ECONNREFUSED 127.0.0.1:1")),
            "TrustedAccessRoleBindings_List: connect ECONNREFUSED 127.0.0.1:1",
        );
    });
});
