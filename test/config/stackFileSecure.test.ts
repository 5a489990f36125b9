import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { readStackFile } from "../../config/stackFile";

describe("readStackFile with an encrypted value", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "stack-secure-"));
    fs.writeFileSync(
        path.join(dir, "Pulumi.enc.yaml"),
        "config:\n  agentless-discovery:cloud: aws\n  agentless-discovery:azureTenantId:\n    secure: AAABAKx0bmF0aW9u\n",
    );
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("accepts the short --config azureTenantId=... form the README shows, and the long one", () => {
        const short = readStackFile("enc", { azureTenantId: "7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f" }, dir);
        assert.equal(short.config["agentless-discovery:azureTenantId"], "7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f");
        assert.deepEqual(short.secretKeys, ["agentless-discovery:azureTenantId"]);
        const long = readStackFile(
            "enc",
            { "agentless-discovery:azureTenantId": "7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f" },
            dir,
        );
        assert.deepEqual(long.config, short.config);
    });

    it("still refuses the encrypted value without an override, naming the key and the flag", () => {
        assert.throws(
            () => readStackFile("enc", {}, dir),
            /config key "agentless-discovery:azureTenantId" in Pulumi.enc.yaml is encrypted, and the offline plan cannot decrypt it; give a value with --config agentless-discovery:azureTenantId=VALUE/,
        );
    });
});
