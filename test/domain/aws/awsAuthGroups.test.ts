import { strict as assert } from "assert";
import { AwsAuthMergeError, mergeMapRoles, parseMapRoles } from "../../../domain/aws/awsAuth";

const ROLE = "arn:aws:iam::210987654321:role/MDCContainersAgentlessDiscoveryK8sRole";
const ENTRY = { rolearn: ROLE, username: "MDCContainersAgentlessDiscoveryK8sRole", groups: ["defender-readers"] };
const existingWith = (groups: string) =>
    `- rolearn: ${ROLE}\n  username: MDCContainersAgentlessDiscoveryK8sRole\n  groups: ${groups}\n`;

describe("aws-auth merge: an existing entry whose groups are a subset or superset of the stack's", () => {
    for (const groups of ["[]", "[defender-readers, system:masters]", "[system:masters]"]) {
        it(`stops by default on groups ${groups}, which are not the stack's`, () => {
            assert.throws(
                () => mergeMapRoles(existingWith(groups), ENTRY),
                (e: Error) =>
                    e instanceof AwsAuthMergeError &&
                    e.message.startsWith(
                        `aws-auth already maps ${ROLE} to username "MDCContainersAgentlessDiscoveryK8sRole" and groups ${JSON.stringify(parseMapRoles(existingWith(groups))[0].groups)}; `,
                    ),
            );
        });

        it(`narrows groups ${groups} to exactly the stack's`, () => {
            const r = mergeMapRoles(existingWith(groups), ENTRY, "narrow");
            assert.equal(r.changed, true);
            assert.deepEqual(parseMapRoles(r.mapRoles), [ENTRY]);
        });
    }

    it("counts only the same groups, in any order, as the same entry", () => {
        const two = { ...ENTRY, groups: ["b", "a"] };
        const text = existingWith("[a, b]");
        assert.deepEqual(mergeMapRoles(text, two), { mapRoles: text, changed: false });
    });
});
