import { strict as assert } from "assert";
import { renderCloudState } from "../../lookup/stateExport";
import { awsStateSection } from "../../lookup/aws/stateExport";
import { readAwsCloudState } from "../../lookup/aws/stateFile";
import { azureIdentity, gcpIdentity } from "../../lookup/identity";
import { parseStackYaml } from "../../lib/yaml";

const ACCOUNT = "111122223333";
const ROLE = `arn:aws:iam::${ACCOUNT}:role/MDCContainersAgentlessDiscoveryK8sRole`;
const cluster = {
    name: "eks-shop",
    region: "eu-west-1",
    arn: `arn:aws:eks:eu-west-1:${ACCOUNT}:cluster/eks-shop`,
    authenticationMode: "API",
    endpoint: { publicAccess: true, privateAccess: false, publicAccessCidrs: ["0.0.0.0/0"] },
    enabledLogTypes: [],
    tags: { team: "shop", env: "prod" },
};

describe("the cloud-state export's text", () => {
    it("is the same whatever order the answers came in: mapping keys sorted (naming keys first), documents kept as the cloud wrote them", () => {
        const a = renderCloudState({
            aws: { roles: [], clusters: [{ tags: { b: "1", a: "2" }, name: "x", region: "eu-west-1" }] },
            description: "d",
        });
        const b = renderCloudState({
            description: "d",
            aws: { clusters: [{ region: "eu-west-1", name: "x", tags: { a: "2", b: "1" } }], roles: [] },
        });
        assert.equal(a, b);
        assert.equal(
            a,
            'description: d\naws:\n  clusters:\n    - name: x\n      region: eu-west-1\n      tags:\n        a: "2"\n        b: "1"\n  roles: []\n',
        );
        const doc = renderCloudState({
            aws: { roles: [{ name: "r", trustPolicy: { Version: "2012-10-17", Statement: [] } }] },
        });
        assert.match(doc, /trustPolicy:\n {8}Version: "2012-10-17"\n {8}Statement: \[\]\n/);
    });

    it("writes an access entry's policies by name where the file's short form says the same ARN, by ARN otherwise, and the file reads both back", () => {
        const calls = [
            { method: "listClusters", args: ["eu-west-1"], answer: [cluster] },
            {
                method: "findAccessEntry",
                args: [cluster, ROLE],
                answer: {
                    principalArn: ROLE,
                    type: "STANDARD",
                    kubernetesGroups: [],
                    tags: {},
                    clusterScopePolicyArns: [
                        "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy",
                        "arn:aws:eks::aws:cluster-access-policy/AmazonSagemakerHyperpodControllerPolicy",
                    ],
                },
            },
        ];
        const section = awsStateSection(calls);
        const entries = (section.clusters as { accessEntries: { accessPolicies: string[] }[] }[])[0].accessEntries;
        assert.deepEqual(entries[0].accessPolicies, [
            "AmazonEKSViewPolicy",
            "arn:aws:eks::aws:cluster-access-policy/AmazonSagemakerHyperpodControllerPolicy",
        ]);
        const back = readAwsCloudState(
            (parseStackYaml(renderCloudState({ aws: section })) as { aws: unknown }).aws,
            "aws",
            ACCOUNT,
        );
        assert.deepEqual(back.clusters[0].accessEntries[0].clusterScopePolicyArns, [
            "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy",
            "arn:aws:eks::aws:cluster-access-policy/AmazonSagemakerHyperpodControllerPolicy",
        ]);
    });
});

describe("who read the cloud, for the file's header", () => {
    const jwt = (claims: object) =>
        ["e30", Buffer.from(JSON.stringify(claims)).toString("base64url"), "signature-not-kept"].join(".");

    it("Azure: the name and object id Entra ID's token carries, never the token", async () => {
        const token = jwt({
            upn: "ops@contoso.example",
            oid: "4a7e9c2d-1b3f-4e5a-8d6c-9f0e1a2b3c4d",
            tid: "7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f",
        });
        const who = await azureIdentity({ getToken: async () => ({ token, expiresOnTimestamp: Date.now() + 60_000 }) });
        assert.equal(
            who,
            "ops@contoso.example (object id 4a7e9c2d-1b3f-4e5a-8d6c-9f0e1a2b3c4d, tenant 7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f)",
        );
        const app = await azureIdentity({
            getToken: async () => ({
                token: jwt({ appid: "f3c5e2a1-0000-4000-8000-00000000000a", oid: "x" }),
                expiresOnTimestamp: 0,
            }),
        });
        assert.equal(app, "f3c5e2a1-0000-4000-8000-00000000000a (object id x)");
        assert.equal(
            await azureIdentity({ getToken: async () => ({ token: "opaque", expiresOnTimestamp: 0 }) }),
            "an Azure identity its token does not name (not a JWT)",
        );
    });

    it("GCP: a service account's email; a user is said not to be named", async () => {
        assert.equal(
            await gcpIdentity(async () => ({ client_email: "deployer@p.iam.gserviceaccount.com" })),
            "service account deployer@p.iam.gserviceaccount.com",
        );
        assert.match(await gcpIdentity(async () => ({})), /^a Google user account \(/);
    });
});
