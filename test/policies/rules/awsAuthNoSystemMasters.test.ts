import { strict as assert } from "assert";
import { awsAuthNoSystemMasters } from "../../../policies/rules/awsAuthNoSystemMasters";

const MDC = "arn:aws:iam::123456789012:role/MDCContainersAgentlessDiscoveryK8sRole";
const NODES = "arn:aws:iam::123456789012:role/eks-nodes";
const mapRoles = [
    `- rolearn: ${NODES}`,
    "  username: system:node:{{EC2PrivateDNSName}}",
    "  groups: [system:bootstrappers, system:nodes]",
    `- rolearn: ${MDC}`,
    "  username: mdc",
    "  groups:",
    "    - system:masters",
    "",
].join("\n");
const judge = (type: string, inputs: Record<string, unknown>) =>
    awsAuthNoSystemMasters.validate({ type, name: "legacy-aws-auth", inputs });
const awsAuth = (data: unknown, type = "kubernetes:core/v1:ConfigMap") =>
    judge(type, { metadata: { name: "aws-auth", namespace: "kube-system" }, data });
const MASTERS = [`maps ${MDC} to system:masters, which is cluster-admin`];

describe("aws-auth-no-system-masters: which objects", () => {
    it("reads the adopted aws-auth ConfigMap as it reads the patch, and flags only the mapping to system:masters", () => {
        assert.deepEqual(awsAuth({ mapRoles }), MASTERS);
        assert.deepEqual(awsAuth({ mapRoles }, "kubernetes:core/v1:ConfigMapPatch"), MASTERS);
    });

    it("leaves alone another ConfigMap, a Secret named aws-auth, and a ConfigMap whose name is not known", () => {
        assert.deepEqual(
            judge("kubernetes:core/v1:ConfigMap", { metadata: { name: "coredns" }, data: { mapRoles } }),
            [],
        );
        assert.deepEqual(
            judge("kubernetes:core/v1:Secret", { metadata: { name: "aws-auth" }, data: { mapRoles } }),
            [],
        );
        assert.deepEqual(judge("kubernetes:core/v1:ConfigMap", { data: { mapRoles } }), []);
    });
});

describe("aws-auth-no-system-masters: the mapRoles text", () => {
    it("passes an aws-auth without data, without mapRoles, or whose mapRoles is no list", () => {
        assert.deepEqual(awsAuth(undefined), []);
        assert.deepEqual(awsAuth({ mapUsers: "[]" }), []);
        assert.deepEqual(awsAuth({ mapRoles: "rolearn: x" }), []);
    });

    it("skips entries that are not mappings", () => {
        assert.deepEqual(awsAuth({ mapRoles: `- null\n- just-a-string\n${mapRoles}` }), MASTERS);
    });

    it("fails mapRoles that is not YAML", () => {
        assert.deepEqual(awsAuth({ mapRoles: "- rolearn: [unclosed" }), ["mapRoles is not valid YAML"]);
    });
});
