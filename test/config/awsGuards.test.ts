import { strict as assert } from "assert";
import { endpoint, loadAwsConfig } from "../../config/aws";
import { configErrorMessage } from "../helpers/configError";

function base(): Record<string, unknown> {
    return { accountId: "123456789012", region: "eu-west-1", regions: ["eu-west-1"] };
}

const message = configErrorMessage;

describe("AWS config: an EKS endpoint's public CIDRs", () => {
    it("accepts prefixes from /0 to /32", () => {
        for (const cidr of ["0.0.0.0/0", "203.0.113.0/24", "203.0.113.7/32", "10.0.0.0/30"])
            assert.deepEqual(endpoint({ publicAccessCidrs: [cidr] }, "clusters.0.endpoint").publicAccessCidrs, [cidr]);
    });

    it("rejects a prefix over 32, naming the key and the value", () => {
        for (const cidr of ["203.0.113.7/33", "203.0.113.0/39", "10.0.0.0/320", "10.0.0.0/40"]) {
            assert.equal(
                message(() => endpoint({ publicAccessCidrs: ["198.51.100.0/24", cidr] }, "clusters.0.endpoint")),
                `config key "clusters.0.endpoint.publicAccessCidrs[1]" has value "${cidr}"; expected an IPv4 CIDR block such as 203.0.113.0/24`,
                cidr,
            );
        }
    });
});

describe("AWS config: the aws-auth username and group", () => {
    const EXPECTED =
        "expected a Kubernetes user or group name: 1 to 253 characters without spaces, not starting with system: (reserved)";

    it("rejects a group or username starting with system:, which Kubernetes reserves (system:masters is cluster admin)", () => {
        for (const key of ["group", "username"] as const) {
            for (const value of ["system:masters", "system:nodes", "system:anonymous"]) {
                assert.equal(
                    message(() => loadAwsConfig({ ...base(), awsAuth: { [key]: value } })),
                    `config key "aws.awsAuth.${key}" has value "${value}"; ${EXPECTED}`,
                    `${key} ${value}`,
                );
            }
        }
    });

    it("accepts names that only contain system: later on", () => {
        const aws = loadAwsConfig({ ...base(), awsAuth: { username: "defender-system:reader", group: "readers" } });
        assert.deepEqual([aws.awsAuth.username, aws.awsAuth.group], ["defender-system:reader", "readers"]);
    });
});

describe("AWS config: an EKS endpoint's facts", () => {
    it("defaults to EKS's own: public to 0.0.0.0/0, not private", () => {
        assert.deepEqual(endpoint(undefined, "e"), {
            publicAccess: true,
            privateAccess: false,
            publicAccessCidrs: ["0.0.0.0/0"],
        });
        assert.deepEqual(endpoint({ publicAccess: "false", privateAccess: "true", publicAccessCidrs: [] }, "e"), {
            publicAccess: false,
            privateAccess: true,
            publicAccessCidrs: [],
        });
    });

    it("refuses an endpoint neither public nor private, an unknown key and a bad switch or list, naming each", () => {
        const cases: [unknown, string][] = [
            [
                { publicAccess: false },
                'config key "e.publicAccess" has value false; expected true, or privateAccess true: an EKS endpoint is public, private or both',
            ],
            [
                { public: true },
                'config key "e.public" has value true; expected no such key; allowed keys under "e": publicAccess, privateAccess, publicAccessCidrs',
            ],
            [{ publicAccess: "yes" }, 'config key "e.publicAccess" has value "yes"; expected true or false'],
            [{ privateAccess: 1 }, 'config key "e.privateAccess" has value 1; expected true or false'],
            [
                { publicAccessCidrs: "0.0.0.0/0" },
                'config key "e.publicAccessCidrs" has value "0.0.0.0/0"; expected a list of IPv4 CIDR blocks',
            ],
            [
                { publicAccessCidrs: [24] },
                'config key "e.publicAccessCidrs[0]" has value 24; expected an IPv4 CIDR block such as 203.0.113.0/24',
            ],
            [
                { publicAccessCidrs: [["203.0.113.0/24"]] },
                'config key "e.publicAccessCidrs[0]" has value ["203.0.113.0/24"]; expected an IPv4 CIDR block such as 203.0.113.0/24',
            ],
        ];
        for (const [v, expected] of cases)
            assert.equal(
                message(() => endpoint(v, "e")),
                expected,
                JSON.stringify(v),
            );
    });
});
