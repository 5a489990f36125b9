import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runCli } from "../../helpers/cli";
import { FixtureServer, startKubeApiServer } from "../../fixtures/kubeApiServer";
import { generateCluster } from "../../fixtures/clusterGenerator";
import { writeKubeconfig } from "../../fixtures/kubeconfig";

/** A context name a hostile kubeconfig could hold: markup, an event handler, a line break. */
export const HOSTILE_CONTEXT = `<img src=x onerror=alert(1)>|**x**\n[a](http://evil.example)`;
/** A Role name as a cluster could report it: it closes the table and opens a script. */
export const HOSTILE_ROLE = `</td></table><script>alert(2)</script>`;

function onCloud(providerPrefix: string, pods: number) {
    const state = generateCluster({ pods, risky: true });
    for (const n of state.objects.Node)
        (n.spec as { providerID: string }).providerID = `${providerPrefix}${n.metadata.name}`;
    return state;
}

/**
 * A brownfield fleet in a local store, made by the real CLI over three runs: an EKS cluster whose
 * aws-auth maps Defender's role, an AKS cluster without Defender's binding (which gains a privileged
 * pod after the first run), and a kubeconfig cluster of no known cloud with hostile names.
 */
export async function makeFleetStore(): Promise<{ out: string; servers: FixtureServer[]; runs: number }> {
    const eks = onCloud("aws:///eu-west-1a/", 8);
    eks.objects.ConfigMap = [
        {
            metadata: { name: "aws-auth", namespace: "kube-system" },
            data: {
                mapRoles: `- rolearn: arn:aws:iam::123456789012:role/MDCContainersAgentlessDiscoveryK8sRole\n  username: mdc\n  groups: [system:masters]\n`,
            },
        },
    ];
    const aks = onCloud("azure:///subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/", 6);
    const odd = generateCluster({ pods: 3 });
    odd.objects.Role.push({
        metadata: { name: HOSTILE_ROLE, namespace: "default" },
        rules: [{ apiGroups: ["*"], resources: ["*"], verbs: ["*"] }],
    });
    const servers = await Promise.all([eks, aks, odd].map((s) => startKubeApiServer(s)));
    const { file } = writeKubeconfig({
        "eks-shop": { url: servers[0].url },
        "aks-payments": { url: servers[1].url },
        [HOSTILE_CONTEXT]: { url: servers[2].url },
    });
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "fleet-"));
    const run = async () => {
        const r = await runCli(["snapshot", "--kubeconfig", file, "--all-contexts", "--out", out]);
        if (r.code !== 0) throw new Error(`snapshot exited ${r.code}: ${r.stderr}`);
    };
    await run();
    const pods = servers[1].state.objects.Pod;
    pods.push({
        metadata: { name: "debug-root", namespace: pods[0].metadata.namespace, uid: "debug-root-uid" },
        spec: { containers: [{ name: "sh", image: "busybox:1.36", securityContext: { privileged: true } }] },
    });
    await run();
    await run();
    return { out, servers, runs: 3 };
}

/** The example stacks whose plans the fleet view is tested with: brownfield, so they adopt and create. */
export const ONBOARDING_STACKS = ["aws-brownfield", "azure-brownfield"] as const;

/** Writes each example stack's plan document (`npm run plan -- --stack S --format json`) into `dir`. */
export async function writePlans(dir: string): Promise<string[]> {
    const files: string[] = [];
    for (const stack of ONBOARDING_STACKS) {
        const r = await runCli(["plan", "--stack", stack, "--format", "json"]);
        if (r.code !== 0) throw new Error(`plan ${stack} exited ${r.code}: ${r.stderr}`);
        const file = path.join(dir, `${stack}.plan.json`);
        fs.writeFileSync(file, r.stdout);
        files.push(file);
    }
    return files;
}

/**
 * A store whose snapshots the brownfield stacks' plans partly cover, made by the real CLI over
 * kubeconfig contexts named as the clouds' own tools name them:
 *  - `arn:aws:eks:eu-west-1:111122223333:cluster/eks-shop` (aws-brownfield onboards it): aws-auth
 *    maps Defender's role to system:masters, so access is granted;
 *  - the same name and region in another account, 999999999999: no stack onboards it;
 *  - `aks-orders-weu` (az aks get-credentials names a context by the cluster alone; azure-brownfield
 *    onboards the cluster): no ClusterRoleBinding of Defender's, so access is missing;
 *  - `kind-lab`, of no cloud: no stack onboards it.
 * Every other cluster of the two plans has no snapshot.
 */
export async function makeOnboardedStore(): Promise<{ out: string; servers: FixtureServer[] }> {
    const awsAuth = (account: string) => [
        {
            metadata: { name: "aws-auth", namespace: "kube-system" },
            data: {
                mapRoles: `- rolearn: arn:aws:iam::${account}:role/MDCContainersAgentlessDiscoveryK8sRole\n  username: mdc\n  groups: [system:masters]\n`,
            },
        },
    ];
    const shop = onCloud("aws:///eu-west-1a/", 4);
    shop.objects.ConfigMap = awsAuth("111122223333");
    const other = onCloud("aws:///eu-west-1b/", 3);
    other.objects.ConfigMap = awsAuth("999999999999");
    const orders = onCloud(
        "azure:///subscriptions/s/resourceGroups/mc/providers/Microsoft.Compute/virtualMachines/",
        3,
    );
    const lab = generateCluster({ pods: 2 });
    const servers = await Promise.all([shop, other, orders, lab].map((s) => startKubeApiServer(s)));
    const { file } = writeKubeconfig({
        "arn:aws:eks:eu-west-1:111122223333:cluster/eks-shop": { url: servers[0].url },
        "arn:aws:eks:eu-west-1:999999999999:cluster/eks-shop": { url: servers[1].url },
        "aks-orders-weu": { url: servers[2].url },
        "kind-lab": { url: servers[3].url },
    });
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "onboarded-"));
    const r = await runCli(["snapshot", "--kubeconfig", file, "--all-contexts", "--out", out]);
    if (r.code !== 0) throw new Error(`snapshot exited ${r.code}: ${r.stderr}`);
    return { out, servers };
}
