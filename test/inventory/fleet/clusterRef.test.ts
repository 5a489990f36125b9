import { strict as assert } from "assert";
import {
    ClusterRef,
    parseArmClusterId,
    parseEksArn,
    parseGkeContext,
    parseGkeId,
    refKey,
    sameCluster,
    snapshotRef,
} from "../../../inventory/fleet/clusterRef";
import { ClusterIdentity } from "../../../inventory/schema";

const SUB = "6d0f3b2a-8c4e-4f1a-9b7d-3e2c1a0f9e8d";
const AKS_ID = `/subscriptions/${SUB}/resourceGroups/rg-orders/providers/Microsoft.ContainerService/managedClusters/aks-orders-weu`;

const discovered = (source: "aws" | "azure" | "gcp", name: string, id: string, location = ""): ClusterIdentity => ({
    name,
    server: "https://x",
    source,
    cloud: { id, location },
});
const viaContext = (context: string): ClusterIdentity => ({
    name: context,
    server: "https://x",
    source: "kubeconfig",
    context,
});

/** The match of an onboarded cluster with a snapshot's identity, as the fleet view decides it. */
function match(onboarded: ClusterRef, identity: ClusterIdentity): string | undefined {
    const s = snapshotRef(identity);
    return s && "ref" in s ? sameCluster(onboarded, s.ref, s.how) : undefined;
}

describe("fleet view: one cluster named by a plan and by a snapshot", () => {
    describe("EKS: name, region and account", () => {
        const shop: ClusterRef = { cloud: "aws", name: "eks-shop", region: "eu-west-1", account: "111122223333" };
        const arn = "arn:aws:eks:eu-west-1:111122223333:cluster/eks-shop";

        it("matches the ARN discovery records and the ARN context aws eks update-kubeconfig writes", () => {
            assert.deepStrictEqual(parseEksArn(arn), shop);
            assert.equal(match(shop, discovered("aws", "eks-shop", arn, "eu-west-1")), "EKS ARN");
            assert.equal(match(shop, viaContext(arn)), "kubeconfig context (EKS ARN)");
            assert.deepStrictEqual(
                parseEksArn("arn:aws-us-gov:eks:us-gov-west-1:111122223333:cluster/c")?.region,
                "us-gov-west-1",
            );
        });

        it("refuses the same name in another account, another region, or another case", () => {
            assert.equal(match(shop, viaContext("arn:aws:eks:eu-west-1:999999999999:cluster/eks-shop")), undefined);
            assert.equal(match(shop, viaContext("arn:aws:eks:eu-central-1:111122223333:cluster/eks-shop")), undefined);
            assert.equal(match(shop, viaContext("arn:aws:eks:eu-west-1:111122223333:cluster/EKS-shop")), undefined);
            assert.equal(match(shop, viaContext("eks-shop")), undefined, "a bare name is no EKS identity");
        });

        it("says so when only name and region could be compared", () => {
            const { account: _, ...noAccount } = shop;
            assert.equal(match(noAccount, viaContext(arn)), "EKS name and region (the plan does not name the account)");
            assert.equal(
                match(shop, discovered("aws", "eks-shop", "eks-shop", "eu-west-1")),
                "EKS name and region (the snapshot records no account)",
            );
        });
    });

    describe("AKS and Arc: ARM ids, compared without case", () => {
        const aks = parseArmClusterId(AKS_ID)!;

        it("matches an id written in another case, as ARM does", () => {
            assert.equal(match(aks, discovered("azure", "aks-orders-weu", AKS_ID.toUpperCase())), "AKS resource id");
            assert.equal(
                refKey(aks),
                refKey(parseArmClusterId(AKS_ID.replace("rg-orders", "RG-Orders").replace(SUB, SUB.toUpperCase()))!),
            );
        });

        it("refuses another subscription, another resource group, and a connected cluster of the same name", () => {
            assert.equal(
                match(aks, discovered("azure", "a", AKS_ID.replace(SUB, "3f2a9c1e-7b4d-4e8a-9c62-1d5e8f0a7b34"))),
                undefined,
            );
            assert.equal(match(aks, discovered("azure", "a", AKS_ID.replace("rg-orders", "rg-other"))), undefined);
            const arcId = AKS_ID.replace(
                "Microsoft.ContainerService/managedClusters",
                "Microsoft.Kubernetes/connectedClusters",
            );
            assert.equal(parseArmClusterId(arcId)!.kind, "arc");
            assert.equal(match(aks, discovered("azure", "a", arcId)), undefined);
            assert.equal(
                match(parseArmClusterId(arcId)!, discovered("azure", "a", arcId.toLowerCase())),
                "Arc resource id",
            );
        });

        it("a context named by the cluster alone is only a name: no cloud identity is read from it", () => {
            assert.deepStrictEqual(snapshotRef(viaContext("aks-orders-weu")), { contextName: "aks-orders-weu" });
        });
    });

    describe("GKE: project, location and name", () => {
        const gke: ClusterRef = {
            cloud: "gcp",
            project: "contoso-payments-prod",
            location: "europe-west1",
            name: "gke-payments",
        };

        it("matches the id, the self link (a zonal one spells zones/) and gcloud's gke_ context", () => {
            assert.equal(
                match(
                    gke,
                    discovered(
                        "gcp",
                        "gke-payments",
                        "projects/contoso-payments-prod/locations/europe-west1/clusters/gke-payments",
                    ),
                ),
                "GKE project, location and name",
            );
            assert.deepStrictEqual(
                parseGkeId("https://container.googleapis.com/v1/projects/p/zones/europe-west1-b/clusters/c"),
                { cloud: "gcp", project: "p", location: "europe-west1-b", name: "c" },
            );
            assert.equal(
                match(gke, viaContext("gke_contoso-payments-prod_europe-west1_gke-payments")),
                "kubeconfig context (gke_PROJECT_LOCATION_NAME)",
            );
        });

        it("refuses the same name in another location or project", () => {
            assert.equal(match(gke, viaContext("gke_contoso-payments-prod_us-central1_gke-payments")), undefined);
            assert.equal(match(gke, viaContext("gke_contoso-other_europe-west1_gke-payments")), undefined);
            assert.equal(parseGkeContext("gke_a_b"), undefined);
            assert.equal(parseGkeContext("gke_p_l_n_extra"), undefined);
        });
    });

    it("never matches across clouds", () => {
        const aws: ClusterRef = { cloud: "aws", name: "c", region: "r" };
        const gcp: ClusterRef = { cloud: "gcp", project: "p", location: "r", name: "c" };
        assert.equal(sameCluster(aws, gcp, "GKE project, location and name"), undefined);
        assert.equal(sameCluster(gcp, aws, "EKS ARN"), undefined);
    });
});
