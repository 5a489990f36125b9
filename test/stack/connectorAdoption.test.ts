import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "../../lib/errors";
import { loadAwsConfig } from "../../config/aws";
import { loadGcpConfig } from "../../config/gcp";
import { fileAwsLookup } from "../../lookup/aws/stateFile";
import { fileGcpLookup } from "../../lookup/gcp/stateFile";
import { LookupSource } from "../../lookup/source";
import { cloudSource } from "../../lookup/source";
import { onboardAws } from "../../stack/aws/onboarding";
import { DefenderConnector } from "../../components/aws/defenderConnector";
import { DefenderGcpConnector } from "../../components/gcp/defenderConnector";
import { onboardGcp } from "../../stack/gcp/onboarding";
import { ClusterProviders } from "../../components/kubernetes/clusterProvider";
import {
    adoptedConnectorArgs,
    connectorId,
    decideConnector,
    discoveryDifference,
    ExistingSecurityConnector,
    WantedConnector,
} from "../../domain/shared/securityConnectors";
import { registered, takeNotes } from "../helpers/pulumi";

const SUB = "3f2a9c1e-7b4d-4e8a-9c62-1d5e8f0a7b34";
const ACCOUNT = "111122223333";
const TENANT = "7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f";
const ROLE = `arn:aws:iam::${ACCOUNT}:role/MDCContainersAgentlessDiscoveryK8sRole`;
const P = "contoso-payments-prod";
const NUMBER = "482915736204";

function existing(
    group: string,
    name: string,
    over: Partial<ExistingSecurityConnector> = {},
): ExistingSecurityConnector {
    return {
        id: connectorId(SUB, group, name),
        subscriptionId: SUB,
        resourceGroupName: group,
        name,
        location: "westeurope",
        environmentName: "AWS",
        hierarchyIdentifier: ACCOUNT,
        environmentData: { environmentType: "AwsAccount" },
        offerings: [
            {
                offeringType: "DefenderForContainersAws",
                mdcContainersAgentlessDiscoveryK8s: { enabled: true, cloudRoleArn: ROLE },
            },
        ],
        tags: {},
        ...over,
    };
}

const want: WantedConnector = {
    environmentName: "AWS",
    hierarchyIdentifier: ACCOUNT,
    subscriptionId: SUB,
    resourceGroupName: "rg-security",
    name: `aws-${ACCOUNT}`,
    keyPath: "aws.connector",
};
const portal = existing("rg-defender-portal", "aws-prod-account");
const other = existing("rg-defender-portal", "aws-shared", { hierarchyIdentifier: "444455556666" });

