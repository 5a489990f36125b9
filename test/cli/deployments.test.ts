import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runCli } from "../helpers/cli";

const SUB = "9b1c4e2a-5d3f-4a6b-8c7d-2e1f0a9b8c7d";

/** A stacks/ folder with three deployed stacks (AWS with a connector, an Azure stack with clusters on three clouds, GCP). */
function workspace(deployments?: string) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "deployments-"));
    const stacks = path.join(dir, "stacks");
    fs.mkdirSync(stacks);
    const write = (name: string, text: string) => fs.writeFileSync(path.join(stacks, name), text);
    write(
        "Pulumi.prod-aws.yaml",
        `config:\n  agentless-discovery:cloud: aws\n  agentless-discovery:aws:\n    accountId: "111122223333"\n    connector: { enabled: true, subscriptionId: ${SUB} }\n`,
    );
    write(
        "Pulumi.lab.yaml",
        `config:
  agentless-discovery:cloud: azure
  agentless-discovery:azure: { subscriptionId: ${SUB} }
  agentless-discovery:kubernetes:
    clusters:
      - name: aks-lab
        kind: aks
        resourceId: /subscriptions/${SUB}/resourceGroups/rg-lab/providers/Microsoft.ContainerService/managedClusters/aks-lab
        region: westeurope
        access: { context: aks-lab }
      - name: eks-lab
        kind: eks
        accountId: "123456789012"
        region: eu-west-1
        clusterName: lab-dublin
        access: { context: eks-lab }
      - name: gke-lab
        kind: gke
        projectId: contoso-lab
        location: europe-west1
        access: { context: gke-lab }
`,
    );
    write(
        "Pulumi.proj.yaml",
        "config:\n  agentless-discovery:cloud: gcp\n  agentless-discovery:gcp: { projectId: contoso-payments-prod }\n",
    );
    write(
        "deployments.yaml",
        deployments ??
            `freshness: { maxAgeDays: 7, onStale: warn }
deployments:
  - { stack: prod-aws, cloud: aws, account: "111122223333", regions: [eu-west-1], environment: aws-prod, logins: [azure] }
  - { stack: lab, cloud: azure, account: ${SUB}, regions: [westeurope], environment: lab, logins: [aws, gcp] }
  - { stack: proj, cloud: gcp, account: contoso-payments-prod, regions: [europe-west1], environment: gcp-prod }
`,
    );
    return { dir, stacks, env: { AGENTLESS_STACKS_DIR: stacks } };
}

