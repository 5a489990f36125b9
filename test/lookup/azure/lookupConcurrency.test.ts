import { strict as assert } from "assert";
import { loadAzureConfig } from "../../../config/azure";
import { onboardAzure } from "../../../stack/azure/onboarding";
import { AzureLookup } from "../../../lookup/azure/port";
import { fileAzureLookup, readAzureCloudState } from "../../../lookup/azure/stateFile";
import { LookupError } from "../../../lib/errors";
import { fileSource } from "../../../lookup/source";
import { PlanResource } from "../../../plan/mockRuntime";
import { PlanNote } from "../../../stack/notes";
import { registered, takeNotes } from "../../helpers/pulumi";
import { InFlight, inFlight } from "../../helpers/inFlight";

const SUB = "5e8c2a1f-3b7d-4c9e-8a6f-1d2e3f4a5b6c";
const WS = `/subscriptions/${SUB}/resourceGroups/rg-sec/providers/Microsoft.OperationalInsights/workspaces/law-weu`;
const OP = `/subscriptions/${SUB}/providers/Microsoft.Security/pricings/Containers/securityOperators/DefenderForContainersSecurityOperator`;
const PRINCIPAL = "4a7e9c2d-1b3f-4e5a-8d6c-9f0e1a2b3c4d";
const pad = (i: number) => String(i).padStart(2, "0");
const aksId = (i: number) =>
    `/subscriptions/${SUB}/resourceGroups/rg-${i % 3}/providers/Microsoft.ContainerService/managedClusters/aks-${pad(i)}`;
const arcId = (i: number) =>
    `/subscriptions/${SUB}/resourceGroups/rg-edge/providers/Microsoft.Kubernetes/connectedClusters/arc-${pad(i)}`;

/** Defender on; 16 AKS clusters, every third already bound; 6 Arc clusters, every other with Defender's extension. */
function state() {
    return {
        subscriptionId: SUB,
        aksClusters: Array.from({ length: 16 }, (_, i) => ({
            id: aksId(i),
            location: "westeurope",
            ...(i % 3 === 0
                ? {
                      trustedAccessRoleBindings: [
                          {
                              name: "defender-containers",
                              roles: ["Microsoft.Security/pricings/microsoft-defender-operator"],
                              sourceResourceId: OP,
                          },
                      ],
                  }
                : {}),
        })),
        arcClusters: Array.from({ length: 6 }, (_, i) => ({
            id: arcId(i),
            location: "westeurope",
            ...(i % 2 === 0
                ? {
                      extensions: [
                          {
                              name: "microsoft.azuredefender.kubernetes",
                              extensionType: "microsoft.azuredefender.kubernetes",
                              configurationSettings: { logAnalyticsWorkspaceResourceID: WS },
                          },
                      ],
                  }
                : {}),
        })),
        securityOperators: [
            { pricingName: "Containers", name: "DefenderForContainersSecurityOperator", principalId: PRINCIPAL },
        ],
        pricings: [
            { name: "Containers", pricingTier: "Standard", extensions: { AgentlessDiscoveryForKubernetes: true } },
        ],
    };
}

/** The file lookup, each per-cluster call delayed (later clusters answer sooner) and counted. */
function slowLookup(gauge: InFlight, fail: string[] = []): AzureLookup {
    const base = fileAzureLookup(readAzureCloudState(state()));
    const slow = <R>(kind: string, id: string, answer: () => Promise<R>) => {
        const n = Number(id.slice(-2));
        return gauge.run([kind], id, 2 + ((30 - n) % 7), () => {
            if (fail.includes(id)) throw new LookupError(kind, id.slice(1), "ARM answered 403 AuthorizationFailed");
            return answer();
        });
    };
    return {
        ...base,
        trustedAccessBindings: (c) => slow("TrustedAccessRoleBindings_List", c.id, () => base.trustedAccessBindings(c)),
        arcExtensions: (c) => slow("Extensions_List", c.id, () => base.arcExtensions(c)),
    };
}

async function plan(limit: number, lookup: AzureLookup): Promise<{ rs: PlanResource[]; notes: PlanNote[] }> {
    const cfg = loadAzureConfig({
        subscriptionId: SUB,
        location: "westeurope",
        logAnalyticsWorkspaceId: WS,
        lookupConcurrency: limit,
    });
    await takeNotes();
    const rs = await registered(() => onboardAzure(cfg, fileSource("(unused)"), lookup), { azureSubscriptionId: SUB });
    return { rs, notes: await takeNotes() };
}

describe("Azure per-cluster lookups with azure.lookupConcurrency", () => {
    it("plan the same resources and notes, in the same order, one at a time and four at a time; never more than four in flight", async () => {
        const one = inFlight();
        const sequential = await plan(1, slowLookup(one));
        const four = inFlight();
        const concurrent = await plan(4, slowLookup(four));
        assert.equal(one.max(), 1);
        assert.equal(four.max("TrustedAccessRoleBindings_List"), 4);
        assert.equal(four.max("Extensions_List"), 4);
        assert.equal(four.max(), 4);
        assert.deepEqual(concurrent.rs, sequential.rs);
        assert.deepEqual(concurrent.notes, sequential.notes);
        // The plan is the one these clusters call for: 10 bindings created, 6 imported; 3 Defender extensions to create.
        const ops = (type: string) =>
            concurrent.rs
                .filter((r) => r.type === type)
                .map((r) => r.op)
                .join(",");
        assert.equal(
            ops("azure-native:containerservice:TrustedAccessRoleBinding")
                .split(",")
                .filter((o) => o === "import").length,
            6,
        );
        assert.equal(ops("azure-native:containerservice:TrustedAccessRoleBinding").split(",").length, 16);
        assert.equal(
            concurrent.rs.filter(
                (r) =>
                    r.type === "azure-native:kubernetesconfiguration:Extension" &&
                    r.inputs.extensionType === "microsoft.azuredefender.kubernetes" &&
                    r.op === "create",
            ).length,
            3,
        );
    });

    it("two clusters failing: the error names the first of them in discovery order, as a sequential read would", async () => {
        // Both in rg-0 (clusters are read sorted by id): aks-09 fails first in time, aks-03 comes first.
        await assert.rejects(plan(8, slowLookup(inFlight(), [aksId(9), aksId(3)])), (e: Error) => {
            assert.ok(e instanceof LookupError);
            assert.equal(e.scope, aksId(3).slice(1));
            return true;
        });
    });
});
