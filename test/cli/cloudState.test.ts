import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { AccessToken, TokenCredential } from "@azure/core-auth";
import { OAuth2Client } from "google-auth-library";
import { CreateClusterCommand, EKSClient, TagResourceCommand } from "@aws-sdk/client-eks";
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient, PutUserPolicyCommand } from "@aws-sdk/client-iam";
import { runCli } from "../helpers/cli";
import { Moto, motoEnv, startMoto } from "../fixtures/motoServer";
import { cloudStateCommand, CloudStateDeps } from "../../cli/cloudState";
import { liveAzureLookup } from "../../lookup/azure/live";
import { liveGcpLookup } from "../../lookup/gcp/live";
import { readCloudStateFile } from "../../lookup/stateFile";
import { readAtOf } from "../../domain/shared/cloudStateAge";
import { selfSignedCert, startCloudApiServer } from "../fixtures/cloudApiServer";
import { ARM_TOKEN, armFromState, connectorsFromState } from "../fixtures/armFromState";
import { GOOGLE_TOKEN, googleFromState } from "../fixtures/googleFromState";

const ACCOUNT = "123456789012";
const DUMMY = { accessKeyId: "testing", secretAccessKey: "testing" };

const STACK = `config:
  agentless-discovery:cloud: aws
  agentless-discovery:azureTenantId: 7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f
  agentless-discovery:aws:
    accountId: "${ACCOUNT}"
    region: eu-west-1
    regions: [eu-west-1, us-east-1]
`;

/** The file without its two header lines (when and as whom it was read). */
const body = (text: string) => text.split("\n").slice(2).join("\n");

