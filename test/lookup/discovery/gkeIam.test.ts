import * as assert from "assert";
import { addDefenderProjectRoles } from "../../../lookup/discovery/gkeIam";
import { DiscoveryResult } from "../../../lookup/discovery/types";
import { LookupError } from "../../../lib/errors";

function result(): DiscoveryResult {
    const c = (name: string) => ({
        cloud: "gcp" as const,
        name,
        id: `projects/shop-prod/locations/europe-west1/clusters/${name}`,
        location: "europe-west1",
        tags: {},
        excluded: false,
        details: {},
    });
    return { clusters: [c("a"), c("b")], failures: [] };
}

const SA = "serviceAccount:mdc-containers-k8s-operator@shop-prod.iam.gserviceaccount.com";

describe("GKE discovery: the project roles of Defender's service account", () => {
    it("keeps the roles the project's IAM policy gives the service account, on every cluster of the project, from one call", async () => {
        const asked: unknown[] = [];
        const r = result();
        await addDefenderProjectRoles(
            r,
            {
                grants: async (parent) => {
                    asked.push(parent);
                    return [
                        { role: "roles/container.viewer", member: SA },
                        { role: "projects/shop-prod/roles/MDCGkeClusterWriteRole", member: SA },
                        { role: "roles/owner", member: "user:alice@example.com" },
                    ];
                },
            },
            "shop-prod",
            "mdc-containers-k8s-operator",
        );
        assert.deepStrictEqual(asked, [{ kind: "project", id: "shop-prod" }]);
        for (const c of r.clusters)
            assert.deepStrictEqual(c.details.defenderProjectRoles, [
                "projects/shop-prod/roles/MDCGkeClusterWriteRole",
                "roles/container.viewer",
            ]);
    });

    it("keeps the lookup's reason on each cluster when the policy cannot be read", async () => {
        const r = result();
        await addDefenderProjectRoles(
            r,
            {
                grants: async () => {
                    throw new LookupError(
                        "cloudresourcemanager.projects.getIamPolicy",
                        "projects/shop-prod",
                        "Google answered 403 PERMISSION_DENIED: denied",
                    );
                },
            },
            "shop-prod",
            "other@shop-prod.iam.gserviceaccount.com",
        );
        for (const c of r.clusters) {
            assert.strictEqual(c.details.defenderProjectRoles, undefined);
            assert.strictEqual(
                c.details.iamError,
                "cloudresourcemanager.projects.getIamPolicy in projects/shop-prod: Google answered 403 PERMISSION_DENIED: denied",
            );
        }
    });
});
