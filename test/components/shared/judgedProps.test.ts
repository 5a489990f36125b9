import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { DiscoveryRole } from "../../../components/aws/discoveryRole";
import { EksClusterAccess } from "../../../components/aws/eksClusterAccess";
import { StackSettings } from "../../../components/shared/stackSettings";
import { PROJECT } from "../../../config";
import { PlanResource, startMockSession } from "../../../plan/mockRuntime";
import { evaluatePolicies } from "../../../policies/evaluate";
import { RULES } from "../../../policies/rules";
import { ResourceView } from "../../../policies/types";
import { registered } from "../../helpers/pulumi";

const ACCOUNT = "210987654321";
const TENANT = "7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f";
const ROLE = `arn:aws:iam::${ACCOUNT}:role/MDCContainersAgentlessDiscoveryK8sRole`;

/** Each component's registered outputs (`registerOutputs`), by `<type> <name>`, as the mock monitor receives them. */
const componentOutputs = new Map<string, Record<string, unknown>>();

async function captureOutputs(): Promise<void> {
    await startMockSession(PROJECT, "test");
    const monitor = pulumi.runtime.getMonitor() as unknown as {
        registerResourceOutputs(req: OutputsRequest, cb: (err: unknown, res: unknown) => void): void;
    };
    const original = monitor.registerResourceOutputs.bind(monitor);
    monitor.registerResourceOutputs = (req, cb) => {
        const urn = req.getUrn();
        const type = urn.split("::")[2].split("$").pop()!;
        const name = urn.slice(urn.lastIndexOf("::") + 2);
        componentOutputs.set(`${type} ${name}`, pulumi.runtime.deserializeProperties(req.getOutputs(), true));
        return original(req, cb);
    };
}

interface OutputsRequest {
    getUrn(): string;
    getOutputs(): Parameters<typeof pulumi.runtime.deserializeProperties>[0];
}

/**
 * The resources as `pulumi preview --policy-pack` gives them to a stack rule: each resource's
 * outputs (the engine's AnalyzeStack), which for a component are only what it registered with
 * registerOutputs; a custom resource's outputs hold its inputs, so its inputs stand for them here.
 */
function engineViews(resources: PlanResource[]): ResourceView[] {
    return resources.map((r) => ({
        type: r.type,
        name: r.name,
        inputs: r.custom ? r.inputs : (componentOutputs.get(`${r.type} ${r.name}`) ?? {}),
    }));
}

const stackRules = RULES.filter((r) => r.kind === "stack");

describe("components the stack rules judge: the engine's stack rules see the same facts as the offline gate", () => {
    before(captureOutputs);

    it("an AWS stack's settings, discovery role and cluster access: the same verdicts from their outputs as from their props", async () => {
        const rs = await registered(
            () => {
                new StackSettings("judged-settings", {
                    stack: "test",
                    cloud: "aws",
                    production: false,
                    acknowledgedWiderGrants: ["eks-access-policy:eu-west-1/judged-apps:AmazonEKSAdminViewPolicy"],
                });
                new DiscoveryRole("judged-role", {
                    accessMode: "least-privilege",
                    azureTenantId: TENANT,
                    clusterArns: [`arn:aws:eks:eu-west-1:${ACCOUNT}:cluster/judged-apps`],
                });
                new EksClusterAccess("judged-eks", {
                    clusterName: "judged-apps",
                    region: "eu-west-1",
                    authenticationMode: "API",
                    roleArn: ROLE,
                    accessPolicy: "AmazonEKSAdminViewPolicy",
                    endpoint: { publicAccess: true, privateAccess: true, publicAccessCidrs: ["0.0.0.0/0"] },
                });
            },
            { awsAccountId: ACCOUNT },
        );
        const offline = evaluatePolicies(
            rs.map((r) => ({ type: r.type, name: r.name, inputs: r.inputs })),
            stackRules,
        );
        // The wider access policy is reported, as advisory only because the settings acknowledge it,
        // and the role's permissions name exactly the onboarded cluster: nothing is mandatory.
        assert.deepEqual(
            offline.map((v) => `${v.level} ${v.policy} ${v.resource}`),
            ["advisory wider-grants-acknowledged judged-eks-policy"],
        );
        assert.deepEqual(evaluatePolicies(engineViews(rs), stackRules), offline);
    });

    it("each of them registers every prop it was given as an output, with the same value", async () => {
        const rs = await registered(() => {
            new StackSettings("judged-settings-2", { stack: "test", cloud: "aws", production: true });
            new EksClusterAccess("judged-eks-2", {
                clusterName: "judged-batch",
                region: "us-east-1",
                authenticationMode: "API",
                roleArn: ROLE,
                endpoint: { publicAccess: false, privateAccess: true, publicAccessCidrs: [] },
            });
        });
        const components = rs.filter((r) => !r.custom);
        assert.deepEqual(
            components.map((r) => r.type),
            ["agentless:stack:Settings", "agentless:aws:EksClusterAccess"],
        );
        for (const r of components) {
            const outputs = componentOutputs.get(`${r.type} ${r.name}`)!;
            for (const [k, v] of Object.entries(r.inputs)) assert.deepEqual(outputs[k], v, `${r.name}.${k}`);
        }
    });
});
