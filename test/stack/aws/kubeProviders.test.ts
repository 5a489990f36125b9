import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { Provider as KubeProvider } from "@pulumi/kubernetes/provider";
import { EksClusterAccess, EksClusterAccessArgs } from "../../../components/aws/eksClusterAccess";
import { ClusterProviders, clusterProvider } from "../../../components/kubernetes/clusterProvider";
import { loadStackConfig } from "../../../config";
import { buildProgram } from "../../../stack/program";
import { byType, one, registered, takeNotes } from "../../helpers/pulumi";
import { stateSource } from "../../helpers/awsStateLookup";

const ACCOUNT = "246813579024";
const CONFIG_MAP = (clusterName: string): EksClusterAccessArgs => ({
    clusterName,
    region: "eu-west-1",
    authenticationMode: "CONFIG_MAP",
    endpoint: { publicAccess: true, privateAccess: true, publicAccessCidrs: ["0.0.0.0/0"] },
    roleArn: `arn:aws:iam::${ACCOUNT}:role/r`,
});
const ROLE = "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole";
const PATCH = "kubernetes:core/v1:ConfigMapPatch";

const urnOf = (r: pulumi.Resource): Promise<string> => new Promise((resolve) => r.urn.apply(resolve));

/** The provider each Kubernetes resource of the component was given. */
function kubeProvidersOf(access: EksClusterAccess) {
    return [
        access.clusterRole!.getProvider(ROLE),
        access.clusterRoleBinding!.getProvider(ROLE),
        access.awsAuthPatch!.getProvider(PATCH),
    ];
}

describe("EksClusterAccess's Kubernetes provider (resource options, no module state)", () => {
    it("makes its own provider, its child, when none is passed: two components in one run get one each", async () => {
        let a!: EksClusterAccess, b!: EksClusterAccess;
        const rs = await registered(() => {
            a = new EksClusterAccess("kp-own-a", CONFIG_MAP("apps-a"));
            b = new EksClusterAccess("kp-own-b", CONFIG_MAP("apps-b"));
        });
        const providers = byType(rs, "pulumi:providers:kubernetes");
        assert.deepEqual(providers.map((p) => [p.name, p.parent, p.inputs.clusterIdentifier]).sort(), [
            ["kp-own-a-kubernetes", "kp-own-a", "eu-west-1-apps-a"],
            ["kp-own-b-kubernetes", "kp-own-b", "eu-west-1-apps-b"],
        ]);
        assert.deepEqual(
            JSON.parse(String(one(rs, "pulumi:providers:kubernetes", "kp-own-b-kubernetes").inputs.kubeconfig)).users[0]
                .user.exec.args,
            ["eks", "get-token", "--cluster-name", "apps-b", "--region", "eu-west-1", "--output", "json"],
        );
        const [pa, pb] = [kubeProvidersOf(a), kubeProvidersOf(b)];
        assert.ok(pa.every((p) => p === pa[0]) && pb.every((p) => p === pb[0]));
        assert.notEqual(pa[0], pb[0]);
        assert.match(
            await urnOf(pa[0]!),
            /::agentless:aws:EksClusterAccess\$pulumi:providers:kubernetes::kp-own-a-kubernetes$/,
        );
    });

    it("uses the kubernetes provider of its options (provider, providers or the parent's) and makes none", async () => {
        let kube!: KubeProvider;
        const made: EksClusterAccess[] = [];
        const rs = await registered(() => {
            kube = clusterProvider("kp-shared", { kind: "kubeconfig", context: "apps" });
            made.push(new EksClusterAccess("kp-given-1", CONFIG_MAP("apps-1"), { provider: kube }));
            made.push(new EksClusterAccess("kp-given-2", CONFIG_MAP("apps-2"), { providers: [kube] }));
            const parent = new pulumi.ComponentResource(
                "test:index:Platform",
                "kp-platform",
                {},
                { providers: { kubernetes: kube } },
            );
            made.push(new EksClusterAccess("kp-given-3", CONFIG_MAP("apps-3"), { parent }));
        });
        assert.deepEqual(
            byType(rs, "pulumi:providers:kubernetes").map((p) => [p.name, p.parent, p.inputs.context]),
            [["kp-shared", "", "apps"]],
        );
        for (const access of made) {
            assert.deepEqual(
                kubeProvidersOf(access).map((p) => p === kube),
                [true, true, true],
            );
        }
        assert.deepEqual(
            byType(rs, PATCH)
                .map((r) => r.parent)
                .sort(),
            ["kp-given-1", "kp-given-2", "kp-given-3"],
        );
    });

    it("refuses kubeAccess beside a kubernetes provider of its options", () => {
        const kube = clusterProvider("kp-both", { kind: "kubeconfig", context: "apps" });
        assert.throws(
            () =>
                new EksClusterAccess(
                    "kp-both",
                    { ...CONFIG_MAP("apps-x"), kubeAccess: { kind: "kubeconfig", context: "other" } },
                    { provider: kube },
                ),
            {
                message:
                    "cluster apps-x: kubeAccess and the kubernetes provider of the resource options both say how to reach the cluster; give one",
            },
        );
    });
});

