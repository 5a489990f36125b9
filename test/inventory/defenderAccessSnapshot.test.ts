import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runCli } from "../helpers/cli";
import { contextDir } from "../helpers/storeDir";
import { FixtureServer, startKubeApiServer } from "../fixtures/kubeApiServer";
import { generateCluster } from "../fixtures/clusterGenerator";
import { writeKubeconfig } from "../fixtures/kubeconfig";
import { SnapshotDocument } from "../../inventory/schema";

function latestDoc(out: string, dir: string): SnapshotDocument {
    const name = fs.readFileSync(path.join(out, contextDir(out, dir), "latest"), "utf8").trim();
    return JSON.parse(fs.readFileSync(path.join(out, contextDir(out, dir), name), "utf8"));
}

/** A generated cluster whose nodes name a cloud, as EKS, AKS and GKE nodes do in `spec.providerID`. */
function onCloud(providerPrefix: string) {
    const state = generateCluster({ pods: 4 });
    for (const n of state.objects.Node)
        (n.spec as { providerID: string }).providerID = `${providerPrefix}${n.metadata.name}`;
    return state;
}

const ROLE_ARN = "arn:aws:iam::123456789012:role/MDCContainersAgentlessDiscoveryK8sRole";

describe("snapshot: Defender's access", function () {
    this.timeout(60_000);
    const servers: FixtureServer[] = [];
    afterEach(async () => {
        await Promise.all(servers.splice(0).map((s) => s.close()));
    });
    const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "snap-access-"));

    it("stores granted with the evidence for an EKS cluster whose aws-auth maps the role to system:masters, and reads only that ConfigMap", async () => {
        const state = onCloud("aws:///eu-west-1a/");
        state.objects.ConfigMap = [
            {
                metadata: { name: "aws-auth", namespace: "kube-system" },
                data: {
                    mapRoles: `- rolearn: arn:aws:iam::123456789012:role/nodes\n  username: system:node:{{EC2PrivateDNSName}}\n  groups: [system:bootstrappers, system:nodes]\n- rolearn: ${ROLE_ARN}\n  username: mdc\n  groups: [system:masters]\n`,
                },
            },
        ];
        const server = await startKubeApiServer(state);
        servers.push(server);
        const { file } = writeKubeconfig({ eks: { url: server.url } });
        const out = tmp();
        const r = await runCli(["snapshot", "--kubeconfig", file, "--out", out]);
        assert.strictEqual(r.code, 0, r.stderr);
        assert.deepStrictEqual(latestDoc(out, "eks").defenderAccess, {
            state: "granted",
            cloud: "aws",
            evidence: [
                `aws-auth maps ${ROLE_ARN} to group(s) system:masters`,
                "group system:masters holds every permission",
            ],
        });
        const configMapCalls = server.requests.filter((q) => q.path.includes("configmaps")).map((q) => q.path);
        assert.deepStrictEqual(configMapCalls, ["/api/v1/namespaces/kube-system/configmaps/aws-auth"]);
        assert.ok(
            !fs
                .readFileSync(
                    path.join(
                        out,
                        contextDir(out, "eks"),
                        fs.readFileSync(path.join(out, contextDir(out, "eks"), "latest"), "utf8").trim(),
                    ),
                    "utf8",
                )
                .includes("system:node:{{"),
            "no other aws-auth entry is stored",
        );
    });

    it("raises the high finding defender-access-missing on an AKS cluster without the trusted access binding, and closes it once AKS makes it", async () => {
        const state = onCloud(
            "azure:///subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachineScaleSets/vmss/virtualMachines/",
        );
        const server = await startKubeApiServer(state);
        servers.push(server);
        const { file } = writeKubeconfig({ aks: { url: server.url } });
        const out = tmp();
        const first = await runCli(["snapshot", "--kubeconfig", file, "--out", out]);
        assert.strictEqual(first.code, 0, first.stderr);
        const doc = latestDoc(out, "aks");
        assert.strictEqual(doc.defenderAccess?.state, "missing");
        const f = doc.findings.find((x) => x.rule === "defender-access-missing");
        assert.deepStrictEqual(f && [f.severity, f.message], [
            "high",
            "Defender's discovery identity cannot read this cluster: no ClusterRoleBinding to aks:trustedaccessrole:defender-containers:microsoft-defender-operator or aks:trustedaccessrole:defender-cloudposture:microsoft-defender-operator; create the trusted access role binding with role Microsoft.Security/pricings/microsoft-defender-operator: turn on the AgentlessDiscoveryForKubernetes extension of the Defender plan, or run `pulumi up` for the stack that onboards this subscription",
        ]);

        server.state.objects.ClusterRoleBinding.push({
            metadata: { name: "aks-defender-containers" },
            roleRef: {
                kind: "ClusterRole",
                name: "aks:trustedaccessrole:defender-containers:microsoft-defender-operator",
                apiGroup: "rbac.authorization.k8s.io",
            },
            subjects: [{ kind: "User", name: "defender" }],
        });
        const second = await runCli(["snapshot", "--kubeconfig", file, "--out", out]);
        assert.match(
            second.stdout,
            /findings closed:\n {6}✓ \[high\] defender-access-missing: Defender's discovery identity/,
        );
        assert.strictEqual(latestDoc(out, "aks").defenderAccess?.state, "granted");
    });

    it("leaves the finding neither opened nor closed when ClusterRoleBindings answer 403, saying why", async () => {
        const server = await startKubeApiServer(onCloud("azure:///subscriptions/s/x/"));
        servers.push(server);
        server.faults.push({ path: "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings", status: 403 });
        const { file } = writeKubeconfig({ aks: { url: server.url } });
        const out = tmp();
        const r = await runCli(["snapshot", "--kubeconfig", file, "--out", out]);
        assert.match(r.stdout, /defender-access-missing unknown: ClusterRoleBinding could not be read/);
        const doc = latestDoc(out, "aks");
        assert.deepStrictEqual(doc.defenderAccess, {
            state: "unknown",
            cloud: "azure",
            reason: "ClusterRoleBinding could not be read",
        });
        assert.ok(!doc.findings.some((x) => x.rule === "defender-access-missing"));
    });

    it("refuses a bad identity name with the flag, the value and what is allowed", async () => {
        const r = await runCli(["snapshot", "--defender-aws-role", "bad role", "--out", tmp()]);
        assert.strictEqual(r.code, 2);
        assert.match(r.stderr, /--defender-aws-role "bad role" is not allowed; expected an IAM role name/);
    });
});