describe("security connector adoption decisions (pure)", () => {
    it("creates when no connector covers the account (connectors of other accounts and clouds do not count)", () => {
        assert.deepEqual(decideConnector(want, []), { action: "create" });
        assert.deepEqual(decideConnector(want, [other, existing("rg", "gcp", { environmentName: "GCP" })]), {
            action: "create",
        });
    });

    it("adopts the one connector for the account under another name and resource group", () => {
        assert.deepEqual(decideConnector(want, [other, portal]), { action: "adopt", existing: portal });
        // ARM's environment name is matched without regard to case; the identifier exactly.
        const lower = existing("rg-x", "c", { environmentName: "aws" });
        assert.equal(decideConnector(want, [lower]).action, "adopt");
    });

    it("manages the connector at exactly the configured id as the stack's own (resource group case-insensitive)", () => {
        const own = existing("RG-Security", `aws-${ACCOUNT}`);
        assert.deepEqual(decideConnector(want, [own, other]), { action: "manage", existing: own });
    });

    it("stops with both ids when two connectors cover the account", () => {
        const own = existing("rg-security", `aws-${ACCOUNT}`);
        assert.throws(
            () => decideConnector(want, [portal, other, own]),
            (e: Error) =>
                e instanceof ConfigError &&
                e.message ===
                    `config key "aws.connector" has value {"name":"aws-111122223333","resourceGroupName":"rg-security"}; expected one security connector per AWS account 111122223333, ` +
                        `but subscription ${SUB} holds 2: ${portal.id} and ${own.id}; delete all but one in Defender for Cloud (Environment settings), then run again`,
        );
    });

    it("stops when the configured name is taken by another account's connector", () => {
        const taken = existing("rg-security", `aws-${ACCOUNT}`, { hierarchyIdentifier: "444455556666" });
        assert.throws(
            () => decideConnector(want, [taken]),
            (e: Error) =>
                e instanceof ConfigError &&
                e.message ===
                    `config key "aws.connector.name" has value "aws-111122223333"; expected a connector name not taken in resource group rg-security: ${taken.id} exists for AWS 444455556666, not for AWS account 111122223333`,
        );
    });

    it("matches a GCP project by its number, not its id", () => {
        const gcp = existing("rg-mdc", P, {
            environmentName: "GCP",
            hierarchyIdentifier: NUMBER,
            environmentData: { environmentType: "GcpProject" },
        });
        const byId = existing("rg-mdc", "by-id", { environmentName: "GCP", hierarchyIdentifier: P });
        const g: WantedConnector = {
            ...want,
            environmentName: "GCP",
            hierarchyIdentifier: NUMBER,
            keyPath: "gcp.connector",
        };
        assert.deepEqual(decideConnector(g, [byId, gcp]), { action: "adopt", existing: gcp });
    });

    it("declares an adopted connector with ARM's inputs: read-only fields dropped, the K8s field in azure-native's spelling", () => {
        const c = existing("rg-mdc", P, {
            environmentName: "GCP",
            hierarchyIdentifier: NUMBER,
            tags: { owner: "secops" },
            environmentData: {
                environmentType: "GcpProject",
                scanInterval: 6,
                projectDetails: {
                    projectId: P,
                    projectNumber: NUMBER,
                    workloadIdentityPoolId: "pool",
                    projectName: "Payments",
                },
            },
            offerings: [
                {
                    offeringType: "DefenderForContainersGcp",
                    description: "read-only",
                    enablePolicyAgentAutoProvisioning: true,
                    mdcContainersAgentlessDiscoveryK8s: {
                        enabled: true,
                        workloadIdentityProviderId: "containers",
                        serviceAccountEmailAddress: "sa@x",
                    },
                },
            ],
        });
        assert.deepEqual(adoptedConnectorArgs(c), {
            securityConnectorName: P,
            resourceGroupName: "rg-mdc",
            location: "westeurope",
            environmentName: "GCP",
            hierarchyIdentifier: NUMBER,
            environmentData: {
                environmentType: "GcpProject",
                scanInterval: 6,
                projectDetails: { projectId: P, projectNumber: NUMBER },
            },
            offerings: [
                {
                    offeringType: "DefenderForContainersGcp",
                    enablePolicyAgentAutoProvisioning: true,
                    mdcContainersAgentlessDiscoveryK8S: {
                        enabled: true,
                        workloadIdentityProviderId: "containers",
                        serviceAccountEmailAddress: "sa@x",
                    },
                },
            ],
            tags: { owner: "secops" },
        });
        assert.equal(adoptedConnectorArgs(portal).tags, undefined, "no tags: no tags input (ARM answers {})");
    });

    it("says how the adopted connector's discovery differs from the stack's identity", () => {
        assert.equal(discoveryDifference(portal, "DefenderForContainersAws", { cloudRoleArn: ROLE }), undefined);
        assert.equal(
            discoveryDifference(
                existing("r", "n", { offerings: [{ offeringType: "CspmMonitorAws" }] }),
                "DefenderForContainersAws",
                { cloudRoleArn: ROLE },
            ),
            "it has no DefenderForContainersAws offering (its offerings: CspmMonitorAws)",
        );
        const off = existing("r", "n", {
            offerings: [
                {
                    offeringType: "DefenderForContainersAws",
                    mdcContainersAgentlessDiscoveryK8s: {
                        enabled: false,
                        cloudRoleArn: "arn:aws:iam::111122223333:role/Other",
                    },
                },
            ],
        });
        assert.equal(
            discoveryDifference(off, "DefenderForContainersAws", { cloudRoleArn: ROLE }),
            `in its DefenderForContainersAws offering agentless discovery for Kubernetes is off; cloudRoleArn is "arn:aws:iam::111122223333:role/Other", not "${ROLE}"`,
        );
    });
});

