import { strict as assert } from "assert";
import { accessEntryImportId, accessPolicyAssociationImportId, regionalImportId } from "../../../domain/aws/importIds";

const ROLE = "arn:aws:iam::111122223333:role/MDCContainersAgentlessDiscoveryK8sRole";
const VIEW = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy";

describe("EKS import ids (Pulumi AWS v7: @<region> outside the provider's region)", () => {
    it("leaves the id as documented in the provider's region", () => {
        assert.equal(accessEntryImportId("eks-shop", ROLE, "eu-west-1", "eu-west-1"), `eks-shop:${ROLE}`);
        assert.equal(
            accessPolicyAssociationImportId("eks-shop", ROLE, VIEW, "eu-west-1", "eu-west-1"),
            `eks-shop#${ROLE}#${VIEW}`,
        );
    });

    it("appends @<region> in another region, so that one cluster name in two regions gives two ids", () => {
        assert.equal(
            accessEntryImportId("eks-shop", ROLE, "eu-central-1", "eu-west-1"),
            `eks-shop:${ROLE}@eu-central-1`,
        );
        assert.equal(
            accessPolicyAssociationImportId("eks-shop", ROLE, VIEW, "eu-central-1", "eu-west-1"),
            `eks-shop#${ROLE}#${VIEW}@eu-central-1`,
        );
    });

    it("appends @<region> when the provider's region is not known", () => {
        assert.equal(regionalImportId("x", "us-east-1", undefined), "x@us-east-1");
    });
});
