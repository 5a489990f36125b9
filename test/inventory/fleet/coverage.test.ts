import { strict as assert } from "assert";
import { ageText, fleetCoverage, neverInventoriedFinding, SnapshotSide } from "../../../inventory/fleet/coverage";
import { StackPlan } from "../../../inventory/fleet/planClusters";
import { ClusterIdentity } from "../../../inventory/schema";

const NOW = new Date("2026-12-07T12:00:00Z");
const SUB = "6d0f3b2a-8c4e-4f1a-9b7d-3e2c1a0f9e8d";
const aksId = (rg: string, name: string) =>
    `/subscriptions/${SUB}/resourceGroups/${rg}/providers/Microsoft.ContainerService/managedClusters/${name}`;

function snap(
    key: string,
    identity: Partial<ClusterIdentity>,
    startedAt: string,
    access?: SnapshotSide["access"],
): SnapshotSide {
    const id = { name: key, server: "https://x", source: "kubeconfig" as const, ...identity };
    return { key, name: id.name, identity: id, startedAt, ...(access ? { access } : {}) };
}

const GRANTED = {
    state: "granted" as const,
    cloud: "aws" as const,
    evidence: ["access entry ... AmazonEKSViewPolicy"],
};
const MISSING = { state: "missing" as const, cloud: "azure" as const, reason: "no binding", remedy: "bind it" };

const awsStack: StackPlan = {
    stack: "aws-prod",
    source: "a.json",
    clusters: [
        {
            ref: { cloud: "aws", name: "eks-shop", region: "eu-west-1", account: "111122223333" },
            via: ["access entry (adopted)"],
        },
        {
            ref: { cloud: "aws", name: "eks-batch", region: "us-east-1", account: "111122223333" },
            via: ["aws-auth mapRoles entry (created)"],
        },
    ],
};
const azureStack: StackPlan = {
    stack: "azure-prod",
    source: "b.json",
    clusters: [
        {
            ref: { cloud: "azure", kind: "aks", subscription: SUB, resourceGroup: "rg-orders", name: "aks-orders" },
            via: ["trusted access role binding defender-containers (adopted)"],
        },
        {
            ref: { cloud: "azure", kind: "aks", subscription: SUB, resourceGroup: "rg-a", name: "aks-twin" },
            via: ["binding (created)"],
        },
        {
            ref: { cloud: "azure", kind: "aks", subscription: SUB, resourceGroup: "rg-b", name: "aks-twin" },
            via: ["binding (created)"],
        },
    ],
};

describe("fleet view: onboarded clusters against the snapshots", () => {
    it("pairs each onboarded cluster with its newest snapshot, worst state first, and lists the rest apart", () => {
        const c = fleetCoverage(
            [awsStack, azureStack],
            [
                snap(
                    "old-shop",
                    {
                        source: "aws",
                        name: "eks-shop",
                        cloud: { id: "arn:aws:eks:eu-west-1:111122223333:cluster/eks-shop", location: "eu-west-1" },
                    },
                    "2026-11-20T12:00:00Z",
                ),
                snap(
                    "kube-shop",
                    { context: "arn:aws:eks:eu-west-1:111122223333:cluster/eks-shop" },
                    "2026-12-07T09:00:00Z",
                    GRANTED,
                ),
                snap(
                    "orders",
                    { source: "azure", name: "aks-orders", cloud: { id: aksId("RG-ORDERS", "aks-orders") } },
                    "2026-12-06T12:00:00Z",
                    MISSING,
                ),
                snap("twin", { context: "aks-twin" }, "2026-12-07T11:00:00Z"),
                snap(
                    "stranger",
                    { context: "arn:aws:eks:eu-west-1:999999999999:cluster/eks-shop" },
                    "2026-12-07T11:00:00Z",
                ),
            ],
            NOW,
        );
        assert.deepStrictEqual(
            c.onboarded.map((r) => [r.label, r.state, r.snapshot?.key ?? null, r.snapshot?.how ?? null, r.alsoMatched]),
            [
                ["us-east-1/eks-batch", "never-inventoried", null, null, []],
                ["rg-a/aks-twin", "never-inventoried", null, null, []],
                ["rg-b/aks-twin", "never-inventoried", null, null, []],
                ["rg-orders/aks-orders", "missing", "orders", "AKS resource id", []],
                ["eu-west-1/eks-shop", "granted", "kube-shop", "kubeconfig context (EKS ARN)", ["old-shop"]],
            ],
        );
        assert.equal(c.onboarded[3].snapshot!.ageHours, 24);
        assert.deepStrictEqual(
            c.notOnboarded.map((n) => [n.snapshot.key, n.note ?? null]),
            [
                ["stranger", null],
                [
                    "twin",
                    "its kubeconfig context names 2 onboarded clusters (rg-a/aks-twin, rg-b/aks-twin): snapshot it with --cloud azure to tell them apart",
                ],
            ],
        );
        assert.deepStrictEqual(c.stacks, [
            { stack: "aws-prod", source: "a.json", clusters: 2 },
            { stack: "azure-prod", source: "b.json", clusters: 3 },
        ]);
    });

    it("a snapshot older than the access verdict is unknown, never granted", () => {
        const c = fleetCoverage(
            [awsStack],
            [snap("s", { context: "arn:aws:eks:us-east-1:111122223333:cluster/eks-batch" }, "2026-12-07T11:00:00Z")],
            NOW,
        );
        assert.equal(c.onboarded.find((r) => r.label === "us-east-1/eks-batch")!.state, "unknown");
    });

    it("one cluster onboarded by two stacks is one row naming both", () => {
        const twice: StackPlan = {
            ...awsStack,
            stack: "aws-platform",
            source: "c.json",
            clusters: [awsStack.clusters[0]],
        };
        const c = fleetCoverage([awsStack, twice], [], NOW);
        const shop = c.onboarded.find((r) => r.label === "eu-west-1/eks-shop")!;
        assert.deepStrictEqual(shop.stacks, [
            { stack: "aws-prod", via: ["access entry (adopted)"] },
            { stack: "aws-platform", via: ["access entry (adopted)"] },
        ]);
        assert.equal(c.onboarded.length, 2);
    });

    it("the finding of a cluster never inventoried says which stack onboarded it and where", () => {
        const row = fleetCoverage([awsStack], [], NOW).onboarded[0];
        assert.deepStrictEqual(neverInventoriedFinding(row), {
            id: "onboarded-not-inventoried:Cluster/cluster",
            rule: "onboarded-not-inventoried",
            severity: "high",
            subject: { kind: "Cluster", name: "cluster" },
            message:
                "onboarded by stack aws-prod (access entry (adopted)) in account 111122223333, but the store holds no snapshot of it: it has never been inventoried and Defender's access to it is not known",
        });
        assert.deepStrictEqual(
            [ageText(0.5), ageText(30), ageText(24 * 9 + 3), ageText(NaN)],
            ["less than 1 h", "30 h", "9 d", "age not known"],
        );
    });
});
