import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CloudStateError } from "../../../lib/errors";
import { fileAwsLookup } from "../../../lookup/aws/stateFile";
import { fileGcpLookup } from "../../../lookup/gcp/stateFile";
import { readCloudStateFile } from "../../../lookup/stateFile";
import { fileSource } from "../../../lookup/source";

const SUB = "3f2a9c1e-7b4d-4e8a-9c62-1d5e8f0a7b34";
const OTHER_SUB = "5e8c2a1f-3b7d-4c9e-8a6f-1d2e3f4a5b6c";
const ID = `/subscriptions/${SUB}/resourceGroups/rg-defender-portal/providers/Microsoft.Security/securityConnectors/aws-prod-account`;

const connector = (over: Record<string, string> = {}) =>
    Object.entries({
        id: ID,
        location: "westeurope",
        environmentName: "AWS",
        hierarchyIdentifier: '"111122223333"',
        environmentData: "{ environmentType: AwsAccount }",
        offerings:
            "[{ offeringType: DefenderForContainersAws, mdcContainersAgentlessDiscoveryK8s: { enabled: true } }]",
        ...over,
    })
        .filter(([, v]) => v !== "")
        .map(([k, v], i) => `${i === 0 ? "  - " : "    "}${k}: ${v}`)
        .join("\n");

