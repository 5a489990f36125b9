import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ROOT, runCli } from "../helpers/cli";

/**
 * A one-letter typo in cluster selection, through the real CLI on a temporary stack dir
 * (AGENTLESS_STACKS_DIR): an example stack with the typo, and its example cloud-state file.
 */
function typoStack(dir: string, example: string, from: string, to: string): void {
    const text = fs.readFileSync(path.join(ROOT, "examples", "stacks", `Pulumi.${example}.yaml`), "utf8");
    assert.ok(text.includes(from), `${example} holds ${from}`);
    fs.writeFileSync(path.join(dir, "Pulumi.typo.yaml"), text.replace(from, to));
    fs.copyFileSync(path.join(ROOT, "examples", "stacks", `${example}.cloud.yaml`), path.join(dir, "typo.cloud.yaml"));
}

describe("a typo in cluster selection stops plan and gate with exit 2, on every cloud", function () {
    this.timeout(120_000);
    let dir: string;
    beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "selection-typo-"))));
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
    const env = () => ({ AGENTLESS_STACKS_DIR: dir });

    it("AWS: an override of the private cluster with a one-letter typo (it used to be an info note, the cluster went without Defender's endpoint access and the gate passed)", async () => {
        typoStack(dir, "aws-brownfield", "      eu-central-1/eks-internal:\n", "      eu-central-1/eks-internl:\n");
        const message =
            'error: config key "aws.overrides.eu-central-1/eks-internl" has value "eu-central-1/eks-internl"; expected a cluster that discovery found in eu-west-1, eu-central-1; ' +
            "it found eu-central-1/eks-internal, eu-central-1/eks-legacy, eu-central-1/eks-shop, eu-west-1/eks-lab, eu-west-1/eks-shop, eu-west-1/eks-ci-scratch\n";
        const [plan, gate] = await Promise.all([
            runCli(["plan", "--stack", "typo", "--format", "json"], { env: env() }),
            runCli(["gate", "--stack", "typo"], { env: env() }),
        ]);
        assert.equal(plan.code, 2);
        assert.equal(plan.stdout, "");
        assert.equal(plan.stderr, message);
        assert.equal(gate.code, 2, gate.stdout + gate.stderr);
        assert.ok(gate.stderr.includes(message), gate.stderr);
    });

    it("Azure: an override of the Arc cluster with a one-letter typo", async () => {
        typoStack(dir, "azure-brownfield", "      rg-edge/arc-plant-porto:\n", "      rg-edge/arc-plant-prto:\n");
        const r = await runCli(["plan", "--stack", "typo", "--format", "json"], { env: env() });
        assert.equal(r.code, 2);
        assert.equal(r.stdout, "");
        assert.equal(
            r.stderr,
            'error: config key "azure.overrides["rg-edge/arc-plant-prto"]" has value "rg-edge/arc-plant-prto"; ' +
                "expected a cluster that discovery found in subscription 6d0f3b2a-8c4e-4f1a-9b7d-3e2c1a0f9e8d; it found rg-edge/arc-plant-porto, rg-orders/aks-orders-weu, rg-sandbox-ml/aks-ml-lab, rg-catalog/aks-catalog-neu\n",
        );
    });

    it("GCP: a listed cluster with a one-letter typo (GKE has no overrides: the key is refused, with what to write instead)", async () => {
        typoStack(
            dir,
            "gcp-dev",
            "    connector:\n",
            "    clusters:\n      - { name: gke-payments-ew1, location: europe-west1 }\n    connector:\n",
        );
        const listed = await runCli(["plan", "--stack", "typo", "--format", "json"], { env: env() });
        assert.equal(listed.code, 2);
        assert.equal(listed.stdout, "");
        assert.equal(
            listed.stderr,
            'error: config key "gcp.clusters[0]" has value "contoso-payments-prod/europe-west1/gke-payments-ew1"; ' +
                "expected a cluster that discovery found in project contoso-payments-prod; it found contoso-payments-prod/europe-west1/gke-payments-euw1, contoso-payments-prod/europe-west1-b/gke-sandbox-01\n",
        );

        typoStack(
            dir,
            "gcp-brownfield",
            "      exclude:\n",
            "      overrides:\n        contoso-payments-prod/us-central1/gke-batch: { exclude: true }\n      exclude:\n",
        );
        const override = await runCli(["plan", "--stack", "typo", "--format", "json"], { env: env() });
        assert.equal(override.code, 2);
        assert.match(
            override.stderr,
            /^error: config key "gcp\.discovery\.overrides" has value .*; expected no value: overrides never decide whether a cluster is onboarded/,
        );
    });
});