describe("the program's Kubernetes providers (ClusterProviders, one per run)", () => {
    it("gives the same provider for a name and makes another for another name", () => {
        const kube = new ClusterProviders();
        const first = kube.get("kp-cache-1", { kind: "kubeconfig", context: "one" });
        assert.equal(kube.get("kp-cache-1", { kind: "kubeconfig", context: "ignored" }), first);
        assert.notEqual(kube.get("kp-cache-2", { kind: "kubeconfig", context: "two" }), first);
        assert.notEqual(new ClusterProviders().get("kp-cache-1-again", { kind: "kubeconfig", context: "one" }), first);
    });

    // A CONFIG_MAP cluster whose add-ons are listed under the provider's name: aws-auth and the
    // add-ons go through one provider, and a second run of the program makes its own again.
    const cfg = () =>
        loadStackConfig("kp", {
            cloud: "aws",
            azureTenantId: "7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f",
            aws: { accountId: ACCOUNT, region: "us-west-2" },
            kubernetes: {
                clusters: [
                    {
                        name: "us-west-2-kp-legacy",
                        kind: "eks",
                        accountId: ACCOUNT,
                        region: "us-west-2",
                        clusterName: "kp-legacy",
                        access: { context: "legacy" },
                    },
                ],
                sensor: { enabled: false },
                gatekeeper: { enabled: false },
                isolation: { enabled: true, namespaces: ["apps"] },
            },
        });
    const state = { clusters: [{ name: "kp-legacy", region: "us-west-2", authenticationMode: "CONFIG_MAP" }] };

    it("shares one provider per cluster between aws-auth and the add-ons, and shares nothing between two runs", async () => {
        for (let run = 1; run <= 2; run++) {
            await takeNotes();
            const rs = await registered(() => buildProgram(cfg(), stateSource(state)));
            const providers = byType(rs, "pulumi:providers:kubernetes");
            assert.deepEqual(
                providers.map((p) => [p.name, p.parent]),
                [["us-west-2-kp-legacy", ""]],
                `run ${run}`,
            );
            // Made for aws-auth first: its kubeconfig is EKS's, not the add-ons' context.
            assert.equal(providers[0].inputs.context, undefined);
            assert.match(String(providers[0].inputs.kubeconfig), /"--cluster-name","kp-legacy","--region","us-west-2"/);
            assert.equal(one(rs, PATCH).parent, "eks-us-west-2-kp-legacy");
            assert.deepEqual(
                byType(rs, "kubernetes:networking.k8s.io/v1:NetworkPolicy").map((r) => r.parent),
                ["us-west-2-kp-legacy-quarantine"],
            );
        }
    });
});
