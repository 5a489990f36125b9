import { strict as assert } from "assert";
import {
    defaultPoolId,
    gkeClusterKey,
    gkeClusterPath,
    organizationCustomRoleName,
    parseWorkloadIdentityPoolName,
    principalSetFromPoolName,
    principalSetMember,
    projectCustomRoleName,
    serviceAccountEmail,
    serviceAccountMember,
    workloadIdentityPoolName,
} from "../../../domain/gcp/identifiers";

const NUMBER = "482915736204";
const POOL = "ms-defender-pool";
const POOL_NAME = `projects/${NUMBER}/locations/global/workloadIdentityPools/${POOL}`;

describe("GCP identifiers: how the stack spells what it grants to", () => {
    it("spells the service account, its member, the custom roles, the pool and the principal set as GCP does", () => {
        const email = serviceAccountEmail("mdc-discovery", "prod-project");
        assert.equal(email, "mdc-discovery@prod-project.iam.gserviceaccount.com");
        assert.equal(serviceAccountMember(email), "serviceAccount:mdc-discovery@prod-project.iam.gserviceaccount.com");
        assert.equal(projectCustomRoleName("prod-project", "MDCRole"), "projects/prod-project/roles/MDCRole");
        assert.equal(organizationCustomRoleName("123456789012", "MDCRole"), "organizations/123456789012/roles/MDCRole");
        assert.equal(workloadIdentityPoolName(NUMBER, POOL), POOL_NAME);
        assert.equal(principalSetMember(NUMBER, POOL), `principalSet://iam.googleapis.com/${POOL_NAME}/*`);
    });

    it("names a GKE cluster by project, location and name, as config and GCP's APIs do", () => {
        const c = { projectId: "prod-project", location: "europe-west1", name: "payments" };
        assert.equal(gkeClusterKey(c), "prod-project/europe-west1/payments");
        assert.equal(
            gkeClusterPath(c.projectId, c.location, c.name),
            "projects/prod-project/locations/europe-west1/clusters/payments",
        );
    });

    it("derives Microsoft's default pool id from the tenant id: every dash removed, lower case", () => {
        assert.equal(defaultPoolId("7C1D2E3F-4A5B-4C6D-8E9F-0A1B2C3D4E5F"), "7c1d2e3f4a5b4c6d8e9f0a1b2c3d4e5f");
    });
});

describe("GCP identifiers: reading a pool's resource name", () => {
    it("reads the project number and the pool id of a pool name", () => {
        assert.deepEqual(parseWorkloadIdentityPoolName(POOL_NAME), { projectNumber: NUMBER, poolId: POOL });
    });

    it("refuses a name with anything before or after it, a project id for the number, another location or an upper-case pool id", () => {
        for (const name of [
            `//iam.googleapis.com/${POOL_NAME}`,
            `${POOL_NAME}/providers/containers`,
            `projects/prod-project/locations/global/workloadIdentityPools/${POOL}`,
            `projects/${NUMBER}/locations/europe-west1/workloadIdentityPools/${POOL}`,
            `projects/${NUMBER}/locations/global/workloadIdentityPools/MS-Defender`,
            `projects//locations/global/workloadIdentityPools/${POOL}`,
            `projects/${NUMBER}/locations/global/workloadIdentityPools/`,
        ]) {
            assert.equal(parseWorkloadIdentityPoolName(name), null, name);
        }
    });

    it("refuses a malformed pool name with a message quoting it and the form GCP uses", () => {
        assert.throws(() => principalSetFromPoolName("federation", `${POOL_NAME}/x`, "prod-project", NUMBER), {
            message: `workload identity pool name ${JSON.stringify(`${POOL_NAME}/x`)} is not in the form projects/<number>/locations/global/workloadIdentityPools/<id>`,
        });
    });
});