describe("npm run deployments", () => {
    it("matrix: one line of JSON, one job per deployed stack, a stack with clusters marked for their credentials", async () => {
        const w = workspace();
        const r = await runCli(["deployments", "matrix"], { env: w.env });
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stdout.split("\n").length, 2, "one line and its newline: a GITHUB_OUTPUT value");
        const jobs = JSON.parse(r.stdout) as Record<string, unknown>[];
        assert.deepEqual(
            jobs.map((j) => [j.stack, j.environment, j.aws, j.azure, j.gcp, j.kubernetes]),
            [
                ["prod-aws", "aws-prod", true, true, false, false],
                ["lab", "lab", true, true, true, true],
                ["proj", "gcp-prod", false, false, true, false],
            ],
        );
    });

    it("a bad entry stops with exit 2 and one line naming the file, the entry, the key, the value and what is allowed", async () => {
        const w = workspace(
            `deployments:\n  - { stack: prod-aws, cloud: aws, account: "111122223333", regions: [eu-west-1, us-easst-1], environment: aws-prod, logins: [azure] }\n`,
        );
        const r = await runCli(["deployments", "matrix"], { env: w.env, cwd: w.dir });
        assert.equal(r.code, 2);
        assert.equal(
            r.stderr,
            'error: stacks/deployments.yaml: entry "prod-aws": key "deployments[0].regions[1]" has value "us-easst-1"; expected an AWS region: <area>-<direction>-<number> such as eu-west-1, with area one of us, eu, ap, sa, ca, me, af, il, mx, cn, us-gov, us-iso, us-isob, eu-isoe, us-isof, eusc-de and direction one of north, south, east, west, central, northeast, northwest, southeast, southwest\n',
        );
        assert.equal(r.stdout, "");
    });

    it("an entry must be a stack of stacks/ (never an example) that agrees with its stack file", async () => {
        const missing = workspace(
            'deployments:\n  - { stack: aws-dev, cloud: aws, account: "123456789012", regions: [eu-west-1], environment: dev }\n',
        );
        const r = await runCli(["deployments", "matrix"], { env: missing.env, cwd: missing.dir });
        assert.equal(r.code, 2);
        assert.equal(
            r.stderr,
            'error: stacks/deployments.yaml: entry "aws-dev": key "deployments[0].stack" has value "aws-dev"; expected a stack of stacks/ (there is no stacks/Pulumi.aws-dev.yaml; an example stack is never deployed)\n',
        );
        const noLogin = workspace(
            `deployments:\n  - { stack: lab, cloud: azure, account: ${SUB}, regions: [westeurope], environment: lab, logins: [aws] }\n`,
        );
        const r2 = await runCli(["deployments", "matrix"], { env: noLogin.env, cwd: noLogin.dir });
        assert.equal(r2.code, 2);
        assert.equal(
            r2.stderr,
            'error: stacks/deployments.yaml: entry "lab": key "deployments[0].logins" has value ["aws"]; expected a list that includes gcp: stacks/Pulumi.lab.yaml reads gcp (its GKE cluster "gke-lab"), so the job must log into it\n',
        );
    });

    describe("freshness", () => {
        const now = "2026-12-07T02:30:00Z";
        const withFiles = (onStale: "warn" | "fail") => {
            const w = workspace();
            const text = fs.readFileSync(path.join(w.stacks, "deployments.yaml"), "utf8");
            fs.writeFileSync(
                path.join(w.stacks, "deployments.yaml"),
                text.replace("onStale: warn", `onStale: ${onStale}`),
            );
            fs.writeFileSync(path.join(w.stacks, "prod-aws.cloud.yaml"), "# read-at: 2026-12-05T02:30:00Z\naws: {}\n");
            fs.writeFileSync(path.join(w.stacks, "lab.cloud.yaml"), "# read-at: 2026-11-20T02:30:00Z\nazure: {}\n");
            fs.writeFileSync(path.join(w.stacks, "proj.cloud.yaml"), "# by hand\ngcp: {}\n");
            return w;
        };

        it("warns about each file older than maxAgeDays or undated, and passes, under onStale: warn", async () => {
            const w = withFiles("warn");
            const r = await runCli(["deployments", "freshness", "--now", now, "--annotate"], {
                env: w.env,
                cwd: w.dir,
            });
            assert.equal(r.code, 0, r.stderr);
            assert.deepEqual(r.stdout.trimEnd().split("\n"), [
                "ok    stacks/prod-aws.cloud.yaml: read at 2026-12-05T02:30:00.000Z, 2.0 days ago (at most 7)",
                "warn  stacks/lab.cloud.yaml: read at 2026-11-20T02:30:00.000Z, 17.0 days ago, more than 7; run npm run cloud-state -- --stack lab (or the cloud-state workflow) and commit the file",
                "::warning file=stacks/lab.cloud.yaml,title=cloud-state file not fresh::stacks/lab.cloud.yaml: read at 2026-11-20T02:30:00.000Z, 17.0 days ago, more than 7; run npm run cloud-state -- --stack lab (or the cloud-state workflow) and commit the file",
                'warn  stacks/proj.cloud.yaml: no "# read-at: <time>" header, so its age is unknown (written by hand?); run npm run cloud-state -- --stack proj (or the cloud-state workflow) and commit the file',
                '::warning file=stacks/proj.cloud.yaml,title=cloud-state file not fresh::stacks/proj.cloud.yaml: no "# read-at: <time>" header, so its age is unknown (written by hand?); run npm run cloud-state -- --stack proj (or the cloud-state workflow) and commit the file',
                "WARN: 1 of 3 deployed stacks' cloud-state files read within 7 days (freshness.onStale is warn)",
            ]);
        });

        it("fails (exit 1) under onStale: fail, a missing file counting as not fresh", async () => {
            const w = withFiles("fail");
            fs.unlinkSync(path.join(w.stacks, "proj.cloud.yaml"));
            const r = await runCli(["deployments", "freshness", "--now", now], { env: w.env, cwd: w.dir });
            assert.equal(r.code, 1, r.stderr);
            assert.deepEqual(r.stdout.trimEnd().split("\n"), [
                "ok    stacks/prod-aws.cloud.yaml: read at 2026-12-05T02:30:00.000Z, 2.0 days ago (at most 7)",
                "FAIL  stacks/lab.cloud.yaml: read at 2026-11-20T02:30:00.000Z, 17.0 days ago, more than 7; run npm run cloud-state -- --stack lab (or the cloud-state workflow) and commit the file",
                "FAIL  stacks/proj.cloud.yaml does not exist; run npm run cloud-state -- --stack proj and commit the file",
                "FAIL: 1 of 3 deployed stacks' cloud-state files read within 7 days",
            ]);
            for (const stack of ["lab", "proj"])
                fs.writeFileSync(
                    path.join(w.stacks, `${stack}.cloud.yaml`),
                    "# read-at: 2026-12-06T00:00:00Z\nx: {}\n",
                );
            const all = await runCli(["deployments", "freshness", "--now", "2026-12-08T00:00:00Z"], {
                env: w.env,
                cwd: w.dir,
            });
            assert.equal(all.code, 0, all.stdout);
            assert.match(all.stdout, /\nPASS: 3 of 3 deployed stacks' cloud-state files read within 7 days\n$/);
        });

        it("refuses a --now that is not a time, and an option of another command", async () => {
            const w = withFiles("warn");
            const r = await runCli(["deployments", "freshness", "--now", "soon"], { env: w.env });
            assert.equal(r.code, 2);
            assert.equal(
                r.stderr,
                'error: --now "soon" is not a time; expected an ISO 8601 time such as 2026-12-07T02:30:00Z\n',
            );
            const o = await runCli(["deployments", "freshness", "--stack", "lab"], { env: w.env });
            assert.equal(o.code, 2);
            assert.equal(o.stderr, "error: option --stack does not apply to freshness\n");
        });
    });

    describe("kube-credentials", () => {
        /** Stand-ins for the clouds' CLIs: each records its arguments and KUBECONFIG; FAIL_<NAME>=1 makes one fail. */
        function standIns(dir: string) {
            const bin = path.join(dir, "bin");
            fs.mkdirSync(bin);
            for (const name of ["az", "aws", "gcloud", "kubelogin", "kubectl"])
                fs.writeFileSync(
                    path.join(bin, name),
                    `#!/usr/bin/env bash\necho "${name} $* [KUBECONFIG=$KUBECONFIG]" >> "${path.join(dir, "calls.log")}"\n[ -z "$FAIL_${name.toUpperCase()}" ] || { echo "denied" >&2; exit 3; }\n`,
                    { mode: 0o755 },
                );
            return bin;
        }

        it("writes each cluster's context through its cloud's CLI, into the kubeconfig KUBECONFIG names", async () => {
            const w = workspace();
            const bin = standIns(w.dir);
            const kubeconfig = path.join(w.dir, "kube", "config");
            const r = await runCli(["deployments", "kube-credentials", "--stack", "lab"], {
                env: { ...w.env, PATH: `${bin}:${process.env.PATH}`, KUBECONFIG: kubeconfig },
            });
            assert.equal(r.code, 0, r.stderr);
            assert.deepEqual(fs.readFileSync(path.join(w.dir, "calls.log"), "utf8").trimEnd().split("\n"), [
                `az aks get-credentials --subscription ${SUB} --resource-group rg-lab --name aks-lab --context aks-lab --file ${kubeconfig} --overwrite-existing [KUBECONFIG=${kubeconfig}]`,
                `aws eks update-kubeconfig --name lab-dublin --region eu-west-1 --alias eks-lab --kubeconfig ${kubeconfig} [KUBECONFIG=${kubeconfig}]`,
                `gcloud container clusters get-credentials gke-lab --location europe-west1 --project contoso-lab [KUBECONFIG=${kubeconfig}]`,
                `kubectl config rename-context gke_contoso-lab_europe-west1_gke-lab gke-lab --kubeconfig ${kubeconfig} [KUBECONFIG=${kubeconfig}]`,
                `kubelogin convert-kubeconfig --login azurecli --kubeconfig ${kubeconfig} [KUBECONFIG=${kubeconfig}]`,
            ]);
            assert.ok(fs.statSync(path.dirname(kubeconfig)).isDirectory(), "the kubeconfig's folder is made");
        });

        it("stops at the first plug-in that fails (exit 1), naming the command and the cluster", async () => {
            const w = workspace();
            const bin = standIns(w.dir);
            const r = await runCli(["deployments", "kube-credentials", "--stack", "lab"], {
                env: { ...w.env, PATH: `${bin}:${process.env.PATH}`, KUBECONFIG: path.join(w.dir, "k"), FAIL_AWS: "1" },
            });
            assert.equal(r.code, 1);
            assert.equal(r.stderr, "denied\nerror: aws eks update-kubeconfig exited with 3 for eks-lab\n");
            assert.equal(fs.readFileSync(path.join(w.dir, "calls.log"), "utf8").trimEnd().split("\n").length, 2);
        });

        it("refuses a stack that is not deployed", async () => {
            const w = workspace();
            const r = await runCli(["deployments", "kube-credentials", "--stack", "k8s-dev"], { env: w.env });
            assert.equal(r.code, 2);
            assert.equal(
                r.stderr,
                'error: --stack "k8s-dev" is not deployed: ' +
                    path.relative(process.cwd(), path.join(w.stacks, "deployments.yaml")) +
                    " lists prod-aws, lab, proj\n",
            );
        });
    });
});
