import { strict as assert } from "assert";
import { loadStackConfig } from "../../config";

const TENANT = "7c1e4b2a-93d5-4f68-a0b7-2e5d9c8f1a36";
const stacks = {
    aws: (v?: unknown) => ({
        cloud: "aws",
        azureTenantId: TENANT,
        aws: { accountId: "123456789012", region: "eu-west-1", ...(v === undefined ? {} : { lookupConcurrency: v }) },
    }),
    azure: (v?: unknown) => ({
        cloud: "azure",
        azure: {
            subscriptionId: "3f2a9c1e-7b4d-4e8a-9c62-1d5e8f0a7b34",
            location: "westeurope",
            ...(v === undefined ? {} : { lookupConcurrency: v }),
        },
    }),
    gcp: (v?: unknown) => ({
        cloud: "gcp",
        azureTenantId: TENANT,
        gcp: {
            projectId: "contoso-payments-prod",
            projectNumber: "482915736204",
            connector: { enabled: false },
            ...(v === undefined ? {} : { lookupConcurrency: v }),
        },
    }),
};
const concurrency = (cloud: keyof typeof stacks, v?: unknown) => {
    const cfg = loadStackConfig("t", stacks[cloud](v));
    return cfg[cloud]!.lookupConcurrency;
};

describe("<cloud>.lookupConcurrency", () => {
    for (const cloud of ["aws", "azure", "gcp"] as const) {
        it(`${cloud}: 8 by default; 1, 64 and the digits pulumi config set stores are read`, () => {
            assert.equal(concurrency(cloud), 8);
            assert.equal(concurrency(cloud, 1), 1);
            assert.equal(concurrency(cloud, 64), 64);
            assert.equal(concurrency(cloud, "16"), 16);
        });

        it(`${cloud}: refuses 0, 65, a fraction, a word and a boolean, naming the key, the value and the range`, () => {
            for (const [bad, shown] of [
                [0, "0"],
                [65, "65"],
                [2.5, "2.5"],
                ["eight", '"eight"'],
                [true, "true"],
                ["-3", '"-3"'],
            ] as const) {
                assert.throws(() => concurrency(cloud, bad), {
                    name: "ConfigError",
                    message:
                        `config key "${cloud}.lookupConcurrency" has value ${shown}; expected an integer from 1 to 64: ` +
                        "how many lookup calls run at once (default 8; 1 reads one cluster at a time)",
                });
            }
        });
    }
});
