import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ROOT, runCli, planJson } from "../../helpers/cli";

describe("plan of the k8s-dev stack", () => {
    it("shows both charts on each cluster with their values, the constraints and the alerts to expect", async () => {
        const r = await planJson("k8s-dev");
        assert.equal(r.code, 0, r.stderr);
        const plan = JSON.parse(r.stdout) as {
            resources: { type: string; name: string; inputs: Record<string, unknown> }[];
            notes: { kind: string; subject: string; message: string }[];
        };
        const charts = plan.resources.filter((x) => x.type === "kubernetes:helm.sh/v4:Chart");
        assert.deepEqual(charts.map((c) => `${c.name}:${c.inputs.chart}@${c.inputs.version}`).sort(), [
            "arc-lab-paris-gatekeeper:gatekeeper@3.18.2",
            "eks-lab-dublin-gatekeeper:gatekeeper@3.18.2",
            "eks-lab-dublin-sensor:oci://mcr.microsoft.com/azuredefender/microsoft-defender-for-containers@0.9.2",
        ]);
        assert.deepEqual(
            (
                charts.find((c) => c.name === "eks-lab-dublin-sensor")!.inputs.values as {
                    global: { cloudIdentifiers: unknown };
                }
            ).global.cloudIdentifiers,
            {
                AWS: { accountId: "123456789012", region: "eu-west-1", clusterName: "lab-dublin" },
            },
        );
        assert.equal(
            plan.resources.filter((x) => x.type.startsWith("kubernetes:constraints.gatekeeper.sh/v1beta1:")).length,
            16,
        );
        // The Arc cluster gets the sensor from the Arc extension, not the chart: the two routes are never mixed.
        assert.deepEqual(
            plan.resources
                .filter((x) => x.type === "azure-native:kubernetesconfiguration:Extension")
                .map((x) => x.inputs.extensionType),
            ["microsoft.azuredefender.kubernetes"],
        );
        assert.equal(plan.notes.filter((n) => n.kind === "expected-alerts").length, 10);
    });

    it("stops with the config error alone when the stack enables the simulation in production", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "k8s-prod-"));
        try {
            const text = fs
                .readFileSync(path.join(ROOT, "examples", "stacks", "Pulumi.k8s-dev.yaml"), "utf8")
                .replace("agentless-discovery:production: false", "agentless-discovery:production: true");
            fs.writeFileSync(path.join(dir, "Pulumi.k8s-prod.yaml"), text);
            const r = await runCli(["plan", "--stack", "k8s-prod"], { env: { AGENTLESS_STACKS_DIR: dir } });
            assert.notEqual(r.code, 0);
            assert.match(
                r.stderr + r.stdout,
                /config key "kubernetes\.simulation\.enabled" has value true; expected false on a production stack/,
            );
            assert.doesNotMatch(r.stderr, /at .*\.ts:\d+/);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
