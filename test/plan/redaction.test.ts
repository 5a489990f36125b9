import { strict as assert } from "assert";
import { redactSecret, setKnownSecrets } from "../../plan/mockRuntime";

describe("plan redaction of secrets", () => {
    after(() => setKnownSecrets([]));

    it("masks the known secret inside a document and keeps the rest readable", () => {
        setKnownSecrets(["7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f"]);
        assert.equal(
            redactSecret('{"sts:RoleSessionName":"MicrosoftDefenderForClouds_7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f"}'),
            '{"sts:RoleSessionName":"MicrosoftDefenderForClouds_[secret]"}',
        );
        assert.equal(redactSecret("pool-7c1d2e3f4a5b4c6d8e9f0a1b2c3d4e5f"), "pool-[secret]");
    });

    it("hides a secret wholly when it holds no known secret, or is not text", () => {
        setKnownSecrets(["7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f"]);
        assert.equal(redactSecret("some-api-key-value"), "[secret]");
        assert.equal(redactSecret({ key: "v" }), "[secret]");
        assert.equal(redactSecret(42), "[secret]");
    });
});