const source = (sections: Record<string, unknown>): LookupSource => ({
    kind: "file",
    description: "t.cloud.yaml",
    file: () => ({ path: "t.cloud.yaml", sections }),
});
const stateConnector = (
    group: string,
    name: string,
    hierarchyIdentifier = ACCOUNT,
    discovery: Record<string, unknown> = { enabled: true, cloudRoleArn: ROLE },
) => ({
    id: connectorId(SUB, group, name),
    location: "westeurope",
    environmentName: "AWS",
    hierarchyIdentifier,
    environmentData: { environmentType: "AwsAccount" },
    offerings: [
        { offeringType: "CspmMonitorAws" },
        { offeringType: "DefenderForContainersAws", mdcContainersAgentlessDiscoveryK8s: discovery },
    ],
});
const awsConfig = () =>
    loadAwsConfig({
        accountId: ACCOUNT,
        region: "eu-west-1",
        connector: {
            enabled: true,
            subscriptionId: SUB,
            resourceGroupName: "rg-security",
            location: "westeurope",
            name: `aws-${ACCOUNT}`,
            auditLogsAutoProvisioning: false,
        },
    });

describe("the AWS program with an existing connector (cloud-state file, mocks)", () => {
    const plan = async (connectors: unknown[]) => {
        const sections = { aws: { clusters: [] }, securityConnectors: connectors };
        await takeNotes();
        const rs = await registered(() =>
            onboardAws(
                awsConfig(),
                TENANT,
                cloudSource(),
                new ClusterProviders(),
                fileAwsLookup(source(sections), ACCOUNT),
            ),
        );
        return {
            connectors: rs.filter((r) => r.type === "azure-native:security:SecurityConnector"),
            notes: await takeNotes(),
        };
    };

    it("imports the portal's connector by its exact id with its own inputs, notes it, and creates no second one", async () => {
        const { connectors, notes } = await plan([
            stateConnector("rg-defender-portal", "aws-prod-account"),
            stateConnector("rg-defender-portal", "aws-shared", "444455556666"),
        ]);
        assert.equal(connectors.length, 1);
        assert.equal(connectors[0].op, "import");
        assert.equal(connectors[0].importId, connectorId(SUB, "rg-defender-portal", "aws-prod-account"));
        assert.deepEqual(connectors[0].inputs, {
            securityConnectorName: "aws-prod-account",
            resourceGroupName: "rg-defender-portal",
            location: "westeurope",
            environmentName: "AWS",
            hierarchyIdentifier: ACCOUNT,
            environmentData: { environmentType: "AwsAccount" },
            offerings: [
                { offeringType: "CspmMonitorAws" },
                {
                    offeringType: "DefenderForContainersAws",
                    mdcContainersAgentlessDiscoveryK8S: { enabled: true, cloudRoleArn: ROLE },
                },
            ],
        });
        const mine = notes.filter((n) => n.subject === connectorId(SUB, "rg-defender-portal", "aws-prod-account"));
        assert.deepEqual(
            mine.map((n) => n.kind),
            ["info"],
            "discovery already points at the stack's role: no manual step",
        );
        assert.equal(
            mine[0].message,
            "security connector for AWS 111122223333 exists (not made by this stack; the Defender portal makes one per account or project): " +
                "adopted (imported as it is, never deleted by destroy); it differs from aws.connector (name aws-111122223333, resource group rg-security): the existing connector is used and no second one is created",
        );
    });

    it("leaves an adopted connector's discovery as it is and gives a manual step when it does not point at the stack's role", async () => {
        const { connectors, notes } = await plan([
            stateConnector("rg-defender-portal", "aws-prod-account", ACCOUNT, { enabled: false }),
        ]);
        assert.deepEqual((connectors[0].inputs.offerings as unknown[])[1], {
            offeringType: "DefenderForContainersAws",
            mdcContainersAgentlessDiscoveryK8S: { enabled: false },
        });
        const step = notes.find((n) => n.kind === "manual-step" && n.subject.endsWith("/aws-prod-account"));
        assert.match(
            step!.message,
            new RegExp(
                `^Defender cannot discover through this stack's identity yet: in its DefenderForContainersAws offering agentless discovery for Kubernetes is off; cloudRoleArn is not set, not "${ROLE.replace(/[/.]/g, "\\$&")}"`,
            ),
        );
    });

    it("declares its own connector (at the configured id) as usual: created with the stack's inputs, not imported", async () => {
        const { connectors, notes } = await plan([stateConnector("rg-security", `aws-${ACCOUNT}`)]);
        assert.equal(connectors[0].op, "create");
        assert.equal(connectors[0].importId, undefined);
        assert.equal(connectors[0].inputs.resourceGroupName, "rg-security");
        assert.deepEqual(
            notes.filter((n) => n.subject.startsWith("/subscriptions/")).map((n) => n.kind),
            ["info"],
        );
    });

    it("stops before declaring anything when two connectors cover the account", async () => {
        const e = await plan([stateConnector("rg-a", "one"), stateConnector("rg-b", "two")]).then(
            () => assert.fail("expected a ConfigError"),
            (x: unknown) => x,
        );
        assert.ok(e instanceof ConfigError, String(e));
        assert.match(
            e.message,
            /holds 2: \/subscriptions\/.*\/resourceGroups\/rg-a\/.*\/one and \/subscriptions\/.*\/resourceGroups\/rg-b\/.*\/two;/,
        );
    });
});