describe("npm run cloud-state against moto_server (the CLI, as the workflows run it)", function () {
    this.timeout(180_000);
    let moto: Moto;
    let dir: string;
    let env: NodeJS.ProcessEnv;
    const file = () => path.join(dir, "aws-moto.cloud.yaml");

    before(async () => {
        moto = await startMoto();
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "cloud-state-cli-"));
        fs.writeFileSync(path.join(dir, "Pulumi.aws-moto.yaml"), STACK);
        env = { ...motoEnv(moto.url), AGENTLESS_STACKS_DIR: dir };
        const eks = new EKSClient({ region: "eu-west-1", endpoint: moto.url, credentials: DUMMY });
        await eks.send(
            new CreateClusterCommand({
                name: "shop",
                roleArn: `arn:aws:iam::${ACCOUNT}:role/eks`,
                resourcesVpcConfig: { subnetIds: ["subnet-1"] },
                tags: { team: "shop" },
            }),
        );
        eks.destroy();
    });
    after(async () => {
        await moto?.stop();
        fs.rmSync(dir, { recursive: true, force: true });
    });

    it("writes the file the plan reads (beside the stack file) with a header saying when and as whom, and nothing secret", async () => {
        const r = await runCli(["cloud-state", "--stack", "aws-moto"], { env });
        assert.equal(r.code, 0, r.stderr);
        const text = fs.readFileSync(file(), "utf8");
        const [first, second, third] = text.split("\n");
        assert.equal(
            first,
            "# Written by `npm run cloud-state -- --stack aws-moto` from the live cloud; regenerate it rather than edit it (docs/cloud-state.md).",
        );
        assert.match(second, /^# read-at: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
        // The freshness check of the pull-request gate dates the file by that line.
        const dated = readAtOf(text);
        assert.equal(dated.kind, "dated");
        assert.match(
            third,
            /^# read-as: the AWS SDK's default credentials for the stack's account 123456789012; the caller's ARN is not named: only sts:GetCallerIdentity reports it, and this project ships no STS client$/,
        );
        assert.match(r.stdout, /^wrote .*aws-moto\.cloud\.yaml from the cloud read at /);
        assert.match(body(text), /^ {4}- name: shop\n {6}region: eu-west-1\n/m);
        assert.doesNotMatch(text, /testing/, "no credential in the file");
        // The plan reads it as it is.
        assert.deepEqual(Object.keys(readCloudStateFile(file()).sections), ["description", "aws"]);
    });

    it("gives the same bytes twice from the same cloud (only the time in the header moves), and --check passes without writing", async () => {
        const before = fs.readFileSync(file(), "utf8");
        const again = await runCli(["cloud-state", "--stack", "aws-moto"], { env });
        assert.equal(again.code, 0, again.stderr);
        const after = fs.readFileSync(file(), "utf8");
        assert.equal(body(after), body(before));
        const stat = fs.statSync(file());
        const check = await runCli(["cloud-state", "--stack", "aws-moto", "--check"], { env });
        assert.equal(check.code, 0, check.stderr);
        assert.match(
            check.stdout,
            /aws-moto\.cloud\.yaml matches the cloud \(read at .* as the AWS SDK's default credentials for the stack's account 123456789012/,
        );
        assert.equal(fs.statSync(file()).mtimeMs, stat.mtimeMs, "--check never writes");
    });

    it("--check exits 1 with the difference when the cloud changed (a new cluster, a changed tag), and leaves the file as it was", async () => {
        const before = fs.readFileSync(file(), "utf8");
        const eks = new EKSClient({ region: "us-east-1", endpoint: moto.url, credentials: DUMMY });
        await eks.send(
            new CreateClusterCommand({
                name: "batch",
                roleArn: `arn:aws:iam::${ACCOUNT}:role/eks`,
                resourcesVpcConfig: { subnetIds: ["subnet-1"] },
            }),
        );
        const eu = new EKSClient({ region: "eu-west-1", endpoint: moto.url, credentials: DUMMY });
        await eu.send(
            new TagResourceCommand({
                resourceArn: `arn:aws:eks:eu-west-1:${ACCOUNT}:cluster/shop`,
                tags: { ms_defender_container_exclude_agentless: "true" },
            }),
        );
        eks.destroy();
        eu.destroy();
        const check = await runCli(["cloud-state", "--stack", "aws-moto", "--check"], { env });
        assert.equal(check.code, 1, check.stderr);
        const [head, ...diff] = check.stdout.trimEnd().split("\n");
        assert.match(
            head,
            /aws-moto\.cloud\.yaml no longer matches the cloud \(read at .*\); - the file, \+ the cloud/,
        );
        // Clusters are listed by region, then name: the new one comes after eu-west-1's.
        assert.deepEqual(diff, [
            "@@ line 15",
            '+        ms_defender_container_exclude_agentless: "true"',
            "@@ line 16",
            "+    - name: batch",
            "+      region: us-east-1",
            "+      accessEntries: []",
            "+      arn: arn:aws:eks:us-east-1:123456789012:cluster/batch",
            "+      authenticationMode: CONFIG_MAP",
            "+      enabledLogTypes: []",
            "+      endpoint:",
            "+        privateAccess: false",
            "+        publicAccess: true",
            "+        publicAccessCidrs:",
            "+          - 0.0.0.0/0",
            "+      tags: {}",
        ]);
        assert.equal(fs.readFileSync(file(), "utf8"), before, "--check never writes");
        const out = path.join(dir, "elsewhere.yaml");
        const w = await runCli(["cloud-state", "--stack", "aws-moto", "--out", out], { env });
        assert.equal(w.code, 0, w.stderr);
        assert.match(fs.readFileSync(out, "utf8"), /- name: batch\n/);
        assert.equal(fs.readFileSync(file(), "utf8"), before, "--out writes only there");
    });

    it("refuses what is not a request, with exit 2 and one line", async () => {
        const cases: [string[], string][] = [
            [["cloud-state"], "error: give the stack whose cloud is read with --stack NAME\n"],
            [
                ["cloud-state", "--stack", "aws-moto", "extra"],
                'error: unexpected argument "extra"; cloud-state takes options only (the stack is --stack NAME)\n',
            ],
            [
                ["cloud-state", "--stack", "aws-moto", "--out", path.join(dir, "no-such-dir", "x.yaml")],
                `error: --out "${path.join(dir, "no-such-dir", "x.yaml")}": the directory ${path.join(dir, "no-such-dir")} does not exist\n`,
            ],
            [
                ["cloud-state", "--stack", "aws-moto", "--out", dir],
                `error: --out ${JSON.stringify(dir)} is not a regular file; give the cloud-state file to write\n`,
            ],
            [["cloud-state", "--stack", "aws-moto", "--check=yes"], "error: option --check takes no value\n"],
        ];
        for (const [args, stderr] of cases) {
            const r = await runCli(args, { env });
            assert.deepEqual([r.code, r.stderr], [2, stderr], args.join(" "));
        }
    });
});

