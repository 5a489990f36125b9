import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { diffPlans, renderChangesText } from "../../plan/diff";
import { PlanDocument } from "../../plan/document";
import { renderMarkdown, renderTable } from "../../plan/format";
import { planJson, runCli } from "../helpers/cli";

type R = PlanDocument["resources"][number];
const role: R = {
    type: "aws:iam/role:Role",
    name: "discovery-role",
    parent: "discovery",
    op: "create",
    inputs: { name: "MDCContainersAgentlessDiscoveryK8sRole" },
};
const entry = (cluster: string): R => ({
    type: "aws:eks/accessEntry:AccessEntry",
    name: `eks-eu-west-1-${cluster}`,
    parent: "access",
    op: "create",
    inputs: { clusterName: cluster },
});

describe("plan drift: a plan against a saved one", () => {
    it("adds the resources of a cluster that appeared and removes those of one that disappeared", () => {
        const c = diffPlans(
            { resources: [role, entry("a"), entry("b")] },
            { resources: [role, entry("b"), entry("c")] },
            "old.json",
        );
        assert.deepEqual(c.added, [{ type: "aws:eks/accessEntry:AccessEntry", name: "eks-eu-west-1-c", op: "create" }]);
        assert.deepEqual(c.removed, [
            { type: "aws:eks/accessEntry:AccessEntry", name: "eks-eu-west-1-a", op: "create" },
        ]);
        assert.deepEqual(c.changed, []);
    });

    it("shows a create that became an import (Defender made the object in between) and changed inputs by path", () => {
        const adopted: R = {
            ...role,
            op: "import",
            importId: "MDCContainersAgentlessDiscoveryK8sRole",
            inputs: { name: "MDCContainersAgentlessDiscoveryK8sRole", tags: { a: "1" } },
        };
        const c = diffPlans({ resources: [role] }, { resources: [adopted] }, "old.json");
        assert.deepEqual(c.changed, [
            { type: "aws:iam/role:Role", name: "discovery-role", fields: ["importId", "inputs.tags.a", "op"] },
        ]);
        assert.deepEqual(renderChangesText(c), [
            "CHANGES AGAINST old.json: 0 added, 0 removed, 1 changed",
            "  ~ aws:iam/role:Role discovery-role: importId, inputs.tags.a, op",
        ]);
    });

    it("prints each resource's op in the table and the markdown", () => {
        const doc: PlanDocument = {
            stack: "s",
            violations: [],
            notes: [],
            resources: [
                role,
                { ...entry("a"), op: "import", importId: "eks-a:arn:aws:iam::123456789012:role/R" },
                {
                    type: "kubernetes:core/v1:ConfigMap",
                    name: "aws-auth-current",
                    parent: "",
                    op: "read",
                    id: "kube-system/aws-auth",
                    inputs: {},
                },
            ],
        };
        const table = renderTable(doc);
        assert.match(
            table,
            /^Plan for stack s: 3 resources \(1 create, 1 import, 1 read\), 0 policy violations \(0 mandatory\)$/m,
        );
        assert.match(
            table,
            /^import {2}aws:eks\/accessEntry:AccessEntry +eks-eu-west-1-a +access\n {4}\(import eks-a:arn:aws:iam::123456789012:role\/R\)$/m,
        );
        assert.match(
            table,
            /^read {4}kubernetes:core\/v1:ConfigMap +aws-auth-current +-\n {4}\(read kube-system\/aws-auth\)$/m,
        );
        const md = renderMarkdown(doc);
        assert.match(md, /^\| create \| `aws:iam\/role:Role` \| `discovery-role` \| `discovery` \|$/m);
        assert.match(
            md,
            /^\| import eks-a:arn:aws:iam::123456789012:role\/R \| `aws:eks\/accessEntry:AccessEntry` \|/m,
        );
    });

    it("npm run plan -- --against: the saved plan of the same stack shows no change, a doctored one shows what differs", async () => {
        const saved = await planJson("aws-dev");
        assert.equal(saved.code, 0, saved.stderr);
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-against-"));
        const same = path.join(dir, "same.json");
        fs.writeFileSync(same, saved.stdout);
        const doc = JSON.parse(saved.stdout) as PlanDocument;
        const gone = doc.resources.find((r) => r.type === "aws:eks/accessEntry:AccessEntry")!;
        doc.resources = doc.resources.filter((r) => r !== gone);
        const older = path.join(dir, "older.json");
        fs.writeFileSync(older, JSON.stringify(doc));

        const a = await runCli(["plan", "--stack", "aws-dev", "--format", "json", "--against", same]);
        assert.equal(a.code, 0, a.stderr);
        assert.deepEqual(JSON.parse(a.stdout).changes, { against: same, added: [], removed: [], changed: [] });
        const b = await runCli(["plan", "--stack", "aws-dev", "--against", older]);
        assert.equal(b.code, 0, b.stderr);
        assert.ok(
            b.stdout.includes(
                `CHANGES AGAINST ${older}: 1 added, 0 removed, 0 changed\n  + ${gone.op} ${gone.type} ${gone.name}\n`,
            ),
            b.stdout.slice(-600),
        );
        const bad = await runCli(["plan", "--stack", "aws-dev", "--against", path.join(dir, "none.json")]);
        assert.equal(bad.code, 2);
        assert.match(bad.stderr, /--against .*none\.json: no such file/);
    });
});
