import { strict as assert } from "assert";
import { parse } from "yaml";
import { AwsAuthMergeError, MapRoleEntry, mergeMapRoles, parseMapRoles } from "../../../domain/aws/awsAuth";

const ROLE = "arn:aws:iam::123456789012:role/MDCContainersAgentlessDiscoveryK8sRole";
const ENTRY: MapRoleEntry = {
    rolearn: ROLE,
    username: "MDCContainersAgentlessDiscoveryK8sRole",
    groups: ["mdc-agentless-discovery-readers"],
};

// What EKS managed node groups and eksctl write, plus a hand-edited admin entry.
const EKSCTL = `- groups:
  - system:bootstrappers
  - system:nodes
  rolearn: arn:aws:iam::123456789012:role/eksctl-prod-nodegroup-ng-1-NodeInstanceRole-1R2S3T4U5V6W
  username: system:node:{{EC2PrivateDNSName}}
- groups:
  - system:bootstrappers
  - system:nodes
  - system:node-proxier
  rolearn: arn:aws:iam::123456789012:role/eks-fargate-pod-execution-role
  username: system:node:{{SessionName}}
- rolearn: arn:aws:iam::123456789012:role/platform-admins
  username: platform-admin:{{SessionName}}
  groups:
    - system:masters
`;

// Hand-maintained Terraform output: indented list, comments, quoted values, odd spacing, no final newline.
const ODD = `    # node groups (managed by terraform, do not edit)
    - rolearn: "arn:aws:iam::123456789012:role/ng-general"
      username:   'system:node:{{EC2PrivateDNSName}}'
      groups: [ "system:bootstrappers", system:nodes ]   # inline list

    # break-glass
    - rolearn: arn:aws:iam::123456789012:role/BreakGlass
      username: break-glass
      groups:
        - ops-admins
    # trailing comment`;

