import { strict as assert } from "assert";
import { checkDistinctStacks, planClusters, StackPlan } from "../../../inventory/fleet/planClusters";
import { refLabel } from "../../../inventory/fleet/clusterRef";
import { runCli } from "../../helpers/cli";

const ROLE = "arn:aws:iam::111122223333:role/MDCContainersAgentlessDiscoveryK8sRole";
const SUB = "6d0f3b2a-8c4e-4f1a-9b7d-3e2c1a0f9e8d";

/** What a plan says of its clusters, one line each: label, scope, and what the stack does. */
const lines = (p: StackPlan) => p.clusters.map((c) => [refLabel(c.ref), JSON.stringify(c.ref), c.via.join("; ")]);

describe("fleet view: the clusters a stack onboards, from its plan document", function () {
    this.timeout(120_000);
    const docs: Record<string, unknown> = {};
    before(async () => {
        for (const stack of ["aws-brownfield", "azure-brownfield", "gcp-brownfield", "azure-dev"]) {
            const r = await runCli(["plan", "--stack", stack, "--format", "json"]);
            assert.equal(r.code, 0, r.stderr);
            docs[stack] = JSON.parse(r.stdout);
        }
    });

    it("EKS: each cluster's access entry, policy association or aws-auth entry, adopted or created; the account from the entry's role", () => {
        const p = planClusters(docs["aws-brownfield"], "aws.json");
        assert.equal(p.stack, "aws-brownfield");
        assert.deepStrictEqual(lines(p), [
            [
                "eu-west-1/eks-shop",
                '{"cloud":"aws","name":"eks-shop","region":"eu-west-1","account":"111122223333"}',
                `access entry for ${ROLE} (adopted); AmazonEKSViewPolicy association (adopted)`,
            ],
            [
                "eu-central-1/eks-internal",
                '{"cloud":"aws","name":"eks-internal","region":"eu-central-1","account":"111122223333"}',
                `access entry for ${ROLE} (created); AmazonEKSViewPolicy association (created)`,
            ],
            [
                "eu-central-1/eks-shop",
                '{"cloud":"aws","name":"eks-shop","region":"eu-central-1","account":"111122223333"}',
                `access entry for ${ROLE} (adopted); AmazonEKSViewPolicy association (created)`,
            ],
            [
                "eu-central-1/eks-legacy",
                '{"cloud":"aws","name":"eks-legacy","region":"eu-central-1","account":"111122223333"}',
                "ClusterRoleBinding for the mapped group (created); aws-auth mapRoles entry (created)",
            ],
        ]);
    });

    it("AKS and Arc: the trusted access bindings and Defender's extension, not Azure Policy's; the excluded cluster absent", () => {
        assert.deepStrictEqual(lines(planClusters(docs["azure-brownfield"], "azure.json")), [
            [
                "rg-edge/arc-plant-porto (Arc)",
                `{"cloud":"azure","kind":"arc","subscription":"${SUB}","resourceGroup":"rg-edge","name":"arc-plant-porto"}`,
                "Defender extension microsoft.azuredefender.kubernetes (adopted)",
            ],
            [
                "rg-orders/aks-orders-weu",
                `{"cloud":"azure","kind":"aks","subscription":"${SUB}","resourceGroup":"rg-orders","name":"aks-orders-weu"}`,
                "trusted access role binding defender-containers (adopted)",
            ],
            [
                "rg-catalog/aks-catalog-neu",
                `{"cloud":"azure","kind":"aks","subscription":"${SUB}","resourceGroup":"rg-catalog","name":"aks-catalog-neu"}`,
                "trusted access role binding defender-containers (created)",
            ],
        ]);
        // azure-dev creates the Arc cluster's Azure Policy extension too: it onboards nothing to Defender.
        assert.deepStrictEqual(
            planClusters(docs["azure-dev"], "dev.json").clusters.find(
                (c) => c.ref.cloud === "azure" && c.ref.kind === "arc",
            )?.via,
            ["Defender extension microsoft.azuredefender.kubernetes (created)"],
        );
    });

    it("GKE: the clusters the plan's notes list as discovered, not the excluded ones, with the project's viewer grant", () => {
        const member = "serviceAccount:mdc-containers-k8s-operator@contoso-payments-prod.iam.gserviceaccount.com";
        assert.deepStrictEqual(lines(planClusters(docs["gcp-brownfield"], "gcp.json")), [
            [
                "contoso-payments-prod/europe-west1/gke-payments",
                '{"cloud":"gcp","project":"contoso-payments-prod","location":"europe-west1","name":"gke-payments"}',
                `roles/container.viewer for ${member} (created)`,
            ],
            [
                "contoso-payments-prod/us-central1/gke-payments",
                '{"cloud":"gcp","project":"contoso-payments-prod","location":"us-central1","name":"gke-payments"}',
                `roles/container.viewer for ${member} (created)`,
            ],
        ]);
    });

    it("a file that is not what the plan writes is refused with one message naming it and what is wrong", () => {
        const plan = docs["aws-brownfield"] as { resources: Record<string, unknown>[] };
        const bad = (
            change: (d: { stack?: unknown; resources: Record<string, unknown>[]; notes?: unknown }) => void,
        ) => {
            const d = structuredClone<{ resources: Record<string, unknown>[] }>(plan);
            change(d);
            return () => planClusters(d, "--plan p.json");
        };
        const at = plan.resources.findIndex((r) => r.type === "agentless:aws:EksClusterAccess");
        const cases: [() => unknown, string][] = [
            [
                () => planClusters([1, 2], "--plan p.json"),
                '--plan p.json: not a plan document (expected {"stack", "resources": [...], "notes": [...]}, as `npm run plan -- --stack S --format json` writes)',
            ],
            [
                bad((d) => delete d.stack),
                '--plan p.json: not a plan document (expected {"stack", "resources": [...], "notes": [...]}, as `npm run plan -- --stack S --format json` writes)',
            ],
            [
                bad((d) => (d.resources[2] = { type: "x" })),
                '--plan p.json: resources[2] needs "type" and "name" strings and an "inputs" object',
            ],
            [
                bad((d) => (d.resources[1].op = "update")),
                '--plan p.json: resources[1] (pulumi:providers:azure-native azure) has op "update"; a plan\'s ops are create, import, read',
            ],
            [
                bad((d) => delete (d.resources[at].inputs as Record<string, unknown>).clusterName),
                `--plan p.json: resources[${at}] (agentless:aws:EksClusterAccess eks-eu-west-1-eks-shop) has no "inputs.clusterName" string`,
            ],
            [bad((d) => (d.notes = "none")), '--plan p.json: "notes" must be a list'],
            [bad((d) => (d.notes = [{ kind: "info" }])), '--plan p.json: notes[0] needs "kind" and "subject" strings'],
        ];
        for (const [fn, message] of cases) assert.throws(fn, { name: "PlanClustersError", message });
    });

    it("one stack given twice is refused with both files", () => {
        const a = planClusters(docs["aws-brownfield"], "--plan a.json");
        const b = planClusters(docs["aws-brownfield"], "--plan b.json");
        assert.throws(() => checkDistinctStacks([a, b]), {
            message: "--plan b.json: stack aws-brownfield is already given by --plan a.json",
        });
        checkDistinctStacks([a, planClusters(docs["azure-brownfield"], "--plan c.json")]);
    });
});
