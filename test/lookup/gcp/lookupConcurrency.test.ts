import { strict as assert } from "assert";
import { loadGcpConfig } from "../../../config/gcp";
import { readGcpCloud } from "../../../stack/gcp/cloudRead";
import { CALLS, GcpCloudLookup } from "../../../lookup/gcp/port";
import { LookupError } from "../../../lib/errors";
import { InFlight, inFlight } from "../../helpers/inFlight";

const PROJECTS = Array.from({ length: 10 }, (_, i) => `contoso-team-${String(i).padStart(2, "0")}`);

const config = (limit: number) =>
    loadGcpConfig(
        {
            projectId: PROJECTS[0],
            projectNumber: "482915736204",
            scope: "organization",
            organizationId: "731946285017",
            workloadIdentity: { poolId: "defender-pool" },
            connector: { enabled: false },
            discovery: { projects: PROJECTS },
            lookupConcurrency: limit,
        },
        "gcp",
    );

/** Each project lists two clusters, later projects sooner; the other lookups find nothing. */
function lookup(gauge: InFlight, fail: string[] = []): GcpCloudLookup {
    return {
        listClusters: (projectId) =>
            gauge.run([], projectId, 2 + ((20 - Number(projectId.slice(-2))) % 6) * 4, () => {
                if (fail.includes(projectId))
                    throw new LookupError(CALLS.listClusters, `projects/${projectId}`, "PERMISSION_DENIED");
                return ["gke-a", "gke-b"].map((name) => ({
                    projectId,
                    location: "europe-west1",
                    name,
                    labels: { team: projectId },
                }));
            }),
        serviceAccount: async () => undefined,
        customRole: async () => undefined,
        grants: async () => [],
        serviceAccountGrants: async () => [],
        workloadIdentityPool: async () => undefined,
        workloadIdentityPoolProvider: async () => undefined,
        securityConnectors: async () => [],
    };
}

describe("GCP project lookups with gcp.lookupConcurrency", () => {
    it("list the same clusters in the projects' order one at a time and three at a time; never more than three projects in flight", async () => {
        const one = inFlight();
        const three = inFlight();
        const sequential = await readGcpCloud(config(1), lookup(one));
        const concurrent = await readGcpCloud(config(3), lookup(three));
        assert.equal(one.max(), 1);
        assert.equal(three.max(), 3);
        assert.deepEqual(concurrent, sequential);
        assert.deepEqual(
            concurrent.clusters.map((c) => `${c.projectId}/${c.name}`),
            PROJECTS.flatMap((p) => [`${p}/gke-a`, `${p}/gke-b`]),
        );
    });

    it("two projects failing: the error names the first in gcp.discovery.projects", async () => {
        // contoso-team-02 fails after 2 ms, contoso-team-01 after 6 ms, but comes first in the list.
        await assert.rejects(readGcpCloud(config(8), lookup(inFlight(), [PROJECTS[2], PROJECTS[1]])), {
            name: "LookupError",
            message: `cloud lookup ${CALLS.listClusters} in projects/contoso-team-01 failed: PERMISSION_DENIED; nothing is declared for projects/contoso-team-01 until it succeeds`,
        });
    });

    it("two kinds of lookup failing: the error is the one a sequential read meets first, not the first in time", async () => {
        const late = (call: string, scope: string, ms: number) => () =>
            new Promise<never>((_, reject) =>
                setTimeout(() => reject(new LookupError(call, scope, "PERMISSION_DENIED")), ms),
            );
        const failing: GcpCloudLookup = {
            ...lookup(inFlight()),
            serviceAccount: late(CALLS.serviceAccount, `projects/${PROJECTS[0]}`, 30),
            grants: late(CALLS.organizationPolicy, `organizations/731946285017`, 1),
        };
        await assert.rejects(readGcpCloud(config(8), failing), {
            name: "LookupError",
            message: new RegExp(
                `^cloud lookup ${CALLS.serviceAccount.replace(/\./g, "\\.")} in projects/${PROJECTS[0]} failed`,
            ),
        });
    });
});
