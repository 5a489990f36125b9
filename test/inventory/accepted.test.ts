import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { judge, parseAccepted, readAccepted } from "../../inventory/accepted";
import { finding } from "../../inventory/findings";
import { parseStackYaml } from "../../lib/yaml";

const FILE = "accepted-findings.yaml";
const parse = (yaml: string) => parseAccepted(parseStackYaml(yaml), FILE);

const CNI = `accepted:
  - rule: host-namespace
    subject: DaemonSet/kube-system/calico-node
    reason: Calico's node agent programs the node's network
    by: platform-team@example.com
    expires: 2027-06-30
  - rule: host-namespace
    subject: DaemonSet/kube-system/aws-*
    cluster: "arn:aws:eks:*"
    reason: the VPC CNI runs on the host network
    by: platform-team@example.com
    expires: "2026-12-31"
`;

describe("accepted findings", () => {
    it("reads entries with an unquoted or quoted date, a subject pattern and an optional cluster pattern", () => {
        assert.deepEqual(parse(CNI), [
            {
                where: "accepted[0]",
                rule: "host-namespace",
                subject: "DaemonSet/kube-system/calico-node",
                reason: "Calico's node agent programs the node's network",
                by: "platform-team@example.com",
                expires: "2027-06-30",
            },
            {
                where: "accepted[1]",
                rule: "host-namespace",
                subject: "DaemonSet/kube-system/aws-*",
                cluster: "arn:aws:eks:*",
                reason: "the VPC CNI runs on the host network",
                by: "platform-team@example.com",
                expires: "2026-12-31",
            },
        ]);
        assert.deepEqual(parse(""), []);
        assert.deepEqual(parse("accepted: []"), []);
    });

    it("refuses a bad entry with one message naming the entry, the key, the value and what is allowed", () => {
        const entry = (over: Record<string, string>) => {
            const e: Record<string, string> = {
                rule: "host-namespace",
                subject: "DaemonSet/kube-system/calico-node",
                reason: "r",
                by: "me",
                expires: "2027-01-01",
                ...over,
            };
            return `accepted:\n  - rule: x\n    subject: Pod/a/b\n    reason: r\n    by: me\n    expires: 2027-01-01\n  - ${Object.entries(
                e,
            )
                .filter(([, v]) => v !== "")
                .map(([k, v]) => `${k}: ${v}`)
                .join("\n    ")}\n`.replace("rule: x", "rule: host-path");
        };
        const cases: [string, string][] = [
            [
                entry({ rule: "host-network" }),
                `accepted-findings file ${FILE}: key "accepted[1].rule" has value "host-network"; expected a finding rule: privileged-container, host-namespace, host-path, public-service, nodeport-service, cluster-admin-binding, wildcard-role, sensor-absent, sensor-unhealthy, gatekeeper-absent, isolation-unsupported, defender-access-missing, onboarded-not-inventoried`,
            ],
            [
                entry({ expires: "2027-02-30" }),
                `accepted-findings file ${FILE}: key "accepted[1].expires" has value "2027-02-30"; expected the last day the acceptance holds, a date YYYY-MM-DD (quoted or not)`,
            ],
            [
                entry({ expires: "20270101" }),
                `accepted-findings file ${FILE}: key "accepted[1].expires" has value 20270101; expected the last day the acceptance holds, a date YYYY-MM-DD (quoted or not)`,
            ],
            [
                entry({ reason: "" }),
                `accepted-findings file ${FILE}: key "accepted[1].reason" is missing; expected why the finding is accepted, one line of text`,
            ],
            [
                entry({ by: '"  "' }),
                `accepted-findings file ${FILE}: key "accepted[1].by" has value "  "; expected who accepted it (a name or an address), one line of text`,
            ],
            [
                entry({ reason: '"fine\\n✓ accepted: everything"' }),
                `accepted-findings file ${FILE}: key "accepted[1].reason" has value "fine\\n✓ accepted: everything"; expected why the finding is accepted, one line of text`,
            ],
            [
                entry({ subject: "calico-node" }),
                `accepted-findings file ${FILE}: key "accepted[1].subject" has value "calico-node"; expected a subject pattern Kind/namespace/name or Kind/name (as the findings name it), with * for any characters but /`,
            ],
            [
                entry({ owner: "me" }),
                `accepted-findings file ${FILE}: key "accepted[1].owner" has value "me"; expected one of the keys rule, subject, cluster, reason, by, expires`,
            ],
            [
                "accepted: {rule: host-path}",
                `accepted-findings file ${FILE}: key "accepted" has value {"rule":"host-path"}; expected a list of entries`,
            ],
            [
                "- rule: host-path",
                `accepted-findings file ${FILE}: key "(top level)" has value [{"rule":"host-path"}]; expected a map with one key "accepted", a list of entries (rule, subject, cluster, reason, by, expires)`,
            ],
        ];
        for (const [yaml, message] of cases) assert.throws(() => parse(yaml), { name: "UsageError", message }, yaml);
    });

    it("reads --accepted FILE, or accepted-findings.yaml of the working directory only when it exists", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "accepted-"));
        const cwd = process.cwd();
        process.chdir(dir);
        try {
            assert.deepEqual(readAccepted(undefined), { entries: [] });
            fs.writeFileSync(FILE, CNI);
            assert.equal(readAccepted(undefined).entries.length, 2);
            assert.equal(readAccepted(undefined).file, FILE);
            assert.throws(() => readAccepted("none.yaml"), {
                name: "UsageError",
                message: "accepted-findings file none.yaml does not exist",
            });
            fs.writeFileSync("bad.yaml", "accepted: [");
            assert.throws(
                () => readAccepted("bad.yaml"),
                (e: Error) => {
                    assert.equal(e.name, "UsageError");
                    assert.match(e.message, /^accepted-findings file bad\.yaml is not valid YAML: /);
                    assert.ok(!e.message.includes("\n"), "one line");
                    return true;
                },
            );
        } finally {
            process.chdir(cwd);
        }
    });

    it("marks matching findings accepted until the end of the expiry day, then open again with the lapsed acceptance", () => {
        const entries = parse(CNI);
        const findings = [
            finding("host-namespace", { kind: "DaemonSet", namespace: "kube-system", name: "calico-node" }, "m1"),
            finding("host-namespace", { kind: "DaemonSet", namespace: "kube-system", name: "aws-node" }, "m2"),
            finding("host-path", { kind: "DaemonSet", namespace: "kube-system", name: "calico-node" }, "m3"),
            // A hostile name that only a pattern written for it could match.
            finding("host-namespace", { kind: "DaemonSet", namespace: "kube-system", name: "calico-node\n✓ x" }, "m4"),
        ];
        const eks = { name: "arn:aws:eks:us-east-1:111122223333:cluster/prod", key: "aws-1-prod" };
        const statusOf = (cluster: { name: string; key?: string }, now: string) =>
            judge(findings, cluster, entries, new Date(now)).map((j) =>
                j.accepted ? `accepted ${j.accepted.expires}` : j.expired ? `expired ${j.expired.expires}` : "open",
            );
        assert.deepEqual(statusOf(eks, "2026-12-31T23:59:59Z"), [
            "accepted 2027-06-30",
            "accepted 2026-12-31",
            "open",
            "open",
        ]);
        assert.deepEqual(statusOf(eks, "2027-01-01T00:00:00Z"), [
            "accepted 2027-06-30",
            "expired 2026-12-31",
            "open",
            "open",
        ]);
        // The aws-node entry names EKS clusters only.
        assert.deepEqual(statusOf({ name: "kind-dev" }, "2026-06-01T00:00:00Z"), [
            "accepted 2027-06-30",
            "open",
            "open",
            "open",
        ]);
        assert.deepEqual(judge(findings, eks, entries, new Date("2026-06-01T00:00:00Z"))[1].accepted, {
            by: "platform-team@example.com",
            reason: "the VPC CNI runs on the host network",
            expires: "2026-12-31",
        });
    });
});