describe("aws-auth mapRoles merge", () => {
    it("appends the entry after eksctl's node group and Fargate entries, keeping them byte for byte", () => {
        const { mapRoles, changed } = mergeMapRoles(EKSCTL, ENTRY);
        assert.equal(changed, true);
        assert.ok(mapRoles.startsWith(EKSCTL), "the existing text is an exact prefix of the result");
        assert.equal(
            mapRoles.slice(EKSCTL.length),
            `- rolearn: ${ROLE}\n  username: MDCContainersAgentlessDiscoveryK8sRole\n  groups:\n    - mdc-agentless-discovery-readers\n`,
        );
        const parsed = parse(mapRoles) as Record<string, unknown>[];
        assert.equal(parsed.length, 4);
        assert.deepEqual(parsed.slice(0, 3), parse(EKSCTL));
        assert.deepEqual(parsed[3], {
            rolearn: ROLE,
            username: "MDCContainersAgentlessDiscoveryK8sRole",
            groups: ["mdc-agentless-discovery-readers"],
        });
    });

    it("keeps comments, quoting and odd spacing, and appends at the list's own indentation", () => {
        const { mapRoles } = mergeMapRoles(ODD, ENTRY);
        assert.ok(
            mapRoles.startsWith(ODD + "\n"),
            "existing text untouched; a newline is added only because it had none",
        );
        assert.ok(
            mapRoles.includes(`\n    - rolearn: ${ROLE}\n      username: MDCContainersAgentlessDiscoveryK8sRole\n`),
        );
        const entries = parseMapRoles(mapRoles);
        assert.deepEqual(
            entries.map((e) => e.rolearn),
            ["arn:aws:iam::123456789012:role/ng-general", "arn:aws:iam::123456789012:role/BreakGlass", ROLE],
        );
        assert.deepEqual(entries[0].groups, ["system:bootstrappers", "system:nodes"]);
    });

    it("adds nothing when run again on its own output", () => {
        const first = mergeMapRoles(EKSCTL, ENTRY).mapRoles;
        const second = mergeMapRoles(first, ENTRY);
        assert.equal(second.changed, false);
        assert.equal(second.mapRoles, first);
        // The same holds when the entry is there in another spelling (quoted, groups inline).
        const spelled = `${EKSCTL}- {rolearn: "${ROLE}", username: MDCContainersAgentlessDiscoveryK8sRole, groups: [mdc-agentless-discovery-readers]}\n`;
        assert.deepEqual(mergeMapRoles(spelled, ENTRY), { mapRoles: spelled, changed: false });
    });

    // What Microsoft's script leaves: the same role and username, mapped to system:masters.
    const MASTERS_ENTRY = `- rolearn: ${ROLE}\n  username: MDCContainersAgentlessDiscoveryK8sRole\n  groups:\n    - system:masters\n`;
    const MASTERS = `${EKSCTL}${MASTERS_ENTRY}# kept\n`;

    it("stops by default on the same role and username with other groups, naming the entry and the choices", () => {
        for (const choice of [undefined, "stop"] as const) {
            assert.throws(
                () => mergeMapRoles(MASTERS, ENTRY, choice),
                (e: unknown) => {
                    assert.ok(e instanceof AwsAuthMergeError);
                    assert.equal(
                        e.message,
                        `aws-auth already maps ${ROLE} to username "MDCContainersAgentlessDiscoveryK8sRole" and groups ["system:masters"]; this stack would map it to ` +
                            `username "MDCContainersAgentlessDiscoveryK8sRole" and groups ["mdc-agentless-discovery-readers"]. ` +
                            'Set aws.awsAuthExisting to "keep" (leave that entry and its groups as they are), "narrow" (replace its groups with ' +
                            '["mdc-agentless-discovery-readers"]) or "stop" (the default: change nothing), then run again',
                    );
                    return true;
                },
            );
        }
    });

    it("keep: leaves that entry and everything else untouched, adding nothing", () => {
        assert.deepEqual(mergeMapRoles(MASTERS, ENTRY, "keep"), { mapRoles: MASTERS, changed: false });
    });

    it("narrow: rewrites only that entry's groups, every other byte stays", () => {
        const { mapRoles, changed } = mergeMapRoles(MASTERS, ENTRY, "narrow");
        assert.equal(changed, true);
        assert.equal(
            mapRoles,
            `${EKSCTL}- rolearn: ${ROLE}\n  username: MDCContainersAgentlessDiscoveryK8sRole\n  groups:\n    - mdc-agentless-discovery-readers\n# kept\n`,
        );
        assert.deepEqual(
            parseMapRoles(mapRoles).map((e) => e.groups),
            [
                ["system:bootstrappers", "system:nodes"],
                ["system:bootstrappers", "system:nodes", "system:node-proxier"],
                ["system:masters"],
                ["mdc-agentless-discovery-readers"],
            ],
        );
        // Run again: nothing more to do.
        assert.deepEqual(mergeMapRoles(mapRoles, ENTRY, "narrow"), { mapRoles, changed: false });
        // In the middle of an indented list, and in a flow list.
        const middle = `  - groups: [system:masters]\n    rolearn: ${ROLE}\n    username: MDCContainersAgentlessDiscoveryK8sRole\n  - rolearn: arn:aws:iam::123456789012:role/x\n    username: x\n    groups: [g]\n`;
        assert.equal(
            mergeMapRoles(middle, ENTRY, "narrow").mapRoles,
            `  - rolearn: ${ROLE}\n    username: MDCContainersAgentlessDiscoveryK8sRole\n    groups:\n      - mdc-agentless-discovery-readers\n  - rolearn: arn:aws:iam::123456789012:role/x\n    username: x\n    groups: [g]\n`,
        );
        const flow = `[{rolearn: a, username: a, groups: [g]}, {rolearn: "${ROLE}", username: MDCContainersAgentlessDiscoveryK8sRole, groups: [system:masters]}]\n`;
        assert.equal(
            mergeMapRoles(flow, ENTRY, "narrow").mapRoles,
            `[{rolearn: a, username: a, groups: [g]}, {"rolearn":"${ROLE}","username":"MDCContainersAgentlessDiscoveryK8sRole","groups":["mdc-agentless-discovery-readers"]}]\n`,
        );
    });

    it("refuses, whatever the choice, the same role under another username, even with the same groups", () => {
        const other = `${EKSCTL}- rolearn: ${ROLE}\n  username: defender\n  groups:\n    - mdc-agentless-discovery-readers\n`;
        for (const choice of ["keep", "narrow", "stop"] as const) {
            assert.throws(
                () => mergeMapRoles(other, ENTRY, choice),
                (e: unknown) => {
                    assert.ok(e instanceof AwsAuthMergeError);
                    assert.equal(
                        e.message,
                        `aws-auth already maps ${ROLE} to username "defender" and groups ["mdc-agentless-discovery-readers"]; this stack would map it to ` +
                            `username "MDCContainersAgentlessDiscoveryK8sRole" and groups ["mdc-agentless-discovery-readers"]. ` +
                            'Remove or fix that entry by hand (it is not this stack\'s to overwrite), or set aws.awsAuth.username to "defender", then run again',
                    );
                    return true;
                },
            );
        }
    });

    it("refuses a role mapped twice", () => {
        assert.throws(() => mergeMapRoles(`${MASTERS_ENTRY}${MASTERS_ENTRY}`, ENTRY, "narrow"), {
            name: "AwsAuthMergeError",
            message: `aws-auth maps ${ROLE} 2 times; which one applies is undefined. Leave one entry by hand, then run again`,
        });
    });

    it("writes the entry alone into an empty or missing mapRoles, and keeps a comment-only one", () => {
        const alone = `- rolearn: ${ROLE}\n  username: MDCContainersAgentlessDiscoveryK8sRole\n  groups:\n    - mdc-agentless-discovery-readers\n`;
        assert.equal(mergeMapRoles(undefined, ENTRY).mapRoles, alone);
        assert.equal(mergeMapRoles("", ENTRY).mapRoles, alone);
        assert.equal(mergeMapRoles("\n  \n", ENTRY).mapRoles, alone);
        assert.equal(mergeMapRoles("# no roles yet\n", ENTRY).mapRoles, `# no roles yet\n${alone}`);
    });

    it("adds into a flow list inside its brackets", () => {
        assert.equal(
            mergeMapRoles("[]\n", ENTRY).mapRoles,
            `[{"rolearn":"${ROLE}","username":"MDCContainersAgentlessDiscoveryK8sRole","groups":["mdc-agentless-discovery-readers"]}]\n`,
        );
        const one = `[ {rolearn: "arn:aws:iam::123456789012:role/ng", username: "system:node:{{EC2PrivateDNSName}}", groups: [system:nodes]} ]  # flow\n`;
        const merged = mergeMapRoles(one, ENTRY).mapRoles;
        const lastItemEnd = one.indexOf("} ]") + 1;
        assert.equal(
            merged,
            `${one.slice(0, lastItemEnd)}, {"rolearn":"${ROLE}","username":"MDCContainersAgentlessDiscoveryK8sRole","groups":["mdc-agentless-discovery-readers"]}${one.slice(lastItemEnd)}`,
        );
        assert.deepEqual(
            parseMapRoles(merged).map((e) => e.rolearn),
            ["arn:aws:iam::123456789012:role/ng", ROLE],
        );
    });

    it("quotes a username that YAML would misread", () => {
        const { mapRoles } = mergeMapRoles("", { ...ENTRY, username: "{{SessionName}}" });
        assert.ok(mapRoles.includes(`  username: "{{SessionName}}"\n`));
        assert.equal(parseMapRoles(mapRoles)[0].username, "{{SessionName}}");
    });

    it("refuses to edit what it cannot read as one list of mappings", () => {
        const cases: [string, string][] = [
            ["rolearn: x\n", "aws-auth mapRoles is not a YAML list; refusing to edit it"],
            ["- just-a-string\n", "aws-auth mapRoles item 0 is not a mapping; refusing to edit it"],
            ["- a: 1\n---\n- b: 2\n", "aws-auth mapRoles holds more than one YAML document; refusing to edit it"],
        ];
        for (const [text, message] of cases) {
            assert.throws(() => mergeMapRoles(text, ENTRY), { name: "AwsAuthMergeError", message });
        }
        assert.throws(
            () => mergeMapRoles("- rolearn: [unclosed\n", ENTRY),
            /^AwsAuthMergeError: aws-auth mapRoles is not valid YAML \(.+\); refusing to edit it$/,
        );
    });
});