describe("cloud-state file: securityConnectors section", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "connectors-state-"));
    after(() => fs.rmSync(dir, { recursive: true, force: true }));
    let n = 0;
    const write = (text: string) => {
        const f = path.join(dir, `s${n++}.cloud.yaml`);
        fs.writeFileSync(f, `aws: {}\ngcp: { projects: {} }\n${text}`);
        return f;
    };
    const awsLookup = (f: string) => fileAwsLookup(fileSource(f), "111122223333");

    it("answers both clouds' lookups with the connectors of the asked subscription, ids as written", async () => {
        const f = write(`securityConnectors:\n${connector()}\n${connector({ id: ID.replace(SUB, OTHER_SUB) })}\n`);
        const found = await awsLookup(f).securityConnectors(SUB.toUpperCase());
        assert.deepEqual(
            found.map((c) => [c.id, c.resourceGroupName, c.name, c.hierarchyIdentifier]),
            [[ID, "rg-defender-portal", "aws-prod-account", "111122223333"]],
        );
        assert.deepEqual(found[0].offerings, [
            { offeringType: "DefenderForContainersAws", mdcContainersAgentlessDiscoveryK8s: { enabled: true } },
        ]);
        assert.deepEqual(
            (await fileGcpLookup(readCloudStateFile(f)).securityConnectors(OTHER_SUB)).map((c) => c.subscriptionId),
            [OTHER_SUB],
        );
        assert.deepEqual(await awsLookup(write("")).securityConnectors(SUB), [], "no section: no connector exists");
    });

    const refuses = (title: string, section: string, key: string, value: unknown, allowed: string) =>
        it(title, async () => {
            const f = write(section);
            const e = await awsLookup(f)
                .securityConnectors(SUB)
                .then(
                    () => assert.fail("expected a CloudStateError"),
                    (x: unknown) => x,
                );
            assert.ok(e instanceof CloudStateError, String(e));
            assert.equal(
                e.message,
                value === undefined
                    ? `cloud-state file ${f}: key "${key}" is missing; expected ${allowed}`
                    : `cloud-state file ${f}: key "${key}" has value ${JSON.stringify(value)}; expected ${allowed}`,
            );
        });

    refuses(
        "refuses an id that is not a connector's ARM id",
        `securityConnectors:\n${connector({ id: "/subscriptions/x/resourceGroups/rg/providers/Microsoft.Security/pricings/Containers" })}\n`,
        "securityConnectors[0].id",
        "/subscriptions/x/resourceGroups/rg/providers/Microsoft.Security/pricings/Containers",
        "the connector's ARM id /subscriptions/<subscription>/resourceGroups/<group>/providers/Microsoft.Security/securityConnectors/<name>",
    );
    refuses(
        "refuses an environment name the API does not have",
        `securityConnectors:\n${connector({ environmentName: "Aws" })}\n`,
        "securityConnectors[0].environmentName",
        "Aws",
        "one of Azure, AWS, GCP, Github, AzureDevOps, GitLab, DockerHub, JFrog",
    );
    refuses(
        "refuses an account id written as a number (YAML would drop leading zeros)",
        `securityConnectors:\n${connector({ hierarchyIdentifier: "111122223333" })}\n`,
        "securityConnectors[0].hierarchyIdentifier",
        111122223333,
        'the AWS account id the connector covers: 12 digits, quoted ("123456789012")',
    );
    // A garbage identifier could never match the stack's account or project: the plan would create a
    // second connector instead of adopting this one.
    refuses(
        "refuses an AWS connector whose hierarchyIdentifier is not a 12-digit account id",
        `securityConnectors:\n${connector({ hierarchyIdentifier: '"1111-2222-3333"' })}\n`,
        "securityConnectors[0].hierarchyIdentifier",
        "1111-2222-3333",
        'the AWS account id the connector covers: 12 digits, quoted ("123456789012")',
    );
    refuses(
        "refuses a GCP connector whose hierarchyIdentifier is a project id, not the project number",
        `securityConnectors:\n${connector({ environmentName: "GCP", hierarchyIdentifier: "shop-prod", environmentData: "{ environmentType: GcpProject }" })}\n`,
        "securityConnectors[0].hierarchyIdentifier",
        "shop-prod",
        'the GCP project number the connector covers: 6 to 19 digits not starting with 0, quoted ("123456789012")',
    );
    refuses(
        "refuses a connector without hierarchyIdentifier",
        `securityConnectors:\n${connector({ hierarchyIdentifier: "" })}\n`,
        "securityConnectors[0].hierarchyIdentifier",
        undefined,
        'the AWS account id the connector covers: 12 digits, quoted ("123456789012")',
    );
    refuses(
        "refuses an unknown key of a connector",
        `securityConnectors:\n${connector({ hierarchyId: "x" })}\n`,
        "securityConnectors[0].hierarchyId",
        "x",
        `no such key; allowed keys under "securityConnectors[0]": id, location, environmentName, hierarchyIdentifier, environmentData, offerings, tags`,
    );
    refuses(
        "refuses an unknown key of AWS environment data",
        `securityConnectors:\n${connector({ environmentData: "{ environmentType: AwsAccount, region: eu-west-1 }" })}\n`,
        "securityConnectors[0].environmentData.region",
        "eu-west-1",
        `no such key; allowed keys under "securityConnectors[0].environmentData": environmentType, organizationalData, regions, accountName, scanInterval`,
    );
    refuses(
        "refuses an offering type the API does not have",
        `securityConnectors:\n${connector({ offerings: "[{ offeringType: DefenderForContainersAWS }]" })}\n`,
        "securityConnectors[0].offerings[0].offeringType",
        "DefenderForContainersAWS",
        "one of CspmMonitorAws, DefenderForContainersAws, DefenderForServersAws, DefenderForDatabasesAws, CspmMonitorGcp, CspmMonitorGithub, CspmMonitorAzureDevOps, DefenderForServersGcp, DefenderForContainersGcp, DefenderForDatabasesGcp, DefenderCspmAws, DefenderCspmGcp, CspmMonitorGitLab, CspmMonitorDockerHub, DefenderForContainersDockerHub, DefenderCspmDockerHub, CspmMonitorJFrog, DefenderForContainersJFrog, DefenderCspmJFrog",
    );
    refuses(
        "refuses azure-native's K8S spelling in an offering, naming ARM's",
        `securityConnectors:\n${connector({ offerings: "[{ offeringType: DefenderForContainersAws, mdcContainersAgentlessDiscoveryK8S: { enabled: true } }]" })}\n`,
        "securityConnectors[0].offerings[0].mdcContainersAgentlessDiscoveryK8S",
        { enabled: true },
        "an offering field as ARM spells it (camelCase: mdcContainersAgentlessDiscoveryK8s)",
    );
    refuses(
        "refuses the same connector listed twice",
        `securityConnectors:\n${connector()}\n${connector()}\n`,
        "securityConnectors[1]",
        ID,
        "each connector id listed once; it is already listed at securityConnectors[0]",
    );
    refuses(
        "refuses a section that is not a list",
        "securityConnectors: { id: x }\n",
        "securityConnectors",
        { id: "x" },
        "a list of security connectors ({ id, location, environmentName, hierarchyIdentifier, environmentData, offerings, tags })",
    );
});
