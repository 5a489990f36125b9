import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ROOT, runCli } from "../helpers/cli";

const SUB = "3f2a9c1e-7b4d-4e8a-9c62-1d5e8f0a7b34";
/** A stack of azure-dev's subscription that installs the sensor with Helm on one of its AKS clusters. */
const K8S_AKS = `config:
  agentless-discovery:cloud: azure
  agentless-discovery:azure:
    subscriptionId: ${SUB}
    location: westeurope
    atScale:
      defenderProfile: false
      azurePolicyAddon: false
      arcDefender: false
      arcAzurePolicy: false
  agentless-discovery:kubernetes:
    clusters:
      - name: aks-payments
        kind: aks
        resourceId: /subscriptions/${SUB}/resourceGroups/rg-payments-prod/providers/Microsoft.ContainerService/managedClusters/aks-payments-weu
        region: westeurope
        access:
          context: aks-payments-weu
    sensor:
      enabled: true
      chartVersion: 0.9.2
`;

/** Gate runs over temporary stacks (AGENTLESS_STACKS_DIR), as a user names them. */
describe("npm run gate over several stacks (child processes)", function () {
    this.timeout(180_000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gate-stacks-"));
    const env = { AGENTLESS_STACKS_DIR: dir };
    const message =
        `[mandatory] sensor-helm-or-defender-profile-policy on k8s-aks/aks-payments-sensor: stack k8s-aks installs the Defender sensor with Helm ` +
        `on AKS cluster aks-payments-weu (subscription ${SUB}) while stack azure-dev assigns policy 64def556 (Configure Azure Kubernetes Service clusters ` +
        `to enable Defender profile) at /subscriptions/${SUB} (addons-defenderProfile): Microsoft's Helm route requires that policy removed first; ` +
        "set sensor: false on that cluster in k8s-aks's kubernetes.clusters, or azure.atScale.defenderProfile: false in azure-dev";
    before(() => {
        fs.copyFileSync(
            path.join(ROOT, "examples", "stacks", "Pulumi.azure-dev.yaml"),
            path.join(dir, "Pulumi.azure-dev.yaml"),
        );
        fs.writeFileSync(path.join(dir, "Pulumi.k8s-aks.yaml"), K8S_AKS);
        fs.copyFileSync(
            path.join(ROOT, "examples", "stacks", "azure-dev.cloud.yaml"),
            path.join(dir, "azure-dev.cloud.yaml"),
        );
        // k8s-aks sees only its AKS cluster of the subscription (no Arc cluster wanting a workspace).
        fs.writeFileSync(
            path.join(dir, "k8s-aks.cloud.yaml"),
            `azure:\n  subscriptionId: ${SUB}\n  aksClusters:\n` +
                `    - id: /subscriptions/${SUB}/resourceGroups/rg-payments-prod/providers/Microsoft.ContainerService/managedClusters/aks-payments-weu\n      location: westeurope\n`,
        );
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("passes each stack alone, and refuses the two named together, naming both", async () => {
        const alone = await runCli(["gate", "--stack", "k8s-aks"], { env });
        assert.equal(alone.code, 0, alone.stdout + alone.stderr);
        const r = await runCli(["gate", "--stack", "k8s-aks", "--with-stack", "azure-dev"], { env });
        assert.equal(r.code, 1, r.stderr);
        assert.equal(r.stdout, `${message}\nFAIL: stack k8s-aks with azure-dev, 1 violations, 1 mandatory\n`);
    });

    it("finds the same conflict from the other side, with the Helm stack as a saved plan (as CI keeps them)", async () => {
        const planned = await runCli(["plan", "--stack", "k8s-aks", "--format", "json"], { env });
        assert.equal(planned.code, 0, planned.stderr);
        const file = path.join(dir, "k8s-aks.plan.json");
        fs.writeFileSync(file, planned.stdout);
        const r = await runCli(["gate", "--stack", "azure-dev", "--with-plan", file], { env });
        assert.equal(r.code, 1, r.stderr);
        assert.match(r.stdout, new RegExp(`^${message.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`, "m"));
        assert.match(r.stdout, /^FAIL: stack azure-dev with k8s-aks, 1 violations, 1 mandatory$/m);
    });

    it("refuses a cloud-state file for a stack it does not name, and a stack named twice", async () => {
        const r = await runCli(
            ["gate", "--stack", "k8s-aks", "--with-stack", "azure-dev", "--with-cloud-state", "aws-dev=x.yaml"],
            { env },
        );
        assert.equal(r.code, 2);
        assert.match(
            r.stderr,
            /--with-cloud-state aws-dev=\.\.\.: aws-dev is not named with --with-stack \(named: azure-dev\)/,
        );
        const twice = await runCli(["gate", "--stack", "k8s-aks", "--with-stack", "k8s-aks"], { env });
        assert.equal(twice.code, 2);
        assert.match(twice.stderr, /stack k8s-aks is named twice/);
    });

    it("gates a stack whose tenant id is encrypted, with pr.yml's placeholder", async () => {
        const yaml = fs
            .readFileSync(path.join(ROOT, "examples", "stacks", "Pulumi.aws-dev.yaml"), "utf8")
            .replace(
                /^ {2}agentless-discovery:azureTenantId: .*$/m,
                "  agentless-discovery:azureTenantId:\n    secure: AAABAKx0bmF0aW9u",
            );
        fs.writeFileSync(path.join(dir, "Pulumi.aws-enc.yaml"), yaml);
        fs.copyFileSync(
            path.join(ROOT, "examples", "stacks", "aws-dev.cloud.yaml"),
            path.join(dir, "aws-enc.cloud.yaml"),
        );
        // pr.yml's test for an encrypted tenant id, in JavaScript's spelling of its POSIX class.
        assert.match(yaml, /^\s+(agentless-discovery:)?azureTenantId:\s*$/m);
        const planned = await runCli(
            [
                "plan",
                "--stack",
                "aws-enc",
                "--format",
                "json",
                "--config",
                "azureTenantId=00000000-0000-0000-0000-000000000000",
            ],
            { env },
        );
        assert.equal(planned.code, 0, planned.stderr);
        const file = path.join(dir, "aws-enc.plan.json");
        fs.writeFileSync(file, planned.stdout);
        const r = await runCli(["gate", "--plan", file], { env });
        assert.equal(r.code, 0, r.stdout);
        assert.match(r.stdout, /^PASS: stack aws-enc, \d+ violations, 0 mandatory$/m);
    });
});