describe("npm run cloud-state when a lookup is denied: names the call, the scope and the cloud's reason; writes nothing", function () {
    this.timeout(180_000);
    let dir: string;
    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "cloud-state-denied-"));
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("AWS (moto_server with IAM enforced, a deployer allowed EKS reads only): exit 3, the existing file untouched", async () => {
        process.env.INITIAL_NO_AUTH_ACTION_COUNT = "3";
        let moto: Moto;
        try {
            moto = await startMoto();
        } finally {
            delete process.env.INITIAL_NO_AUTH_ACTION_COUNT;
        }
        try {
            const iam = new IAMClient({ region: "us-east-1", endpoint: moto.url, credentials: DUMMY });
            await iam.send(new CreateUserCommand({ UserName: "deployer" }));
            await iam.send(
                new PutUserPolicyCommand({
                    UserName: "deployer",
                    PolicyName: "eks-read",
                    PolicyDocument: JSON.stringify({
                        Version: "2012-10-17",
                        Statement: [
                            { Effect: "Allow", Action: ["eks:ListClusters", "eks:DescribeCluster"], Resource: "*" },
                        ],
                    }),
                }),
            );
            const key = (await iam.send(new CreateAccessKeyCommand({ UserName: "deployer" }))).AccessKey!;
            iam.destroy();
            fs.writeFileSync(path.join(dir, "Pulumi.aws-moto.yaml"), STACK);
            const existing = path.join(dir, "aws-moto.cloud.yaml");
            fs.writeFileSync(existing, "# what a person wrote\naws:\n  clusters: []\n");
            const r = await runCli(["cloud-state", "--stack", "aws-moto"], {
                env: {
                    ...motoEnv(moto.url),
                    AWS_ACCESS_KEY_ID: key.AccessKeyId!,
                    AWS_SECRET_ACCESS_KEY: key.SecretAccessKey!,
                    AGENTLESS_STACKS_DIR: dir,
                },
            });
            assert.equal(r.code, 3, r.stderr);
            assert.match(
                r.stderr,
                /^error: cloud lookup iam:ListOpenIDConnectProviders in account 123456789012 failed: AccessDenied: User: arn:aws:iam::123456789012:user\/deployer is not authorized to perform: iam:ListOpenIDConnectProviders.*; .*aws-moto\.cloud\.yaml is not written \(left as it was\)\n$/,
            );
            assert.equal(r.stdout, "");
            assert.equal(fs.readFileSync(existing, "utf8"), "# what a person wrote\naws:\n  clusters: []\n");
            assert.deepEqual(
                fs.readdirSync(dir).sort(),
                ["Pulumi.aws-moto.yaml", "aws-moto.cloud.yaml"],
                "no temporary file left",
            );
        } finally {
            await moto.stop();
        }
    });

    /** Runs the command in this process with the given lookups; what it prints on stderr and stdout. */
    async function inProcess(
        argv: string[],
        deps: CloudStateDeps,
    ): Promise<{ code: number; stderr: string; stdout: string }> {
        const [err, out] = [process.stderr.write.bind(process.stderr), process.stdout.write.bind(process.stdout)];
        let stderr = "";
        let stdout = "";
        process.stderr.write = (s: string) => ((stderr += s), true);
        process.stdout.write = ((s: string, cb?: () => void) => (
            (stdout += s),
            cb?.(),
            true
        )) as typeof process.stdout.write;
        try {
            return { code: await cloudStateCommand(argv, deps), stderr, stdout };
        } finally {
            process.stderr.write = err;
            process.stdout.write = out;
        }
    }

    it("Azure (ARM answers 403 AuthorizationFailed to the trusted access bindings of a cluster): exit 3, nothing written", async () => {
        const tls = selfSignedCert();
        const served = readCloudStateFile("examples/stacks/azure-brownfield.cloud.yaml").sections.azure as Record<
            string,
            unknown
        >;
        const cluster =
            "/subscriptions/6d0f3b2a-8c4e-4f1a-9b7d-3e2c1a0f9e8d/resourceGroups/rg-orders/providers/Microsoft.ContainerService/managedClusters/aks-orders-weu";
        const arm = await startCloudApiServer(
            armFromState(served, {
                path: `${cluster}/trustedAccessRoleBindings`,
                action: "Microsoft.ContainerService/managedClusters/trustedAccessRoleBindings/read",
            }),
            { tls },
        );
        const credential: TokenCredential = {
            getToken: async (): Promise<AccessToken> => ({
                token: ARM_TOKEN,
                expiresOnTimestamp: Date.now() + 3_600_000,
            }),
        };
        const out = path.join(dir, "azure.cloud.yaml");
        try {
            const r = await inProcess(["--stack", "azure-brownfield", "--out", out], {
                lookups: (cfg) => ({
                    cloud: "azure",
                    lookup: liveAzureLookup(cfg.azure!.subscriptionId, credential, {
                        endpoint: arm.url,
                        tlsOptions: { ca: tls.cert },
                        retryOptions: { maxRetries: 0 },
                    }),
                }),
                identity: async () => "tester",
            });
            assert.equal(r.code, 3);
            assert.equal(
                r.stderr,
                `error: cloud lookup TrustedAccessRoleBindings_List in ${cluster.slice(1)} failed: ARM answered 403 AuthorizationFailed: The client 'f3c5e2a1-0000-4000-8000-00000000000a' with object id 'f3c5e2a1-0000-4000-8000-00000000000a' does not have authorization to perform action 'Microsoft.ContainerService/managedClusters/trustedAccessRoleBindings/read' over scope '/subscriptions/6d0f3b2a-8c4e-4f1a-9b7d-3e2c1a0f9e8d' or the scope is invalid.; ${out} is not written\n`,
            );
            assert.equal(fs.existsSync(out), false);
        } finally {
            await arm.close();
        }
    });

    it("GCP (Google answers 403 PERMISSION_DENIED to the project's IAM policy): exit 3, nothing written, --check does not claim a match", async () => {
        const tls = selfSignedCert();
        const served = readCloudStateFile("examples/stacks/gcp-brownfield.cloud.yaml").sections;
        const [google, arm] = await Promise.all([
            startCloudApiServer(
                googleFromState(served.gcp as Record<string, unknown>, {
                    path: "/v1/projects/contoso-payments-prod:getIamPolicy",
                    permission: "resourcemanager.projects.getIamPolicy",
                }),
            ),
            startCloudApiServer(connectorsFromState(served.securityConnectors as Record<string, unknown>[]), { tls }),
        ]);
        const credential: TokenCredential = {
            getToken: async (): Promise<AccessToken> => ({
                token: ARM_TOKEN,
                expiresOnTimestamp: Date.now() + 3_600_000,
            }),
        };
        const deps: CloudStateDeps = {
            lookups: () => {
                const authClient = new OAuth2Client();
                authClient.setCredentials({ access_token: GOOGLE_TOKEN, expiry_date: Date.now() + 3_600_000 });
                return {
                    cloud: "gcp",
                    lookup: liveGcpLookup({
                        authClient,
                        iamEndpoint: google.url,
                        resourceManagerEndpoint: google.url,
                        container: { fallback: "rest", apiEndpoint: "127.0.0.1", port: google.port, protocol: "http" },
                        azure: {
                            credential,
                            endpoint: arm.url,
                            pipeline: { tlsOptions: { ca: tls.cert }, retryOptions: { maxRetries: 0 } },
                        },
                    }),
                };
            },
            identity: async () => "tester",
        };
        const out = path.join(dir, "gcp.cloud.yaml");
        try {
            const reason =
                "Google answered 403 PERMISSION_DENIED: Permission 'resourcemanager.projects.getIamPolicy' denied on resource 'projects/contoso-payments-prod' (or it may not exist).";
            const r = await inProcess(["--stack", "gcp-brownfield", "--out", out], deps);
            assert.equal(r.code, 3);
            assert.equal(
                r.stderr,
                `error: cloud lookup cloudresourcemanager.projects.getIamPolicy in projects/contoso-payments-prod failed: ${reason}; ${out} is not written\n`,
            );
            assert.equal(fs.existsSync(out), false);
            const c = await inProcess(["--stack", "gcp-brownfield", "--out", out, "--check"], deps);
            assert.equal(c.code, 3);
            assert.match(c.stderr, /; .*gcp\.cloud\.yaml is not checked\n$/);
            assert.equal(c.stdout, "");
        } finally {
            await Promise.all([google.close(), arm.close()]);
        }
    });
});