describe("connector components: adopted ones are imported and retained, the stack's own are not", () => {
    it("imports with retainOnDelete only when adopting", async () => {
        const seen: Record<string, { import?: string; retainOnDelete?: boolean }> = {};
        const record: pulumi.ResourceTransformation = (a) => {
            if (a.type === "azure-native:security:SecurityConnector")
                seen[a.name] = {
                    import: (a.opts as pulumi.CustomResourceOptions).import,
                    retainOnDelete: a.opts.retainOnDelete,
                };
            return undefined;
        };
        const gcp = existing("rg-mdc", P, { environmentName: "GCP", hierarchyIdentifier: NUMBER });
        await registered(() => {
            const base = {
                accountId: ACCOUNT,
                connectorName: "c",
                resourceGroupName: "rg",
                location: "westeurope",
                discoveryRoleArn: ROLE,
            };
            new DefenderConnector("adopted-aws", { ...base, adopt: portal }, { transformations: [record] });
            new DefenderConnector("own-aws", base, { transformations: [record] });
            const g = {
                projectId: P,
                projectNumber: NUMBER,
                resourceGroupName: "rg",
                location: "westeurope",
                connectorName: "c",
                workloadIdentityProviderId: "containers",
                serviceAccountEmailAddress: "sa@x",
            };
            new DefenderGcpConnector("adopted-gcp", { ...g, adopt: gcp }, { transformations: [record] });
            new DefenderGcpConnector("own-gcp", g, { transformations: [record] });
        });
        assert.deepEqual(seen, {
            "adopted-aws-connector": { import: portal.id, retainOnDelete: true },
            "own-aws-connector": { import: undefined, retainOnDelete: undefined },
            "adopted-gcp-connector": { import: gcp.id, retainOnDelete: true },
            "own-gcp-connector": { import: undefined, retainOnDelete: undefined },
        });
    });
});

describe("the GCP program with the project's existing connector (cloud-state file, mocks)", () => {
    it("adopts the connector whose hierarchyIdentifier is the project number", async () => {
        const cfg = loadGcpConfig(
            {
                projectId: P,
                projectNumber: NUMBER,
                auditLogs: { enabled: false },
                connector: {
                    enabled: true,
                    subscriptionId: SUB,
                    resourceGroupName: "rg-defender-connectors",
                    location: "westeurope",
                    name: `gcp-${P}`,
                },
            },
            "gcp",
            { azureTenantId: "7c1e4b2a-93d5-4f68-a0b7-2e5d9c8f1a36" },
        );
        const id = connectorId(SUB, "rg-mdc", P);
        const lookup = fileGcpLookup({
            path: "t.cloud.yaml",
            sections: {
                gcp: { projects: { [P]: { clusters: [] } } },
                securityConnectors: [
                    {
                        id,
                        location: "westeurope",
                        environmentName: "GCP",
                        hierarchyIdentifier: NUMBER,
                        environmentData: {
                            environmentType: "GcpProject",
                            projectDetails: { projectId: P, projectNumber: NUMBER },
                        },
                        offerings: [
                            {
                                offeringType: "DefenderForContainersGcp",
                                mdcContainersAgentlessDiscoveryK8s: {
                                    enabled: true,
                                    workloadIdentityProviderId: "containers",
                                    serviceAccountEmailAddress: `mdc-containers-k8s-operator@${P}.iam.gserviceaccount.com`,
                                },
                            },
                        ],
                    },
                ],
            },
        });
        await takeNotes();
        const rs = await registered(() => onboardGcp(cfg, {}, cloudSource(), lookup));
        const c = rs.filter((r) => r.type === "azure-native:security:SecurityConnector");
        assert.deepEqual(
            c.map((r) => [r.op, r.importId, r.inputs.securityConnectorName, r.inputs.hierarchyIdentifier]),
            [["import", id, P, NUMBER]],
        );
        const notes = (await takeNotes()).filter((n) => n.subject === id);
        assert.deepEqual(
            notes.map((n) => n.kind),
            ["info"],
        );
    });
});