describe("aws-auth mapRoles: reading and writing edge cases", () => {
    it("reads a missing mapRoles as no entries, and an entry without a usable rolearn, username or groups as empty ones", () => {
        assert.deepEqual(parseMapRoles(undefined), []);
        assert.deepEqual(parseMapRoles("- rolearn: 123\n  username: [x]\n  groups: system:masters\n- {}\n"), [
            { rolearn: "", username: "", groups: [] },
            { rolearn: "", username: "", groups: [] },
        ]);
    });

    it("names YAML's first complaint, on its first line only, when the text is not valid YAML", () => {
        assert.throws(() => mergeMapRoles("- rolearn: [unclosed\n", ENTRY), {
            name: "AwsAuthMergeError",
            message:
                "aws-auth mapRoles is not valid YAML (Flow sequence in block collection must be sufficiently indented and end with a ] at line 2, column 1:); refusing to edit it",
        });
    });

    it("is marked like a Pulumi RunError, so that the CLI and the plan print its message alone", () => {
        const e = new AwsAuthMergeError("x");
        assert.equal(e.__pulumiRunError, true);
        assert.equal(e.name, "AwsAuthMergeError");
    });

    it("quotes a username or group ending in a colon, which YAML would read as a mapping", () => {
        const { mapRoles } = mergeMapRoles("", { rolearn: ROLE, username: "defender:", groups: ["readers:"] });
        assert.equal(mapRoles, `- rolearn: ${ROLE}\n  username: "defender:"\n  groups:\n    - "readers:"\n`);
        assert.deepEqual(parseMapRoles(mapRoles)[0], { rolearn: ROLE, username: "defender:", groups: ["readers:"] });
    });

    it("narrows the last entry of a text without a final newline, adding none", () => {
        const text = `- rolearn: ${ROLE}\n  username: MDCContainersAgentlessDiscoveryK8sRole\n  groups: [system:masters]`;
        assert.equal(
            mergeMapRoles(text, ENTRY, "narrow").mapRoles,
            `- rolearn: ${ROLE}\n  username: MDCContainersAgentlessDiscoveryK8sRole\n  groups:\n    - mdc-agentless-discovery-readers`,
        );
    });

    it("stops on an entry that shares only some of the stack's groups", () => {
        const two = { ...ENTRY, groups: ["mdc-agentless-discovery-readers", "mdc-extra"] };
        const text = `- rolearn: ${ROLE}\n  username: MDCContainersAgentlessDiscoveryK8sRole\n  groups: [mdc-agentless-discovery-readers, system:masters]\n`;
        assert.throws(() => mergeMapRoles(text, two), {
            name: "AwsAuthMergeError",
            message: /^aws-auth already maps .* and groups \["mdc-agentless-discovery-readers","system:masters"\]; /,
        });
    });

    it("narrows the first entry of a text whose last line has no newline, keeping the line break between them", () => {
        const text = `- rolearn: ${ROLE}\n  username: MDCContainersAgentlessDiscoveryK8sRole\n  groups: [system:masters]\n- rolearn: x\n  username: x`;
        assert.equal(
            mergeMapRoles(text, ENTRY, "narrow").mapRoles,
            `- rolearn: ${ROLE}\n  username: MDCContainersAgentlessDiscoveryK8sRole\n  groups:\n    - mdc-agentless-discovery-readers\n- rolearn: x\n  username: x`,
        );
    });

    it("quotes a name starting with a YAML indicator (alias, tag, anchor)", () => {
        for (const username of ["*admin", "!defender", "&readers"]) {
            const { mapRoles } = mergeMapRoles("", { ...ENTRY, username });
            assert.ok(mapRoles.includes(`  username: ${JSON.stringify(username)}\n`), username);
            assert.equal(parseMapRoles(mapRoles)[0].username, username);
        }
    });
});
